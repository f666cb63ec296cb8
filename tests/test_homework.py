"""Homework mode: the exercise catalogue, student copies and the grader."""

import csv
import json
import re
import sys
from pathlib import Path

import pytest

from ppo_core import checks, homework
from ppo_core.exercises import CATALOGUE
from ppo_core.homework import cli, notebooks
from ppo_core.homework.written import is_answer_cell, written_cells, written_of

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BOTH_EDITIONS = NOTEBOOKS + sorted((ROOT / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb"))


def code_cells(notebook):
    return [c for c in notebook["cells"] if c["cell_type"] == "code"]


def source(cell):
    return homework.source(cell)


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    homework.release(NOTEBOOKS, out)
    homework.release(BOTH_EDITIONS[len(NOTEBOOKS):], out / "zh")  # the Chinese edition's copies, same file names
    return out


def copy_of(path, student_dir):
    """The student copy of a teacher notebook of either edition."""
    return student_dir / ("zh" if path.parent.name == "zh" else "") / path.name


def fill_back(student, teacher):
    """The student copy with the teacher's solution cells put back, matched by cell id (the written answers too)."""
    by_id = {c["id"]: c for c in teacher["cells"]}
    filled = json.loads(json.dumps(student))
    for cell in filled["cells"]:
        if homework.is_stub(source(cell)) or (cell["cell_type"] == "markdown" and source(cell) == homework.TEXT_STUB + "\n"):
            cell["source"] = by_id[cell["id"]]["source"]
    return filled


# ----- the catalogue ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", BOTH_EDITIONS, ids=lambda p: p.relative_to(ROOT / "notebooks").as_posix())
def test_catalogue_matches_the_notebook_and_its_nbgrader_metadata(path):
    notebook = homework.read_notebook(path)
    cells = code_cells(notebook)
    solution_cells = [c for c in cells if homework.BEGIN_SOLUTION in source(c)]
    exercises = homework.exercises_of(path)
    assert len(exercises) >= 2
    assert [re.search(r"^(?:def )?(my_\w+)\s*[(=]", source(c), re.M).group(1) for c in solution_cells] == [e.function for e in exercises]
    for exercise, cell in zip(exercises, solution_cells):
        assert cell["metadata"]["nbgrader"] == homework.nbgrader_metadata(exercise, "solution")
        check_cell = cells[cells.index(cell) + 1]
        # the checker is reached by its module path, so rebinding a name in the notebook cannot replace it
        assert source(check_cell).strip() == homework.check_cell_source(exercise)
        assert check_cell["metadata"]["nbgrader"] == homework.nbgrader_metadata(exercise, "check")
    grade_ids = [c["metadata"]["nbgrader"]["grade_id"] for c in notebook["cells"] if "nbgrader" in c["metadata"]]
    written = written_of(path.stem)  # each written question: a locked question cell and a manually graded answer cell
    assert len(grade_ids) == len(set(grade_ids)) == 2 * len(exercises) + 2 * len(written)
    ids = [c["id"] for c in notebook["cells"]]
    assert len(ids) == len(set(ids)), "cell ids must be unique: the grader finds a student's cell by its id"


def test_every_checker_has_an_exercise_and_every_exercise_a_checker():
    assert sorted(e.checker for e in homework.CATALOGUE) == sorted(checks.__all__[3:])
    assert all(1 <= e.difficulty <= 3 and e.minutes > 0 and e.points > 0 for e in homework.CATALOGUE)


def test_the_guide_lists_the_catalogue():
    guide = (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8")
    assert cli.exercise_table() in guide, "regenerate the table with `python -m ppo_core.homework list`"
    from ppo_core.i18n import using
    with using("zh"):
        chinese = cli.exercise_table()
    assert chinese in (ROOT / "notebooks" / "zh" / "README.md").read_text(encoding="utf-8"), \
        "regenerate the Chinese guide's table with `python -m ppo_core.homework --lang zh list`"


# ----- student copies -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", BOTH_EDITIONS, ids=lambda p: p.relative_to(ROOT / "notebooks").as_posix())
def test_student_copy_has_no_solution_left(path, student_dir):
    teacher = homework.read_notebook(path)
    text = copy_of(path, student_dir).read_text(encoding="utf-8")
    student = json.loads(text)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    secret = homework.solution_lines(teacher)
    assert secret, "the leak check needs solution lines to look for"
    for line in secret:
        assert json.dumps(line, ensure_ascii=False)[1:-1] not in text, f"solution line left in the copy: {line!r}"
    assert set(student["metadata"]) <= {"kernelspec", "language_info"}
    stubs = [c for c in code_cells(student) if homework.is_stub(source(c))]
    exercises = homework.exercises_of(path)
    assert len(stubs) == len(exercises)
    for cell, exercise in zip(stubs, exercises):
        stub = homework.PREDICTION_STUB if exercise.kind == "prediction" else homework.CODE_STUB[0]
        assert stub in source(cell) and cell["metadata"]["deletable"] is False
    for cell in code_cells(student):
        assert cell["outputs"] == [] and cell["execution_count"] is None
        if cell["metadata"].get("nbgrader", {}).get("grade"):
            assert cell["metadata"]["editable"] is False


@pytest.mark.parametrize("path", BOTH_EDITIONS, ids=lambda p: p.relative_to(ROOT / "notebooks").as_posix())
def test_written_answers_become_the_text_stub_and_leak_nothing(path, student_dir):
    """The markdown answer cells of the written questions: nbgrader's stub, their metadata kept, no model answer line left."""
    teacher = homework.read_notebook(path)
    text = copy_of(path, student_dir).read_text(encoding="utf-8")
    student = json.loads(text)
    pairs = written_cells(teacher)
    assert pairs, "every notebook has written questions"
    answer_lines = set()
    for _, answer in pairs:  # the leak check of the release covers the model answers and rubrics too
        lines = [line for line in source(answer).splitlines()[1:-1] if len(notebooks._code_part(line)) >= 12]
        answer_lines |= {notebooks._code_part(line) for line in lines}
    assert answer_lines and answer_lines <= homework.solution_lines(teacher)
    for line in answer_lines:
        assert json.dumps(line, ensure_ascii=False)[1:-1] not in text, f"model answer line left in the copy: {line!r}"
    assert "Rubric" not in text and "评分标准" not in text
    by_id = {c["id"]: c for c in student["cells"]}
    for question, answer in pairs:
        copy = by_id[answer["id"]]
        assert source(copy) == homework.TEXT_STUB + "\n" and is_answer_cell(copy)
        assert copy["metadata"]["nbgrader"] == answer["metadata"]["nbgrader"] and copy["metadata"]["deletable"] is False
        locked = by_id[question["id"]]
        assert source(locked) == source(question), "the question itself is handed out"
        assert locked["metadata"]["nbgrader"]["locked"] is True
        assert locked["metadata"]["editable"] is False and locked["metadata"]["deletable"] is False


@pytest.mark.parametrize("path", BOTH_EDITIONS, ids=lambda p: p.relative_to(ROOT / "notebooks").as_posix())
def test_filling_the_solutions_back_gives_the_teacher_notebook(path, student_dir):
    teacher = homework.read_notebook(path)
    filled = fill_back(homework.read_notebook(copy_of(path, student_dir)), teacher)
    assert [source(c) for c in filled["cells"]] == [source(c) for c in teacher["cells"]]


def test_student_copy_strips_outputs_metadata_attachments_and_hidden_tests():
    secret = "return torch.exp(log_probs - old_log_probs)"
    teacher = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3"}, "teacher_notes": secret},
        "cells": [
            {"cell_type": "markdown", "id": "a", "metadata": {}, "source": "Explain.\n### BEGIN SOLUTION\nThe ratio is new over old.\n### END SOLUTION\n",
             "attachments": {"answer.png": {"image/png": "AAAA"}}},
            {"cell_type": "code", "id": "b", "execution_count": 3, "metadata": {"collapsed": secret, "tags": ["exercise"]},
             "outputs": [{"output_type": "stream", "name": "stdout", "text": secret}],
             "source": f"def my_ratio(log_probs, old_log_probs):\n    ### BEGIN SOLUTION\n    {secret}\n    ### END SOLUTION\n"},
            {"cell_type": "code", "id": "c", "execution_count": 4, "metadata": {}, "outputs": [],
             "source": "assert True\n### BEGIN HIDDEN TESTS\nassert my_ratio(0, 0) == 1\n### END HIDDEN TESTS\n"},
        ],
    }
    student = homework.make_student_copy(teacher)
    text = json.dumps(student)
    assert secret not in text and "new over old" not in text and "AAAA" not in text and "my_ratio(0, 0)" not in text
    assert student["metadata"] == {"kernelspec": {"name": "python3"}}
    assert student["cells"][0]["source"] == ["Explain.\n", "YOUR ANSWER HERE\n"]
    assert student["cells"][1]["source"] == ["def my_ratio(log_probs, old_log_probs):\n", "    # YOUR CODE HERE\n",
                                             "    raise NotImplementedError()\n"]
    assert student["cells"][1]["metadata"] == {"tags": ["exercise"], "deletable": False}
    assert student["cells"][2]["source"] == ["assert True\n"]
    assert teacher["cells"][1]["outputs"], "the teacher's notebook is not changed"

    teacher["cells"][1]["metadata"]["tags"] = [secret]  # a kept field that carries the solution is caught
    with pytest.raises(ValueError, match="solution lines would remain"):
        homework.make_student_copy(teacher)


@pytest.mark.parametrize("text, message", [
    ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("x = 1\n### END SOLUTION\n", "without a `### BEGIN SOLUTION`"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "inside another solution region"),
])
def test_bad_markers_name_the_cell(text, message):
    notebook = {"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "id": "x", "metadata": {}, "outputs": [],
                                                           "execution_count": None, "source": text}]}
    with pytest.raises(ValueError, match=re.escape(message)) as err:
        homework.make_student_copy(notebook, "hw.ipynb")
    assert "hw.ipynb, cell 0" in str(err.value)


