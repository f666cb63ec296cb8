"""The notebooks use the glossary's Chinese terms, and keep clip (裁剪) apart from truncated (截断)."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CJK = r"(?:[A-Za-z]+ ?)?(?:[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z\- ]*[\u4e00-\u9fff]|[\u4e00-\u9fff])"  # e.g. 优势函数, KL 散度


def glossary():
    """[(english, chinese, first notebook)] from the table in notebooks/glossary.md."""
    rows = []
    for line in (ROOT / "notebooks" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"\d\d_\w+", cells[3]):
            rows.append((cells[0], cells[1], cells[3]))
    return rows


TERMS = glossary()


def markdown(path) -> str:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")


def pairs(text):
    """Every `English term (中文)` in the text: (english words before the parenthesis, chinese)."""
    return [(m.group(1), m.group(2)) for m in re.finditer(rf"([A-Za-z][A-Za-z\- ]*?)\s*[(（]({CJK})[)）]", text)]


def test_the_glossary_is_well_formed():
    assert len(TERMS) >= 30
    english = [e.lower() for e, _, _ in TERMS]
    assert len(english) == len(set(english))
    assert {e: z for e, z, _ in TERMS}["clip"] == "裁剪" and {e: z for e, z, _ in TERMS}["truncated"] == "截断"
    assert {e: z for e, z, _ in TERMS}["terminated"] == "终止"
    assert {nb for _, _, nb in TERMS} <= {p.stem for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_english_chinese_pair_matches_the_glossary(path):
    by_chinese = {z: e for e, z, _ in TERMS}
    for english, chinese in pairs(markdown(path)):
        for term, zh, _ in TERMS:
            if english.lower().endswith(term.lower()) or english.lower().endswith(term.lower() + "s"):
                assert chinese == zh, f"{path.name}: '{english} ({chinese})' but the glossary says {term} = {zh}"
        if chinese in by_chinese:
            term = by_chinese[chinese]
            assert term.lower().split()[-1][:5] in english.lower(), \
                f"{path.name}: '{english} ({chinese})' but {chinese} is the glossary's term for {term}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_term_is_given_in_chinese_where_it_is_first_taught(path):
    found = {(e.lower().rstrip("s"), z) for e, z in pairs(markdown(path))}
    for term, zh, first in TERMS:
        if first == path.stem:
            assert any(e.endswith(term.lower().rstrip("s")) and z == zh for e, z in found), \
                f"{path.name} first teaches '{term}': write '{term} ({zh})' at its first use"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_jieduan_means_truncated_except_in_the_quoted_names(path):
    text = markdown(path)
    for match in re.finditer("截断", text):
        around = text[max(0, match.start() - 60):match.end() + 60]
        allowed = ("PPO-截断" in around or "# 截断" in around or "truncat" in around.lower())
        assert allowed, f"{path.name}: 截断 means truncated (time limit); clip is 裁剪: ...{around}..."
