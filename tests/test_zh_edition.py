"""The Chinese edition (notebooks/zh/) is the English lesson in Chinese: same code, same formulas, the glossary's terms.

tools/bilingual.py holds the rules; ``python tools/bilingual.py check`` prints the same reports.
"""

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import bilingual  # noqa: E402

from test_glossary import TERMS  # noqa: E402

ENGLISH = bilingual.english_notebooks()
PAGES = ["README.md", "cheatsheet.md", "derivation_map.md"]


def markdown_cells(path):
    return [bilingual.source(c) for c in bilingual.load(path)["cells"] if c["cell_type"] == "markdown"]


def test_every_notebook_has_a_chinese_twin():
    missing = [p.name for p in ENGLISH if not bilingual.twin(p).exists()]
    assert not missing, f"notebooks/zh/ lacks {missing}: python tools/bilingual.py export NN FILE, translate, import"
    extra = {p.name for p in bilingual.ZH.glob("*.ipynb")} - {p.name for p in ENGLISH}
    assert not extra, f"notebooks/zh/ has notebooks with no English twin: {extra}"


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem[:2])
def test_the_pair_is_in_step(english):
    problems = bilingual.differences(bilingual.load(english), bilingual.load(bilingual.twin(english)), english.name)
    assert not problems, problems[0] + (f"\n(and {len(problems) - 1} more: python tools/bilingual.py check)" if len(problems) > 1 else "")


def test_the_rules_catch_a_changed_code_line_a_lost_formula_and_a_lost_marker():
    english = bilingual.load(ENGLISH[0])
    chinese = json.loads(json.dumps(english))
    for cell in chinese["cells"]:  # a link out of notebooks/ leaves notebooks/zh/ with one more ../
        if cell["cell_type"] == "markdown":
            cell["source"] = bilingual.source(cell).replace("](../", "](../../")
    code = [c for c in chinese["cells"] if c["cell_type"] == "code"]
    code[0]["source"] = bilingual.source(code[0]).rstrip() + "\n" + bilingual.LANGUAGE_LINE + "  # 中文\n"
    assert bilingual.differences(english, chinese) == []
    code[1]["source"] = bilingual.source(code[1]).replace("(", "( 0 +", 1) if "(" in bilingual.source(code[1]) else "x = 1"
    assert "code line" in bilingual.differences(english, chinese)[0]
    code[1]["source"] = bilingual.source([c for c in english["cells"] if c["cell_type"] == "code"][1]) + "\n# 只改注释\n"
    assert bilingual.differences(english, chinese) == []
    text = next(c for c in chinese["cells"] if c["cell_type"] == "markdown" and "$" in bilingual.source(c))
    text["source"] = "没有公式"
    assert "formulas differ" in bilingual.differences(english, chinese)[0]
    assert bilingual.markers("x\n    ### BEGIN SOLUTION\ny") == ["### BEGIN SOLUTION"]


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem[:2])
def test_opens_with_goals_prerequisites_and_run_time(english):
    first = markdown_cells(bilingual.twin(english))[0]
    for word in ("你将", "预备知识", "运行时间"):
        assert word in first, f"zh/{english.name}: the title cell must state the goals (你将), prerequisites (预备知识) and run time (运行时间)"


# English words whose everyday sense is not the glossary concept ("returns a tensor", a network's "bias").
AMBIGUOUS = {"return", "bias", "episode", "baseline", "proximal"}


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem[:2])
def test_uses_the_glossary_term_for_every_concept_the_lesson_mentions(english):
    en_text = "\n".join(markdown_cells(english)).lower()
    zh_text = "\n".join(markdown_cells(bilingual.twin(english)))
    for term, zh, first in TERMS:
        if term.lower() in AMBIGUOUS and first != english.stem:
            continue
        stem = re.escape(term.lower().rstrip("s")[: max(4, len(term) - 2)] if " " not in term else term.lower())
        if re.search(rf"\b{stem}", en_text):
            assert zh in zh_text, f"zh/{english.name}: the lesson mentions '{term}'; the Chinese edition must call it {zh}"


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem[:2])
def test_gives_the_english_term_where_a_term_is_first_taught(english):
    zh_text = "\n".join(markdown_cells(bilingual.twin(english)))
    for term, zh, first in TERMS:
        if first == english.stem:
            pattern = rf"{re.escape(zh)}\s*[（(]\s*{re.escape(term)}s?\b"
            assert re.search(pattern, zh_text, re.I), f"zh/{english.name} first teaches '{term}': write {zh}（{term}） at its first use"


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem[:2])
def test_clip_is_caijian_and_jieduan_means_truncated(english):
    pairs = zip(markdown_cells(english), markdown_cells(bilingual.twin(english)))
    for en, zh in pairs:
        for wrong in ("剪切", "修剪", "截取", "剪裁"):
            assert wrong not in zh, f"zh/{english.name}: clip is 裁剪 (glossary), not {wrong}: {zh[:80]}..."
        bare = zh.replace("PPO-截断", "").replace("# 截断", "")
        if "截断" in bare:
            assert "truncat" in en.lower() or "time limit" in en.lower() or "截断" in en, \
                f"zh/{english.name}: 截断 means truncated, but the English cell says nothing of truncation: {zh[:120]}..."


