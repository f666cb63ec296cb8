"""The gradebook: one row per student, IDs from platform file names, teacher-edited points, Excel-safe UTF-8."""

import csv
import time
from pathlib import Path

import pytest

from ppo_core import homework
from ppo_core.homework import cli, gradebook
from ppo_core.homework.grade import Grade

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
STEM = "03_importance_sampling"
STUB = "# YOUR CODE HERE\n    raise NotImplementedError()"


@pytest.mark.parametrize("path, expected", [
    ("moodle/Wang Wei_12345_assignsubmission_file_/03_importance_sampling.ipynb", ("12345", "Wang Wei")),
    ("moodle/张伟_23456_assignsubmission_file_03_importance_sampling.ipynb", ("23456", "张伟")),
    ("canvas/wangwei_34567_8901234_03_importance_sampling.ipynb", ("34567", "wangwei")),
    ("canvas/liuyang_LATE_45678_8901235_03_importance_sampling-1.ipynb", ("45678", "liuyang")),
    ("class/李娜/03_importance_sampling.ipynb", ("李娜", "李娜")),
    ("class/alice_03_importance_sampling.ipynb", ("alice", "alice")),
    # a copy's suffix or a name that says nothing: the folder names the student
    ("class/grace/03_importance_sampling-Copy1.ipynb", ("grace", "grace")),
    ("class/hank/03_importance_sampling (1).ipynb", ("hank", "hank")),
    ("class/ivan/Untitled.ipynb", ("ivan", "ivan")),
    ("class/judy/03-importance-sampling.ipynb", ("judy", "judy")),
    ("class/bob_2024_03_importance_sampling.ipynb", ("bob_2024", "bob_2024")),  # not Canvas: its ids are longer
    ("course/submitted/alice/ppo_week3/03_importance_sampling.ipynb", ("alice", "alice")),  # nbgrader, one file alone
])
def test_student_ids_come_from_platform_file_names(path, expected):
    assert gradebook.student_of(path) == expected


def test_a_folder_per_student_is_the_nearest_folder_that_differs():
    """nbgrader's layout: submitted/<student>/<assignment>/<notebook>."""
    grades = [_grade(f"course/submitted/{name}/ppo_week3/03_importance_sampling.ipynb", "my_approx_kl", 3, 3)
              for name in ("alice", "张伟")]
    header, rows = gradebook.gradebook_rows(grades)
    assert [row[:2] for row in rows] == [["alice", "alice"], ["张伟", "张伟"]]
    assert gradebook.student_of("submitted/bob/ppo_week3/03_importance_sampling.ipynb", depth=1) == ("bob", "bob")


def _grade(submission, function, points, max_points, notebook=STEM, flags=(), integrity=()):
    return Grade(submission, notebook, function, "check_" + function[3:], "passed" if points == max_points else "failed",
                 0, 0, points, max_points, "", flags, (), integrity)


