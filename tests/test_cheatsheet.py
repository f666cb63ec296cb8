"""notebooks/cheatsheet.md agrees with ppo_core: its tables are checked against the code and the shipped grid."""

import math
import re
from pathlib import Path

import torch

from ppo_core import PPOConfig, adapt_kl_coef, clipped_surrogate
from ppo_core import sweep

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "notebooks" / "cheatsheet.md").read_text(encoding="utf-8")


def table(after: str) -> list:
    """The rows (lists of cells) of the first Markdown table after the heading or line ``after``."""
    lines = TEXT[TEXT.index(after):].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]])
    return [row for row in rows[2:]]  # without the header and the --- line


def test_the_defaults_table_is_for_env():
    rows = table("## Default hyperparameters")
    envs = ["CartPole-v1", "Acrobot-v1", "Pendulum-v1"]
    assert len(rows) >= 15
    for field, *values in rows:
        for env_id, value in zip(envs, values):
            assert str(getattr(PPOConfig.for_env(env_id), field)) == value, (field, env_id)


def test_the_clip_zone_table_matches_autograd():
    eps = 0.2
    ratios = {"r < 1 − ε": 0.5, "1 − ε < r < 1 + ε": 1.1, "r > 1 + ε": 1.7}
    for zone, term_pos, grad_pos, term_neg, grad_neg in table("## The clipped surrogate"):
        for advantage, term, grad in ((2.0, term_pos, grad_pos), (-2.0, term_neg, grad_neg)):
            r = torch.tensor([ratios[zone]], dtype=torch.float64, requires_grad=True)
            value = clipped_surrogate(r, torch.tensor([advantage], dtype=torch.float64), eps)
            value.sum().backward()
            expected = eval(term.replace("rA", "r*A").replace(")A", ")*A").replace("ε", "eps").replace("−", "-"),
                            {"r": ratios[zone], "A": advantage, "eps": eps})
            assert math.isclose(value.item(), expected), (zone, advantage)
            assert r.grad.item() == (0.0 if grad == "0" else advantage), (zone, advantage)


def test_the_beta_table_is_adapt_kl_coef():
    rows = table("## The adaptive KL penalty")
    assert [row[1] for row in rows] == ["β / 2", "β", "2 β"]
    target = 0.01
    for kl, factor in ((target / 1.5 * 0.99, 0.5), (target / 1.5, 1.0), (target, 1.0), (1.5 * target, 1.0), (1.5 * target * 1.01, 2.0)):
        assert adapt_kl_coef(1.0, kl, target) == factor, kl


def test_the_sanity_ranges_hold_for_every_clipping_run_of_the_shipped_grid():
    rows, _ = sweep.read_csv(sweep.SHIPPED)
    clip = [row for row in rows if row["setting"] == "clip_0.2"]
    assert len(clip) >= 15
    for row in clip:
        assert 0.001 <= float(row["kl_mean"]) <= 0.05, row
        assert 0.01 <= float(row["clip_fraction"]) <= 0.3, row
        assert float(row["max_ratio_deviation"]) < 10, row
    assert max(float(r["max_ratio_deviation"]) for r in rows if r["setting"] == "none") > 100  # the 07 remark
