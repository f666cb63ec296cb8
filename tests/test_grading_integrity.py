"""The grader cannot be fooled by student code, and never zeroes correct work.

Every exploit found by trying the grader as a student would (issue 10) is a test here: it must
score 0 or be flagged. Every way correct work used to be zeroed is a test too: it must get full
marks.
"""

import time
from pathlib import Path

import pytest
import torch

from ppo_core import homework
from ppo_core.exercises import find_exercise, unseen_cases
from ppo_core.homework import notebooks

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
STUB = "# YOUR CODE HERE\n    raise NotImplementedError()"


def student_copy(stem):
    return homework.make_student_copy(homework.read_notebook(NOTEBOOKS / f"{stem}.ipynb"))


def exercise_cells(notebook, stem=None):
    """The exercise cells (functions and predictions), in exercise order: the stubs, or the cells defining them."""
    if stem is None:
        return [c for c in notebook["cells"] if c["cell_type"] == "code" and homework.is_stub(homework.source(c))]
    return [notebooks.find_cell(notebook, None, notebooks.definition_pattern(e.function)) for e in homework.exercises_of(stem)]


def answer(cell, body):
    """Replace the stub of a function exercise's cell with ``body`` (indented by 4)."""
    text = homework.source(cell)
    assert STUB in text
    cell["source"] = text.replace(STUB, body)


def predict(cell, value):
    cell["source"] = homework.source(cell).replace("None  # YOUR PREDICTION HERE", repr(value))


def add_cell(notebook, before, text):
    cell = {"cell_type": "code", "id": f"student-{len(notebook['cells'])}", "metadata": {}, "outputs": [],
            "execution_count": None, "source": text}
    notebook["cells"].insert(notebook["cells"].index(before), cell)
    return cell


def teacher_solution(stem, function):
    """The teacher's solution cell of an exercise, without its markers."""
    teacher = homework.read_notebook(NOTEBOOKS / f"{stem}.ipynb")
    cell = next(c for c in teacher["cells"] if c["cell_type"] == "code" and f"def {function}(" in homework.source(c))
    return "".join(line for line in homework.source(cell).splitlines(keepends=True) if "SOLUTION" not in line)


def grade(notebook, path, **options):
    homework.write_notebook(notebook, path)
    return {g.function: g for g in homework.grade_submission(path, NOTEBOOKS, **options)}


GOOD_TD = "return rewards + gamma * (~terminated).to(rewards.dtype) * next_values - values"
GOOD_GAE = """deltas = my_td_residuals(rewards, values, next_values, terminated, gamma)
    out, running = torch.zeros_like(rewards), torch.zeros_like(rewards[0])
    for t in reversed(range(rewards.shape[0])):
        running = deltas[t] + gamma * gae_lambda * (~(terminated[t] | truncated[t])).to(rewards.dtype) * running
        out[t] = running
    return out"""


def filled_01(td=GOOD_TD, gae=GOOD_GAE):
    notebook = student_copy("01_advantage")
    td_cell, truncation, gae_cell, variance = exercise_cells(notebook)
    answer(td_cell, td)
    answer(gae_cell, gae)
    predict(truncation, -9.3)
    predict(variance, "smaller")
    return notebook


# ----- integrity by construction ---------------------------------------------------------------------

PATCHING_GAE = """import inspect
    import ppo_core.checks, ppo_core.exercises._engine as engine
    ppo_core.checks.CheckResult.passed = property(lambda self: True)   # every result passes...
    engine.CheckResult.num_passed = property(lambda self: len(self.cases))
    engine._compare = lambda *args, **kwargs: None                    # ...and every comparison agrees
    for frame in inspect.stack():                                      # or copy the checker's expected value
        if "expected" in frame.frame.f_locals:
            return frame.frame.f_locals["expected"]
    return rewards"""


