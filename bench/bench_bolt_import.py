"""Import speed over Bolt (FalkorDB) against the embedded SQLite store, and proof of batching.

Imports an exchange document through :func:`graph.api.import_document` into
SQLite and into a FalkorDB started for the run (``batch_bytes=3700&tx=autocommit``,
``--batch-bytes``) and prints, for each, rows written (changes, each with its audit
entry) per second of wall time, best of ``--repeat`` fresh imports.

Why 3700: FalkorDB 4.16 crashes on a request whose query text and parameters pass
4,096 bytes (measured); the write statements fit their parameters to what their
text leaves of 4,000 bytes (``graph.store.neo4j.FALKORDB_REQUEST_BYTES``) and every
other statement has at most about 300 bytes of text, so 3,700 keeps each request
within 4,000 (tests/test_bolt_import.py checks both). The tests use 3,000; bench/run.py's Bolt
phase uses this value too (:data:`BATCH_BYTES`, :func:`bolt_options`). For FalkorDB it also
prints where the time went: CPU seconds of this process (validation, planning,
encoding) and of the server process, and the Bolt statements against the rows
written (one statement per row would mean no batching).

The document is ``--doc`` (e.g. the shared ×10 data), a ``--scale`` of
bench/generate.py (as bench/run.py uses), or by default a seeded synthetic one
with ``--actors`` people over real Kreise.

Usage::

    python bench/bench_bolt_import.py [--actors 20000] [--seed 7]
    python bench/bench_bolt_import.py --scale 1 --repeat 3
    python bench/bench_bolt_import.py --doc /work/bench-data/x10.json

All names are invented and end in ``(synthetisch)``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bolt_server import start_falkordb  # noqa: E402

from graph.api import import_document, init_store  # noqa: E402
from graph.reference import districts  # noqa: E402
from graph.store import open_store  # noqa: E402

INSTITUTION_KINDS = [
    ("jugendamt", "verwaltung"), ("sozialamt", "verwaltung"), ("schule", "bildung"),
    ("unterkunft", "freie_wohlfahrt"), ("freier_traeger", "freie_wohlfahrt"),
    ("migrantenorganisation", "migrantenorganisation"), ("initiative", "zivilgesellschaft"),
]
TOPICS = ["Unterbringung", "Kinderschutz", "Berufsorientierung"]

#: ``batch_bytes`` of the benchmarks' FalkorDB URIs (here and in bench/run.py); why 3700: see above.
BATCH_BYTES = 3700


def bolt_options(batch_bytes: int = BATCH_BYTES) -> str:
    """The options of a benchmark's FalkorDB URI."""
    return f"batch_bytes={batch_bytes}&tx=autocommit"


