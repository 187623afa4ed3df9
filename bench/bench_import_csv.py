"""How fast does a large CSV set import, and how much memory does it take?

    python bench/bench_import_csv.py --rows 100000 [--profile]

Writes a synthetic, clearly fictitious CSV set the way German offices keep it
(institutions and memberships as Windows-1252 with ``;`` and German headers and
TT.MM.JJJJ dates, actors as UTF-8 with BOM and ``,``), spread over the real
Kreise of ``seeds/districts.csv``. It then imports the set into a fresh SQLite
store in one transaction via :func:`graph.api.import_paths` and prints rows/s,
peak memory, the time of each import phase and, measured in the same run, the
time of a plain ``csv.DictReader`` parse of the same files as a baseline.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import gc
import pstats
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import api  # noqa: E402
from graph.io import read_paths  # noqa: E402
from graph.model import INSTITUTION_TYPES  # noqa: E402
from graph.reference import districts  # noqa: E402
from graph.store import open_store, plan_upsert  # noqa: E402
from graph.validate import validate  # noqa: E402

SECTOR_OF_TYPE = {
    "jugendamt": "verwaltung", "sozialamt": "verwaltung", "auslaenderamt": "verwaltung",
    "bildungsverwaltung": "verwaltung", "fluechtlingskoordination": "verwaltung", "verwaltungsspitze": "verwaltung",
    "schule": "bildung", "kita": "bildung", "unterkunft": "freie_wohlfahrt", "freier_traeger": "freie_wohlfahrt",
    "migrantenorganisation": "migrantenorganisation", "initiative": "zivilgesellschaft", "sonstige": "sonstige",
}
FIRST = ["Anna", "Jürgen", "Ayşe", "Mehmet", "Sören", "Björn", "Fatima", "Jörg", "Käthe", "Yusuf"]
LAST = ["Müller", "Schäfer", "Öztürk", "Weiß", "Groß", "Krüger", "Haddad", "Nowak", "Böhm", "Schulz"]


def split(rows: int) -> dict[str, int]:
    """Rows per file: 1 % alliances, 10 % institutions, 40 % memberships, the rest actors."""
    alliances = max(1, rows // 100)
    institutions = max(1, rows // 10)
    memberships = rows * 4 // 10
    return {"alliances": alliances, "institutions": institutions, "memberships": memberships,
            "actors": max(1, rows - alliances - institutions - memberships)}


def write_set(directory: Path, rows: int, seed: int = 8) -> list[Path]:
    """The synthetic (fictitious) CSV set; returns the file paths."""
    rng = random.Random(seed)
    n = split(rows)
    kreise = [row["AGS"] for row in districts()]
    types = list(INSTITUTION_TYPES)
    paths = {name: directory / f"{name}.csv" for name in ("institutions", "actors", "alliances", "memberships")}

    alliance_kreis = [rng.choice(kreise) for _ in range(n["alliances"])]
    with open(directory / "buendnisse.csv", "w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Kennung", "Name", "Gemeinde", "gegründet", "Themen"])
        for i, ags in enumerate(alliance_kreis):
            w.writerow([f"b-{i}", f"Bündnis {i} (fiktiv)", ags, f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}."
                        f"{rng.randint(2015, 2019)}", rng.choice(["Kinderschutz", "Unterbringung|Kinderschutz",
                                                                   "Berufsorientierung"])])
    paths["alliances"] = directory / "buendnisse.csv"

    with open(directory / "einrichtungen.csv", "w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Kennung", "Name", "Art", "Sektor", "AGS"])
        for i in range(n["institutions"]):
            type_ = rng.choice(types)
            w.writerow([f"e-{i}", f"{INSTITUTION_TYPES[type_]} Nr. {i} (fiktiv)", type_, SECTOR_OF_TYPE[type_],
                        rng.choice(kreise)])
    paths["institutions"] = directory / "einrichtungen.csv"

    with open(paths["actors"], "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=",")
        w.writerow(["id", "name", "role", "institution", "municipality", "is_refugee_youth"])
        for i in range(n["actors"]):
            youth = rng.random() < 0.2
            w.writerow([f"p-{i}", f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}", "" if youth else "Fachkraft",
                        "" if youth else f"e-{rng.randrange(n['institutions'])}",
                        rng.choice(kreise) if youth else "", "ja" if youth else "nein"])

    with open(directory / "mitgliedschaften.csv", "w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Mitglied", "Bündnis", "seit", "bis", "Rolle"])
        seen = set()
        while len(seen) < n["memberships"]:
            member = (f"p-{rng.randrange(n['actors'])}" if rng.random() < 0.7
                      else f"e-{rng.randrange(n['institutions'])}")
            alliance = f"b-{rng.randrange(n['alliances'])}"
            since = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(2015, 2020)}"
            if (member, alliance, since) in seen:
                continue
            seen.add((member, alliance, since))
            w.writerow([member, alliance, since, "", "Mitglied"])
    paths["memberships"] = directory / "mitgliedschaften.csv"
    return [paths[name] for name in ("institutions", "actors", "alliances", "memberships")]


def baseline_parse(paths: list[Path]) -> int:
    """The floor: csv.DictReader over the same files, nothing else."""
    count = 0
    for path in paths:
        encoding = "utf-8-sig" if path.name == "actors.csv" else "cp1252"
        delimiter = "," if path.name == "actors.csv" else ";"
        with open(path, encoding=encoding, newline="") as fh:
            for _ in csv.DictReader(fh, delimiter=delimiter):
                count += 1
    return count


def maxrss_mib() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / 1024 / (1024 if sys.platform == "darwin" else 1)


def timed(fn, *args):
    gc.collect()
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="data rows over all files (default 100000)")
    parser.add_argument("--profile", action="store_true", help="print the 15 costliest functions of the import")
    parser.add_argument("--keep", metavar="DIR", help="write the CSV set and stores here and keep them")
    args = parser.parse_args(argv)

    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_csv_"))
    workdir.mkdir(parents=True, exist_ok=True)
    paths = write_set(workdir, args.rows)
    rows = sum(split(args.rows).values())
    size = sum(p.stat().st_size for p in paths) / 2**20
    print(f"CSV-Satz: {rows} Zeilen in {len(paths)} Dateien, {size:.1f} MiB ({workdir})")

    parsed, t_base = timed(baseline_parse, paths)
    assert parsed == rows, (parsed, rows)

    # The import as the CLI does it: one call, one transaction.
    store = open_store(str(workdir / "import.db"))
    api.init_store(store)
    rss_before = maxrss_mib()
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    result, t_import = timed(api.import_paths, store, paths)
    if profiler:
        profiler.disable()
    rss_after = maxrss_mib()
    assert result.summary()["new"] >= rows, result.summary()
    store.close()

    # The same steps one by one on a second fresh store, to see where the time goes.
    store = open_store(str(workdir / "phases.db"))
    api.init_store(store)
    records, t_read = timed(read_paths, paths)
    existing, t_load = timed(store.read)
    validated, t_validate = timed(validate, records, existing)
    changes, t_plan = timed(plan_upsert, existing, validated.dataset)
    _, t_write = timed(lambda: store.apply(changes, user="bench", action="bench"))
    store.close()

    print(f"Import:          {t_import:8.2f} s  = {rows / t_import:10,.0f} Zeilen/s (eine Transaktion)")
    print(f"Baseline:        {t_base:8.2f} s  = {rows / t_base:10,.0f} Zeilen/s (csv.DictReader, nur Parsen)")
    print(f"Verhältnis:      {t_import / t_base:8.1f} x  Import/Baseline")
    print(f"Speicher (RSS):  {rss_after:8.0f} MiB Spitze, {rss_after - rss_before:+.0f} MiB durch den Import")
    print("Phasen (zweiter Lauf):")
    for label, seconds in (("lesen (tabular)", t_read), ("Bestand laden", t_load), ("validieren", t_validate),
                           ("planen (plan_upsert)", t_plan), ("schreiben (SQLite)", t_write)):
        print(f"  {label:22s} {seconds:8.2f} s  {seconds / t_base:6.1f} x Baseline")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    if not args.keep:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
