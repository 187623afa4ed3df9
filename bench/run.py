"""One command for the programme-scale benchmarks: library phases and whole CLI commands.

Every library figure is measured next to a baseline in the same run and reported
as a ratio (ours / baseline; below 1 means we are faster). Times are CPU seconds
of the work (``time.process_time``, best of ``--repeat``): the machines these run
on are shared, and wall-clock time there measures the neighbours.

=========================  ==========================================================
phase                      baseline
=========================  ==========================================================
import (JSON file)         bare ``sqlite3`` ``executemany`` of the same rows as JSON
snapshot (store.read)      ``nx.read_graphml`` of the same graph (up to ×10)
one Kreis (rows)           the whole graph from the rows (``health --alliance``, ``map --kreis``
                           read only their Kreis' part; on a Bolt server in Cypher)
members' part (rows)       the same; what ``office --office`` reads from a Bolt server
health (all alliances)     plain networkx: member subgraph + articulation points each
suggest --all              hand-written networkx Adamic–Adar over all same-Kreis
suggest introduction       person pairs at distance two (:func:`baseline_adamic_adar`)
map (one Kreis)            plain pyvis ``Network.from_nx`` + ``generate_html``
=========================  ==========================================================

Then each command runs as a user runs it, in its own process (``buendnisnetz …``):
CPU seconds (median of three runs with a current snapshot, and the first run
after a write), wall seconds and peak memory (the process' own VmHWM).

Targets (issue 17): import ≥ 100k rows/s; ``suggest --all`` ≤ 0.25× and
introductions ≤ 0.1× the Adamic–Adar baseline; ``health --alliance``, ``map --kreis``,
``office --office`` ≤ 0.3 s at ×10 and ≤ 1 s at ×100; ``health`` ≤ 1 s at ×10;
every command under 2 GB at ×100. Missed targets are printed and make the exit code 1
(only at ×10 and ×100: ×1 is CI's smoke run).

Usage::

    python bench/run.py --scale 1 --quick      # CI: small, SQLite + FalkorDB
    python bench/run.py --scale 10 --out bench/results-x10.json
    python bench/run.py --scale 100 --no-bolt --out bench/results-x100.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import networkx as nx  # noqa: E402
from generate import generate  # noqa: E402

from graph import api  # noqa: E402
from graph.store import open_store  # noqa: E402

AS_OF = date(2026, 11, 1)
#: ratio targets (ours / baseline) of library phases
RATIO_TARGETS = {"suggest --all": 0.25, "suggest introduction": 0.1}
#: CPU-second targets of whole commands per scale
COMMAND_TARGETS = {10: {"health --alliance": 0.3, "map --kreis": 0.3, "office --office": 0.3, "health": 1.0},
                   100: {"health --alliance": 1.0, "map --kreis": 1.0, "office --office": 1.0}}
IMPORT_TARGET = 100_000  # rows/s
MEMORY_TARGET_MB = 2048


def cpu(func, repeat: int = 1):
    """(value, best CPU seconds of `repeat` runs)."""
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        value = func()
        best = min(best, time.process_time() - start)
    return value, best


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- baselines ---------------------------------------------------------------------------------

def baseline_sqlite(doc_path: Path, tmp: Path) -> float:
    """CPU seconds of a bare ``executemany`` of every row of the document, as JSON text, in one transaction."""
    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    rows = [(name, i, json.dumps(item, ensure_ascii=False)) for name, items in doc.items() if isinstance(items, list)
            for i, item in enumerate(items)]
    conn = sqlite3.connect(tmp / "baseline.db", isolation_level=None)
    conn.execute("CREATE TABLE rows (list TEXT, n INTEGER, data TEXT, PRIMARY KEY (list, n)) WITHOUT ROWID")
    start = time.process_time()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO rows VALUES (?, ?, ?)", rows)
    conn.execute("COMMIT")
    seconds = time.process_time() - start
    conn.close()
    return seconds


def baseline_health(ds) -> int:
    """What a hand-written networkx health pass costs: per alliance, its members' tie subgraph and cut vertices."""
    graph = nx.Graph()
    graph.add_edges_from((t.source, t.target) for t in ds.ties.values())
    members: dict[str, set[str]] = {}
    for m in ds.memberships.values():
        if m.is_current(AS_OF):
            members.setdefault(m.alliance, set()).add(m.member)
    cut = 0
    for group in members.values():
        sub = graph.subgraph(group)
        cut += sum(1 for _ in nx.articulation_points(sub))
    return cut


