"""Command line: train PPO on a gymnasium environment and write the evaluations to a CSV.

    python -m ppo_core.train --env CartPole-v1 --seed 0 --total-steps 100000 \\
        --eval-every 5000 --eval-episodes 10 --csv out.csv

Every field of :class:`ppo_core.PPOConfig` is an option (``--learning-rate``, ``--objective``,
``--no-anneal-lr``, ...); ``--help`` lists them with their meanings. The CSV has one row per
evaluation: ``env_steps``, ``train_seconds`` (wall clock of training, evaluation excluded),
``eval_mean_return``, ``eval_std_return``.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import sys
import typing

from .config import PPOConfig
from .trainer import save_checkpoint, train

CSV_COLUMNS = ("env_steps", "train_seconds", "eval_mean_return", "eval_std_return")


def _optional_float(text: str):
    return None if text.lower() == "none" else float(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ppo_core.train", description="Train PPO (ppo_core) on a gymnasium env.",
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    hints = typing.get_type_hints(PPOConfig)
    for field in dataclasses.fields(PPOConfig):
        flag = "--env" if field.name == "env_id" else "--" + field.name.replace("_", "-")
        help_text = field.metadata.get("help", "")
        kind = hints[field.name]
        if kind is bool:
            parser.add_argument(flag, dest=field.name, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        elif field.name == "hidden_sizes":
            parser.add_argument(flag, dest=field.name, type=int, nargs="+", default=None, help=help_text)
        elif field.name in ("max_grad_norm", "early_stop_kl"):
            parser.add_argument(flag, dest=field.name, type=_optional_float, default=None, help=help_text + " ('none' to disable)")
        else:
            parser.add_argument(flag, dest=field.name, type={int: int, float: float, str: str}[kind], default=None, help=help_text)
    parser.add_argument("--csv", help="write one row per evaluation to this CSV file")
    parser.add_argument("--save", help="save the trained agent and its config to this checkpoint file")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def config_from_args(args: argparse.Namespace) -> PPOConfig:
    """The env's defaults (PPOConfig.for_env) with every option given on the command line applied."""
    given = {f.name: getattr(args, f.name) for f in dataclasses.fields(PPOConfig) if getattr(args, f.name) is not None}
    if "hidden_sizes" in given:
        given["hidden_sizes"] = tuple(given["hidden_sizes"])
    env_id = given.pop("env_id", PPOConfig.env_id)
    return PPOConfig.for_env(env_id, **given)


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = config_from_args(args)
    except (ValueError, TypeError) as err:
        parser.error(str(err))
    agent, history = train(config, progress=not args.quiet)
    if args.csv:
        with open(args.csv, "w", newline="") as file:
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


if __name__ == "__main__":
    sys.exit(main())
