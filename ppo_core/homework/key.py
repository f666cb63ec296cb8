"""The answer key: every exercise's solution, answer and marking notes on one self-contained HTML page.

    python -m ppo_core.homework key --out answer_key.html                 # the English edition
    python -m ppo_core.homework --lang zh key --out answer_key_zh.html    # the Chinese edition (notebooks/zh/)

For each exercise of the given teacher notebooks: the learning goal, points, difficulty and minutes,
the solution cell as the teacher's notebook has it (markers removed), for a prediction the right
answer and its explanation, and what the checker runs: its named cases and the known mistakes it
names in its hints. Then each written question of the notebook (graded by hand): the question, and
the model answer with its rubric, as the notebook's Markdown source. The page loads nothing from
another host and needs no kernel.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..exercises import exercises_of
from ..i18n import gap, get_language, tr
from .notebooks import (BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION, definition_pattern, find_cell, read_notebook,
                        regions, source)
from .written import question_text, written_cells

_STYLE = """body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:60em;
margin:2em auto;padding:0 1em;line-height:1.5}pre{background:#f6f8fa;padding:.8em;overflow-x:auto;border-radius:4px}
h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}.meta{color:#555}li{margin:.15em 0}
.md{white-space:pre-wrap;background:#fbfbf4;padding:.8em;border-left:3px solid #ddb;border-radius:4px}"""


def _code_spans(text: str) -> str:
    """`x` as <code>x</code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def _solution(cell_source: str) -> str:
    """The cell as the teacher wrote it, without the homework markers and the hidden tests."""
    visible = "".join(line for hidden, lines in regions(cell_source, BEGIN_HIDDEN, END_HIDDEN, "solution cell") if not hidden
                      for line in lines)
    kept = [line for inside, lines in regions(visible, BEGIN_SOLUTION, END_SOLUTION, "solution cell")
            for line in (lines[1:-1] if inside else lines)]
    return "".join(kept).strip("\n")


def answer_key(paths) -> str:
    """The answer key of the teacher notebooks ``paths`` as an HTML page, in the selected language."""
    chinese = get_language() == "zh"
    esc = html.escape
    parts = []
    total = 0
    for path in paths:
        path = Path(path)
        notebook = read_notebook(path)
        exercises = exercises_of(path.stem)
        if not exercises:
            raise ValueError(f"{path}: not a notebook of the series (no exercises for {path.stem!r}); pass the teacher's "
                             "numbered notebooks, e.g. notebooks/01_advantage.ipynb.")
        parts.append(f"<h1>{esc(path.stem)}</h1>")
        for exercise in exercises:
            total += exercise.points
            cell = find_cell(notebook, None, definition_pattern(exercise.function))
            if cell is None:
                raise ValueError(f"{path}: no cell defines {exercise.function}; is this the teacher's notebook?")
            meta = tr("{points} points · difficulty {stars} · about {minutes} min · checker `{checker}`").format(
                points=exercise.points, stars="★" * exercise.difficulty, minutes=exercise.minutes, checker=exercise.checker)
            parts += [f"<h2><code>{esc(exercise.function)}</code></h2>",
                      f"<p>{esc(tr(exercise.goal))}</p>", '<p class="meta">' + _code_spans(esc(meta)) + "</p>",
                      f"<h3>{esc(tr('Solution'))}</h3>", f"<pre><code>{esc(_solution(source(cell)))}</code></pre>"]
            if exercise.kind == "prediction":
                answer = exercise.reference()
                shown = f"{answer:.4g}" if isinstance(answer, float) else repr(answer)
                parts.append(f"<p><b>{esc(tr('Answer:'))}</b> <code>{esc(shown)}</code>{gap()}{esc(tr(exercise.explanation))}</p>")
            if exercise.kind == "function":
                cases = "".join(f"<li>{esc(tr(case.name))}</li>" for case in exercise.cases())
                parts.append(f"<h3>{esc(tr('What the checker runs'))}</h3><ul>{cases}</ul>")
            if exercise.mistakes and exercise.kind != "prediction":
                named = "".join(f"<li>{esc(tr(description))}</li>" for description, _ in exercise.mistakes)
                parts.append(f"<h3>{esc(tr('Mistakes the checker names'))}</h3><ul>{named}</ul>")
            elif exercise.mistakes:
                named = "".join(f"<li><code>{esc(repr(wrong))}</code>: {esc(tr(description))}</li>"
                                for description, wrong in exercise.mistakes)
                parts.append(f"<h3>{esc(tr('Wrong answers the checker explains'))}</h3><ul>{named}</ul>")
        for question, answer in written_cells(notebook):  # graded by hand: the question, the model answer and its rubric
            grading = answer["metadata"]["nbgrader"]
            total += grading.get("points", 0)
            parts.append(f"<h2><code>{esc(str(grading.get('grade_id')))}</code></h2>")
            if question is not None:
                parts.append(f'<div class="md">{esc(question_text(question))}</div>')
            parts += [f"<h3>{esc(tr('Solution'))}</h3>", f'<div class="md">{esc(_solution(source(answer)))}</div>']
    title = tr("Answer key")
    head = (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if chinese else "en"}"><head><meta charset="utf-8">'
            f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>")
    intro = tr("For the teacher: do not hand this page out. {points} points in all.").format(points=total)
    return head + f"<h1>{esc(title)}</h1><p>{esc(intro)}</p>" + "\n".join(parts) + "</body></html>\n"