def baseline_adamic_adar(ds) -> float:
    """Hand-written networkx: Adamic–Adar over all same-Kreis person pairs at distance two.

    The graph a suggestion tool needs (ties in force, current memberships of live
    alliances, persons at their institution), built with networkx from the dataset;
    the pairs are every two persons placed in the same Kreis with a common
    neighbour and no tie; scored by :func:`networkx.adamic_adar_index`.
    """
    from graph.model import kreis_of

    G = nx.Graph()
    live = {a.id for a in ds.alliances.values()
            if a.status != "beendet" and (a.founded is None or a.founded <= AS_OF)}
    G.add_nodes_from(ds.actors)
    G.add_nodes_from(ds.institutions)
    G.add_nodes_from(live)
    G.add_edges_from((t.source, t.target) for t in ds.ties.values() if t.since is None or t.since <= AS_OF)
    G.add_edges_from((m.member, m.alliance) for m in ds.memberships.values()
                     if m.is_current(AS_OF) and m.alliance in live)
    G.add_edges_from((a.id, a.institution) for a in ds.actors.values() if a.institution in ds.institutions)
    kreis = {}
    for person in ds.actors:
        place = ds.municipality_of_member(person)
        if place:
            kreis[person] = kreis_of(place)
    pairs = set()
    for v in G:
        around = [u for u in G[v] if u in kreis]
        for i, u in enumerate(around):
            for w in around[i + 1:]:
                if kreis[u] == kreis[w] and w not in G[u]:
                    pairs.add((u, w) if u < w else (w, u))
    return sum(score for _, _, score in nx.adamic_adar_index(G, pairs))


def baseline_map(ds, kreis: str) -> int:
    from pyvis.network import Network

    from graph.model import kreis_of

    graph = nx.Graph()
    local = {a.id for a in ds.actors.values() if (p := ds.municipality_of_member(a.id)) and kreis_of(p) == kreis}
    graph.add_nodes_from(local)
    graph.add_edges_from((t.source, t.target) for t in ds.ties.values() if t.source in local and t.target in local)
    net = Network(cdn_resources="in_line")
    net.from_nx(graph)
    return len(net.generate_html())


def busiest_kreis(ds) -> str:
    from collections import Counter

    from graph.model import kreis_of

    return Counter(kreis_of(a.municipality) for a in ds.alliances.values()).most_common(1)[0][0]


def busiest_alliance(ds) -> str:
    from collections import Counter

    return Counter(m.alliance for m in ds.memberships.values()).most_common(1)[0][0]


# -- library phases --------------------------------------------------------------------------

def _add(out: list[dict], result: dict) -> None:
    """Keep a phase's result and say it at once (a run at ×100 takes a while)."""
    out.append(result)
    base = result.get("baseline_seconds")
    wall = result.get("wall_seconds")
    print(f"  {result['backend']} {result['phase']}: {result['seconds']:.2f} s CPU"
          + (f", {wall:.2f} s wall" if wall is not None else "")
          + (f" (baseline {base:.2f} s)" if base else ""), flush=True)


