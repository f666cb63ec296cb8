"""Keep the Chinese edition (notebooks/zh/) in step with the English one (notebooks/).

The rules, enforced by tests/test_zh_edition.py through :func:`differences`:

* the pair has the same cells, in the same order, with the same ids and types;
* a code cell is the English code: only comments may differ, and the Chinese edition's first
  code cell ends with one extra line, :data:`LANGUAGE_LINE`, that makes the checkers speak Chinese;
* a markdown cell keeps every formula (``$...$``, ``$$...$$``), link target and image reference
  of its English twin, and nothing else of the kind (a link out of ``notebooks/`` gets one more
  ``../``, and may point at the Chinese README, ``README.zh-CN.md``, instead of ``README.md``).

Commands (run from the repository root):

    python tools/bilingual.py check [NN ...]      # report the first difference of each pair
    python tools/bilingual.py export NN FILE      # the cells to translate, as one text file
    python tools/bilingual.py import NN FILE      # write notebooks/zh/NN_*.ipynb from that file

``export`` starts from the Chinese notebook if there is one (else from the English, with the
language line added), so updating a translation after an English edit is export, edit, import.
The text file holds one block per cell, opened by a line ``%%%% <index> <type> <id>``; a code
block may only differ from the English code in its comments (``import`` refuses anything else).
"""

from __future__ import annotations

import io
import json
import re
import sys
import tokenize
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EN = ROOT / "notebooks"
ZH = EN / "zh"
LANGUAGE_LINE = 'from ppo_core import set_language; set_language("zh")'
_MARK = "%%%%"


def source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def english_notebooks() -> list[Path]:
    return sorted(EN.glob("[0-9][0-9]_*.ipynb"))


def twin(path: Path) -> Path:
    """The other edition's file of a notebook (same name)."""
    return (EN if path.parent == ZH else ZH) / path.name


def code_tokens(text: str) -> list[tuple[str, str]]:
    """The code of a cell without its comments: (line, tokens) pairs, blank and comment-only lines dropped."""
    lines = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):  # magics or broken code: compare raw lines without '#...'
        return [(line, line.split("#")[0].rstrip()) for line in text.splitlines() if line.split("#")[0].strip()]
    current, row, shown = [], None, ""
    for tok in tokens:
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.INDENT,
                        tokenize.DEDENT):
            continue
        if tok.start[0] != row and not (current and _continues(current)):
            if current:
                lines.append((shown, " ".join(current)))
            current, shown = [], tok.line.rstrip("\n")
        row = tok.end[0]
        current.append(tok.string)
    if current:
        lines.append((shown, " ".join(current)))
    return lines


def _continues(current) -> bool:
    depth = sum(t in "([{" for t in current) - sum(t in ")]}" for t in current)
    return depth > 0


def markers(text: str) -> list[str]:
    """The homework markers of a cell (``### BEGIN SOLUTION`` ...), which the release and the grader look for."""
    return [line.strip() for line in text.splitlines() if re.match(r"\s*### (BEGIN|END) ", line)]


def formulas(text: str) -> Counter:
    """Every $$...$$ and $...$ of a markdown text (outside inline code), as written."""
    text = re.sub(r"`[^`\n]*`", "", text)
    found = re.findall(r"\$\$.+?\$\$", text, re.S)
    text = re.sub(r"\$\$.+?\$\$", "", text, flags=re.S)
    found += re.findall(r"(?<!\\)\$[^$\n]+?(?<!\\)\$", text)
    return Counter(" ".join(f.split()) for f in found)


def links(text: str) -> Counter:
    """Every link target and image reference of a markdown text."""
    text = re.sub(r"\$\$.+?\$\$|(?<!\\)\$[^$\n]+?(?<!\\)\$", "", text, flags=re.S)  # (\cdot|s_t) in a formula is no link
    return Counter(re.findall(r"!?\[[^\]]*\]\(([^)\s]+)[^)]*\)", text) + re.findall(r"<img[^>]*src=\"([^\"]+)\"", text))


def _up_one(target: str) -> str:
    """An English link that leaves notebooks/ leaves notebooks/zh/ with one more ``../``."""
    return _readme("../" + target if target.startswith("../") else target)


def _readme(target: str) -> str:
    """The README and its Chinese edition count as one target (their section anchors differ)."""
    return re.sub(r"README(\.zh-CN)?\.md(#.*)?$", "README.md", target) if "README" in target and "/" in target else target


