"""Import speed over Bolt (FalkorDB) against the embedded SQLite store, and proof of batching.

Generates a seeded synthetic exchange document over real Kreise, imports it
through :func:`graph.api.import_document` into SQLite and into a FalkorDB
started for the run (``batch_bytes=3000&tx=autocommit``), and prints rows per
second for each, their ratio, and the number of Bolt statements against the
number of rows written (one statement per row would mean no batching).

Usage::

    python bench/bench_bolt_import.py [--actors 20000] [--seed 7]

All names are invented and end in ``(synthetisch)``.
"""

from __future__ import annotations

import argparse
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


def timed_import(uri: str, doc: dict) -> tuple[int, float, int]:
    """Rows written, seconds, Bolt statements (0 for SQLite) of one import into a fresh store."""
    with open_store(uri) as store:
        init_store(store)
        trips_before = getattr(store, "round_trips", 0)
        started = time.perf_counter()
        result = import_document(store, doc, "synthetisch.json", action="bench")
        seconds = time.perf_counter() - started
        trips = getattr(store, "round_trips", 0) - trips_before
        assert result.changes and store.read().counts()["actors"] == len(doc["actors"])
    return result.changes, seconds, trips


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=20000, help="Personen im synthetischen Datensatz")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    doc = synthetic_document(args.actors, args.seed)
    sizes = {name: len(items) for name, items in doc.items() if isinstance(items, list)}
    print(f"Datensatz: {sizes}")
    with tempfile.TemporaryDirectory(prefix="bench-bolt-") as tmp:
        rows, seconds, _ = timed_import(f"sqlite:///{Path(tmp) / 'bench.db'}", doc)
        sqlite_rate = rows / seconds
        print(f"SQLite:   {rows} Zeilen in {seconds:6.2f} s = {sqlite_rate:9.0f} Zeilen/s")
        with start_falkordb(Path(tmp) / "falkordb") as server:
            rows, seconds, trips = timed_import(server.uri(database="bench"), doc)
            alive = server.alive()
        bolt_rate = rows / seconds
        print(f"FalkorDB: {rows} Zeilen in {seconds:6.2f} s = {bolt_rate:9.0f} Zeilen/s "
              f"(batch_bytes=3000, tx=autocommit)")
        print(f"Verhältnis SQLite/FalkorDB: {sqlite_rate / bolt_rate:.1f}x")
        print(f"Bolt-Anweisungen: {trips} für {rows} Zeilen (+ {rows} Protokolleinträge) "
              f"= {2 * rows / trips:.1f} Zeilen je Anweisung")
        if not alive:
            print("FalkorDB ist während des Imports abgestürzt", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
