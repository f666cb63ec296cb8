"""The written questions: nbgrader's manually graded answers, one or two per notebook, in both editions.

Each is a locked markdown question cell followed by a markdown answer cell whose solution region holds a model
answer and a rubric; the student copy shows only nbgrader's stub, the gradebook gives each an empty column, and
the answer key and the teacher's guide list them.
"""

import html
import json
import re
from pathlib import Path

import pytest

from ppo_core import homework
from ppo_core.homework import gradebook
from ppo_core.homework.key import answer_key
from ppo_core.homework.notebooks import _code_part, regions
from ppo_core.homework.written import (WRITTEN, answer_metadata, is_answer_cell, question_metadata, question_text,
                                       written_cells, written_of)
from ppo_core.i18n import using

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BOTH_EDITIONS = ENGLISH + sorted((ROOT / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb"))
RUBRIC = {"en": (r"Rubric \((\d+(?:\.\d+)?) points?\): (.+)", r"(\d+(?:\.\d+)?) points? for"),
          "zh": (r"评分标准（(\d+(?:\.\d+)?) 分）：(.+)", r"(?<![\d.])(\d+(?:\.\d+)?) 分")}
STATED = {"en": r"\*\*Written question (\d) \((\d+(?:\.\d+)?) points?\)\.\*\*", "zh": r"\*\*书面问题 (\d)（(\d+(?:\.\d+)?) 分）\*\*"}


def language(path):
    return "zh" if path.parent.name == "zh" else "en"


def name(path):
    return path.relative_to(ROOT / "notebooks").as_posix()


def source(cell):
    return homework.source(cell)


def solution_region(cell):
    """The lines between the answer cell's markers (the markers must open and close the cell)."""
    lines = source(cell).splitlines()
    assert lines[0] == homework.BEGIN_SOLUTION and lines[-1] == homework.END_SOLUTION, \
        "an answer cell is `### BEGIN SOLUTION`, the model answer and rubric, `### END SOLUTION`"
    return lines[1:-1]


@pytest.mark.parametrize("path", BOTH_EDITIONS, ids=name)
def test_one_or_two_written_questions_with_nbgrader_metadata(path):
    notebook = homework.read_notebook(path)
    cells = notebook["cells"]
    pairs = written_cells(notebook)
    assert 1 <= len(pairs) <= 2, f"{name(path)}: one or two written questions per notebook, found {len(pairs)}"
    declared = written_of(path.stem)
    assert [a["metadata"]["nbgrader"]["grade_id"] for _, a in pairs] == [q.grade_id for q in declared], \
        "ppo_core.homework.written.WRITTEN lists the notebook's written questions, in order"
    number = path.stem[:2]
    for k, ((question, answer), declared_question) in enumerate(zip(pairs, declared)):
        grade_id = declared_question.grade_id
        assert grade_id == f"written_{number}_{'ab'[k]}"
        assert 1 <= declared_question.points <= 3
        assert answer["metadata"]["nbgrader"] == answer_metadata(grade_id, declared_question.points)
        assert question is not None, f"{grade_id}: no question cell with grade_id {grade_id}_question"
        assert question["metadata"]["nbgrader"] == question_metadata(grade_id)
        assert question["cell_type"] == "markdown" and cells.index(question) + 1 == cells.index(answer), \
            "the answer cell comes right after its question"
        assert (question["id"], answer["id"]) == (grade_id.replace("_", "-") + "-question", grade_id.replace("_", "-"))
        stated = re.search(STATED[language(path)], source(question))
        assert stated, f"{grade_id}: the question states its number and points, e.g. **Written question 1 (3 points).**"
        assert (int(stated.group(1)), float(stated.group(2))) == (k + 1, declared_question.points)
        assert question_text(question).startswith("**")
    heading = {"en": "## Written questions", "zh": "## 书面问题"}[language(path)]
    assert source(pairs[0][0]).startswith(heading + "\n"), "the first question cell opens the section"
    ids = [c["id"] for c in cells]
    assert len(ids) == len(set(ids))
    assert not [c for c in cells if is_answer_cell(c) and c not in [a for _, a in pairs]]


@pytest.mark.parametrize("path", BOTH_EDITIONS, ids=name)
def test_each_answer_has_a_model_answer_and_a_rubric_whose_points_add_up(path):
    header, item = RUBRIC[language(path)]
    for _, answer in written_cells(homework.read_notebook(path)):
        grade_id, points = answer["metadata"]["nbgrader"]["grade_id"], answer["metadata"]["nbgrader"]["points"]
        region = solution_region(answer)
        rubrics = [line for line in region if re.match(header, line)]
        assert len(rubrics) == 1, f"{name(path)} {grade_id}: one line starting with the rubric, e.g. 'Rubric (3 points): 1 point for ...'"
        stated, rest = re.match(header, rubrics[0]).groups()
        parts = [float(p) for p in re.findall(item, rest)]
        assert float(stated) == points, f"{grade_id}: the rubric says {stated} points, the cell's metadata {points}"
        assert len([p for p in parts if p > 0]) >= 2 and sum(parts) == points, \
            f"{grade_id}: the rubric's points {parts} must add up to {points}"
        model = "\n".join(line for line in region if line.strip() and line not in rubrics)
        assert len(model) >= (200 if language(path) == "en" else 100), f"{grade_id}: the model answer is missing or too short"


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem[:2])
def test_both_editions_ask_the_same_questions(english):
    chinese = english.parent / "zh" / english.name
    pairs = [written_cells(homework.read_notebook(p)) for p in (english, chinese)]
    meta = [[(q["id"], q["metadata"], a["id"], a["metadata"]) for q, a in edition] for edition in pairs]
    assert meta[0] == meta[1], "the Chinese twin has the same cells, ids and nbgrader metadata"
    assert [question_text(q).startswith("**书面问题") for q, _ in pairs[1]] == [True] * len(pairs[1])


@pytest.mark.parametrize("path", BOTH_EDITIONS, ids=name)
def test_the_student_copy_shows_the_stub_and_none_of_the_model_answer(path):
    teacher = homework.read_notebook(path)
    student = homework.make_student_copy(teacher, path.name)
    text = json.dumps(student, ensure_ascii=False)
    by_id = {c["id"]: c for c in student["cells"]}
    for question, answer in written_cells(teacher):
        copy = by_id[answer["id"]]
        assert source(copy) == homework.TEXT_STUB + "\n"
        assert copy["metadata"]["nbgrader"] == answer["metadata"]["nbgrader"], "nbgrader finds the answer by its metadata"
        assert by_id[question["id"]]["metadata"]["editable"] is False
        for line in solution_region(answer):
            if len(_code_part(line)) >= 12:
                assert json.dumps(_code_part(line), ensure_ascii=False)[1:-1] not in text, f"left in the copy: {line!r}"
    assert homework.BEGIN_SOLUTION not in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_answer_key_shows_each_question_with_its_model_answer_and_rubric(lang):
    paths = [p for p in BOTH_EDITIONS if language(p) == lang]
    with using(lang):
        page = answer_key(paths)
    for path in paths:
        for question, answer in written_cells(homework.read_notebook(path)):
            assert f"<code>{answer['metadata']['nbgrader']['grade_id']}</code>" in page
            assert html.escape(question_text(question)) in page
            for line in solution_region(answer):
                assert html.escape(line) in page, f"the key lacks {line!r}"
    total = sum(e.points for e in homework.CATALOGUE) + sum(q.points for q in WRITTEN)
    assert f" {total:g} " in page, "the key's total counts the written questions"


@pytest.mark.parametrize("guide", ["README.md", "zh/README.md"])
def test_the_guide_lists_every_written_question_with_its_points(guide):
    text = (ROOT / "notebooks" / guide).read_text(encoding="utf-8")
    for q in WRITTEN:
        row = next((line for line in text.splitlines() if line.startswith("|") and f"`{q.grade_id}`" in line), None)
        assert row, f"notebooks/{guide} has no table row for {q.grade_id}"
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert q.notebook in cells and f"{q.points:g}" in cells, f"{guide}: {q.grade_id} is in {q.notebook}, {q.points:g} points"
    assert "written_max" in text


def test_the_written_columns_of_the_gradebook_follow_the_notebooks():
    grades = [homework.Grade(f"class/alice/{stem}.ipynb", stem, exercise.function, exercise.checker, "passed", 1, 1, 1.0, 1.0, "")
              for stem in sorted({q.notebook for q in WRITTEN}) for exercise in homework.exercises_of(stem)[:1]]
    header, rows = gradebook.gradebook_rows(grades)
    assert [h for h in header if h.startswith("written_") and h != "written_max"] == [q.grade_id for q in WRITTEN]
    assert rows[0][header.index("written_max")] == f"{sum(q.points for q in WRITTEN):g}"


def test_the_stub_is_what_nbgrader_writes_for_a_markdown_answer():
    """nbgrader's ClearSolutions replaces a markdown solution region by its text stub; the release does the same."""
    region = "### BEGIN SOLUTION\nA model answer.\nRubric (1 point): 1 point for it.\n### END SOLUTION"
    cell = {"cell_type": "markdown", "id": "q", "metadata": {"nbgrader": answer_metadata("written_99_a", 1)}, "source": region}
    student = homework.make_student_copy({"nbformat": 4, "metadata": {}, "cells": [cell]})
    assert student["cells"][0]["source"] == [homework.TEXT_STUB + "\n"]
    assert [inside for inside, _ in regions(region, homework.BEGIN_SOLUTION, homework.END_SOLUTION, "cell")] == [True]