def _headings(text):
    return [len(m.group(1)) for m in re.finditer(r"^(#+) ", re.sub(r"```.*?```", "", text, flags=re.S), re.M)]


def _table_rows(text):
    return [line.count("|") for line in text.splitlines() if line.startswith("|")]


def _code_blocks(text):
    """The commands of the fenced blocks, comments aside; a command may point at the Chinese notebooks instead."""
    return [[line.split("#")[0].split() for line in block.splitlines() if line.split("#")[0].strip()]
            for block in re.findall(r"```[a-z]*\n(.*?)```", text.replace("notebooks/zh/", "notebooks/"), re.S)]


def assert_same_structure(en, zh, name):
    """Same headings (number and level), same tables (rows and columns), same code blocks."""
    assert _headings(en) == _headings(zh), f"{name}: headings differ in number or level from the English page"
    assert _table_rows(en) == _table_rows(zh), f"{name}: tables differ in rows or columns from the English page"
    assert _code_blocks(en) == _code_blocks(zh), f"{name}: code blocks differ"


@pytest.mark.parametrize("page", PAGES)
def test_the_supporting_pages_have_the_same_structure(page):
    en_path, zh_path = bilingual.EN / page, bilingual.ZH / page
    assert zh_path.exists(), f"notebooks/zh/{page} is missing"
    en, zh = en_path.read_text(encoding="utf-8"), zh_path.read_text(encoding="utf-8")
    assert_same_structure(en, zh, f"zh/{page}")
    assert bilingual.formulas(en) == bilingual.formulas(zh), f"zh/{page}: formulas differ from the English page"
    # one directory deeper: links out of notebooks/ and to the (shared) glossary get one more ../
    shifted = {"../" + t if t.startswith("../") or t.split("#")[0] == "glossary.md" else t for t in bilingual.links(en)}
    got = set(bilingual.links(zh))
    assert got == shifted, f"zh/{page}: link targets differ: {got ^ shifted}"
    for target in got:
        if not re.match(r"[a-z]+:", target) and not target.startswith("#"):
            assert (zh_path.parent / target.split("#")[0]).exists(), f"zh/{page}: the link {target} points at nothing"


def test_the_chinese_readme_has_the_english_structure_and_points_at_the_chinese_edition():
    en, zh = (ROOT / "README.md").read_text(encoding="utf-8"), (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    assert_same_structure(en, zh, "README.zh-CN.md")
    chinese = lambda target: (target.replace("notebooks/", "notebooks/zh/", 1)
                              if target.startswith("notebooks/") and not target.startswith(("notebooks/glossary", "notebooks/zh/")) else target)
    want = {chinese(t) for t in bilingual.links(en)} - {"README.zh-CN.md"}
    got = set(bilingual.links(zh)) - {"README.md"}
    assert want == got, f"README.zh-CN.md: link targets differ: {want ^ got}"
    assert all((ROOT / t.split("#")[0]).exists() for t in got if not re.match(r"[a-z]+:", t)), "a link points at nothing"


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem[:2])
def test_bold_text_renders_in_both_editions(english):
    """CommonMark does not close ** between a full-width bracket and a Chinese character ("（clip）**里"): the asterisks show."""
    markdown_it = pytest.importorskip("markdown_it")
    render = markdown_it.MarkdownIt("commonmark").render
    for path in (english, bilingual.twin(english)):
        for index, text in enumerate(markdown_cells(path)):
            html = render(re.sub(r"\$\$.+?\$\$|\$[^$\n]+\$", "M", text, flags=re.S))
            assert "**" not in re.sub(r"<code>.*?</code>", "", html, flags=re.S), \
                f"{path.relative_to(ROOT)} markdown cell {index}: a ** shows as text; put a space between ** and a Chinese character"
