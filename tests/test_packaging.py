"""pyproject.toml and environment.yml list the same packages, so the two installs cannot drift."""

import re
import pytest

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# conda-forge names where they differ from PyPI's
CONDA_NAMES = {"torch": "pytorch"}


def pypi_names():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # the packages a student installs: the dependencies and the dev extra (the ray extra is for clusters only)
    requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
    return {CONDA_NAMES.get(n, n) for n in (re.match(r"[A-Za-z0-9_.-]+", r).group(0).lower() for r in requirements)}


def conda_names():
    names = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text[text.index("dependencies:"):].splitlines():
        match = re.match(r"^\s{2}- ([A-Za-z0-9_.-]+)", line)
        if match:
            names.add(match.group(1).lower())
    return names - {"python", "pip"}


def test_environment_yml_lists_the_same_packages_as_pyproject():
    assert pypi_names() == conda_names()


def test_environment_yml_installs_the_project_editable():
    assert re.search(r"^\s+- -e \.\s*$", (ROOT / "environment.yml").read_text(), re.M)


def test_ci_installs_the_cpu_torch_first_and_runs_the_readme_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert ci.index("torch==2.13.0") < ci.index('-e ".[dev')
    assert "python -m pytest" in ci and "python -m pytest" in readme


def test_the_wheel_carries_every_subpackage_and_the_shipped_grid(tmp_path):
    """The teacher's guide hands students a wheel: it must hold ppo_core.exercises, ppo_core.homework and the grid."""
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("ppo_core-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "ppo_core").rglob("__init__.py")}
    assert {"ppo_core/exercises", "ppo_core/homework"} <= packages
    for package in packages:
        assert f"{package}/__init__.py" in names, f"the wheel lacks {package}"
    assert "ppo_core/results/table1.csv" in names