def test_one_row_per_student_with_totals_teacher_points_and_notes(tmp_path):
    grades = [
        _grade("张伟/03_importance_sampling.ipynb", "my_importance_ratio", 2, 2),
        _grade("张伟/03_importance_sampling.ipynb", "my_approx_kl", 0, 3, flags=("approx_kl",)),
        _grade("张伟/01_advantage.ipynb", "my_gae", 4, 4, notebook="01_advantage"),
        _grade("bob/03_importance_sampling.ipynb", "my_importance_ratio", 0, 2),
        _grade("bob/03_importance_sampling.ipynb", "my_approx_kl", 3, 3, integrity=("the teacher's solution",)),
    ]
    points = tmp_path / "points.toml"
    points.write_text('[points]\nmy_gae = 10\ncheck_approx_kl = 6\n', encoding="utf-8")
    gradebook.rescale(grades, gradebook.read_points(points))
    header, rows = gradebook.gradebook_rows(grades)
    assert header == ["student_id", "name", "submissions", "my_gae", "my_importance_ratio", "my_approx_kl", "total",
                      "max_total", "written_01_a", "written_03_a", "written_max", "notes"]
    bob, zhang = rows
    # bob handed in 03 only: the maxima are still the whole assignment's (a missing notebook counts 0)
    assert bob[:2] == ["bob", "bob"] and bob[3:8] == ["", "0", "6", "6", "18"]
    assert bob[8:11] == ["", "", "6"]  # written questions: empty for the teacher, 3 + 3 points
    assert "my_approx_kl: the teacher's solution" in bob[11] and "no submission of 01_advantage: 0 points" in bob[11]
    assert zhang[:2] == ["张伟", "张伟"] and zhang[3:8] == ["10", "2", "0", "12", "18"]
    assert zhang[8:11] == ["", "", "6"]
    assert "my_approx_kl: called approx_kl" in zhang[11]

    path = tmp_path / "book.csv"
    gradebook.write_gradebook(grades, path, excel=True)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "张伟".encode() in raw
    gradebook.write_gradebook(grades, path)
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_written_questions_get_empty_columns_and_their_total_apart_from_the_auto_graded_total():
    """The grader scores only code; each written question of the notebooks graded gets a column for the teacher."""
    from ppo_core.homework.written import WRITTEN, written_of

    grades = [_grade("alice/04_clipped_surrogate.ipynb", "my_clipped_surrogate", 3, 3, notebook="04_clipped_surrogate"),
              _grade("alice/05_ppo_cartpole.ipynb", "my_ppo_loss", 0, 3, notebook="05_ppo_cartpole"),
              _grade("bob/05_ppo_cartpole.ipynb", "my_ppo_loss", 3, 3, notebook="05_ppo_cartpole")]
    header, rows = gradebook.gradebook_rows(grades)
    written = [q.grade_id for q in written_of("04_clipped_surrogate") + written_of("05_ppo_cartpole")]
    assert written == ["written_04_a", "written_04_b", "written_05_a", "written_05_b"]
    assert header[header.index("max_total") + 1:] == [*written, "written_max", "notes"]
    table = {row[0]: dict(zip(header, row)) for row in rows}
    alice, bob = table["alice"], table["bob"]
    assert (alice["total"], alice["max_total"], alice["written_max"]) == ("3", "6", "8")  # total: the code exercises only
    # bob handed in 05 only: the same maxima (a notebook not handed in counts 0, it does not shrink the maximum)
    assert (bob["total"], bob["max_total"], bob["written_max"]) == ("3", "6", "8")
    assert "no submission of 04_clipped_surrogate: 0 points" in bob["notes"] and "no submission" not in alice["notes"]
    assert all(alice[w] == bob[w] == "" for w in written), "left empty for the teacher"
    assert len({q.grade_id for q in WRITTEN}) == len(WRITTEN)
    header, _ = gradebook.gradebook_rows(grades[:1])
    assert "written_05_a" not in header, "only the written questions of the notebooks graded"


@pytest.mark.parametrize("text, suffix, message", [
    ("exercise,points\nmy_gea,3\n", ".csv", "unknown exercise 'my_gea'"),
    ("exercise,points\nmy_gae,-1\n", ".csv", "must be a number >= 0"),
    ("name,score\nmy_gae,3\n", ".csv", "header `exercise,points`"),
    ("my_gae = 'lots'\n", ".toml", "must be a number >= 0"),
    ("my_gae = \n", ".toml", "not valid TOML"),
])
def test_bad_points_files_name_the_problem(tmp_path, text, suffix, message):
    path = tmp_path / f"points{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        gradebook.read_points(path)


CORRECT_RATIO = "return torch.exp(log_probs - old_log_probs.detach())"
CORRECT_KL = "log_ratio = log_probs - old_log_probs\n    return torch.expm1(log_ratio) - log_ratio"
WRONG_KL = "return torch.exp(log_probs) / torch.exp(old_log_probs) - 1 - (log_probs - old_log_probs)"


def _submission(ratio, kl):
    notebook = homework.make_student_copy(homework.read_notebook(NOTEBOOKS / f"{STEM}.ipynb"))
    stubs = [c for c in notebook["cells"] if c["cell_type"] == "code" and homework.is_stub(homework.source(c))]
    for cell, body in zip((stubs[0], stubs[2]), (ratio, kl)):
        if body:
            cell["source"] = homework.source(cell).replace(STUB, body)
    stubs[1]["source"] = homework.source(stubs[1]).replace("None  # YOUR PREDICTION HERE", repr("equal to 1"))
    return notebook