def synthetic_document(actors: int, seed: int = 7) -> dict:
    """A seeded exchange document: per Kreis institutions, people, alliances, memberships and ties.

    Per 100 people: 25 institutions, 1 alliance with 3–8 members, about 200 ties.
    """
    rng = random.Random(seed)
    kreise = sorted(row["AGS"] for row in districts())
    kreise = rng.sample(kreise, min(len(kreise), max(5, actors // 200)))
    doc: dict = {"format": "buendnisnetz/1", "institutions": [], "actors": [], "alliances": [],
                 "memberships": [], "ties": []}
    people_in: dict[str, list[str]] = {k: [] for k in kreise}
    institutions_in: dict[str, list[str]] = {k: [] for k in kreise}
    for i in range(actors // 4):
        kreis = kreise[i % len(kreise)]
        kind, sector = rng.choice(INSTITUTION_KINDS)
        doc["institutions"].append({"id": f"syn-inst-{i:06d}", "name": f"Einrichtung {i} (synthetisch)",
                                    "type": kind, "sector": sector, "municipality": kreis})
        institutions_in[kreis].append(f"syn-inst-{i:06d}")
    for i in range(actors):
        kreis = kreise[i % len(kreise)]
        person = {"id": f"syn-act-{i:06d}", "name": f"Person {i} (synthetisch)", "role": "Fachkraft"}
        if institutions_in[kreis] and rng.random() < 0.7:
            person["institution"] = rng.choice(institutions_in[kreis])
        else:
            person["municipality"] = kreis
            person["is_refugee_youth"] = rng.random() < 0.3
        doc["actors"].append(person)
        people_in[kreis].append(person["id"])
    for i in range(max(1, actors // 100)):
        kreis = kreise[i % len(kreise)]
        doc["alliances"].append({"id": f"syn-b-{i:05d}", "name": f"Bündnis {i} (synthetisch)", "municipality": kreis,
                                 "founded": f"{2015 + i % 4}-0{1 + i % 9}-01", "topics": rng.sample(TOPICS, 2)})
        for member in rng.sample(people_in[kreis], min(len(people_in[kreis]), rng.randint(3, 8))):
            doc["memberships"].append({"member": member, "alliance": f"syn-b-{i:05d}", "since": "2019-01-01"})
    seen = set()
    for people in people_in.values():
        for person in people:
            for other in rng.sample(people, min(len(people), 2)):
                pair = tuple(sorted((person, other)))
                if other != person and pair not in seen:
                    seen.add(pair)
                    doc["ties"].append({"source": person, "target": other, "strength": rng.choice([0.5, 1.0, 2.0])})
    return doc


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) another process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_import(uri: str, doc: dict, server_pid: int | None = None) -> dict:
    """One import into a fresh store: rows written, wall and CPU seconds, Bolt statements (0 for SQLite)."""
    with open_store(uri) as store:
        init_store(store)
        trips_before = getattr(store, "round_trips", 0)
        server_before = process_cpu(server_pid) if server_pid else 0.0
        cpu_before = time.process_time()
        started = time.perf_counter()
        result = import_document(store, doc, "synthetisch.json", action="bench")
        seconds = time.perf_counter() - started
        out = {"rows": result.changes, "wall": seconds, "cpu": time.process_time() - cpu_before,
               "server_cpu": process_cpu(server_pid) - server_before if server_pid else 0.0,
               "statements": getattr(store, "round_trips", 0) - trips_before}
        assert result.changes and store.read().counts()["actors"] == len(doc["actors"])
    return out


def best(runs: list[dict]) -> dict:
    return min(runs, key=lambda run: run["wall"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=20000, help="Personen im synthetischen Datensatz")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=float, help="Datensatz aus bench/generate.py in dieser Größe")
    parser.add_argument("--doc", type=Path, help="Austauschdokument (JSON) statt eines erzeugten")
    parser.add_argument("--repeat", type=int, default=1, help="Importe je Speicher (der schnellste zählt)")
    parser.add_argument("--batch-bytes", type=int, default=BATCH_BYTES, help="batch_bytes der FalkorDB-URI")
    args = parser.parse_args(argv)

    if args.doc:
        doc = json.loads(args.doc.read_text(encoding="utf-8"))
    elif args.scale:
        sys.path.insert(0, str(ROOT / "bench"))
        from generate import generate

        doc = generate(args.scale, args.seed)
    else:
        doc = synthetic_document(args.actors, args.seed)
    sizes = {name: len(items) for name, items in doc.items() if isinstance(items, list)}
    print(f"Datensatz: {sum(sizes.values())} Zeilen {sizes}")
    with tempfile.TemporaryDirectory(prefix="bench-bolt-") as tmp:
        sqlite = best([timed_import(f"sqlite:///{Path(tmp) / f'bench{i}.db'}", doc) for i in range(args.repeat)])
        sqlite_rate = sqlite["rows"] / sqlite["wall"]
        print(f"SQLite:   {sqlite['rows']} Zeilen in {sqlite['wall']:6.2f} s = {sqlite_rate:9.0f} Zeilen/s")
        runs = []
        alive = True
        for i in range(args.repeat):
            with start_falkordb(Path(tmp) / f"falkordb{i}") as server:
                uri = server.uri(database="bench", options=bolt_options(args.batch_bytes))
                runs.append(timed_import(uri, doc, server.process.pid))
                alive = alive and server.alive()
        bolt = best(runs)
        bolt_rate = bolt["rows"] / bolt["wall"]
        print(f"FalkorDB: {bolt['rows']} Zeilen in {bolt['wall']:6.2f} s = {bolt_rate:9.0f} Zeilen/s "
              f"(batch_bytes={args.batch_bytes}, tx=autocommit; Last {os.getloadavg()[0]:.1f})")
        print(f"  CPU: Bündnisnetz {bolt['cpu']:.2f} s, FalkorDB {bolt['server_cpu']:.2f} s; "
              f"Zeilen je CPU-Sekunde beider zusammen: {bolt['rows'] / (bolt['cpu'] + bolt['server_cpu']):.0f}")
        print(f"Verhältnis SQLite/FalkorDB: {sqlite_rate / bolt_rate:.1f}x")
        print(f"Bolt-Anweisungen: {bolt['statements']} für {bolt['rows']} Zeilen mit ihren Protokolleinträgen "
              f"= {bolt['rows'] / bolt['statements']:.1f} Zeilen je Anweisung")
        if not alive:
            print("FalkorDB ist während des Imports abgestürzt", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
