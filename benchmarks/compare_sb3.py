"""ppo_core against Stable-Baselines3's PPO, side by side, at identical hyperparameters (a report, not a test).

    pip install stable-baselines3          # a benchmark-only dependency, not ppo_core's
    python benchmarks/compare_sb3.py       # 5 interleaved rounds of 20,480 env steps each

Both train PPO on CartPole-v1 with the same hyperparameters: 8 envs x 32 steps, 20 epochs of one
minibatch of 256, Adam at a constant 1e-3 (eps 1e-5), gamma 0.98, lambda 0.8, clip 0.2 (constant),
no entropy bonus, vf_coef 0.5, global gradient-norm clip 0.5, separate 64-64 tanh actor and critic
with orthogonal initialization, advantages normalized per minibatch. Both run on one thread. Every
run is a fresh process and the runs alternate (ppo_core, SB3, ppo_core, SB3, ...), so a change in
the machine's load hits both; the report gives every round, the medians and their ratio.

Timed: ppo_core's ``train_seconds`` (collection and updates; the one evaluation at the end is outside
it) and the wall time of SB3's ``model.learn`` (collection and updates; its logging is off).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

HYPERPARAMETERS = dict(num_envs=8, num_steps=32, num_epochs=20, num_minibatches=1, learning_rate=1e-3, gamma=0.98,
                       gae_lambda=0.8, clip_eps=0.2, ent_coef=0.0, vf_coef=0.5, max_grad_norm=0.5)
# SB3's side has no VecNormalize, so ppo_core's observation normalization and reward scaling (on by default) are off.
NO_NORMALIZATION = dict(norm_obs=False, scale_rewards=False)


def run_ppo_core(steps: int, seed: int) -> float:
    from ppo_core import PPOConfig, train

    config = PPOConfig(env_id="CartPole-v1", seed=seed, total_steps=steps, anneal_lr=False, anneal_clip=False,
                       eval_every=0, eval_episodes=1, **NO_NORMALIZATION, **HYPERPARAMETERS)
    _, history = train(config, progress=False)  # one thread inside
    return history.updates[-1]["env_steps"] / history.updates[-1]["train_seconds"]


def run_sb3(steps: int, seed: int) -> float:
    import torch
    from stable_baselines3 import PPO
    from stable_baselines3.common.env_util import make_vec_env

    torch.set_num_threads(1)
    hp = HYPERPARAMETERS
    env = make_vec_env("CartPole-v1", n_envs=hp["num_envs"], seed=seed)
    model = PPO("MlpPolicy", env, n_steps=hp["num_steps"], batch_size=hp["num_envs"] * hp["num_steps"] // hp["num_minibatches"],
                n_epochs=hp["num_epochs"], learning_rate=hp["learning_rate"], gamma=hp["gamma"], gae_lambda=hp["gae_lambda"],
                clip_range=hp["clip_eps"], ent_coef=hp["ent_coef"], vf_coef=hp["vf_coef"], max_grad_norm=hp["max_grad_norm"],
                normalize_advantage=True, policy_kwargs=dict(net_arch=dict(pi=[64, 64], vf=[64, 64]), activation_fn=torch.nn.Tanh,
                                                             ortho_init=True),
                seed=seed, device="cpu", verbose=0)  # SB3 uses Adam eps 1e-5 for PPO's policy
    start = time.perf_counter()
    model.learn(total_timesteps=steps, log_interval=None)
    return steps / (time.perf_counter() - start)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--steps", type=int, default=20_480, help="env steps per run (default 20,480)")
    parser.add_argument("--worker", choices=("ppo_core", "sb3"), help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps({"steps_per_second": (run_ppo_core if args.worker == "ppo_core" else run_sb3)(args.steps, args.seed)}))
        return 0
    results = {"ppo_core": [], "sb3": []}
    for round_ in range(1, args.rounds + 1):
        for side in results:
            out = subprocess.run([sys.executable, __file__, "--worker", side, "--steps", str(args.steps), "--seed", str(args.seed)],
                                 capture_output=True, text=True, check=True)
            results[side].append(json.loads(out.stdout.strip().splitlines()[-1])["steps_per_second"])
            print(f"round {round_}: {side:8s} {results[side][-1]:8.0f} env steps/s", flush=True)
    ours, theirs = statistics.median(results["ppo_core"]), statistics.median(results["sb3"])
    per_round = [a / b for a, b in zip(results["ppo_core"], results["sb3"])]
    print(f"\nmedian over {args.rounds} rounds: ppo_core {ours:.0f}, Stable-Baselines3 {theirs:.0f} env steps/s "
          f"-> ppo_core / SB3 = {ours / theirs:.2f}x (per round: {', '.join(f'{r:.2f}' for r in per_round)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