def test_release_refuses_to_overwrite_work_unless_forced(tmp_path, capsys):
    out = tmp_path / "week1"
    homework.release([NOTEBOOKS[0]], out)
    homework.release([NOTEBOOKS[0]], out)  # the same copy again: fine
    (out / NOTEBOOKS[0].name).write_text('{"nbformat": 4, "cells": []}', encoding="utf-8")  # e.g. a student's work
    with pytest.raises(FileExistsError, match="pass --force"):
        homework.release([NOTEBOOKS[0]], out)
    homework.release([NOTEBOOKS[0]], out, force=True)
    assert homework.CODE_STUB[1] in (out / NOTEBOOKS[0].name).read_text(encoding="utf-8")
    with pytest.raises(SystemExit):
        cli.main(["release", str(NOTEBOOKS[0]), "--out", str(out / NOTEBOOKS[0].name)])  # a file, not a folder
    assert "is a file; give a folder" in capsys.readouterr().err


def test_release_refuses_to_overwrite_the_teacher_copy(tmp_path):
    with pytest.raises(ValueError, match="would overwrite the teacher's"):
        homework.release([NOTEBOOKS[0]], NOTEBOOKS[0].parent)
    with pytest.raises(FileNotFoundError, match="No notebook at"):
        homework.release([tmp_path / "missing.ipynb"], tmp_path / "out")
    (tmp_path / "broken.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not a readable notebook"):
        homework.release([tmp_path / "broken.ipynb"], tmp_path / "out")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executing_a_student_copy_stops_at_the_first_exercise(path, student_dir, tmp_path):
    """Run All on a fresh kernel: every cell before the first checker runs, and that checker raises NotImplementedError."""
    nbclient = pytest.importorskip("nbclient")
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec = tmp_path / "kernels" / "this-python"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                                                  "display_name": "this python", "language": "python"}))
    manager = KernelManager(kernel_name="this-python", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")]))
    notebook = nbformat.read(student_dir / path.name, as_version=4)
    client = nbclient.NotebookClient(notebook, km=manager, timeout=600, resources={"metadata": {"path": str(ROOT / "notebooks")}})
    with pytest.raises(nbclient.exceptions.CellExecutionError) as err:
        client.execute()
    assert err.value.ename == "NotImplementedError", f"stopped with {err.value.ename}: {err.value.evalue}"
    first = homework.exercises_of(path)[0]
    unfinished = "is not written yet" if first.kind == "prediction" else "is not implemented yet"
    assert f"{first.function} {unfinished}" in err.value.evalue
    executed = [c for c in notebook.cells if c.cell_type == "code" and c.get("execution_count") is not None]
    assert source(executed[-1]).strip() == homework.check_cell_source(first)
    for cell in executed[:-1]:
        assert not any(o.get("output_type") == "error" for o in cell.outputs)


# ----- grading ------------------------------------------------------------------------------------

def _functions(grades):
    """The grades of the function exercises (notebook 01: td_residuals and gae), without the predictions."""
    kinds = {e.function: e.kind for e in homework.CATALOGUE}
    return [g for g in grades if kinds[g.function] == "function"]


def test_grading_the_series(student_dir, tmp_path):
    """Blank student copies earn 0 points; with the solutions filled back every notebook earns full points."""
    filled_dir = tmp_path / "filled"
    for path in NOTEBOOKS:
        teacher = homework.read_notebook(path)
        homework.write_notebook(fill_back(homework.read_notebook(student_dir / path.name), teacher), filled_dir / f"alice_{path.name}")
    blank = student_dir / NOTEBOOKS[0].name
    table, feedback = tmp_path / "grades.csv", tmp_path / "feedback"
    submissions = [str(blank)] + [str(p) for p in sorted(filled_dir.glob("*.ipynb"))]
    assert cli.main(["grade", *submissions, "--csv", str(table), "--feedback", str(feedback)]) == 0
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert len(rows) == len(homework.exercises_of(NOTEBOOKS[0])) + len(homework.CATALOGUE)
    first = len(homework.exercises_of(NOTEBOOKS[0]))
    blank_rows, filled_rows = rows[:first], rows[first:]
    assert all(r["status"] == "not attempted" and float(r["points"]) == 0 for r in blank_rows)
    assert all(r["status"] == "passed" and float(r["points"]) == float(r["max_points"]) for r in filled_rows)
    assert all(r["cases_passed"] == r["cases_total"] != "0" for r in filled_rows)
    assert all(r["calls"] == "" for r in rows), "the reference solutions take no shortcut"
    assert sum(float(r["points"]) for r in filled_rows) == sum(e.points for e in homework.CATALOGUE)
    reports = sorted(feedback.glob("*.txt"))
    assert len(reports) == len(submissions)
    report = next(r for r in reports if r.name.endswith(f"alice_{NOTEBOOKS[0].stem}.txt")).read_text(encoding="utf-8")
    assert "✓" in report and "passed" in report


def test_grading_wrong_broken_and_endless_answers(tmp_path):
    teacher = homework.read_notebook(NOTEBOOKS[0])
    student = homework.make_student_copy(teacher)
    td_cell, gae_cell = [c for c in code_cells(student) if homework.CODE_STUB[1] in source(c)]
    # my_td_residuals bootstraps through termination: a wrong answer; its comment names gae, which is not a call
    td_cell["source"] = source(td_cell).replace("# YOUR CODE HERE\n    raise NotImplementedError()",
                                                "return rewards + gamma * next_values - values  # as in gae(...)")
    # my_gae never returns: the grader's time limit stops it
    gae_cell["source"] = source(gae_cell).replace("# YOUR CODE HERE\n    raise NotImplementedError()", "while True:\n        pass")
    homework.write_notebook(student, tmp_path / "bob.ipynb")
    grades = homework.grade_submission(tmp_path / "bob.ipynb", ROOT / "notebooks", timeout=20, partial=True)
    td, gae = _functions(grades)
    assert td.status == "failed" and 0 < td.cases_passed < td.cases_total
    assert 0 < td.points < td.max_points  # partial credit in proportion to the cases passed
    assert "bootstrap through a terminated step" in td.report
    assert gae.status == "timeout" and gae.points == 0 and "timed out" in gae.report
    assert td.flags == () and gae.flags == ()

    gae_cell["source"] = source(gae_cell).replace("while True:\n        pass", "return ppo_core.gae(rewards, values, next_values, "
                                                  "terminated, truncated, gamma, gae_lambda)")
    gae_cell["source"] = "import ppo_core\n" + gae_cell["source"]
    homework.write_notebook(student, tmp_path / "dave.ipynb")
    td, gae = _functions(homework.grade_submission(tmp_path / "dave.ipynb", ROOT / "notebooks"))
    assert gae.status == "passed" and gae.flags == ("gae",), "a copy of the library passes, and the grader flags it"

    td_cell["source"] = "def my_td_residuals(rewards, values, next_values, terminated, gamma)\n    return rewards\n"  # syntax error
    gae_cell["source"] = "def my_generalized_advantage(rewards):\n    return rewards\n"  # renamed function
    gae_cell["id"] = "renamed"
    homework.write_notebook(student, tmp_path / "carol.ipynb")
    td, gae = _functions(homework.grade_submission(tmp_path / "carol.ipynb", ROOT / "notebooks"))
    assert td.status == "error" and "SyntaxError" in td.report and td.points == 0
    assert gae.status == "missing" and "my_gae" in gae.report

    unrelated = {"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "id": "z", "metadata": {}, "outputs": [],
                                                            "execution_count": None, "source": "print(1)"}]}
    homework.write_notebook(unrelated, tmp_path / "notes.ipynb")
    with pytest.raises(ValueError, match="none of the series' exercise functions"):
        homework.grade_submission(tmp_path / "notes.ipynb", ROOT / "notebooks")


