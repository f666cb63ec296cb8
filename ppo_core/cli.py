"""Command line: train PPO on a gymnasium environment and write the evaluations to a CSV.

    python -m ppo_core --env CartPole-v1 --seed 0 --total-steps 100000 --csv out.csv
    python -m ppo_core --env Pendulum-v1 --help     # every option with Pendulum-v1's default

Every field of :class:`ppo_core.PPOConfig` is an option (``--learning-rate``, ``--objective``,
``--no-anneal-lr``, ...). The defaults are ``PPOConfig.for_env(--env)``'s, and ``--help`` shows
them for the environment given. The CSV has one row per evaluation: ``env_steps``,
``train_seconds`` (wall clock of training, evaluation excluded), ``eval_mean_return``,
``eval_std_return``.

Notebook: 05_ppo_cartpole.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import sys
import typing
import warnings
from pathlib import Path

from .config import TUNED_ENVS, PPOConfig
from .trainer import save_checkpoint, train

CSV_COLUMNS = ("env_steps", "train_seconds", "eval_mean_return", "eval_std_return")


def _optional_float(text: str):
    return None if text.lower() == "none" else float(text)


def build_parser(env_id: str = "CartPole-v1") -> argparse.ArgumentParser:
    """The argument parser, with ``PPOConfig.for_env(env_id)``'s values as the defaults it shows."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        defaults = PPOConfig.for_env(env_id) if env_id in TUNED_ENVS else PPOConfig(env_id=env_id)
    parser = argparse.ArgumentParser(
        prog="python -m ppo_core", description="Train PPO (ppo_core) on a gymnasium environment.",
        epilog=f"Defaults shown are {env_id}'s" + ("" if env_id in TUNED_ENVS else " (no tuned defaults: CartPole-v1's)")
        + f". Tuned environments: {', '.join(TUNED_ENVS)}. total_steps is rounded up to whole rollouts.")
    hints = typing.get_type_hints(PPOConfig)
    for field in dataclasses.fields(PPOConfig):
        flag = "--env" if field.name == "env_id" else "--" + field.name.replace("_", "-")
        default = getattr(defaults, field.name)
        shown = " ".join(map(str, default)) if isinstance(default, tuple) else default
        help_text = f"{field.metadata.get('help', '')} (default: {shown})"
        kind = hints[field.name]
        if kind is bool:
            parser.add_argument(flag, dest=field.name, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        elif field.name == "hidden_sizes":
            parser.add_argument(flag, dest=field.name, type=int, nargs="+", default=None, metavar="WIDTH", help=help_text)
        elif typing.get_origin(kind) is not None:  # float | None
            parser.add_argument(flag, dest=field.name, type=_optional_float, default=None, metavar="FLOAT|none", help=help_text)
        else:
            parser.add_argument(flag, dest=field.name, type=kind, default=None, help=help_text)
    parser.add_argument("--csv", help="write one row per evaluation to this CSV file")
    parser.add_argument("--save", help="save the trained agent and its config to this checkpoint file")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def config_from_args(args: argparse.Namespace) -> PPOConfig:
    """``PPOConfig.for_env(--env)`` with every option given on the command line applied."""
    given = {f.name: getattr(args, f.name) for f in dataclasses.fields(PPOConfig) if getattr(args, f.name) is not None}
    if "hidden_sizes" in given:
        given["hidden_sizes"] = tuple(given["hidden_sizes"])
    env_id = given.pop("env_id", PPOConfig.env_id)
    return PPOConfig.for_env(env_id, **given)


def main(argv=None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    probe = argparse.ArgumentParser(add_help=False)
    probe.add_argument("--env", default=PPOConfig.env_id)
    env_id = probe.parse_known_args(argv)[0].env
    parser = build_parser(env_id)
    args = parser.parse_args(argv)
    for option in ("csv", "save"):
        target = getattr(args, option)
        if target and (Path(target).is_dir() or not Path(target).resolve().parent.is_dir()):
            parser.error(f"--{option} {target}: give a file name in an existing folder.")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            config = config_from_args(args)
            if config.env_id not in TUNED_ENVS:
                from .envs import make_vec_env
                make_vec_env(config.env_id, 1).close()  # an unknown id or unsupported spaces fail here, before training
    except (ValueError, TypeError) as err:
        parser.error(str(err))
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    if config.total_steps % config.batch_size:
        print(f"note: total_steps={config.total_steps} is rounded up to {config.num_updates * config.batch_size} "
              f"(whole rollouts of {config.num_envs} envs x {config.num_steps} steps)", file=sys.stderr)
    agent, history = train(config, progress=not args.quiet)
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            for row in history.evals:
                writer.writerow({key: row[key] for key in CSV_COLUMNS})
    if args.save:
        save_checkpoint(args.save, agent, config)
    last = history.evals[-1]
    print(f"{config.env_id}, seed {config.seed}: {last['env_steps']} env steps in {last['train_seconds']:.1f} s of training, "
          f"final evaluation return {last['eval_mean_return']:.1f} ± {last['eval_std_return']:.1f}")
    return 0
