"""The PPO paper's Table 1 on classic control: a grid of (setting, env, seed) runs, one CSV row each.

    python -m ppo_core.sweep --out ppo_core/results/table1.csv                  # the full grid, 2 processes
    python -m ppo_core.sweep --settings none clip_0.2 --envs CartPole-v1 --seeds 2 --out small.csv
    python -m ppo_core.sweep --backend ray --ray-address auto --out table1.csv   # on a Ray cluster
    python -m ppo_core.sweep --table ppo_core/results/table1.csv               # print the normalized table

Every run is ``train(config)`` with the environment's base settings (``GRID_BASES``: its tuned
defaults in ppo_core 0.2.0, frozen so that the shipped grid reproduces), the setting's objective,
and, for every setting alike, no clip annealing, no KL early stopping and the exact KL in the
penalty. Runs are deterministic per seed, so the process pool and Ray give the same rows. Scores
are normalized as in the paper (Sec. 6.1): each run scores the mean return of its last 100
training episodes; per environment, a random policy maps to 0 and the best setting's mean to 1.

Notebook: 07_table1.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import math
import sys
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

from .config import PPOConfig
from .parallel import run_in_workers

# The 11 rows of the PPO paper's Table 1: id -> (label, PPOConfig fields). beta starts at 1 (the paper's caption).
SETTINGS = {
    "none": ("No clipping or penalty", dict(objective="none")),
    "clip_0.1": ("Clipping, ε = 0.1", dict(objective="clip", clip_eps=0.1)),
    "clip_0.2": ("Clipping, ε = 0.2", dict(objective="clip", clip_eps=0.2)),
    "clip_0.3": ("Clipping, ε = 0.3", dict(objective="clip", clip_eps=0.3)),
    "adaptive_kl_0.003": ("Adaptive KL, d_targ = 0.003", dict(objective="kl_adaptive", kl_target=0.003, kl_coef=1.0)),
    "adaptive_kl_0.01": ("Adaptive KL, d_targ = 0.01", dict(objective="kl_adaptive", kl_target=0.01, kl_coef=1.0)),
    "adaptive_kl_0.03": ("Adaptive KL, d_targ = 0.03", dict(objective="kl_adaptive", kl_target=0.03, kl_coef=1.0)),
    "fixed_kl_0.3": ("Fixed KL, β = 0.3", dict(objective="kl_fixed", kl_coef=0.3)),
    "fixed_kl_1": ("Fixed KL, β = 1", dict(objective="kl_fixed", kl_coef=1.0)),
    "fixed_kl_3": ("Fixed KL, β = 3", dict(objective="kl_fixed", kl_coef=3.0)),
    "fixed_kl_10": ("Fixed KL, β = 10", dict(objective="kl_fixed", kl_coef=10.0)),
}

# The paper's average normalized scores (Table 1: 7 MuJoCo tasks, 3 seeds each, 1M steps).
PAPER_SCORES = {"none": -0.39, "clip_0.1": 0.76, "clip_0.2": 0.82, "clip_0.3": 0.70, "adaptive_kl_0.003": 0.68,
                "adaptive_kl_0.01": 0.74, "adaptive_kl_0.03": 0.71, "fixed_kl_0.3": 0.62, "fixed_kl_1": 0.71,
                "fixed_kl_3": 0.72, "fixed_kl_10": 0.69}

# The shipped grid (notebook 07 reads it; it is package data, so it comes with the wheel too).
SHIPPED = Path(__file__).resolve().parent / "results" / "table1.csv"

# Environment steps per run: each env's tuned total_steps (PPOConfig.for_env), enough for clipping
# to learn the task well and small enough for a laptop.
BUDGETS = {"CartPole-v1": 50_000, "Acrobot-v1": 50_000, "Pendulum-v1": 100_000}

# The base settings of the shipped grid: each environment's tuned defaults in ppo_core 0.2.0, the
# version that produced results/table1.csv. They are frozen here, not read from PPOConfig.for_env, so
# that retuning the defaults (0.3.0 retuned CartPole-v1's, 0.4.0 Pendulum-v1's initial log-std)
# neither changes what the grid means nor breaks its reproduction. An environment not listed runs on
# PPOConfig.for_env.
_GRID_COMMON = dict(num_envs=8, num_steps=32, num_epochs=10, num_minibatches=1, learning_rate=2e-3, anneal_lr=True,
                    adam_eps=1e-5, gamma=0.98, gae_lambda=0.8, clip_eps=0.2, clip_value_loss=False, ent_coef=0.0,
                    vf_coef=0.5, max_grad_norm=0.5, norm_adv=True, hidden_sizes=(64, 64), init_log_std=0.0,
                    norm_obs=False, scale_rewards=False)
GRID_BASES = {
    "CartPole-v1": _GRID_COMMON,
    "Pendulum-v1": {**_GRID_COMMON, **dict(num_steps=128, num_minibatches=8, learning_rate=1e-3, gamma=0.95,
                                           gae_lambda=0.95, norm_obs=True, scale_rewards=True, init_log_std=-0.5)},
    "Acrobot-v1": {**_GRID_COMMON, **dict(num_steps=128, num_epochs=4, num_minibatches=4, learning_rate=1e-3,
                                          gamma=0.99, gae_lambda=0.94, norm_obs=True, scale_rewards=True)},
}

# Settings shared by every run of an environment, on top of its base settings: the paper compares
# objectives, so nothing else may differ (no clip annealing, no early stopping, the exact KL, one
# evaluation at the end).
SHARED = dict(anneal_clip=False, early_stop_kl=None, kl_estimator="exact", eval_every=0, eval_episodes=10)

COLUMNS = ("setting", "env_id", "seed", "env_steps", "episodes", "score", "final_eval", "max_ratio_deviation",
           "kl_mean", "kl_max", "clip_fraction", "beta_trajectory")


def sweep_config(setting: str, env_id: str, seed: int, total_steps: int | None = None) -> PPOConfig:
    """The config of one run: the env's base settings (``GRID_BASES``), the shared ones, then the setting's objective.

    Notebook: 07_table1.
    """
    if setting not in SETTINGS:
        raise ValueError(f"Unknown setting {setting!r}; the settings are: {', '.join(SETTINGS)}.")
    if env_id not in BUDGETS and total_steps is None:
        raise ValueError(f"No step budget for {env_id!r}; pass total_steps (the budgets: {BUDGETS}).")
    steps = BUDGETS[env_id] if total_steps is None else total_steps
    run = dict(seed=seed, total_steps=steps, **SHARED, **SETTINGS[setting][1])
    if env_id in GRID_BASES:
        return PPOConfig(env_id=env_id, **{**GRID_BASES[env_id], **run})
    return PPOConfig.for_env(env_id, **run)


def run_one(setting: str, env_id: str, seed: int, total_steps: int | None = None) -> dict:
    """Train one (setting, env, seed) and return its CSV row (every value a string, floats at full precision).

    Columns: ``score`` is the mean return of the last 100 training episodes (fewer if fewer ended);
    ``final_eval`` the deterministic evaluation at the end; ``max_ratio_deviation`` the largest
    |r - 1| any minibatch saw; ``kl_mean`` and ``kl_max`` the mean and the largest over updates of
    the exact mean KL[pi_old || pi_new] after each update; ``clip_fraction`` the mean over updates of
    the fraction of samples with |r - 1| > clip_eps; ``beta_trajectory`` the beta used by each
    update (KL settings only), space-separated.

    Notebook: 07_table1.
    """
    return trace_one(setting, env_id, seed, total_steps)["row"]


def trace_one(setting: str, env_id: str, seed: int, total_steps: int | None = None) -> dict:
    """Train one (setting, env, seed); return its CSV ``row`` (as :func:`run_one`) and its per-update curves.

    The curves are lists with one value per update: ``env_steps`` (after the update),
    ``episode_return`` (the mean return of the training episodes that ended in that update's
    rollout; NaN if none ended), ``kl`` (exact mean KL[pi_old || pi_new] after the update),
    ``ratio_deviation`` (the largest |r - 1| of the update's minibatches), ``clip_fraction`` and
    ``beta`` (the penalty coefficient the update used; NaN for settings without a penalty).

    Notebook: 07_table1.
    """
    from .trainer import train  # imported here so that worker processes import torch only when they run

    config = sweep_config(setting, env_id, seed, total_steps)
    _, history = train(config, progress=False)
    returns = history.episode_returns()
    ratio_min, ratio_max = history.column("ratio_min"), history.column("ratio_max")
    kls = history.column("kl")
    betas = [config.kl_coef] + [row["kl_coef"] for row in history.updates[:-1]]  # kl_coef in a row is the *next* beta
    penalized = config.objective.startswith("kl_")
    row = dict(setting=setting, env_id=env_id, seed=seed, env_steps=history.updates[-1]["env_steps"], episodes=len(returns),
               score=float(np.mean(returns[-100:])) if len(returns) else float("nan"),
               final_eval=history.evals[-1]["eval_mean_return"],
               max_ratio_deviation=float(max(ratio_max.max() - 1, 1 - ratio_min.min())),
               kl_mean=float(kls.mean()), kl_max=float(kls.max()), clip_fraction=float(history.column("clip_fraction").mean()),
               beta_trajectory=" ".join(f"{b:g}" for b in betas) if penalized else "")
    curves = dict(env_steps=history.column("env_steps").tolist(),
                  episode_return=[float(np.mean(r["episode_returns"])) if r["episode_returns"] else float("nan")
                                  for r in history.updates],
                  kl=kls.tolist(), ratio_deviation=np.maximum(ratio_max - 1, 1 - ratio_min).tolist(),
                  clip_fraction=history.column("clip_fraction").tolist(),
                  beta=[float(b) for b in betas] if penalized else [float("nan")] * len(betas))
    return dict(row={key: _text(value) for key, value in row.items()}, **curves)


def _text(value) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _run_job(job):
    return run_one(*job)


def _job_function():
    # the module's own _run_job even under `python -m ppo_core.sweep` (where this file is __main__), so that
    # worker processes and Ray tasks unpickle it by its importable name
    import importlib

    return importlib.import_module("ppo_core.sweep")._run_job


def run_sweep(settings, envs, seeds, backend: str = "process", workers: int = 2, ray_address: str | None = None,
              total_steps: int | None = None, progress: bool = True) -> list:
    """Run every (setting, env, seed) and return the rows, sorted by env, setting and seed.

    Args:
        settings: ids from ``SETTINGS``.
        envs: gymnasium ids with a budget in ``BUDGETS`` (or pass ``total_steps``).
        seeds: the seeds, e.g. ``range(5)``.
        backend: ``"process"`` (a pool of ``workers`` processes, one thread each) or ``"ray"``
            (Ray tasks; ``ray_address`` as for ``ray.init``, None: a local instance with ``workers`` CPUs).
        workers: processes (or local Ray CPUs), >= 1.
        total_steps: override every env's budget (for quick tests).
        progress: a progress bar over runs.

    Notebook: 07_table1.
    """
    settings, envs, seeds = list(settings), list(envs), [int(s) for s in seeds]
    for setting in settings:
        if setting not in SETTINGS:
            raise ValueError(f"Unknown setting {setting!r}; the settings are: {', '.join(SETTINGS)}.")
    for env_id in envs:
        if env_id not in BUDGETS and total_steps is None:
            raise ValueError(f"No step budget for {env_id!r}; pass total_steps (the budgets: {BUDGETS}).")
    if not settings or not envs or not seeds:
        raise ValueError("run_sweep needs at least one setting, one env and one seed.")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"`workers` must be a positive int, got {workers!r}.")
    jobs = [(setting, env_id, seed, total_steps) for env_id in envs for setting in settings for seed in seeds]
    if backend == "process":
        rows = run_in_workers(_job_function(), [(job,) for job in jobs], workers, desc="runs", progress=progress)
    elif backend == "ray":
        rows = _run_ray(jobs, workers, ray_address, progress)
    else:
        raise ValueError(f"`backend` must be 'process' or 'ray', got {backend!r}.")
    order = {job[:3]: i for i, job in enumerate(jobs)}
    return sorted(rows, key=lambda row: order[(row["setting"], row["env_id"], int(row["seed"]))])


def _run_ray(jobs, workers, address, progress):
    from tqdm.auto import tqdm

    try:
        import ray
    except ImportError:
        raise ImportError("The ray backend needs Ray: pip install 'ppo-core[ray]' (or pip install ray).") from None
    started = not ray.is_initialized()
    if started:
        kwargs = dict(address=address) if address else dict(num_cpus=workers)
        ray.init(include_dashboard=False, log_to_driver=False, **kwargs)
    try:
        task = ray.remote(num_cpus=1)(_job_function())
        pending, rows = [task.remote(job) for job in jobs], []
        with tqdm(total=len(jobs), desc="runs", unit="run", disable=not progress) as bar:
            while pending:
                done, pending = ray.wait(pending, num_returns=1)
                rows.append(ray.get(done[0]))
                bar.update(1)
        return rows
    finally:
        if started:
            ray.shutdown()


def random_policy_score(env_id: str, episodes: int = 100) -> float:
    """Mean return of uniformly random actions over ``episodes`` episodes (episode i reset with seed i).

    Notebook: 07_table1.
    """
    env = gym.make(env_id)
    env.action_space.seed(0)
    total = 0.0
    try:
        for episode in range(episodes):
            env.reset(seed=episode)
            done = False
            while not done:
                _, reward, terminated, truncated, _ = env.step(env.action_space.sample())
                total += float(reward)
                done = terminated or truncated
    finally:
        env.close()
    return total / episodes


def normalized_scores(rows, random_scores: dict) -> dict:
    """Per (setting, env): the mean over seeds of (score - random) / (best setting's mean - random).

    Returns ``{setting: {env_id: normalized mean}}``; ``table_average`` averages over envs.

    Notebook: 07_table1.
    """
    means = {}
    for row in rows:
        means.setdefault(row["env_id"], {}).setdefault(row["setting"], []).append(float(row["score"]))
    out = {}
    for env_id, by_setting in means.items():
        if env_id not in random_scores:
            raise ValueError(f"No random-policy score for {env_id!r}: compute it with random_policy_score({env_id!r}).")
        setting_means = {s: float(np.mean(v)) for s, v in by_setting.items()}
        best, random = max(setting_means.values()), random_scores[env_id]
        if not best > random:
            raise ValueError(f"{env_id}: no setting beat the random policy ({best:g} <= {random:g}); the scale is undefined.")
        for setting, mean in setting_means.items():
            out.setdefault(setting, {})[env_id] = (mean - random) / (best - random)
    return out


def table_average(normalized: dict) -> dict:
    """The paper's scalar per setting: the average of the normalized scores over environments.

    With the same number of seeds per environment this is the average over all runs, as in the paper.

    Notebook: 07_table1.
    """
    return {setting: float(np.mean(list(by_env.values()))) for setting, by_env in normalized.items()}


def write_csv(rows, path, header_lines=()) -> None:
    """Write the rows (and ``# ``-prefixed header lines) to ``path``."""
    with open(path, "w", newline="", encoding="utf-8") as file:
        for line in header_lines:
            file.write(f"# {line}\n")
        writer = csv.DictWriter(file, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def read_csv(path):
    """``(rows, header_lines)`` of a sweep CSV written by :func:`write_csv`."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No sweep CSV at {path}. Run python -m ppo_core.sweep --out {path} first.")
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [line[2:] for line in lines if line.startswith("# ")]
    rows = list(csv.DictReader(io.StringIO("\n".join(line for line in lines if not line.startswith("#")))))
    if not rows or set(rows[0]) != set(COLUMNS):
        raise ValueError(f"{path} is not a sweep CSV (expected the columns {', '.join(COLUMNS)}).")
    return rows, header


def random_scores_from_header(header_lines) -> dict:
    """The random-policy scores recorded in a sweep CSV's header."""
    scores = {}
    for line in header_lines:
        if line.startswith("random policy score "):
            env_id, value = line[len("random policy score "):].split(": ")
            scores[env_id] = float(value)
    return scores


def format_table(rows, random_scores: dict) -> str:
    """The normalized table as Markdown: one row per setting, one column per env, the average and the paper's."""
    normalized = normalized_scores(rows, random_scores)
    average = table_average(normalized)
    envs = sorted({row["env_id"] for row in rows})
    lines = ["| setting | " + " | ".join(envs) + " | average | paper (MuJoCo) |", "|---" * (len(envs) + 3) + "|"]
    for setting in (s for s in SETTINGS if s in normalized):
        cells = " | ".join(f"{normalized[setting][e]:.2f}" for e in envs)
        lines.append(f"| {SETTINGS[setting][0]} | {cells} | {average[setting]:.2f} | {PAPER_SCORES[setting]:.2f} |")
    return "\n".join(lines)


TABLE_LEGEND = (
    "Each cell: the mean over seeds of a run's score (the mean return of its last 100 training episodes),\n"
    "mapped so that a random policy scores 0 and the best setting on that environment scores 1 (the PPO\n"
    "paper's normalization, Sec. 6.1). average: the mean over the environments. paper (MuJoCo): the\n"
    "paper's Table 1, 7 MuJoCo tasks x 3 seeds x 1M steps; another benchmark, so compare the order of\n"
    "the rows, not the values."
)


def main(argv=None) -> int:
    """``python -m ppo_core.sweep``; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m ppo_core.sweep", description=__doc__.split("\n\n")[0])
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS), help="setting ids (default: all 11)")
    parser.add_argument("--envs", nargs="+", default=list(BUDGETS), help="environment ids (default: %(default)s)")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 per (setting, env) (default: 5)")
    parser.add_argument("--total-steps", type=int, default=None, help="override every env's step budget")
    parser.add_argument("--backend", choices=("process", "ray"), default="process")
    parser.add_argument("--workers", type=int, default=2, help="processes (or local Ray CPUs), one thread each")
    parser.add_argument("--ray-address", default=None, help="ray.init(address=...), e.g. 'auto' for a running cluster")
    parser.add_argument("--out", help="write the rows to this CSV")
    parser.add_argument("--table", metavar="CSV", help="print the normalized table of an existing sweep CSV and exit")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.table:
        try:
            rows, header = read_csv(args.table)
            table = format_table(rows, random_scores_from_header(header))
        except (FileNotFoundError, ValueError) as err:
            parser.error(str(err))
        print(table)
        print("\n" + TABLE_LEGEND)
        return 0
    if not args.out:
        parser.error("give --out FILE.csv for the rows (or --table FILE.csv to print a table)")
    if args.seeds < 1:
        parser.error(f"--seeds must be >= 1, got {args.seeds}")
    if Path(args.out).is_dir() or not Path(args.out).resolve().parent.is_dir():
        parser.error(f"--out {args.out}: give a file name in an existing folder.")
    if Path(args.out).exists() and not args.force:
        parser.error(f"--out {args.out} exists (the shipped grid?); choose another file or pass --force to overwrite it.")
    start = time.perf_counter()
    try:
        rows = run_sweep(args.settings, args.envs, range(args.seeds), args.backend, args.workers, args.ray_address,
                         args.total_steps, progress=not args.quiet)
    except ValueError as err:
        parser.error(str(err))
    wall = time.perf_counter() - start
    random_scores = {env_id: random_policy_score(env_id) for env_id in args.envs}
    import torch
    from . import __version__

    command = "python -m ppo_core.sweep " + " ".join(argv if argv is not None else sys.argv[1:])
    header = [f"command: {command}",
              f"ppo_core {__version__}, torch {torch.__version__}, gymnasium {gym.__version__}, "
              f"{datetime.date.today().isoformat()}, {len(rows)} runs in {wall / 60:.1f} min ({args.workers} {args.backend} workers)"]
    header += [f"random policy score {env_id}: {score!r}" for env_id, score in random_scores.items()]
    write_csv(rows, args.out, header)
    print(f"{len(rows)} runs in {wall:.0f} s -> {args.out}")
    if all(math.isfinite(float(r["score"])) for r in rows):
        print(format_table(rows, random_scores))
        print("\n" + TABLE_LEGEND)
    return 0


if __name__ == "__main__":
    sys.exit(main())
