"""The import contracts in pyproject.toml catch what they promise: an import up a floor, an app with no floor,
and an import hidden inside a function (decision 0010). Each case runs `lint-imports` on a copy of the code."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tmp_path: Path, extra: dict[str, str]) -> subprocess.CompletedProcess:
    """`lint-imports` on a copy of the platform and the simulators, with ``extra`` files added (path → text)."""
    shutil.copytree(REPO / "src" / "mpp", tmp_path / "mpp", ignore=shutil.ignore_patterns("*.pyc", "__pycache__"))
    shutil.copytree(REPO / "simulators", tmp_path / "simulators", ignore=shutil.ignore_patterns("*.pyc", "__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    for path, text in extra.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_as_it_is_keeps_every_contract(tmp_path):
    result = _lint(tmp_path, {})
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    "source",
    [
        "from mpp.catalog import selectors\n",
        "def region_page():\n    from mpp.catalog import selectors  # hidden in a function: still an import\n",
    ],
)
def test_an_import_up_a_floor_is_caught(tmp_path, source):
    result = _lint(tmp_path, {"mpp/regions/scratch_wrong.py": source})
    assert result.returncode == 1
    assert "mpp.regions is not allowed to import mpp.catalog" in result.stdout
    assert "mpp.regions.scratch_wrong -> mpp.catalog.selectors" in result.stdout


def test_a_new_app_without_a_floor_is_caught(tmp_path):
    result = _lint(tmp_path, {"mpp/lottery/__init__.py": ""})
    assert result.returncode == 1
    assert "- mpp.lottery" in result.stdout


def test_the_platform_may_not_import_a_simulator(tmp_path):
    result = _lint(tmp_path, {"mpp/registry/scratch_wrong.py": "from simulators.dukcapil import store\n"})
    assert result.returncode == 1
    assert "mpp is not allowed to import simulators" in result.stdout
