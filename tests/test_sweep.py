"""The Table 1 sweep: settings as in the paper, the normalization, identical rows from both backends,
and the shipped CSV reproduced by re-running one of its cells."""

import math
import os
from pathlib import Path

import pytest

from ppo_core import sweep

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sweep.SHIPPED


def test_the_eleven_settings_of_table_1():
    assert len(sweep.SETTINGS) == 11 and set(sweep.SETTINGS) == set(sweep.PAPER_SCORES)
    configs = {s: sweep.sweep_config(s, "CartPole-v1", 0) for s in sweep.SETTINGS}
    assert [c.objective for c in configs.values()].count("clip") == 3
    assert sorted(c.kl_target for s, c in configs.items() if c.objective == "kl_adaptive") == [0.003, 0.01, 0.03]
    assert sorted(c.kl_coef for c in configs.values() if c.objective == "kl_fixed") == [0.3, 1.0, 3.0, 10.0]
    assert all(c.kl_coef == 1.0 for c in configs.values() if c.objective == "kl_adaptive")  # beta starts at 1
    for config in configs.values():  # everything but the objective is shared
        assert not config.anneal_clip and config.early_stop_kl is None and config.kl_estimator == "exact"
        base = configs["clip_0.2"]
        same = {k: v for k, v in config.to_dict().items() if k not in ("objective", "clip_eps", "kl_coef", "kl_target")}
        assert same == {k: v for k, v in base.to_dict().items() if k in same}


def test_the_grid_keeps_its_base_settings_when_the_defaults_are_retuned(monkeypatch):
    from ppo_core import config as config_module

    before = {env: sweep.sweep_config("clip_0.2", env, 0) for env in sweep.BUDGETS}
    retuned = dict(learning_rate=3e-4, gamma=0.9, num_epochs=3)
    for env in sweep.BUDGETS:  # what PPOConfig.for_env would now return for each environment
        monkeypatch.setitem(config_module.TUNED_ENVS, env, retuned)
        assert config_module.PPOConfig.for_env(env).gamma == 0.9
    for env, config in before.items():
        assert sweep.sweep_config("clip_0.2", env, 0) == config and config.gamma != 0.9
    monkeypatch.setitem(config_module.TUNED_ENVS, "MountainCar-v0", retuned)  # an env outside the grid: for_env
    assert sweep.sweep_config("clip_0.2", "MountainCar-v0", 0, total_steps=256).gamma == 0.9


def test_normalization_maps_random_to_zero_and_the_best_setting_to_one():
    rows = [dict(setting=s, env_id=e, seed=str(i), score=str(v))
            for e, values in {"A": {"none": (10, 20), "clip_0.2": (90, 110)}, "B": {"none": (-5, -5), "clip_0.2": (5, 5)}}.items()
            for s, pair in values.items() for i, v in enumerate(pair)]
    normalized = sweep.normalized_scores(rows, {"A": 0.0, "B": -5.0})
    assert normalized["clip_0.2"] == {"A": 1.0, "B": 1.0}
    assert normalized["none"] == {"A": pytest.approx(0.15), "B": 0.0}
    assert sweep.table_average(normalized) == {"clip_0.2": 1.0, "none": pytest.approx(0.075)}
    with pytest.raises(ValueError, match="random"):
        sweep.normalized_scores(rows, {"A": 0.0})


def test_bad_requests_are_named():
    with pytest.raises(ValueError, match="Unknown setting"):
        sweep.run_sweep(["clip_0.5"], ["CartPole-v1"], [0])
    with pytest.raises(ValueError, match="backend"):
        sweep.run_sweep(["none"], ["CartPole-v1"], [0], backend="spark")
    with pytest.raises(ValueError, match="budget"):
        sweep.run_sweep(["none"], ["MountainCar-v0"], [0])


def test_process_pool_and_ray_give_identical_rows():
    pytest.importorskip("ray")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    grid = dict(settings=["none", "clip_0.2"], envs=["CartPole-v1"], seeds=[0], total_steps=1024, progress=False)
    processes = sweep.run_sweep(backend="process", workers=2, **grid)
    ray_rows = sweep.run_sweep(backend="ray", workers=2, **grid)
    assert len(processes) == 2 and processes == ray_rows
    assert processes != sweep.run_sweep(backend="process", workers=1, **{**grid, "seeds": [1]})  # the seed matters


def test_the_shipped_table_covers_the_grid():
    rows, header = sweep.read_csv(SHIPPED)
    assert any(line.startswith("command: python -m ppo_core.sweep") for line in header)
    assert any(line.startswith("ppo_core ") for line in header)
    envs = {r["env_id"] for r in rows}
    assert len(envs) >= 3 and {"CartPole-v1", "Acrobot-v1", "Pendulum-v1"} <= envs
    for setting in sweep.SETTINGS:
        for env_id in envs:
            seeds = {r["seed"] for r in rows if r["setting"] == setting and r["env_id"] == env_id}
            assert len(seeds) >= 5, f"{setting} on {env_id}: {len(seeds)} seeds"
    assert set(sweep.random_scores_from_header(header)) == envs
    assert all(math.isfinite(float(r["score"])) for r in rows)


def test_a_cell_of_the_shipped_table_reproduces_exactly():
    rows, _ = sweep.read_csv(SHIPPED)
    row = next(r for r in rows if r["setting"] == "clip_0.2" and r["env_id"] == "CartPole-v1" and r["seed"] == "0")
    again = sweep.run_one(row["setting"], row["env_id"], int(row["seed"]))
    assert again == row


def test_the_command_line_refuses_to_overwrite_a_csv(tmp_path, capsys):
    existing = tmp_path / "table.csv"
    existing.write_text("keep me")
    with pytest.raises(SystemExit):
        sweep.main(["--settings", "none", "--envs", "CartPole-v1", "--seeds", "1", "--total-steps", "256", "--out", str(existing)])
    assert "--force" in capsys.readouterr().err and existing.read_text() == "keep me"


def test_the_command_line_prints_the_shipped_table_with_its_legend(capsys):
    assert sweep.main(["--table", str(SHIPPED)]) == 0
    out = capsys.readouterr().out
    table, legend = out.split("\n\n", 1)
    lines = table.splitlines()
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header[0] == "setting" and header[-2:] == ["average", "paper (MuJoCo)"]
    assert len(lines) == 2 + len(sweep.SETTINGS)
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    assert [row[0] for row in cells] == [label for label, *_ in sweep.SETTINGS.values()]
    for column in range(1, len(header) - 2):  # each environment: the best setting scores 1
        assert max(float(row[column]) for row in cells) == 1.0
    assert [float(row[-1]) for row in cells] == [sweep.PAPER_SCORES[s] for s in sweep.SETTINGS]
    for name in header[-2:]:
        assert name in legend
    assert "random policy scores 0" in legend and "best setting" in legend


def test_the_command_line_names_a_missing_or_headerless_table(tmp_path, capsys):
    with pytest.raises(SystemExit):
        sweep.main(["--table", str(tmp_path / "missing.csv")])
    assert "missing.csv" in capsys.readouterr().err
    rows, _ = sweep.read_csv(SHIPPED)
    headerless = tmp_path / "headerless.csv"
    sweep.write_csv(rows, headerless)  # no random-policy scores in the header
    with pytest.raises(SystemExit):
        sweep.main(["--table", str(headerless)])
    assert "random_policy_score" in capsys.readouterr().err