def run_backend(name: str, uri: str, doc_path: Path, tmp: Path, rows: int, full: bool, repeat: int) -> list[dict]:
    from graph.health import check_alliances
    from graph.netmap import write_map
    from graph.suggest import suggest

    out: list[dict] = []
    store = open_store(uri)
    try:
        api.init_store(store)
        start = time.perf_counter()
        _, seconds = cpu(lambda: api.import_paths(store, [doc_path]))
        wall = time.perf_counter() - start
        base = baseline_sqlite(doc_path, tmp) if name == "sqlite" else None
        _add(out, {"backend": name, "phase": "import", "seconds": seconds, "wall_seconds": wall,
                    "baseline": "sqlite3 executemany", "baseline_seconds": base, "rows_per_s": rows / wall})
        if name == "sqlite":
            (tmp / "bench.db.snapshot").unlink(missing_ok=True)
        start = time.perf_counter()
        ds, whole_seconds = cpu(store.read)
        _add(out, {"backend": name, "phase": "snapshot (rows)", "seconds": whole_seconds,
                    "wall_seconds": time.perf_counter() - start, "baseline": "nx.read_graphml",
                    "baseline_seconds": None})
        if name == "sqlite":
            _, seconds = cpu(store.read, repeat)
            _add(out, {"backend": name, "phase": "snapshot (cached)", "seconds": seconds,
                        "baseline": "nx.read_graphml", "baseline_seconds": None})
        # What health --alliance and map --kreis read first after a write: one Kreis' part from the rows
        # (SQL, or Cypher on a Bolt server), against the whole graph from the rows (the phase above).
        kreis = busiest_kreis(ds)
        if name == "sqlite":
            as_after_a_write(tmp / "bench.db")
        start = time.perf_counter()
        _, seconds = cpu(lambda: store.read_kreis(kreis))
        _add(out, {"backend": name, "phase": "one Kreis (rows)", "seconds": seconds,
                    "wall_seconds": time.perf_counter() - start, "baseline": "the whole graph (rows)",
                    "baseline_seconds": whole_seconds})
        if hasattr(store, "read_members"):  # what office --office reads (SQLite: after a write, no snapshot)
            start = time.perf_counter()
            _, seconds = cpu(store.read_members)
            _add(out, {"backend": name, "phase": "members' part (rows)", "seconds": seconds,
                        "wall_seconds": time.perf_counter() - start, "baseline": "the whole graph (rows)",
                        "baseline_seconds": whole_seconds})
        if not full:
            return out
        _, seconds = cpu(lambda: check_alliances(ds, AS_OF), repeat)
        _, base = cpu(lambda: baseline_health(ds), repeat)
        _add(out, {"backend": name, "phase": "health", "seconds": seconds, "baseline": "networkx cut vertices",
                    "baseline_seconds": base})
        _, base = cpu(lambda: baseline_adamic_adar(ds), repeat)
        for phase, kind in (("suggest --all", None), ("suggest introduction", "introduction")):
            _, seconds = cpu(lambda kind=kind: suggest(ds, AS_OF, kind=kind, top=10), repeat)
            _add(out, {"backend": name, "phase": phase, "seconds": seconds,
                        "baseline": "networkx Adamic–Adar, same-Kreis person pairs", "baseline_seconds": base})
        _, seconds = cpu(lambda: write_map(ds, tmp / "k.html", kreis=kreis, as_of=AS_OF), repeat)
        _, base = cpu(lambda: baseline_map(ds, kreis), repeat)
        _add(out, {"backend": name, "phase": "map", "seconds": seconds, "baseline": "plain pyvis",
                    "baseline_seconds": base})
    finally:
        store.close()
    return out


def import_only(doc_path: Path, tmp: Path, rows: int, repeat: int, scale: float) -> int:
    """``--only import``: the SQLite import phase `repeat` times into a fresh store, and its baseline as often
    (best CPU run of each; the target is rows per CPU second of the importing process)."""
    best: dict | None = None
    for n in range(repeat):
        store = open_store(f"sqlite:///{tmp / f'import-{n}.db'}")
        api.init_store(store)
        start, cpu_start = time.perf_counter(), time.process_time()
        api.import_paths(store, [doc_path])
        wall, seconds = time.perf_counter() - start, time.process_time() - cpu_start
        store.close()
        print(f"  import run {n + 1}: {wall:.2f} s wall, {seconds:.2f} s CPU", flush=True)
        if best is None or seconds < best["cpu"]:
            best = {"wall": wall, "cpu": seconds}
    assert best is not None
    bases = []
    for _ in range(repeat):
        (tmp / "baseline.db").unlink(missing_ok=True)
        bases.append(baseline_sqlite(doc_path, tmp))
    base = min(bases)
    print("\n| phase | rows | wall s | rows/s (wall) | CPU s | rows/s (CPU) | baseline CPU s | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| import ×{scale:g} | {rows:,} | {best['wall']:.2f} | {rows / best['wall']:,.0f} | {best['cpu']:.2f} | "
          f"{rows / best['cpu']:,.0f} | {base:.2f} | {best['cpu'] / base:.2f} |")
    return 0 if rows / best["cpu"] >= IMPORT_TARGET or scale not in (10, 100) else 1


# -- whole commands ------------------------------------------------------------------------------

