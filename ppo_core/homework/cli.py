"""Homework mode on the command line.

    python -m ppo_core.homework list                                  # the exercises, points and times
    python -m ppo_core.homework release --out student/                # student copies of every notebook
    python -m ppo_core.homework release notebooks/01_advantage.ipynb --out student/
    python -m ppo_core.homework grade submissions/*.ipynb --csv grades.csv --feedback feedback/
    python -m ppo_core.homework grade submissions/*/*.ipynb --gradebook gradebook.csv --points points.toml --excel
    python -m ppo_core.homework key --out answer_key.html             # every solution and answer on one page
    python -m ppo_core.homework --lang zh release --out student_zh/   # the Chinese edition (notebooks/zh/)
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

from ..exercises import CATALOGUE
from ..i18n import LANGUAGES, N_, get_language, tr, using
from .grade import _labels, feedback_text, grade_submission
from .gradebook import read_points, rescale, students_of, write_gradebook
from .key import answer_key
from .notebooks import default_source_dir
from .release import release


STATUSES = (N_("passed"), N_("failed"), N_("not attempted"), N_("missing"), N_("error"), N_("timeout"))


def exercise_table() -> str:
    """The exercises as a Markdown table (the teacher's guide prints the same table)."""
    rows = [tr("| notebook | exercise | learning goal | difficulty | minutes | points | checker: cases / known mistakes |"),
            "|---|---|---|---|---|---|---|"]
    for e in CATALOGUE:
        goal = tr(e.goal).replace("|", "\\|")  # a | in a goal (π(a|s)) would split the Markdown cell
        rows.append(f"| {e.notebook} | `{e.function}` | {goal} | {'★' * e.difficulty} | {e.minutes} | {e.points} | "
                    f"`{e.checker}`: {e.num_cases} / {len(e.mistakes)} |")
    total_minutes, total_points = sum(e.minutes for e in CATALOGUE), sum(e.points for e in CATALOGUE)
    rows.append(tr("| **all** | {count} exercises | | | {minutes} | {points} | |").format(
        count=len(CATALOGUE), minutes=total_minutes, points=total_points))
    return "\n".join(rows)


def _series(paths, language: str = "en") -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    found = sorted((default_source_dir() / ("zh" if language == "zh" else "")).glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise SystemExit("No notebooks given and none found in ./notebooks. Run from the repository root or pass the notebooks.")
    return found


def _feedback_name(label: str) -> str:
    return re.sub(r"[^\w.-]+", "__", str(Path(label).with_suffix(""))).strip("_") + ".txt"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ppo_core.homework", description="Homework mode: student copies of the notebooks, and a grader for the students' work.",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="the language of this command's messages, of `list` and of the feedback files; with `release` "
                             "and no notebooks given, zh releases the Chinese edition (notebooks/zh/). Default: English, "
                             "and each submission's feedback in the language of its edition")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="print the exercises with their goals, difficulty, minutes and points")
    rel = commands.add_parser("release", help="write student copies (solutions replaced by stubs, outputs cleared)")
    rel.add_argument("notebooks", nargs="*", help="teacher notebooks (default: every numbered notebook in notebooks/)")
    rel.add_argument("--out", required=True, help="folder for the student copies (not the notebooks' own folder)")
    rel.add_argument("--force", action="store_true", help="overwrite files in --out that differ from the new copies")
    key = commands.add_parser("key", help="write the answer key: every solution, answer and the checkers' cases on one HTML page")
    key.add_argument("notebooks", nargs="*", help="teacher notebooks (default: every numbered notebook of the edition)")
    key.add_argument("--out", required=True, help="the HTML file to write")
    key.add_argument("--force", action="store_true", help="replace --out if it exists")
    grd = commands.add_parser("grade", help="grade submitted notebooks with the checkers in strict mode")
    grd.add_argument("submissions", nargs="+", help="the students' notebooks (.ipynb)")
    grd.add_argument("--source", default=None, help="folder of the teacher's notebooks (default: notebooks/)")
    grd.add_argument("--csv", default=None, help="write one row per submission and exercise to this CSV file")
    grd.add_argument("--gradebook", default=None, help="write one row per student (ID from the file or folder name, "
                     "points per exercise, total) to this CSV file")
    grd.add_argument("--points", default=None, help="points per exercise from a CSV (exercise,points) or TOML file "
                     "(default: the catalogue's, as `list` prints them)")
    grd.add_argument("--excel", action="store_true", help="start the CSV files with a UTF-8 byte-order mark, so Excel "
                     "shows non-ASCII names (张伟) correctly")
    grd.add_argument("--force", action="store_true", help="replace existing --csv, --gradebook and feedback files")
    grd.add_argument("--feedback", default=None, help="write each submission's checker reports to FOLDER/<name>.txt")
    grd.add_argument("--partial", action="store_true", help="give points in proportion to the checker cases passed")
    grd.add_argument("--timeout", type=float, default=None,
                     help="seconds allowed per exercise (default 60; 900 for the capstone, which trains an agent)")
    grd.add_argument("--seed", type=int, default=0,
                     help="the course's seed for the cases the notebooks do not show: a held-out case per exercise drawn "
                          "from it, and one drawn from it and each student's ID (default 0; change it each term)")
    grd.add_argument("--shortcuts", choices=("zero", "score"), default="zero",
                     help="an exercise whose function called the library's implementation while it ran: 0 points and "
                          "flagged (zero, the default), or flagged only (score)")
    args = parser.parse_args(argv)
    with using(args.lang or get_language()):  # the language for this command only (main may be called from Python)

        if args.command == "list":
            print(exercise_table())
            return 0
        if args.command == "key":
            out = Path(args.out)
            if out.exists() and not args.force:
                key.error(f"--out {out} exists. Give another file name, or add --force to replace it.")
            if out.is_dir() or not out.resolve().parent.is_dir():
                key.error(f"--out {out}: give a file name in an existing folder.")
            try:
                out.write_text(answer_key(_series(args.notebooks, args.lang or "en")), encoding="utf-8")
            except (ValueError, FileNotFoundError) as err:
                key.error(str(err))
            print(tr("wrote the answer key to {path}").format(path=out))
            return 0
        if args.command == "release":
            try:
                release(_series(args.notebooks, args.lang or "en"), args.out, force=args.force)
            except (ValueError, FileNotFoundError, FileExistsError) as err:
                rel.error(str(err))
            return 0

        # check where the results go before spending time on grading, and never overwrite earlier results unless told to
        labels = _labels(args.submissions)
        outputs = [(flag, value) for flag, value in (("--csv", args.csv), ("--gradebook", args.gradebook)) if value]
        for flag, value in outputs:
            if Path(value).is_dir() or not Path(value).resolve().parent.is_dir():
                grd.error(f"{flag} {value}: give a file name in an existing folder.")
            if Path(value).exists() and not args.force:
                grd.error(f"{flag} {value} exists (earlier results?). Give another file name, or add --force to replace it.")
        if args.feedback and Path(args.feedback).exists() and not Path(args.feedback).is_dir():
            grd.error(f"--feedback {args.feedback} is a file; give a folder (it is created if missing).")
        if args.feedback and not args.force:
            clash = [name for name in map(_feedback_name, labels) if (Path(args.feedback) / name).exists()]
            if clash:
                grd.error(f"--feedback {args.feedback} already holds {', '.join(clash[:3])}{' ...' if len(clash) > 3 else ''} "
                          "(earlier results?). Give another folder, or add --force to replace them.")
        if args.timeout is not None and args.timeout <= 0:
            grd.error(f"--timeout must be > 0 seconds, got {args.timeout:g}.")
        try:
            points = read_points(args.points) if args.points else {}
        except (ValueError, FileNotFoundError) as err:
            grd.error(str(err))
        encoding = "utf-8-sig" if args.excel else "utf-8"
        all_grades, not_graded = [], 0
        for submission, label, (student, _) in zip(args.submissions, labels, students_of(args.submissions)):
            try:
                grades = grade_submission(submission, args.source, args.timeout, args.partial, label=label,
                                          shortcuts=args.shortcuts, student_id=student, seed=args.seed)
            except (ValueError, FileNotFoundError) as err:
                print(tr("{submission}: not graded: {error}").format(submission=submission, error=err))
                not_graded += 1
                continue
            except RuntimeError as err:  # the grader's own files changed: nothing after this submission can be trusted
                print(tr("Grading stopped: {error}").format(error=err))
                return 2
            rescale(grades, points)
            all_grades += grades
            total, best = sum(g.points for g in grades), sum(g.max_points for g in grades)
            print(tr("{label} ({notebook}): {total}/{best} points").format(label=label, notebook=grades[0].notebook,
                                                                             total=f"{total:g}", best=f"{best:g}"))
            for g in grades:
                cases = tr("{passed}/{total} cases").format(passed=g.cases_passed, total=g.cases_total) if g.cases_total else "-"
                calls = "  " + tr("calls {names}: look at this one").format(names=", ".join(g.flags)) if g.flags else ""
                print(f"  {g.function:34s} {tr(g.status):13s} {cases:11s} {g.points:g}/{g.max_points:g}{calls}")
                for note in g.integrity:
                    print("    " + tr("look at this one: {note}").format(note=note))
            if grades[0].skipped:
                print("  " + tr("not run: {count} statement(s) of scratch work (listed in the feedback)").format(count=len(grades[0].skipped)))
            if args.feedback:
                folder = Path(args.feedback)
                folder.mkdir(parents=True, exist_ok=True)
                with using(args.lang or grades[0].language):  # the student reads the feedback in the edition's language
                    text = feedback_text(label, grades)
                (folder / _feedback_name(label)).write_text(text, encoding="utf-8")
        if args.csv:
            with open(args.csv, "w", newline="", encoding=encoding) as f:
                writer = csv.writer(f)
                writer.writerow(["submission", "notebook", "exercise", "checker", "status", "cases_passed", "cases_total",
                                 "points", "max_points", "calls", "look_at"])
                for g in all_grades:
                    writer.writerow([g.submission, g.notebook, g.function, g.checker, g.status, g.cases_passed, g.cases_total,
                                     f"{g.points:g}", f"{g.max_points:g}", " ".join(g.flags), "; ".join(g.integrity)])
        if args.gradebook:
            write_gradebook(all_grades, args.gradebook, excel=args.excel)
        if not_graded:
            print(tr("{count} of {total} submission(s) could not be graded (see above).").format(count=not_graded, total=len(args.submissions)))
        return 1 if not_graded else 0


if __name__ == "__main__":
    sys.exit(main())
