"""Every module of the library imports on its own, first, in a fresh interpreter (no import cycles)."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules() -> list[str]:
    out = []
    for path in sorted((ROOT / "graph").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return out


def _import_alone(module: str) -> tuple[str, str]:
    run = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    return module, run.stderr.strip().splitlines()[-1] if run.returncode else ""


def test_every_module_imports_first_in_a_fresh_interpreter():
    with ThreadPoolExecutor(4) as pool:
        failures = {m: e for m, e in pool.map(_import_alone, _modules()) if e}
    assert failures == {}
