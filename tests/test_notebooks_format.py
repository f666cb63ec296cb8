"""The notebooks are stored clean and follow the series' format (nbval executes them separately)."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_the_series_is_there():
    names = [p.stem for p in NOTEBOOKS]
    assert names[:4] == ["01_advantage", "02_policy_gradient", "03_importance_sampling", "04_clipped_surrogate"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    for cell in cells(path):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}: a code cell has stored outputs; clear them before committing"
            assert cell.get("execution_count") is None, f"{path.name}: a code cell has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_opens_with_goals_prerequisites_and_run_time(path):
    first = source(cells(path)[0]).lower()
    assert first.startswith("#"), "the first cell is the title"
    for word in ("you will", "prerequisite", "run"):
        assert word in first, f"{path.name}: the opening cell must state goals, prerequisites and run time ({word!r})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_imports_ppo_core_by_name(path):
    code = [source(c) for c in cells(path) if c["cell_type"] == "code"]
    assert re.search(r"^from ppo_core(\.\w+)? import ", code[0], re.M), f"{path.name}: first code cell must import from ppo_core"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_have_solution_markers_and_a_checker(path):
    all_cells = cells(path)
    exercises = 0
    for i, cell in enumerate(all_cells):
        text = source(cell)
        begins, ends = text.count("### BEGIN SOLUTION"), text.count("### END SOLUTION")
        assert begins == ends, f"{path.name}: unbalanced solution markers in cell {i}"
        if begins and cell["cell_type"] == "markdown":  # a written question's answer, graded by hand (no checker)
            assert cell["metadata"]["nbgrader"]["solution"] and cell["metadata"]["nbgrader"]["grade"], \
                f"{path.name}: markdown cell {i} has solution markers but is not a manually graded answer cell"
            continue
        if begins:
            assert cell["cell_type"] == "code"
            following = next(source(c) for c in all_cells[i + 1:] if c["cell_type"] == "code")
            assert re.search(r"\bcheck_\w+\(", following), f"{path.name}: exercise cell {i} is not followed by a checker"
            exercises += 1
    assert exercises >= 2, f"{path.name}: needs at least two exercises"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_test_mode_switches_and_no_log_of_softmax(path):
    code = "\n".join(source(c) for c in cells(path) if c["cell_type"] == "code")
    assert not re.search(r"os\.environ", code), "the tested run must be the run students see"
    bad = [line for line in code.splitlines() if re.search(r"torch\.log\(\s*(torch\.)?(softmax|F\.softmax)", line)
           and "underflow" not in line.lower() and "note" not in line.lower()]
    assert not bad, f"{path.name}: torch.log(softmax(...)) outside the underflow demonstration: {bad}"
