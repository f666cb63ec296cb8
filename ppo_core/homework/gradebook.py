"""The gradebook: one row per student, per-exercise points and the total, ready to import.

``total`` and ``max_total`` are the auto-graded part: the code exercises that the grader scores. The written
questions of the notebooks graded (:mod:`.written`) follow as one empty column each, for the teacher to fill
in by hand, and ``written_max``, their points in all. Both maxima are the whole assignment's (every notebook
graded in the run), the same for every student: a notebook a student did not hand in counts 0.

Student IDs come from the file or folder names that learning platforms give submissions:

- Moodle: ``Wang Wei_12345_assignsubmission_file_/01_advantage.ipynb`` (folder or file name) → ``12345``;
- Canvas: ``wangwei_12345_67890_01_advantage.ipynb`` (also ``wangwei_LATE_12345_67890_...``) → ``12345``;
- nbgrader: ``submitted/alice/ppo_week4/01_advantage.ipynb`` (also ``autograded/``, ``feedback/``) → ``alice``;
- otherwise the file name without the notebook's name and a copy's suffix (``alice_01_advantage.ipynb`` →
  ``alice``; ``01_advantage-Copy1.ipynb`` and ``01_advantage (1).ipynb`` name nobody), or a folder per student:
  the nearest folder whose name differs between submissions (``class/张伟/01_advantage.ipynb`` → ``张伟``), or,
  for files named after nobody in one folder (``alice.ipynb``, ``bob.ipynb``), the file name.

Points per exercise come from the catalogue, or from a file the teacher edits (``--points``): a CSV
with the columns ``exercise,points`` or a TOML file of ``exercise = points`` lines (optionally under
``[points]``), where an exercise is named by its function (``my_gae``) or its checker (``check_gae``).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ..exercises import CATALOGUE, find_exercise
from .written import WRITTEN

MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_[a-z]+_")
CANVAS = re.compile(r"^(?P<name>[^_]+?)(?:_late)?_(?P<id>\d{3,})_\d{3,}_", re.IGNORECASE)  # user and submission ids
NBGRADER_FOLDERS = ("submitted", "autograded", "feedback")  # nbgrader's <folder>/<student>/<assignment>/<notebook>
# what a copy adds to a file name: Jupyter's "Duplicate" (-Copy1), a browser's second download ( (1)), a version
COPY_SUFFIX = re.compile(r"(?i)(?:[-_ .]*(?:copy\d*|\(\d+\)|-\d+|submission|final|v\d+))+$")


def _notebook_in_name(path: Path):
    """The stem of the series' notebook that the file name contains (the longest), or None."""
    return next((s for s in sorted({e.notebook for e in CATALOGUE}, key=len, reverse=True) if s in path.stem), None)


def _without_copy_suffix(name: str) -> str:
    return COPY_SUFFIX.sub("", name).strip("-_ .")


def _from_names(path: Path):
    """``(student_id, name)`` from a platform's file or folder name, or the file name without the notebook's; else None."""
    parts = path.parts
    for i, part in enumerate(parts[:-3]):
        if part in NBGRADER_FOLDERS:
            return parts[i + 1], parts[i + 1]
    for part in reversed(parts):
        moodle = MOODLE.match(part)
        if moodle:
            return moodle.group("id"), moodle.group("name")
    canvas = CANVAS.match(path.name)
    if canvas:
        return canvas.group("id"), canvas.group("name")
    stem = _notebook_in_name(path)
    if stem is None:  # Untitled.ipynb, homework4.ipynb: the name says nothing of the student
        return None
    rest = _without_copy_suffix(path.stem.replace(stem, ""))
    return (rest, rest) if rest else None


def student_of(path, depth: int = 0) -> tuple[str, str]:
    """``(student_id, name)`` from a submission's path (see the module's docstring for the patterns).

    When the names say nothing, the student is a folder: the parent (``depth=0``), or one further up
    (``depth=1`` for nbgrader's ``submitted/alice/ppo_week4/04_clipped_surrogate.ipynb``).
    """
    path = Path(path)
    found = _from_names(path)
    if found:
        return found
    if _notebook_in_name(path) is None and path.parent.is_dir() and sum(1 for _ in path.parent.glob("*.ipynb")) > 1:
        # alice.ipynb, bob.ipynb, ... in one folder: the file names the student
        name = _without_copy_suffix(path.stem) or path.stem
        return name, name
    parents = path.parents
    folder = parents[min(depth, len(parents) - 1)].name or path.stem
    return folder, folder


def _folder_depth(paths) -> int:
    """How far up the student's folder is: the first level at which the submissions' folders differ."""
    chains = [[p.name for p in Path(path).resolve().parents] for path in paths]
    if len(chains) < 2:
        return 0
    for depth in range(min(map(len, chains))):
        if len({chain[depth] for chain in chains}) > 1:
            return depth
    return 0