def differences(english: dict, chinese: dict, name: str = "") -> list[str]:
    """What breaks the rules between two notebooks, first difference first; [] when they are in step."""
    en, zh = english["cells"], chinese["cells"]
    problems = []
    if [(c["cell_type"], c.get("id")) for c in en] != [(c["cell_type"], c.get("id")) for c in zh]:
        for i, (a, b) in enumerate(zip(en + [None] * len(zh), zh + [None] * len(en))):
            if a is None or b is None or (a["cell_type"], a.get("id")) != (b["cell_type"], b.get("id")):
                what = lambda c: "no cell" if c is None else f"{c['cell_type']} cell id {c.get('id')}"
                return [f"{name} cell {i}: English has {what(a)}, Chinese has {what(b)} (cells must correspond one to one)"]
    first_code = next(i for i, c in enumerate(en) if c["cell_type"] == "code")
    for i, (a, b) in enumerate(zip(en, zh)):
        where = f"{name} cell {i} ({a['cell_type']}, id {a.get('id')})"
        if markers(source(a)) != markers(source(b)):
            problems.append(f"{where}: the homework markers differ; keep them verbatim: {markers(source(a))}")
        if a["cell_type"] == "code":
            want = code_tokens(source(a))
            got = code_tokens(source(b))
            if i == first_code:
                if not got or got[-1][1] != " ".join(t for _, t in code_tokens(LANGUAGE_LINE)):
                    problems.append(f"{where}: the Chinese first code cell must end with the line {LANGUAGE_LINE!r}")
                    continue
                got = got[:-1]
            for k, (x, y) in enumerate(zip(want + [("(nothing)", None)] * len(got), got + [("(nothing)", None)] * len(want))):
                if x[1] != y[1]:
                    problems.append(f"{where}: code line {k + 1} differs (only comments may be translated):\n"
                                    f"    English: {x[0].strip()}\n    Chinese: {y[0].strip()}")
                    break
            if b.get("outputs") or b.get("execution_count") is not None:
                problems.append(f"{where}: stored with outputs; clear them")
        else:
            for kind, extract in (("formulas", formulas), ("link targets", links)):
                want, got = extract(source(a)), extract(source(b))
                if kind == "link targets":
                    want, got = Counter(map(_up_one, want.elements())), Counter(map(_readme, got.elements()))
                if want != got:
                    missing, extra = list((want - got).elements()), list((got - want).elements())
                    problems.append(f"{where}: {kind} differ: missing {missing[:3]}, extra {extra[:3]}")
    return problems


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def save(notebook: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def find(number: str) -> Path:
    matches = [p for p in english_notebooks() if p.name.startswith(number)]
    if len(matches) != 1:
        sys.exit(f"no single English notebook starts with {number!r}: {[p.name for p in english_notebooks()]}")
    return matches[0]


def export(number: str, out: Path) -> None:
    english = find(number)
    path = twin(english)
    notebook = load(path if path.exists() else english)
    blocks = []
    first_code = True
    for i, cell in enumerate(notebook["cells"]):
        text = source(cell)
        if cell["cell_type"] == "code" and first_code and not path.exists():
            text = text.rstrip("\n") + "\n" + LANGUAGE_LINE + "  # 检查函数的提示与反馈使用中文"
        first_code = first_code and cell["cell_type"] != "code"
        blocks.append(f"{_MARK} {i} {cell['cell_type']} {cell.get('id')}\n{text.rstrip()}\n")
    out.write_text("\n".join(blocks), encoding="utf-8")
    print(f"wrote {len(blocks)} cells of {path if path.exists() else english} to {out}")


def import_(number: str, text_file: Path) -> None:
    english_path = find(number)
    english = load(english_path)
    blocks = re.split(rf"^{_MARK} (\d+) (\w+) (\S+)\n", text_file.read_text(encoding="utf-8"), flags=re.M)
    parsed = [(int(blocks[k]), blocks[k + 1], blocks[k + 2], blocks[k + 3]) for k in range(1, len(blocks), 4)]
    cells = []
    for (index, kind, cell_id, text), cell in zip(parsed, english["cells"]):
        if (kind, cell_id) != (cell["cell_type"], str(cell.get("id"))):
            sys.exit(f"block {index}: {kind} {cell_id} does not match English cell {cell['cell_type']} {cell.get('id')}")
        new = {key: value for key, value in cell.items() if key != "source"}
        new["source"] = text.rstrip("\n").splitlines(keepends=True)
        if kind == "code":
            new["outputs"], new["execution_count"] = [], None
        cells.append(new)
    if len(parsed) != len(english["cells"]):
        sys.exit(f"{text_file} has {len(parsed)} cells; the English notebook has {len(english['cells'])}")
    chinese = {**english, "cells": cells}
    problems = differences(english, chinese, english_path.name)
    for problem in problems:
        print(problem)
    if any("code line" in p or "first code cell" in p for p in problems):
        sys.exit("not written: a code cell differs from the English code beyond its comments")
    save(chinese, twin(english_path))
    print(f"wrote {twin(english_path)}" + (f" ({len(problems)} problems above)" if problems else ", in step with English"))


def check(numbers) -> int:
    failed = 0
    for english in english_notebooks():
        if numbers and not any(english.name.startswith(n) for n in numbers):
            continue
        chinese = twin(english)
        if not chinese.exists():
            print(f"{chinese.relative_to(ROOT)}: missing")
            failed += 1
            continue
        problems = differences(load(english), load(chinese), english.name)
        print(f"{chinese.relative_to(ROOT)}: " + ("in step" if not problems else problems[0]))
        failed += bool(problems)
    return failed


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in ("check", "export", "import"):
        print(__doc__)
        return 2
    if argv[0] == "check":
        return 1 if check(argv[1:]) else 0
    if len(argv) != 3:
        sys.exit(f"usage: python tools/bilingual.py {argv[0]} NN FILE")
    (export if argv[0] == "export" else import_)(argv[1], Path(argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