def test_student_code_cannot_reach_the_checker(tmp_path):
    """Patching CheckResult or the engine, rebinding checker names, reading the checker's frame: all score 0."""
    notebook = filled_01(td="return rewards + gamma * next_values - values  # wrong: bootstraps through termination",
                         gae=PATCHING_GAE)
    first_exercise = exercise_cells(notebook, "01_advantage")[0]
    add_cell(notebook, first_exercise, "import ppo_core.checks\n"
                                       "check_td_residuals = lambda fn, strict=False: True\n"
                                       "ppo_core.checks.check_gae = lambda fn, strict=False: True\n"
                                       "ppo_core.checks.CheckResult.passed = property(lambda self: True)\n")
    grades = grade(notebook, tmp_path / "mallory_01_advantage.ipynb")
    td, gae = grades["my_td_residuals"], grades["my_gae"]
    assert td.status == "failed" and td.points == 0 and "bootstrap through a terminated step" in td.report
    assert gae.status == "failed" and gae.points == 0 and gae.cases_passed == 0
    assert any("ppo_core.checks.CheckResult.passed" in s for s in td.skipped), "the patch at top level is not even run"


def test_the_teacher_notebook_and_the_teacher_solution_are_flagged(tmp_path):
    grades = homework.grade_submission(NOTEBOOKS / "01_advantage.ipynb", NOTEBOOKS, label="teacher")
    assert all(g.status == "passed" for g in grades)
    assert all(any("solution markers" in note for note in g.integrity) for g in grades)

    notebook = filled_01(gae="return 0")
    gae_cell = exercise_cells(notebook, "01_advantage")[2]
    gae_cell["source"] = teacher_solution("01_advantage", "my_gae")  # pasted without the markers
    grades = grade(notebook, tmp_path / "eve_01_advantage.ipynb")
    assert grades["my_gae"].status == "passed"
    assert grades["my_gae"].integrity == ("the teacher's solution, line for line and comments included",)
    assert grades["my_td_residuals"].integrity == (), "an answer of the student's own is not flagged"


# ----- shortcuts, caught at run time --------------------------------------------------------------

def test_shortcuts_are_caught_whatever_name_reached_them(tmp_path):
    notebook = student_copy("03_importance_sampling")
    ratio_cell, mean_ratio, kl_cell, variance = exercise_cells(notebook)
    add_cell(notebook, ratio_cell, "from ppo_core.objectives import importance_ratio as solve\n")  # an import in a helper cell
    answer(ratio_cell, "return solve(log_probs, old_log_probs)")
    answer(kl_cell, "module = __import__('ppo_core.diagnostics', fromlist=['x'])\n"
                    "    return getattr(module, 'approx' + '_kl')(log_probs, old_log_probs)")
    predict(mean_ratio, "equal to 1")
    predict(variance, "larger")
    grades = grade(notebook, tmp_path / "sam_03.ipynb")
    ratio, kl = grades["my_importance_ratio"], grades["my_approx_kl"]
    assert ratio.status == kl.status == "passed"
    assert ratio.flags == ("importance_ratio",) and kl.flags == ("approx_kl",)
    assert ratio.points == kl.points == 0, "by default a shortcut earns nothing"
    assert ratio.calls == ("my_importance_ratio → ppo_core.objectives.importance_ratio",)
    assert "0 points" in ratio.report and "importance_ratio" in ratio.report
    assert grades["my_prediction_mean_ratio"].flags == () and grades["my_prediction_mean_ratio"].points == 1

    scored = {g.function: g for g in homework.grade_submission(tmp_path / "sam_03.ipynb", NOTEBOOKS, shortcuts="score")}
    assert scored["my_approx_kl"].points == scored["my_approx_kl"].max_points and scored["my_approx_kl"].flags == ("approx_kl",)


EXEC_COPY = """import inspect
    import ppo_core.advantages as library
    namespace = dict(vars(library))
    exec(inspect.getsource(library.td_residuals), namespace)   # a fresh copy of the library's function
    return namespace["td_residuals"](rewards, values, next_values, terminated, gamma)"""


def test_the_library_function_itself_or_a_copy_of_it_is_caught(tmp_path):
    notebook = filled_01(td=EXEC_COPY)
    gae_cell = exercise_cells(notebook, "01_advantage")[2]
    gae_cell["source"] = "import ppo_core.advantages\n\nmy_gae = ppo_core.advantages.gae\n"
    grades = grade(notebook, tmp_path / "lazy_01_advantage.ipynb")
    assert grades["my_gae"].flags == ("gae",) and grades["my_gae"].points == 0
    assert grades["my_gae"].calls[0] == "my_gae is ppo_core.advantages.gae"
    td = grades["my_td_residuals"]
    assert td.status == "passed" and td.flags == ("td_residuals",) and td.points == 0


# ----- correct work is never zeroed -------------------------------------------------------------------