def test_list_prints_the_catalogue(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert all(e.function in out for e in homework.CATALOGUE)
    assert f"| {sum(e.points for e in homework.CATALOGUE)} |" in out


STUB = "# YOUR CODE HERE\n    raise NotImplementedError()"
HELPER_CELL = '''def alive(terminated, like):
    """1.0 where the episode goes on (this docstring mentions gae(...), which is not a call)"""
    return (~terminated).to(like.dtype)

alive(no_end, rewards)  # a call on notebook variables: the grader skips it
'''
GAE_USING_TD = '''deltas = my_td_residuals(rewards, values, next_values, terminated, gamma)
    out, running = torch.zeros_like(rewards), torch.zeros_like(rewards[0])
    for t in reversed(range(rewards.shape[0])):
        running = deltas[t] + gamma * gae_lambda * alive(terminated | truncated, rewards)[t] * running
        out[t] = running
    return out'''


def test_grading_runs_definitions_of_student_cells_in_order(tmp_path):
    """Helpers in a cell of the student's own, one exercise calling another, and a test print in the exercise cell."""
    student = homework.make_student_copy(homework.read_notebook(NOTEBOOKS[0]))
    td_cell, gae_cell = [c for c in code_cells(student) if homework.CODE_STUB[1] in source(c)]
    td_cell["source"] = source(td_cell).replace(STUB, "return rewards + gamma * alive(terminated, rewards) * next_values - values")
    td_cell["source"] += "\nprint(my_td_residuals(rewards, values, next_values, no_end, 0.9))  # a quick test on notebook variables\n"
    helper = {"cell_type": "code", "id": "student-helper", "metadata": {}, "outputs": [], "execution_count": None,
              "source": HELPER_CELL}
    student["cells"].insert(student["cells"].index(td_cell), helper)
    gae_cell["source"] = source(gae_cell).replace(STUB, GAE_USING_TD)
    homework.write_notebook(student, tmp_path / "erin.ipynb")
    td, gae = _functions(homework.grade_submission(tmp_path / "erin.ipynb", ROOT / "notebooks"))
    assert (td.status, gae.status) == ("passed", "passed"), (td.report, gae.report)
    assert td.flags == gae.flags == ()

    gae_cell["source"] = "from ppo_core import gae as generalized\n\ndef my_gae(*args):\n    return generalized(*args)\n"
    homework.write_notebook(student, tmp_path / "frank.ipynb")
    gae = _functions(homework.grade_submission(tmp_path / "frank.ipynb", ROOT / "notebooks"))[1]
    assert gae.flags == () and gae.status == "failed", "my_gae(*args) fails on keyword inputs before it reaches gae"
    assert any("names the library's gae in its code, but was not seen calling it" in note for note in gae.integrity)


def test_grade_command_names_submissions_apart_and_checks_its_outputs(tmp_path, capsys):
    blank = homework.make_student_copy(homework.read_notebook(NOTEBOOKS[2]))
    for name in ("alice", "bob"):
        homework.write_notebook(blank, tmp_path / name / NOTEBOOKS[2].name)
    (tmp_path / "notes.txt").write_text("not a notebook", encoding="utf-8")
    files = [str(tmp_path / n / NOTEBOOKS[2].name) for n in ("alice", "bob")]
    feedback, table = tmp_path / "feedback", tmp_path / "grades.csv"
    code = cli.main(["grade", *files, str(tmp_path / "notes.txt"), "--csv", str(table), "--feedback", str(feedback)])
    assert code == 1, "a submission that could not be graded makes the exit code 1"
    out = capsys.readouterr().out
    assert "notes.txt: not graded" in out and "1 of 3 submission(s) could not be graded" in out
    assert {r["submission"] for r in csv.DictReader(table.open(encoding="utf-8"))} == {
        f"alice/{NOTEBOOKS[2].name}", f"bob/{NOTEBOOKS[2].name}"}
    assert sorted(p.name for p in feedback.iterdir()) == [f"alice__{NOTEBOOKS[2].stem}.txt", f"bob__{NOTEBOOKS[2].stem}.txt"]
    for bad in (["--csv", str(tmp_path)], ["--csv", str(tmp_path / "missing" / "g.csv")], ["--feedback", str(tmp_path / "notes.txt")]):
        with pytest.raises(SystemExit):
            cli.main(["grade", files[0], *bad])
        assert "error: --" in capsys.readouterr().err


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_cell_shows_an_answer_before_its_exercise(path):
    """Cells that print the library's version (inspect.getsource) or repeat a solution line come after the exercise."""
    notebook = homework.read_notebook(path)
    cells = notebook["cells"]
    for exercise in homework.exercises_of(path):
        at = next(i for i, c in enumerate(cells) if re.search(notebooks.definition_pattern(exercise.function), source(c), re.M))
        for i, cell in enumerate(cells[:at]):
            shown = re.findall(r"getsource\((\w+)\)", source(cell))
            assert not set(shown) & set(exercise.shortcuts), f"cell {i} prints the answer to {exercise.function} (cell {at})"
    found, public = notebooks._solution_and_public_lines(notebook)
    for line in set(found) & set(public):
        assert min(public[line]) > max(found[line]), f"{line!r} is shown in cell {min(public[line])}, before its exercise"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_answer_key_holds_every_solution_and_answer(tmp_path, language):
    import re

    from ppo_core.exercises import CATALOGUE
    from ppo_core.homework.cli import main
    from ppo_core.homework.notebooks import solution_lines

    out = tmp_path / "key.html"
    assert main(["--lang", language, "key", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert f'lang="{"zh-CN" if language == "zh" else "en"}"' in page
    assert not re.search(r"""(?:href|src)=["'](?:https?:)?//""", page), "the key must work offline"
    for exercise in CATALOGUE:
        assert f"<code>{exercise.function}</code>" in page
    folder = ROOT / "notebooks" / ("zh" if language == "zh" else "")
    import html
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        for line in solution_lines(json.loads(path.read_text(encoding="utf-8"))):
            assert html.escape(line) in page, f"the key lacks the solution line {line!r} of {path.name}"
    assert ("参考答案" in page) == (language == "zh")
    with pytest.raises(SystemExit):  # never overwrite without --force
        main(["key", "--out", str(out)])