COMMANDS = (
    ("health --alliance", ["health", "--alliance", "{alliance}", "--as-of", "{as_of}", "--format", "json"]),
    ("map --kreis", ["map", "--kreis", "{kreis}", "--as-of", "{as_of}", "--out", "{tmp}/k.html"]),
    ("office --office", ["office", "--office", "sb-koeln", "--as-of", "{as_of}", "--format", "json"]),
    ("health", ["health", "--as-of", "{as_of}", "--format", "json"]),
    ("suggest --all", ["suggest", "--all", "--as-of", "{as_of}", "--format", "json"]),
    ("export json", ["export", "--format", "json", "--out", "{tmp}/e.json"]),
    ("export csv", ["export", "--format", "csv", "--out", "{tmp}/e-csv"]),
    ("export xlsx", ["export", "--format", "xlsx", "--out", "{tmp}/e.xlsx"]),
    ("export graphml", ["export", "--format", "graphml", "--out", "{tmp}/e.graphml"]),
    ("export gexf", ["export", "--format", "gexf", "--out", "{tmp}/e.gexf"]),
)
QUICK_COMMANDS = ("health --alliance", "map --kreis", "office --office", "health", "suggest --all")

_MEASURED = """
import atexit, sys
def _report(path=sys.argv[1]):
    status = open('/proc/self/status').read()
    hwm = next(line for line in status.splitlines() if line.startswith('VmHWM:'))
    open(path, 'w').write(hwm.split()[1])
atexit.register(_report)
sys.argv = ['buendnisnetz'] + sys.argv[2:]
from graph.cli import main
main()
"""


def child_env() -> dict[str, str]:
    """The environment of a measured command: as installed, with compiled bytecode (an installed
    package has it; ``PYTHONDONTWRITEBYTECODE`` would make every start compile the sources again)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_sources() -> None:
    """Write the bytecode of ``graph/`` once, as installing the package would."""
    import compileall

    compileall.compile_dir(ROOT / "graph", quiet=1)


def run_command(args: list[str], report: Path) -> dict:
    """One CLI process: CPU seconds (user + system, from wait4), wall seconds, peak memory (VmHWM)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _MEASURED, str(report), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=ROOT, env=child_env())
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {proc.returncode}: {stderr[-500:]}")
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall, "peak_mb": int(report.read_text()) / 1024}


def as_after_a_write(db: Path) -> None:
    """Remove what every write removes (:mod:`graph.store.snapshot`): the snapshot and the shards."""
    from graph.store import snapshot

    snapshot.invalidate(snapshot.snapshot_path(db))
    snapshot.invalidate_shards(db)


def commands(uri: str, db: Path, tmp: Path, ds, names, runs: int) -> list[dict]:
    """Each command as a user runs it: first after a write (no snapshot yet), then `runs` more (median)."""
    values = {"alliance": busiest_alliance(ds), "kreis": busiest_kreis(ds), "as_of": AS_OF.isoformat(), "tmp": tmp}
    out = []
    for label, args in COMMANDS:
        if label not in names:
            continue
        args = ["--store", uri] + [a.format(**values) for a in args]
        as_after_a_write(db)
        cold = run_command(args, tmp / "vmhwm")
        warm = [run_command(args, tmp / "vmhwm") for _ in range(runs)]
        out.append({"command": label, "cold_cpu": cold["cpu"], "cpu": statistics.median(w["cpu"] for w in warm),
                    "wall": statistics.median(w["wall"] for w in warm),
                    "peak_mb": max([cold["peak_mb"]] + [w["peak_mb"] for w in warm])})
        m = out[-1]
        print(f"  {label}: {m['cpu']:.2f} s CPU, first after a write {m['cold_cpu']:.2f} s, "
              f"peak {m['peak_mb']:,.0f} MB", flush=True)
    return out


def startup(uri: str, tmp: Path) -> dict:
    """The floor under every command: the interpreter alone and ``buendnisnetz --help``."""
    report = tmp / "vmhwm"
    bare = statistics.median(run_command_plain([sys.executable, "-c", "pass"]) for _ in range(3))
    cli = statistics.median(run_command(["--store", uri, "--help"], report)["cpu"] for _ in range(3))
    return {"python": bare, "cli --help": cli}


def run_command_plain(argv: list[str]) -> float:
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, env=child_env())
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_utime + usage.ru_stime


