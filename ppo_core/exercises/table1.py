"""Exercises of notebook 07_table1: the paper's normalized score, and predictions about the sweep."""

from __future__ import annotations


import torch

from ._data import integer, uniform
from ._engine import Case, Exercise


def _normalized_scores_reference(scores, random_score):
    """(score - random) / (best score - random): the random policy maps to 0, the best setting to 1. [S] -> [S]."""
    best = scores.max()
    return (scores - random_score) / (best - random_score)


def _normalized_cases():
    vec = lambda *xs: torch.tensor(xs, dtype=torch.float64)  # noqa: E731
    return [
        Case("hand example: random 20, scores 20, 120, 220", dict(scores=vec(20.0, 120.0, 220.0), random_score=20.0),
             "(score - random) / (best - random) = [0, 100, 200] / 200 = [0, 0.5, 1]."),
        Case("a setting worse than random gets a negative score", dict(scores=vec(-1300.0, -200.0, -150.0), random_score=-1230.0),
             "Pendulum's returns are negative: shift by the random policy's score, do not take absolute values."),
        Case("the best setting is 1 whatever its position", dict(scores=vec(400.0, 500.0, 90.0, 480.0), random_score=22.0),
             "divide by (best - random), the best being the largest score among the settings."),
        Case("one setting below random (the paper's half cheetah)", dict(scores=vec(10.0, -30.0, 60.0), random_score=0.0),
             "a setting below the random policy has a score below 0, as 'no clipping' in the paper's Table 1."),
    ]


_NORMALIZED_MISTAKES = (
    ("divide by the best score without shifting by the random policy",
     lambda scores, random_score: scores / scores.max()),
    ("scale between the worst and the best setting instead of the random policy and the best",
     lambda scores, random_score: (scores - scores.min()) / (scores.max() - scores.min())),
    ("shift by the random policy but divide by the best score alone",
     lambda scores, random_score: (scores - random_score) / scores.max()),
    ("divide by the random policy's score",
     lambda scores, random_score: scores / random_score),
    ("take absolute values of the scores",
     lambda scores, random_score: (scores.abs() - abs(random_score)) / (scores.abs().max() - abs(random_score))),
)

def _normalized_random(gen):
    random_score = uniform(gen, -1500.0, 50.0, digits=1)
    scores = random_score + torch.rand(integer(gen, 3, 6), generator=gen, dtype=torch.float64) * 500.0 - 50.0
    scores[0] = random_score + uniform(gen, 100.0, 500.0)  # the best is above random
    return Case("", dict(scores=scores, random_score=random_score),
                "(score - random) / (best - random), per setting.")


NORMALIZED_SCORES = Exercise(
    notebook="07_table1", function="my_normalized_scores", checker="check_normalized_scores",
    title="normalized scores (PPO paper, Sec. 6.1)", signature="fn(scores, random_score) -> [S]",
    goal="the paper's normalization: the random policy maps to 0 and the best setting to 1, per environment",
    difficulty=1, minutes=5, points=2, reference=_normalized_scores_reference, cases=_normalized_cases,
    mistakes=_NORMALIZED_MISTAKES, shortcuts=("normalized_scores",),
    random_case=_normalized_random)


_FAR_CHOICES = ("no clipping", "clipping", "adaptive KL", "fixed KL")


def _farthest_setting():
    """The setting family whose runs moved the ratio farthest from 1 on CartPole-v1 in the shipped sweep."""
    from ..sweep import SHIPPED, read_csv

    rows, _ = read_csv(SHIPPED)
    family = {"none": "no clipping", "clip_0.2": "clipping", "adaptive_kl_0.01": "adaptive KL", "fixed_kl_1": "fixed KL"}
    deviations = {}
    for row in rows:
        if row["env_id"] == "CartPole-v1" and row["setting"] in family:
            deviations.setdefault(family[row["setting"]], []).append(float(row["max_ratio_deviation"]))
    return max(deviations, key=lambda name: sum(deviations[name]) / len(deviations[name]))


FARTHEST_RATIO = Exercise(
    notebook="07_table1", function="my_prediction_farthest_ratio", checker="check_prediction_farthest_ratio",
    title="which objective lets the ratio move farthest from 1", signature="", kind="prediction",
    goal="predict which objective lets the new policy drift farthest from the old one within an update",
    difficulty=1, minutes=3, points=1, reference=_farthest_setting, choices=_FAR_CHOICES,
    mistakes=(("Clipping does not cap the ratio itself: it only removes the incentive to push it further, and "
               "other samples' steps can still carry it along.", "clipping"),
              ("A KL penalty charges for distance, but only as much as beta says; it does not remove the incentive.",
               "adaptive KL"),
              ("With beta = 1 the penalty is a price on distance, not a wall.", "fixed KL")),
    explanation="Nothing in L^CPI = r A stops an update from pushing the ratio of a good action up and up: the "
                "surrogate keeps promising improvement (notebook 03), so K epochs on one batch go far.")

EXERCISES = (FARTHEST_RATIO, NORMALIZED_SCORES)
check_prediction_farthest_ratio = FARTHEST_RATIO.make_checker()
check_normalized_scores = NORMALIZED_SCORES.make_checker()
