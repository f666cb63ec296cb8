"""Message catalogues: the English text of a message is the key, its translation the value."""

from __future__ import annotations

import functools
import importlib


@functools.lru_cache(maxsize=None)
def catalogue(language: str) -> dict:
    """The catalogue of ``language`` (e.g. ``"zh"`` → ``ppo_core/locale/zh.py``'s ``MESSAGES``)."""
    return importlib.import_module(f".{language}", __name__).MESSAGES


def required_messages() -> list[str]:
    """Every message a student or a teacher can see, in English: the catalogue of each language must translate them.

    They are the string literals passed to :func:`ppo_core.i18n.tr` (or marked with ``N_``) anywhere in ppo_core, and the texts of
    every exercise (title, case names and hints, named mistakes, explanations).
    """
    import ast
    from pathlib import Path

    from ..exercises import CATALOGUE

    found: dict[str, None] = {}
    root = Path(__file__).resolve().parent.parent
    for path in sorted(root.rglob("*.py")):
        if path.parent.name == "locale":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("tr", "N_") and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found[node.args[0].value] = None
    for exercise in CATALOGUE:
        texts = [exercise.title, exercise.explanation, exercise.goal]
        if exercise.kind == "function":
            import torch

            for case in [*exercise.cases(), exercise.random_case(torch.Generator().manual_seed(0))]:
                texts += [case.name, case.hint]
        texts += [description for description, _ in exercise.mistakes]
        texts += [choice for choice in exercise.choices if not str(choice).replace(".", "").isdigit()]
        for text in texts:
            if text:
                found[text] = None
    return list(found)


def missing(language: str) -> list[str]:
    """The required messages the catalogue of ``language`` does not translate yet."""
    have = catalogue(language)
    return [text for text in required_messages() if text not in have]