def test_grading_a_class_folder(tmp_path, capsys):
    """Twelve students named as Moodle, Canvas and a folder per student name them, some with Chinese names."""
    # totals: good 6 (ratio 2 + mean-ratio prediction 1 + KL 3), half 3, blank 1 (every copy predicts the mean ratio)
    answers = {"good": (CORRECT_RATIO, CORRECT_KL), "half": (CORRECT_RATIO, WRONG_KL), "blank": (None, None)}
    students = [
        ("moodle/张伟_10001_assignsubmission_file_/03_importance_sampling.ipynb", "good", "10001", 6),
        ("moodle/李娜_10002_assignsubmission_file_/03_importance_sampling.ipynb", "half", "10002", 3),
        ("moodle/Wang Fang_10003_assignsubmission_file_/03_importance_sampling.ipynb", "blank", "10003", 1),
        ("moodle/刘洋_10004_assignsubmission_file_03_importance_sampling.ipynb", "good", "10004", 6),
        ("canvas/chenjing_20001_9000001_03_importance_sampling.ipynb", "good", "20001", 6),
        ("canvas/yangli_LATE_20002_9000002_03_importance_sampling.ipynb", "half", "20002", 3),
        ("canvas/zhaomin_20003_9000003_03_importance_sampling.ipynb", "blank", "20003", 1),
        ("folders/黄磊/03_importance_sampling.ipynb", "good", "黄磊", 6),
        ("folders/周杰/03_importance_sampling.ipynb", "half", "周杰", 3),
        ("folders/alice/03_importance_sampling.ipynb", "good", "alice", 6),
        ("folders/bob/03_importance_sampling.ipynb", "half", "bob", 3),
        ("folders/carol/03_importance_sampling.ipynb", "blank", "carol", 1),
    ]
    paths = []
    for relative, kind, _, _ in students:
        path = tmp_path / "class" / relative
        homework.write_notebook(_submission(*answers[kind]), path)
        paths.append(str(path))
    book, feedback = tmp_path / "gradebook.csv", tmp_path / "feedback"
    start = time.monotonic()
    assert cli.main(["grade", *paths, "--gradebook", str(book), "--feedback", str(feedback), "--excel"]) == 0
    print(f"graded {len(paths)} submissions in {time.monotonic() - start:.0f} s")
    assert "look at this one" not in capsys.readouterr().out, "a two-line answer without comments is not flagged"
    assert book.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = {r["student_id"]: r for r in csv.DictReader(book.open(encoding="utf-8-sig"))}
    assert len(rows) == len(students)
    for _, kind, student_id, total in students:
        assert float(rows[student_id]["total"]) == total, (student_id, rows[student_id])
        assert rows[student_id]["max_total"] == "7"  # ratio 2 + mean-ratio prediction 1 + KL 3 + variance prediction 1
        assert rows[student_id]["written_03_a"] == "" and rows[student_id]["written_max"] == "3"  # graded by hand
    assert rows["10002"]["name"] == "李娜" and rows["10002"]["my_approx_kl"] == "0"
    wrong = (feedback / next(p.name for p in feedback.iterdir() if "10002" in p.name)).read_text(encoding="utf-8")
    assert "0 / 0 for tiny probabilities" in wrong, "the KL computed by dividing exponentials fails the tiny-probability case"

    # grading again refuses to overwrite the results, unless told to
    with pytest.raises(SystemExit):
        cli.main(["grade", paths[0], "--gradebook", str(book)])
    assert "exists (earlier results?)" in capsys.readouterr().err
    assert cli.main(["grade", paths[0], "--feedback", str(tmp_path / "one")]) == 0  # one student per call...
    with pytest.raises(SystemExit):
        cli.main(["grade", paths[0], "--feedback", str(tmp_path / "one")])  # ...does not overwrite the last one's feedback
    assert "add --force" in capsys.readouterr().err
    assert cli.main(["grade", paths[0], "--gradebook", str(book), "--force"]) == 0
    assert len(list(csv.DictReader(book.open(encoding="utf-8")))) == 1
