"""The checkers, the grader and the homework commands speak Chinese when the Chinese edition asks them to."""

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
import torch

import ppo_core
import ppo_core.checks
from ppo_core.i18n import get_language, notebook_language, set_language, tr, using
from ppo_core.locale import catalogue, missing, required_messages

ROOT = Path(__file__).resolve().parent.parent
ZH = catalogue("zh")
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_message_a_student_can_see_has_a_chinese_translation():
    todo = missing("zh")
    assert not todo, f"{len(todo)} messages lack a translation in ppo_core/locale/zh.py (python -m ppo_core.locale zh): {todo[:3]}"


def test_the_catalogue_has_no_stale_entries():
    stale = sorted(set(ZH) - set(required_messages()))
    assert not stale, f"ppo_core/locale/zh.py translates messages the code no longer shows (an English message changed?): {stale[:3]}"


@pytest.mark.parametrize("english", sorted(ZH), ids=lambda t: t[:40])
def test_a_translation_keeps_the_fields_and_the_code(english):
    chinese = ZH[english]
    assert chinese.strip(), "empty translation"
    assert sorted(re.findall(r"\{\w*\}", english)) == sorted(re.findall(r"\{\w*\}", chinese)), f"placeholders differ: {chinese}"
    assert sorted(re.findall(r"`[^`]+`", english)) == sorted(re.findall(r"`[^`]+`", chinese)), f"inline code differs: {chinese}"
    assert english.count("✗") == chinese.count("✗") and english.count("✓") == chinese.count("✓")
    if re.search(r"\b(the|is|to|of|your|with|and|not|use)\b", re.sub(r"`[^`]+`|\{\w*\}", "", english)):
        assert CJK.search(chinese), f"not translated: {chinese}"
    for wrong in ("剪切", "修剪", "截取", "剪裁"):
        assert wrong not in chinese, f"clip is 裁剪 (glossary), not {wrong}: {chinese}"


def test_english_by_default_and_a_clear_error_for_an_unknown_language():
    assert get_language() == "en" and tr("wrong values.") == "wrong values."
    with pytest.raises(ValueError, match=r"set_language.*'zh'"):
        set_language("fr")
    assert get_language() == "en"


def _wrong_td(rewards, values, next_values, terminated, gamma):
    return rewards + gamma * next_values - values  # bootstraps through a termination


def report(check, fn, language):
    out = io.StringIO()
    with using(language), contextlib.redirect_stdout(out):
        passed = check(fn)
    return passed, out.getvalue()


def test_a_checker_reports_in_chinese_and_diagnoses_the_same_mistake():
    passed_en, english = report(ppo_core.checks.check_td_residuals, _wrong_td, "en")
    passed_zh, chinese = report(ppo_core.checks.check_td_residuals, _wrong_td, "zh")
    assert passed_en is passed_zh is False
    assert get_language() == "en", "using() must restore the language"
    assert "cases passed" in english and "cases passed" not in chinese
    assert chinese.startswith(ZH["Checking {name} against {title}:"].split("{")[0])
    assert ZH["your output matches what you get when you {mistake}."].split("{")[0] in chinese
    # the same cases fail in both languages: one line per case, a ✗ on the same lines
    marks = lambda text: [line.strip()[0] for line in text.splitlines() if line.strip()[:1] in ("✓", "✗")]
    assert marks(english) == marks(chinese) and "✗" in marks(chinese)
    # what a student reads is Chinese apart from code, numbers and the inputs
    words = re.findall(r"\b[a-z]{4,}\b", re.sub(r"`[^`]*`|^\s+\w+ = .*$|\w+_\w+", "", chinese, flags=re.M))
    assert len(words) <= 10, f"English words left in the Chinese report: {words}"


def test_a_prediction_and_a_stub_in_chinese():
    _, chinese = report(ppo_core.checks.check_prediction_truncation_error, -1e9, "zh")
    assert CJK.search(chinese) and "not what happens" not in chinese
    with using("zh"), pytest.raises(NotImplementedError, match="[\u4e00-\u9fff]"):
        with contextlib.redirect_stdout(io.StringIO()):
            ppo_core.checks.check_gae(lambda **kw: (_ for _ in ()).throw(NotImplementedError()))


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem[:2])
def test_each_edition_selects_its_language(path):
    english = json.loads(path.read_text(encoding="utf-8"))
    chinese = json.loads((path.parent / "zh" / path.name).read_text(encoding="utf-8"))
    assert notebook_language(english) == "en" and notebook_language(chinese) == "zh"


def test_the_grader_gives_a_chinese_submission_chinese_feedback(tmp_path):
    from ppo_core.homework.grade import grade_submission
    from ppo_core.homework.release import make_student_copy

    teacher = json.loads((ROOT / "notebooks" / "zh" / "01_advantage.ipynb").read_text(encoding="utf-8"))
    student = make_student_copy(teacher)
    for cell in student["cells"]:  # the student answers the TD exercise with the classic mistake
        text = "".join(cell["source"])
        if text.startswith("def my_td_residuals"):
            cell["source"] = text.split("\n")[0] + "\n    return rewards + gamma * next_values - values\n"
    path = tmp_path / "01_advantage.ipynb"
    path.write_text(json.dumps(student, ensure_ascii=False), encoding="utf-8")
    grades = grade_submission(path)
    td = next(g for g in grades if g.function == "my_td_residuals")
    assert td.status == "failed" and CJK.search(td.report), td.report
    assert ZH["your output matches what you get when you {mistake}."].split("{")[0] in td.report
    assert get_language() == "en"


def test_a_prediction_may_be_answered_in_chinese_or_english():
    check = ppo_core.checks.check_prediction_gae_variance
    assert report(check, "smaller", "zh")[0] and report(check, ZH["smaller"], "zh")[0] and report(check, ZH["smaller"], "en")[0]
    passed, text = report(check, ZH["larger"], "zh")
    assert not passed and "larger" not in text.split("\n")[1][:20]
    passed, text = report(check, "bigger", "zh")
    assert not passed and f"'larger'（{ZH['larger']}）" in text
