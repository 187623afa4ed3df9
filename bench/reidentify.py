"""Share of refugee young people a viewer export still singles out, on the demo and on synthetic data.

Loads the data into a temporary embedded store, exports it as a viewer would
(:func:`graph.api.export`, no --reveal) and counts the young people unique by
everything the export keeps about them (:func:`graph.privacy.reidentification`).

Usage::

    python bench/reidentify.py --scale 10      # synthetic data of bench/generate.py
    python bench/reidentify.py --demo
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import api  # noqa: E402
from graph.access import User  # noqa: E402
from graph.privacy import reidentification  # noqa: E402
from graph.store import open_store  # noqa: E402


def measure(doc: dict | None, folder: Path) -> tuple[int, int]:
    with open_store(str(folder / "store.db")) as store:
        if doc is None:
            api.load_demo(store)
        else:
            api.init_store(store)
            api.import_document(store, doc, "synthetisch")
        out = folder / "viewer.json"
        api.export(store, "json", out, user=User("leser", "viewer"))
    return reidentification(json.loads(out.read_text(encoding="utf-8")))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--demo", action="store_true", help="die Demodaten statt synthetischer Daten")
    args = parser.parse_args(argv)
    doc = None
    if not args.demo:
        from generate import generate

        doc = generate(args.scale, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        unique, total = measure(doc, Path(tmp))
    label = "Demo" if args.demo else f"synthetisch x{args.scale:g} (Seed {args.seed})"
    print(f"{label}: {unique} von {total} jungen Geflüchteten eindeutig ({unique / max(total, 1):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
