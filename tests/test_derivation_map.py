"""notebooks/derivation_map.md points at checks that exist: each row's excerpt is code under the named section."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "notebooks" / "derivation_map.md"


def rows():
    """[(notebook stem, section heading, excerpt)] from the map's tables."""
    found = []
    for line in MAP.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\|(.*)\|(.*)\| (\d\d_\w+), (#+ .*?) \| `(.*)` \|", line.strip())
        if match:
            found.append((match.group(3), match.group(4), match.group(5)))
    return found


def squeeze(text):
    return re.sub(r"\s+", " ", text).strip()


def code_under(stem, heading):
    """The code cells between ``heading`` and the next heading of the same or a higher level."""
    cells = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]
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


def test_the_map_covers_the_note():
    assert len(ROWS) >= 20
    stems = {stem for stem, _, _ in ROWS}
    assert {"01_advantage", "02_policy_gradient", "03_importance_sampling", "04_clipped_surrogate", "07_table1"} <= stems
    text = MAP.read_text(encoding="utf-8")
    for phrase in ("line 1", "line 2", "line 3", "line 4", "line 5", "line 6", "torch.clamp", "torch.log", "(1 - dones)"):
        assert phrase in text, f"the map has no row for the note's {phrase}"


@pytest.mark.parametrize("stem, heading, excerpt", ROWS, ids=[f"{s}:{e[:30]}" for s, _, e in ROWS])
def test_each_excerpt_is_code_under_its_section(stem, heading, excerpt):
    code = code_under(stem, heading)
    assert any(squeeze(excerpt) in squeeze(text) for text in code), f"{stem}, {heading}: no code cell contains {excerpt!r}"
