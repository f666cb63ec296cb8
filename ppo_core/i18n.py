"""The language of the checkers' reports, the grader's feedback and the homework command line.

The Chinese edition of the notebooks (``notebooks/zh/``) selects Chinese with one line in its first
code cell, ``set_language("zh")``; everything else stays English. The English text is the key:
:func:`tr` looks a message up in the catalogue of the selected language (``ppo_core/locale/zh.py``)
and falls back to English when a message has no translation (``tests/test_i18n.py`` checks that
every message a student can see has one). Templates keep their ``{fields}``; format after
translating: ``tr("returned shape {got}").format(got=...)``.

Notebook: every notebook's Chinese edition (its first code cell).
"""

from __future__ import annotations

import contextlib
import os
import re

LANGUAGES = ("en", "zh")
_state = {"language": os.environ.get("PPO_CORE_LANG", "en") if os.environ.get("PPO_CORE_LANG") in LANGUAGES else "en"}


def set_language(language: str) -> None:
    """Make the checkers, the grader and the homework commands speak ``"en"`` (English) or ``"zh"`` (中文).

    Notebooks: 01_advantage to 07_table1 of the Chinese edition (``notebooks/zh/``), in their first code cell.
    """
    if language not in LANGUAGES:
        raise ValueError(f"set_language: language must be one of {LANGUAGES}, got {language!r}. "
                         "Use set_language('zh') for Chinese, set_language('en') for English.")
    _state["language"] = language


def get_language() -> str:
    """The language selected by :func:`set_language` (or the ``PPO_CORE_LANG`` environment variable).

    ``"en"`` by default.

    Notebooks: 01_advantage to 07_table1 of the Chinese edition (``notebooks/zh/``).
    """
    return _state["language"]


def gap() -> str:
    """What separates two sentences: a space in English, nothing in Chinese (whose full stop 。 needs none)."""
    return "" if _state["language"] == "zh" else " "


def labelled(label: str, text) -> str:
    """``label: text`` with the language's colon: ``"case: problem"`` in English, ``"用例：问题"`` in Chinese."""
    return f"{label}：{text}" if _state["language"] == "zh" else f"{label}: {text}"


def N_(text: str) -> str:
    """Mark a message for translation where it is defined (it is translated where it is shown, with :func:`tr`)."""
    return text


def tr(text: str) -> str:
    """``text`` in the selected language: its translation from the catalogue, or ``text`` itself."""
    if _state["language"] == "en" or not isinstance(text, str):
        return text
    from .locale import catalogue
    return catalogue(_state["language"]).get(text, text)


@contextlib.contextmanager
def using(language: str):
    """Speak ``language`` inside a ``with`` block (the grader: each submission in its edition's language)."""
    before = get_language()
    set_language(language)
    try:
        yield
    finally:
        _state["language"] = before


_SELECTS = re.compile(r"""^[^#\n]*\bset_language\(\s*["'](\w+)["']\s*\)""", re.M)


def notebook_language(notebook: dict) -> str:
    """The language a notebook selects in its first code cell (``set_language("zh")``), else ``"en"``."""
    first = next((c for c in notebook.get("cells", []) if c.get("cell_type") == "code"), None)
    text = "" if first is None else ("".join(first["source"]) if isinstance(first["source"], list) else first["source"])
    match = _SELECTS.search(text)
    return match.group(1) if match and match.group(1) in LANGUAGES else "en"
