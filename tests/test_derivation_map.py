"""notebooks/derivation_map.md points at checks that exist: each row's excerpt is code under the named section.

The Chinese edition, notebooks/zh/derivation_map.md, is checked the same way against the Chinese notebooks
(notebooks/zh/*.ipynb): its rows name the Chinese section headings and quote the same code (with the comments
as the Chinese notebooks translate them).
"""

import io
import json
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "notebooks" / "derivation_map.md"
ZH_MAP = ROOT / "notebooks" / "zh" / "derivation_map.md"
MAPS = {"en": MAP, "zh": ZH_MAP}
# what each page must mention: the note's six derivation lines, in the page's language, and its code slips
PHRASES = {
    "en": ("line 1", "line 2", "line 3", "line 4", "line 5", "line 6", "torch.clamp", "torch.log", "(1 - dones)"),
    "zh": ("第 1 行", "第 2 行", "第 3 行", "第 4 行", "第 5 行", "第 6 行", "torch.clamp", "torch.log", "(1 - dones)"),
}


def rows(page=MAP):
    """[(notebook stem, section heading, excerpt)] from the map's tables; the stem names a notebook beside the page."""
    found = []
    for line in page.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\|(.*)\|(.*)\| (\d\d_\w+), (#+ .*?) \| `(.*)` \|", line.strip())
        if match:
            found.append((match.group(3), match.group(4), match.group(5)))
    return found


def squeeze(text):
    return re.sub(r"\s+", " ", text).strip()


def without_comments(line):
    """The tokens of a line of code, comments dropped."""
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT)
    return [tok.string for tok in tokenize.generate_tokens(io.StringIO(line).readline) if tok.type not in skip]


def code_under(stem, heading, folder=MAP.parent):
    """The code cells between ``heading`` and the next heading of the same or a higher level."""
    cells = json.loads((folder / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]
    level = len(heading.split()[0])
    sources = ["".join(c["source"]) for c in cells]
    start = next((i for i, (c, s) in enumerate(zip(cells, sources))
                  if c["cell_type"] == "markdown" and heading in s.splitlines()), None)
    assert start is not None, f"{stem} has no section {heading!r}"
    code = []
    for cell, text in zip(cells[start + 1:], sources[start + 1:]):
        if cell["cell_type"] == "markdown" and any(re.match(rf"#{{1,{level}}} ", line) for line in text.splitlines()):
            break
        if cell["cell_type"] == "code":
            code.append(text)
    return code


ROWS = rows()
ZH_ROWS = rows(ZH_MAP) if ZH_MAP.exists() else []
ALL_ROWS = [("en", *row) for row in ROWS] + [("zh", *row) for row in ZH_ROWS]


@pytest.mark.parametrize("lang", MAPS)
def test_the_map_covers_the_note(lang):
    page = MAPS[lang]
    assert page.exists(), f"{page.relative_to(ROOT)} is missing"
    page_rows = rows(page)
    assert len(page_rows) >= 20
    stems = {stem for stem, _, _ in page_rows}
    assert {"01_advantage", "02_policy_gradient", "03_importance_sampling", "04_clipped_surrogate", "07_table1"} <= stems
    text = page.read_text(encoding="utf-8")
    for phrase in PHRASES[lang]:
        assert phrase in text, f"the map has no row for the note's {phrase}"


def test_the_chinese_map_has_the_english_rows():
    """Same rows in the same order: the same notebook and the same code (only headings and comments are translated)."""
    english = [(stem, without_comments(excerpt)) for stem, _, excerpt in ROWS]
    chinese = [(stem, without_comments(excerpt)) for stem, _, excerpt in ZH_ROWS]
    assert chinese == english, "notebooks/zh/derivation_map.md: rows differ from the English map in notebook or code"


@pytest.mark.parametrize("lang, stem, heading, excerpt", ALL_ROWS,
                         ids=[("" if lang == "en" else f"{lang}/") + f"{s}:{e[:30]}" for lang, s, _, e in ALL_ROWS])
def test_each_excerpt_is_code_under_its_section(lang, stem, heading, excerpt):
    code = code_under(stem, heading, MAPS[lang].parent)
    assert any(squeeze(excerpt) in squeeze(text) for text in code), f"{stem}, {heading}: no code cell contains {excerpt!r}"
