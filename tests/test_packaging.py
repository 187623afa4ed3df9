"""Every data file the app needs is shipped by a (non-editable) installation.

An editable install finds files in the source tree, so a missing ``package-data`` entry only
shows after ``pip install .``: the served app would then start without its settings
(ui/.streamlit/config.toml) or the map without its viewer. This test compares what git tracks
in the packages with the globs in pyproject.toml.
"""

from __future__ import annotations

import subprocess
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _package_data() -> dict[str, list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["package-data"]


def _shipped(path: str, package_data: dict[str, list[str]]) -> bool:
    """Whether setuptools ships `path` (relative to the root) as data of a package."""
    for package, globs in package_data.items():
        folder = package.replace(".", "/") + "/"
        if path.startswith(folder) and any(fnmatch(path[len(folder):], glob) for glob in globs):
            return True
    return False


def test_every_tracked_data_file_of_the_packages_is_package_data():
    try:
        tracked = subprocess.run(["git", "ls-files", "graph", "ui", "seeds"], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    data = [path for path in tracked if not path.endswith(".py")]
    assert "ui/.streamlit/config.toml" in data
    package_data = _package_data()
    missing = [path for path in data if not _shipped(path, package_data)]
    assert missing == []


def test_the_check_sees_a_missing_entry():
    package_data = {key: value for key, value in _package_data().items() if key != "ui"}
    assert not _shipped("ui/.streamlit/config.toml", package_data)
    assert _shipped("graph/netmap/static/karte.js", package_data)