def single_user(tmp: Path) -> None:
    """A single-user installation of the benchmark's own (commands in child processes inherit it)."""
    from graph.accounts import ENV_ACCOUNTS, set_single_user

    os.environ[ENV_ACCOUNTS] = str(tmp / "accounts.json")
    set_single_user(tmp / "accounts.json")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true",
                        help="CI: the main commands once each, Bolt import/read only")
    parser.add_argument("--no-bolt", action="store_true", help="skip the FalkorDB backend")
    parser.add_argument("--repeat", type=int, default=3, help="runs per library phase and command (best/median)")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--only", choices=["import"], help="just this phase (SQLite), against its baseline")
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else args.repeat

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        single_user(tmp)
        start = time.perf_counter()
        doc = generate(args.scale, args.seed)
        gen_seconds = time.perf_counter() - start
        rows = sum(len(v) for k, v in doc.items() if isinstance(v, list))
        doc_path = tmp / "synthetisch.json"
        doc_path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        del doc
        print(f"Bündnisnetz benchmark ×{args.scale:g}: {rows} rows generated in {gen_seconds:.1f} s", flush=True)

        if args.only == "import":
            return import_only(doc_path, tmp, rows, args.repeat, args.scale)
        compile_sources()
        db = tmp / "bench.db"
        uri = f"sqlite:///{db}"
        results = run_backend("sqlite", uri, doc_path, tmp, rows, True, repeat)
        store = open_store(uri)
        ds = store.read()
        store.close()
        if args.scale <= 10:  # GraphML baseline for loading (at ×100 it alone needs many GB)
            from graph.io.graphfile import write_graphml

            write_graphml(ds, tmp / "g.graphml", reveal=True)
            _, graphml_seconds = cpu(lambda: nx.read_graphml(tmp / "g.graphml"))
            for r in results:
                if r["phase"].startswith("snapshot"):
                    r["baseline_seconds"] = graphml_seconds
        print("library phases done; commands …", flush=True)
        floor = startup(uri, tmp)
        measured = commands(uri, db, tmp, ds, QUICK_COMMANDS if args.quick else [c for c, _ in COMMANDS], repeat)
        del ds

        if not args.no_bolt:
            from bench_bolt_import import bolt_options
            from bolt_server import start_falkordb

            with start_falkordb() as server:  # batch_bytes as bench/bench_bolt_import.py (not the tests' 3000)
                results += run_backend("falkordb", server.uri(options=bolt_options()), doc_path, tmp, rows,
                                       not args.quick, repeat)

    print()
    print("| backend | phase | CPU s | baseline | baseline CPU s | ratio |")
    print("| --- | --- | ---: | --- | ---: | ---: |")
    failures = []
    scale = int(args.scale) if args.scale in (10, 100) else None
    for r in results:
        base = r.get("baseline_seconds")
        ratio = r["seconds"] / base if base else float("nan")
        r["ratio"] = ratio
        extra = f" ({r['rows_per_s']:,.0f} rows/s)" if "rows_per_s" in r else ""
        print(f"| {r['backend']} | {r['phase']}{extra} | {r['seconds']:.2f} | {r['baseline']} | "
              f"{base if base is not None else float('nan'):.2f} | {ratio:.2f} |")
        if r["backend"] == "sqlite" and scale:
            limit = RATIO_TARGETS.get(r["phase"])
            if limit and not ratio <= limit:
                failures.append(f"{r['phase']}: {ratio:.2f}× the baseline > {limit}×")
            if r["phase"] == "import" and r["rows_per_s"] < IMPORT_TARGET:
                failures.append(f"import: {r['rows_per_s']:,.0f} rows/s < {IMPORT_TARGET:,} rows/s")
    print(f"\nstartup floor (CPU s): python alone {floor['python']:.2f}, buendnisnetz --help {floor['cli --help']:.2f}")
    print("\n| command (own process) | CPU s | CPU s first after a write | wall s | peak MB |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for m in measured:
        print(f"| buendnisnetz {m['command']} | {m['cpu']:.2f} | {m['cold_cpu']:.2f} | {m['wall']:.2f} | "
              f"{m['peak_mb']:,.0f} |")
        limit = COMMAND_TARGETS.get(scale, {}).get(m["command"])
        if limit and m["cpu"] > limit:
            failures.append(f"{m['command']}: {m['cpu']:.2f} s CPU > {limit:g} s")
        if scale == 100 and m["peak_mb"] > MEMORY_TARGET_MB:
            failures.append(f"memory of {m['command']}: {m['peak_mb']:.0f} MB > {MEMORY_TARGET_MB} MB")
    peak = peak_rss_mb()
    print(f"\npeak memory of this benchmark process, baselines included (RSS): {peak:,.0f} MB · "
          f"{platform.machine()} · Python {platform.python_version()} · {os.cpu_count()} CPUs")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"scale": args.scale, "rows": rows, "peak_rss_mb": peak, "results": results,
                                        "startup": floor, "commands": measured}, indent=2))
    for failure in failures:
        print(f"TARGET MISSED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