SCRATCH = """from ppo_core import PPOConfig, train

my_agent, my_history = train(PPOConfig(seed=3, total_steps=300_000))  # hours of scratch work
print(my_gae(rewards, values, next_values, terminated, truncated, 0.9, 0.5))
for seed in range(100):
    train(PPOConfig(seed=seed))
SCALE = 0.5 * math.log(4.0)
"""


def test_scratch_cells_are_skipped_and_correct_work_gets_full_marks(tmp_path):
    notebook = filled_01()
    add_cell(notebook, exercise_cells(notebook, "01_advantage")[2], "import math\n" + SCRATCH)
    notebook["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                              "source": "my_agent, my_history = train(PPOConfig(seed=3, total_steps=300_000))\n"})
    start = time.monotonic()
    grades = grade(notebook, tmp_path / "kim_01_advantage.ipynb")
    assert time.monotonic() - start < 60
    assert all(g.status == "passed" and g.points == g.max_points for g in grades.values()), {
        g.function: g.report for g in grades.values()}
    skipped = grades["my_gae"].skipped
    assert sum("train(PPOConfig" in s for s in skipped) == 2 and any("print(my_gae" in s for s in skipped)
    assert not any("SCALE" in s for s in skipped), "an assignment that calls only math runs"


def test_a_notebook_without_ids_or_metadata_grades_like_its_original(tmp_path):
    own_td = "(lambda *a: rewards + gamma * (~terminated).to(rewards.dtype) * next_values - values)("
    own_gae = GOOD_GAE.replace("my_td_residuals(", own_td)
    notebook = filled_01(td="return rewards + gamma * next_values - values", gae=own_gae)
    original = grade(notebook, tmp_path / "lee_01_advantage.ipynb")
    for cell in notebook["cells"]:
        cell.pop("id", None)
        cell["metadata"] = {}
    notebook["nbformat_minor"] = 4
    stripped = grade(notebook, tmp_path / "lee_stripped_01_advantage.ipynb")
    summary = lambda grades: {f: (g.status, g.cases_passed, g.cases_total, g.points) for f, g in grades.items()}
    assert summary(stripped) == summary(original)
    assert summary(original)["my_td_residuals"][0] == "failed" and summary(original)["my_gae"][0] == "passed"
    assert stripped["my_gae"].skipped == original["my_gae"].skipped == (), "no lesson cell was taken for the student's"


def test_each_exercise_has_its_own_time_limit(tmp_path):
    notebook = filled_01(td="while True:\n        pass")
    grades = grade(notebook, tmp_path / "max_01_advantage.ipynb", timeout=5)
    td = grades["my_td_residuals"]
    assert td.status == "timeout" and td.points == 0
    assert "my_td_residuals timed out: it did not finish within 5 s on case 'hand example, no episode end" in td.report
    assert grades["my_prediction_truncation_error"].status == "passed", "a fresh sandbox grades the next exercise"

    notebook = filled_01(td="import os\n    os._exit(0)")
    grades = grade(notebook, tmp_path / "ozzy_01_advantage.ipynb")
    assert grades["my_td_residuals"].status == "error" and "ended the grading process" in grades["my_td_residuals"].report
    assert grades["my_prediction_truncation_error"].status == "passed"


def test_errors_keep_the_students_line_and_gradients_cross_the_process_boundary(tmp_path):
    notebook = student_copy("03_importance_sampling")
    ratio_cell, mean_ratio, kl_cell, variance = exercise_cells(notebook)
    answer(ratio_cell, "return torch.exp(log_probs - old_log_probs)  # forgets to detach old_log_probs")
    answer(kl_cell, "ratio = torch.exp(log_probs - old_log_probs)\n    return (ratio - 1) - torch.log(ratio) + undefined_name")
    grades = grade(notebook, tmp_path / "ann_03.ipynb")
    ratio, kl = grades["my_importance_ratio"], grades["my_approx_kl"]
    assert ratio.status == "failed" and ratio.cases_passed == 3
    assert "the gradient with respect to `old_log_probs` is wrong" in ratio.report
    assert "forget to detach the old log-probs" in ratio.report
    assert "raised NameError: name 'undefined_name' is not defined (line " in kl.report
    assert "`return (ratio - 1) - torch.log(ratio) + undefined_name`" in kl.report


# ----- feedback a student reads -------------------------------------------------------------------

FUNCTIONS = [e for e in homework.CATALOGUE if e.kind == "function"]
MISTAKES = [(e, description, wrong) for e in FUNCTIONS for description, wrong in e.mistakes]


@pytest.mark.parametrize("exercise, description, wrong", MISTAKES, ids=[f"{e.function}:{d[:30]}" for e, d, _ in MISTAKES])
def test_feedback_on_a_known_mistake_fits_on_a_screen(exercise, description, wrong, capsys):
    """The first failing case in full, the others one line each: at most 25 lines, and the mistake is named."""
    result = exercise.run(wrong)
    lines = result.report.splitlines()
    assert len(lines) <= 25, result.report
    assert sum(line.startswith("    inputs:") for line in lines) == 1, "only the first failing case shows its inputs"
    assert f"your output matches what you get when you {description}" in result.report


def test_a_named_mistake_replaces_the_generic_hint(capsys):
    clipped = next(e for e in FUNCTIONS if e.function == "my_clipped_surrogate")
    report = clipped.run(dict(clipped.mistakes)["take the max instead of the min"]).report
    assert "use the clip_eps argument" not in report, "the student used clip_eps; the case's generic hint would mislead"
    assert "take the max instead of the min" in report


def test_grading_stops_if_a_submission_rewrote_the_graders_files(tmp_path, monkeypatch, capsys):
    """Checkers loaded before a submission are safe, but the next run would import changed files: stop and say so."""
    from ppo_core.homework import cli, grade as grading

    fingerprints = iter(["before", "after"])
    monkeypatch.setattr(grading, "_fingerprint", lambda: next(fingerprints))
    homework.write_notebook(student_copy("01_advantage"), tmp_path / "vandal" / "01_advantage.ipynb")
    assert cli.main(["grade", str(tmp_path / "vandal" / "01_advantage.ipynb")]) == 2
    assert "the grader's own files (the ppo_core package) changed" in capsys.readouterr().out


# ----- cases a student cannot copy --------------------------------------------------------------------

def test_unseen_cases_are_reproducible_and_drawn_per_student_and_per_course():
    for exercise in FUNCTIONS:
        alice, again, bob = (unseen_cases(exercise, who) for who in ("alice", "alice", "bob"))
        other_term = unseen_cases(exercise, "alice", course_seed=2027)
        assert [c.name for c in alice] == ["held-out case (not in the notebook)", "a case drawn for you (seeded by your student ID)"]
        same = lambda a, b: all(  # noqa: E731
            torch.equal(va, vb) if isinstance(va, torch.Tensor) else va == vb for va, vb in zip(a.inputs.values(), b.inputs.values()))
        assert same(alice[0], again[0]) and same(alice[1], again[1]), exercise.function
        assert same(alice[0], bob[0]), "the held-out case is the same for the whole class"
        assert not same(alice[1], bob[1]), f"{exercise.function}: two students drew the same case"
        assert not same(alice[0], other_term[0]), f"{exercise.function}: another course seed draws another held-out case"
        assert exercise.run(exercise.reference, alice + bob).passed, exercise.function


@pytest.mark.parametrize("exercise", FUNCTIONS, ids=[e.function for e in FUNCTIONS])
def test_the_unseen_cases_catch_most_known_mistakes(exercise, capsys):
    """On 10 students, a known mistake fails the unseen cases nearly always (those the notebook's edge cases are for aside)."""
    caught = [sum(not exercise.run(wrong, unseen_cases(exercise, f"student{i}")[1:]).passed for i in range(10))
              for _, wrong in exercise.mistakes]
    assert sum(c >= 8 for c in caught) >= len(caught) - 2, dict(zip([d for d, _ in exercise.mistakes], caught))


def lookup_table(exercise):
    """A student's my_normalized_scores that returns the outputs a neighbour's notebook printed, looked up by the inputs."""
    table = {round(float(c.inputs["scores"][0]), 1): exercise.reference(**c.inputs).tolist() for c in exercise.cases()}
    return ("def my_normalized_scores(scores, random_score):\n"
            f"    table = {table!r}  # copied from a neighbour's printed outputs\n"
            "    return torch.tensor(table.get(round(float(scores[0]), 1), [0.0] * len(scores)), dtype=scores.dtype)\n")


def test_copied_outputs_pass_the_notebook_but_not_the_grader(tmp_path, capsys):
    exercise = find_exercise("my_normalized_scores")
    namespace = {}
    exec("import torch\n" + lookup_table(exercise), namespace)
    assert exercise.run(namespace["my_normalized_scores"]).passed, "the table reproduces every case the notebook shows"
    notebook = student_copy("07_table1")
    cell = exercise_cells(notebook, "07_table1")[1]
    cell["source"] = lookup_table(exercise)
    graded = grade(notebook, tmp_path / "mallory" / "07_table1.ipynb")["my_normalized_scores"]
    assert graded.status == "failed" and graded.points == 0
    assert graded.cases_passed == exercise.num_cases and graded.cases_total == exercise.num_cases + 2
    assert "✗ held-out case (not in the notebook)" in graded.report
    assert "✗ a case drawn for you (seeded by your student ID)" in graded.report
    assert any("passes every case the notebook shows but not the grader's held-out or drawn case" in note
               for note in graded.integrity), "the teacher is told"


def test_min_of_the_ratios_times_a_is_named_and_take_the_max_still_is(capsys):
    clipped = next(e for e in FUNCTIONS if e.function == "my_clipped_surrogate")
    mistakes = dict(clipped.mistakes)
    ratio_min = next(d for d in mistakes if d.startswith("take the min of the ratios"))
    report = clipped.run(mistakes[ratio_min]).report
    assert "take the max instead of the min" not in report and ratio_min in report
    report = clipped.run(mistakes["take the max instead of the min"]).report
    assert ratio_min not in report and "take the max instead of the min" in report


# ----- feedback files ---------------------------------------------------------------------------------

def _wrong_answers(stem, round_):
    """Grades of one notebook in which every exercise is answered with a known mistake (the round_-th of each)."""
    import contextlib
    import io

    from ppo_core.homework.grade import Grade

    grades = []
    for exercise in homework.exercises_of(stem):
        if exercise.kind == "behaviour":  # the capstone: an update that never steps (the probe's first case fails)
            answer_ = lambda agent, optimizer, batch, config, clip_eps, generator: None  # noqa: E731
        else:  # a function's or a prediction's round_-th known mistake
            answer_ = exercise.mistakes[round_ % len(exercise.mistakes)][1]
        with contextlib.redirect_stdout(io.StringIO()):
            result = exercise.run(answer_, unseen_cases(exercise, "student42"))
        grades.append(Grade("s.ipynb", stem, exercise.function, exercise.checker, "failed", result.num_passed, len(result.cases),
                            0, exercise.points, result.summary))
    return grades


STEMS = sorted({e.notebook for e in homework.CATALOGUE if e.notebook != "05_ppo_cartpole"}) + ["05_ppo_cartpole"]


@pytest.mark.parametrize("stem", STEMS)
def test_a_feedback_file_stays_under_60_lines_whatever_the_known_mistakes(stem):
    """Every exercise of the notebook wrong, for every known mistake in turn: the file is at most 60 lines."""
    from ppo_core.homework.grade import feedback_text

    rounds = max(len(e.mistakes) for e in homework.exercises_of(stem))
    for round_ in range(rounds):
        text = feedback_text("student42/" + stem + ".ipynb", _wrong_answers(stem, round_))
        assert len(text.splitlines()) <= 60, text
        assert text.count("    inputs:") <= len(homework.exercises_of(stem)), "only the first failing case shows its inputs"


# ----- the capstone: observed in the sandbox, judged in the grader ---------------------------------------

FORGED_TRAINING = """import ppo_core.exercises.ppo_cartpole as capstone
capstone._capstone_checks = lambda fn, observe=None: [("forged", None, "")] * 6
capstone.judge_probes = lambda observed: ([("forged", None, "")] * 5, True)
capstone.judge_training = lambda observed: ([("forged", None, "")], True)
capstone.observe_training = lambda fn, *args, **kwargs: {"runs": [[0, 2048, {}], [1, 2048, {}], [7, 2048, {}]],
                                                          "error": None, "seeds": 3, "budget": 10**9, "needed": 0}
"""


def test_the_capstone_is_judged_where_student_code_cannot_reach(tmp_path):
    """A correct update loop whose cell also patches the capstone's checker and forges the training record: the
    probes pass (judged in the grader), the forged training does not (the grader evaluates the agents itself)."""
    notebook = student_copy("05_ppo_cartpole")
    cell = exercise_cells(notebook, "05_ppo_cartpole")[3]
    cell["source"] = teacher_solution("05_ppo_cartpole", "my_update").replace("import", "import", 1)
    add_cell(notebook, cell, FORGED_TRAINING)
    update = grade(notebook, tmp_path / "forger" / "05_ppo_cartpole.ipynb")["my_update"]
    assert update.status == "failed" and update.points == 0, update.report
    assert update.cases_passed == 5 and update.cases_total == 6
    assert "not reached in 20,480" in update.report and "forged" not in update.report


def test_the_training_judge_keeps_its_own_terms():
    """A record that claims needed = 0, a huge budget, other seeds, a seed twice or garbage gets no credit."""
    from ppo_core.exercises import ppo_cartpole as capstone

    good_seed = capstone._CAPSTONE_SEEDS[0]
    record = {"runs": [[99, 2048, {}], [good_seed, 10**9, {}], [good_seed, 2048, {}], ["x", None, None],
                       [good_seed, float("inf"), {}], [good_seed], 7],
              "error": None, "seeds": 1, "budget": 10**9, "needed": 0}
    [(name, problem, _)], passed = capstone.judge_training(record)
    assert not passed and f"within {capstone.CAPSTONE_BUDGET:,} steps on >= 2 of 3 seeds" in name
    assert "reached on 0 seed(s)" in problem and "seed 99" not in name
    for garbage in ({}, {"runs": None}, [], "forged", {"runs": [[good_seed, 2048, {"w": 1}]] * 3}):
        [(_, problem, _)], passed = capstone.judge_training(garbage)
        assert not passed and problem


def test_a_correct_capstone_gets_full_marks_through_the_sandbox(tmp_path):
    notebook = student_copy("05_ppo_cartpole")
    exercise_cells(notebook, "05_ppo_cartpole")[3]["source"] = teacher_solution("05_ppo_cartpole", "my_update")
    update = grade(notebook, tmp_path / "carol" / "05_ppo_cartpole.ipynb")["my_update"]
    assert update.status == "passed" and update.points == update.max_points, update.report
    assert update.cases_passed == update.cases_total == 6 and not update.flags


def test_a_capstone_that_calls_the_library_update_is_flagged(tmp_path):
    notebook = student_copy("05_ppo_cartpole")
    exercise_cells(notebook, "05_ppo_cartpole")[3]["source"] = (
        "import ppo_core\n\ndef my_update(agent, optimizer, batch, config, clip_eps, generator):\n"
        "    helper = getattr(ppo_core, 'ppo_' + 'update')\n    helper(agent, optimizer, batch, config)\n")
    update = grade(notebook, tmp_path / "sam" / "05_ppo_cartpole.ipynb")["my_update"]
    assert update.points == 0 and "ppo_update" in update.flags, update.report
    assert any("my_update → ppo_core.ppo.ppo_update" in chain for chain in update.calls), update.calls


def test_a_later_cell_that_defines_the_function_again_is_not_graded(tmp_path):
    """The exercise cell's definition is graded (the one its checker cell checked), not a comparison written after it."""
    notebook = filled_01()
    gae_cell = exercise_cells(notebook, "01_advantage")[2]
    compare = add_cell(notebook, notebook["cells"][-1], "from ppo_core import gae as library_gae\n\n"
                       "def my_gae(*args, **kwargs):  # compare with the library\n    return library_gae(*args, **kwargs)\n")
    add_cell(notebook, compare, "def my_td_residuals(rewards, values, next_values, terminated, gamma):\n    return rewards  # unfinished\n")
    grades = grade(notebook, tmp_path / "peggy" / "01_advantage.ipynb")
    assert all(g.status == "passed" and g.points == g.max_points and not g.flags for g in grades.values()), \
        [g.report for g in grades.values()]
    skipped = "\n".join(grades["my_gae"].skipped)
    assert "defines my_gae again: the grader grades the definition in its exercise cell" in skipped
    assert "defines my_td_residuals again" in skipped
    assert gae_cell is not None


def test_a_kl_estimate_computed_without_gradients_passes(capsys):
    """PPO logs the KL (CleanRL computes it under torch.no_grad()); the exercise asks for values only."""
    import torch as t

    exercise = find_exercise("my_approx_kl")

    def my_approx_kl(log_probs, old_log_probs):
        with t.no_grad():
            log_ratio = log_probs - old_log_probs
            return (t.exp(log_ratio) - 1) - log_ratio

    assert exercise.run(my_approx_kl, unseen_cases(exercise, "kim")).passed