def students_of(paths) -> list[tuple[str, str]]:
    """``(student_id, name)`` of each submission (:func:`student_of`), the folder level chosen once for all of them."""
    depth = _folder_depth([Path(p).resolve() for p in paths if _from_names(Path(p)) is None])
    return [student_of(Path(p).resolve(), depth) for p in paths]


def read_points(path) -> dict:
    """Points per exercise function from a CSV (``exercise,points``) or TOML file; clear errors name the bad entry."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"--points {path}: no such file. Give a CSV with the columns exercise,points or a TOML file.")
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".toml":
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise ValueError(f"--points {path}: not valid TOML ({err}).") from None
        entries = list((data.get("points", data)).items())
    else:
        rows = list(csv.reader(text.splitlines()))
        if not rows or [c.strip().lower() for c in rows[0][:2]] != ["exercise", "points"]:
            raise ValueError(f"--points {path}: the first line must be the header `exercise,points`.")
        entries = [(row[0].strip(), row[1].strip() if len(row) > 1 else "") for row in rows[1:] if row and row[0].strip()]
    points = {}
    for name, value in entries:
        try:
            exercise = find_exercise(str(name))
        except ValueError:
            raise ValueError(f"--points {path}: unknown exercise {name!r}; name exercises by function (my_gae) or checker "
                             "(check_gae), as `python -m ppo_core.homework list` prints them.") from None
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = -1.0
        if not number >= 0:
            raise ValueError(f"--points {path}: the points of {name} must be a number >= 0, got {value!r}.")
        points[exercise.function] = number
    return points


def rescale(grades, points: dict) -> None:
    """Give each grade the teacher's points for its exercise (in place), keeping the fraction earned."""
    for g in grades:
        if g.function in points:
            fraction = g.points / g.max_points if g.max_points else 0.0
            g.max_points = points[g.function]
            g.points = round(fraction * g.max_points, 6)


def _number(x) -> str:
    return f"{x:g}"


def gradebook_rows(grades) -> tuple[list, list]:
    """The header and one row per student: ID, name, files, points per exercise, total, maximum, written questions, notes.

    ``total`` and ``max_total`` count the auto-graded exercises only. Each written question of the notebooks
    graded gets an empty column (``written_01_a``, ...), which the teacher fills in; ``written_max`` is their
    points. The maxima are the same for every student; a notebook not handed in counts 0 (and gets a note).
    A student who handed in the same notebook twice gets the better of the two, and a note.
    """
    order = [e.function for e in CATALOGUE]
    exercises = sorted({g.function for g in grades}, key=order.index)
    graded = {g.notebook for g in grades}
    written = [q for q in WRITTEN if q.notebook in graded]
    students: dict = {}
    for g, (student_id, name) in zip(grades, students_of([g.path or g.submission for g in grades])):
        entry = students.setdefault(student_id, dict(name=name, notebooks={}))
        entry["notebooks"].setdefault(g.notebook, {}).setdefault(g.submission, []).append(g)
    # the maxima are the whole assignment's (every notebook graded in this run), the same for every student: a notebook
    # not handed in counts 0, it does not shrink the maximum
    max_total = sum({g.function: g.max_points for g in grades}.values())
    written_max = sum(q.points for q in written)
    header = ["student_id", "name", "submissions", *exercises, "total", "max_total", *(q.grade_id for q in written),
              "written_max", "notes"]
    rows = []
    for student_id, entry in students.items():
        cells, files, notes = {}, [], []
        for notebook, submissions in entry["notebooks"].items():
            best = max(submissions, key=lambda s: sum(g.points for g in submissions[s]))
            if len(submissions) > 1:
                notes.append(f"{len(submissions)} submissions of {notebook}: kept {best}")
            files.append(best)
            for g in submissions[best]:
                cells[g.function] = g
                if g.flags:
                    notes.append(f"{g.function}: called {', '.join(g.flags)}")
                notes += [f"{g.function}: {note}" for note in g.integrity]
        notes += [f"no submission of {notebook}: 0 points" for notebook in sorted(graded - set(entry["notebooks"]))]
        total = sum(g.points for g in cells.values())
        points = [_number(round(cells[f].points, 2)) if f in cells else "" for f in exercises]
        rows.append([student_id, entry["name"], " ".join(files), *points,
                     _number(round(total, 2)), _number(max_total), *([""] * len(written)), _number(written_max),
                     "; ".join(dict.fromkeys(notes))])
    rows.sort(key=lambda r: r[0])
    return header, rows


def write_gradebook(grades, path, excel: bool = False) -> None:
    """Write the gradebook CSV; ``excel=True`` adds a UTF-8 byte-order mark, so Excel shows 张伟 rather than mojibake."""
    header, rows = gradebook_rows(grades)
    with open(path, "w", newline="", encoding="utf-8-sig" if excel else "utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
