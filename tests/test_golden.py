"""Speed work must not change what commands print: outputs equal those kept in tests/golden/expected.

The expected files were written by ``python tests/golden/outputs.py`` from the code before the
speed-ups (issue 17). If a change of output is *intended*, rewrite them with that command and
review ``git diff tests/golden`` like any other change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))

from outputs import COMMANDS, EXPECTED, outputs, run  # noqa: E402

HINT = "output changed; if intended: python tests/golden/outputs.py and review git diff tests/golden"


@pytest.fixture(scope="module")
def computed(tmp_path_factory):
    directory = tmp_path_factory.mktemp("golden")
    texts, digests = outputs(directory)
    return directory, texts, digests


@pytest.mark.parametrize("name", [name for name, _, _ in COMMANDS])
def test_command_output_is_unchanged(computed, name):
    _, texts, _ = computed
    expected = (EXPECTED / name).read_text(encoding="utf-8")
    if name.endswith(".json"):
        assert json.loads(texts[name]) == json.loads(expected), f"{name}: {HINT}"
    assert texts[name] == expected, f"{name}: {HINT}"


def test_exports_are_unchanged(computed):
    _, _, digests = computed
    expected = json.loads((EXPECTED / "exports.json").read_text(encoding="utf-8"))
    assert digests == expected, HINT


def test_a_second_run_on_the_same_store_prints_the_same(computed):
    """Whatever a command keeps between runs (a snapshot cache) must not change its output."""
    directory, texts, _ = computed
    for name, data, args in COMMANDS:
        again = run(f"sqlite:///{directory / (data + '.db')}", args)
        assert again == texts[name], name
