"""Benchmark ppo_core's PPO over several seeds (not a test: it reports, it does not assert).

    python benchmarks/benchmark.py                       # Acrobot-v1, CartPole-v1 (10 seeds), Pendulum-v1 (5 seeds)
    python benchmarks/benchmark.py --env CartPole-v1 --seeds 3 --workers 2
    python benchmarks/benchmark.py --env Pendulum-v1 --seeds 5 --first-seed 5   # held-out seeds 5-9
    python benchmarks/benchmark.py --env CartPole-v1 --set gamma=0.98 --set ent_coef=0.0   # another setting

Per environment it prints: the seeds that reached the threshold, the median env steps and wall
seconds (training only, evaluation excluded) to first reach it, the median env steps to reach it
for good (every later evaluation stays at or above it; a seed that never does counts as never, so
the median is "never" when half the seeds miss; the evaluation before any training is skipped, since an
untrained deterministic policy can balance the pole by luck), the final evaluation return, the training
throughput in env steps per second, and the raw stepping speed of the same vector env with random
actions, the ceiling for any agent (``benchmarks/compare_sb3.py`` compares with Stable-Baselines3).
Runs use the default config of each environment
(``PPOConfig.for_env``). With ``--workers 2`` two seeds train at once: faster, but each run's
timings then share the machine.
"""

from __future__ import annotations

import argparse
import ast
import math
import multiprocessing
import statistics
import time

import numpy as np

from ppo_core import PPOConfig, make_vec_env, train

THRESHOLDS = {"CartPole-v1": 475.0, "Pendulum-v1": -200.0, "Acrobot-v1": -100.0}
SEEDS = {"CartPole-v1": 10, "Pendulum-v1": 5, "Acrobot-v1": 5}


def run_seed(args):
    env_id, seed, total_steps, eval_every, settings = args
    overrides = dict(settings, seed=seed, eval_every=eval_every)
    if total_steps:
        overrides["total_steps"] = total_steps
    config = PPOConfig.for_env(env_id, **overrides)
    _, history = train(config, progress=False)
    return dict(evals=history.evals, steps_per_second=history.updates[-1]["env_steps"] / history.updates[-1]["train_seconds"])


def summarize(env_id: str, runs: list, threshold: float) -> dict:
    never = float("inf")
    first_steps, first_seconds, good_steps, finals = [], [], [], []
    for run in runs:
        evals = [row for row in run["evals"] if row["env_steps"] > 0]  # an untrained policy can score 500 by luck
        returns = np.array([row["eval_mean_return"] for row in evals])
        above = returns >= threshold
        finals.append(returns[-1])
        first = int(np.argmax(above)) if above.any() else None
        first_steps.append(never if first is None else evals[first]["env_steps"])
        first_seconds.append(never if first is None else evals[first]["train_seconds"])
        below = np.flatnonzero(~above)
        good = None if not above[-1] else (0 if below.size == 0 else int(below[-1]) + 1)  # after the last one below
        good_steps.append(never if good is None else evals[good]["env_steps"])
    median = statistics.median
    return dict(env=env_id, seeds=len(runs), reached=sum(s < never for s in first_steps),
                for_good=sum(s < never for s in good_steps),
                median_first_steps=median(first_steps), median_first_seconds=median(first_seconds),
                median_good_steps=median(good_steps), median_final=median(finals),
                min_final=min(finals), steps_per_second=median([r["steps_per_second"] for r in runs]))


def raw_env_speed(env_id: str, num_envs: int, steps: int = 2000) -> float:
    envs = make_vec_env(env_id, num_envs)
    envs.reset(seed=0)
    envs.action_space.seed(0)
    actions = [envs.action_space.sample() for _ in range(steps)]
    start = time.perf_counter()
    for action in actions:
        envs.step(action)
    elapsed = time.perf_counter() - start
    envs.close()
    return steps * num_envs / elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env", action="append", choices=sorted(THRESHOLDS), help="environment(s); default: all three")
    parser.add_argument("--seeds", type=int, help="number of seeds (default: 10 for CartPole-v1, 5 for the others)")
    parser.add_argument("--first-seed", type=int, default=0, help="the seeds are first-seed, first-seed + 1, ... (default: 0)")
    parser.add_argument("--total-steps", type=int, help="override the config's total_steps")
    parser.add_argument("--eval-every", type=int, default=1024, help="env steps between evaluations")
    parser.add_argument("--workers", type=int, default=1, help="seeds trained in parallel")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="override a PPOConfig field of every environment run, e.g. --set gamma=0.98 "
                             "or --set objective=kl_adaptive (repeatable)")
    args = parser.parse_args(argv)
    settings = {}
    for item in args.set:
        field, _, value = item.partition("=")
        if field in ("seed", "eval_every", "total_steps"):
            parser.error(f"--set {item}: use --seeds, --eval-every or --total-steps for {field}")
        try:
            settings[field] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            settings[field] = value  # a string such as objective=kl_adaptive
    if args.seeds is not None and args.seeds < 1:
        parser.error(f"--seeds must be >= 1, got {args.seeds}")
    if args.first_seed < 0:
        parser.error(f"--first-seed must be >= 0, got {args.first_seed}")
    envs = args.env or sorted(THRESHOLDS)
    for env_id in envs:
        try:  # a wrong field or value stops here, not inside the first run
            PPOConfig.for_env(env_id, **settings)
        except (TypeError, ValueError) as error:
            parser.error(f"--set: {error}")
    for env_id in envs:
        seeds = args.seeds or SEEDS[env_id]
        jobs = [(env_id, seed, args.total_steps, args.eval_every, settings) for seed in range(args.first_seed, args.first_seed + seeds)]
        start = time.perf_counter()
        if args.workers > 1:
            with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
                runs = pool.map(run_seed, jobs)
        else:
            runs = [run_seed(job) for job in jobs]
        wall = time.perf_counter() - start
        threshold = THRESHOLDS[env_id]
        s = summarize(env_id, runs, threshold)
        config = PPOConfig.for_env(env_id, **settings)
        total = args.total_steps or config.total_steps
        print(f"\n== {env_id}{' with ' + ', '.join(args.set) if args.set else ''}: {seeds} seeds ({args.first_seed}-{args.first_seed + seeds - 1}) x {total} env steps, threshold {threshold:g}, "
              f"evaluation every {args.eval_every} steps ({config.eval_episodes} deterministic episodes) ==")
        print(f"seeds that reached the threshold:          {s['reached']}/{seeds} (stayed at or above it for good: {s['for_good']}/{seeds})")
        shown = lambda x, spec: "never" if math.isinf(x) else format(x, spec)  # noqa: E731
        print(f"median env steps to first reach it:        {shown(s['median_first_steps'], ',.0f')}")
        print(f"median wall seconds to first reach it:     {shown(s['median_first_seconds'], '.2f')} (training only)")
        print(f"median env steps to reach it for good:     {shown(s['median_good_steps'], ',.0f')}")
        print(f"final evaluation return:                   median {s['median_final']:.1f}, worst {s['min_final']:.1f}")
        print(f"training throughput:                       {s['steps_per_second']:.0f} env steps/s (median over seeds)")
        print(f"raw env stepping, random actions:          {raw_env_speed(env_id, config.num_envs):.0f} env steps/s "
              f"({config.num_envs} envs, the ceiling)")
        print(f"benchmark wall time:                       {wall:.0f} s")


if __name__ == "__main__":
    main()
