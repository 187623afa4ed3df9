"""Benchmark: how long an app page takes to rerun once its data is cached (target: < 300 ms at ×10).

Loads the synthetic data set (``bench/generate.py``) into a fresh embedded
store, opens every page of the Streamlit app headless (``streamlit.testing``),
and times three runs per page: the first visit (snapshot, health check and
page data computed), and two reruns, which must come from the caches keyed by
the store revision. The baseline is the first visit of the same page in the
same run: the ratio says how much of the work the cache saves.

Usage::

    python bench/bench_app.py --scale 10
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402

from graph import api  # noqa: E402
from graph.store import ENV_STORE, open_store  # noqa: E402

PAGES = ("seiten/uebersicht.py", "seiten/karte.py", "seiten/check.py", "seiten/vorschlaege.py",
         "seiten/buero.py", "seiten/daten.py", "seiten/ueber.py")
TARGET_MS = 300


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "synthetisch.json"
        doc.write_text(json.dumps(generate(args.scale, 0), ensure_ascii=False), encoding="utf-8")
        uri = f"sqlite:///{Path(tmp) / 'app.db'}"
        store = open_store(uri)
        api.init_store(store)
        api.import_paths(store, [doc])
        store.close()
        os.environ[ENV_STORE] = uri
        from graph.accounts import ENV_ACCOUNTS, set_single_user

        os.environ[ENV_ACCOUNTS] = str(Path(tmp) / "accounts.json")  # a single-user install (login fails closed)
        set_single_user(Path(tmp) / "accounts.json")

        at = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=600)
        at.run()
        print(f"App-Seiten bei ×{args.scale:g} (Zeiten je Lauf in ms)\n")
        print("| Seite | erster Besuch | Wiederholung 1 | Wiederholung 2 | Verhältnis |")
        print("| --- | ---: | ---: | ---: | ---: |")
        slow = []
        for page in PAGES:
            times = []
            for attempt in range(3):
                start = time.perf_counter()
                (at.switch_page(page) if attempt == 0 else at).run()
                times.append((time.perf_counter() - start) * 1000)
                if at.exception:
                    raise SystemExit(f"{page}: {at.exception[0].value}")
            rerun = min(times[1:])
            print(f"| {page} | {times[0]:,.0f} | {times[1]:,.0f} | {times[2]:,.0f} | {rerun / times[0]:.2f} |")
            if rerun > TARGET_MS:
                slow.append(f"{page}: {rerun:.0f} ms")
    for item in slow:
        print(f"TARGET MISSED (< {TARGET_MS} ms): {item}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
