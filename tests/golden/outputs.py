"""The outputs the golden test keeps equal: CLI commands run on fixed data.

``python tests/golden/outputs.py`` rewrites ``tests/golden/expected/`` from the
code as it is. Do that only for an intended change of output, and read the diff
(``git diff tests/golden``) before committing it: a speed-up must never change
what a command prints.

Data: the demo anchored on 2026-06-01 and a small synthetic data set
(``bench/generate.py``, scale 0.1, seed 0). Small outputs are kept as files
(readable diffs); exports (with ``--reveal``: without it every export has fresh
random ids for young refugees, by design) are kept as sha256 of a canonical form
(GraphML and GEXF parsed back into nodes and edges, so the writer may format freely), and so
are maps of one Kreis (``map --kreis``, with the items of the page sorted: :func:`canonical_map`).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = Path(__file__).resolve().parent / "expected"
AS_OF = "2026-06-01"
SYNTH_AS_OF = "2026-11-01"

#: (name, data set, CLI arguments) of each text output.
COMMANDS = [
    ("demo-health.json", "demo", ["health", "--as-of", AS_OF, "--format", "json"]),
    ("demo-health-b09.json", "demo", ["health", "--alliance", "demo-b09", "--as-of", AS_OF, "--format", "json"]),
    ("demo-health-by-state.json", "demo", ["health", "--by", "state", "--as-of", AS_OF, "--format", "json"]),
    ("demo-suggest-all.json", "demo", ["suggest", "--all", "--top", "40", "--as-of", AS_OF, "--format", "json"]),
    ("demo-suggest-b09.json", "demo", ["suggest", "--alliance", "demo-b09", "--as-of", AS_OF, "--format", "json"]),
    ("demo-suggest-p061.json", "demo", ["suggest", "--actor", "demo-p061", "--as-of", AS_OF, "--format", "json"]),
    ("demo-office-koeln.json", "demo", ["office", "--office", "sb-koeln", "--as-of", AS_OF, "--format", "json"]),
    ("demo-office-magdeburg.json", "demo",
     ["office", "--office", "sb-magdeburg", "--as-of", AS_OF, "--format", "json"]),
    ("demo-office-koeln.txt", "demo", ["office", "--office", "sb-koeln", "--as-of", AS_OF, "--format", "table"]),
    ("demo-office-magdeburg.html", "demo",
     ["office", "--office", "sb-magdeburg", "--as-of", AS_OF, "--format", "html"]),
    ("synth-office-koeln.json", "synth",
     ["office", "--office", "sb-koeln", "--as-of", SYNTH_AS_OF, "--format", "json"]),
    ("synth-office-magdeburg.json", "synth",
     ["office", "--office", "sb-magdeburg", "--as-of", SYNTH_AS_OF, "--format", "json"]),
    ("synth-health.json", "synth", ["health", "--as-of", SYNTH_AS_OF, "--format", "json"]),
    ("synth-suggest-all.json", "synth",
     ["suggest", "--all", "--top", "60", "--as-of", SYNTH_AS_OF, "--format", "json"]),
    ("synth-suggest-introduction.json", "synth",
     ["suggest", "--kind", "introduction", "--top", "200", "--as-of", SYNTH_AS_OF, "--format", "json"]),
    ("synth-suggest-membership.json", "synth",
     ["suggest", "--kind", "membership", "--top", "100", "--as-of", SYNTH_AS_OF, "--format", "json"]),
]
EXPORTS = ["json", "csv", "graphml", "gexf"]
#: (name, data set, Kreis) of each map kept as a digest (``map --kreis``)
MAPS = [("map --kreis 05315", "demo", "05315"), ("map --kreis 05334", "demo", "05334"),
        ("map --kreis synth-busiest", "synth", None)]


def run(store_uri: str, args: list[str]) -> str:
    from graph.cli import cli

    result = CliRunner().invoke(cli, ["--store", store_uri, *args], catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {result.exit_code}: {result.output}")
    return result.stdout


def load(dataset: str, directory: Path) -> str:
    """A fresh store with the demo or the synthetic data; returns its URI."""
    uri = f"sqlite:///{directory / (dataset + '.db')}"
    if dataset == "demo":
        run(uri, ["demo", "--anchor", AS_OF])
    else:
        sys.path.insert(0, str(ROOT / "bench"))
        from generate import generate

        doc = generate(0.1, 0)
        for n, actor in enumerate(doc["actors"]):  # fixed pseudonyms: an import draws random ones
            if actor.get("is_refugee_youth"):
                actor["pseudonym"] = f"Jugendliche*r S{n:04d}"
        path = directory / "synth.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        run(uri, ["init"])
        run(uri, ["import", str(path)])
    return uri


def canonical_graph(path: Path, fmt: str) -> str:
    """Nodes and edges with all attributes, sorted: what a graph reader sees in the file.

    Left out: GEXF's edge ``id``, a serial number within the file (networkx numbers
    edges grouped by source node, a streaming writer in the order they come).
    """
    import networkx as nx

    g = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    nodes = sorted((n, sorted(d.items())) for n, d in g.nodes(data=True))
    if g.is_multigraph():
        edges = [(u, v, str(k), d) for u, v, k, d in g.edges(keys=True, data=True)]
    else:
        edges = [(u, v, "", d) for u, v, d in g.edges(data=True)]
    serial = {"id"} if fmt == "gexf" else set()
    edges = sorted((u, v, k, sorted((n, x) for n, x in d.items() if n not in serial)) for u, v, k, d in edges)
    return json.dumps([g.is_directed(), nodes, edges], ensure_ascii=False, default=str)


def export_digests(store_uri: str, directory: Path) -> dict[str, str]:
    out = {}
    for fmt in EXPORTS:
        for reveal in (True,):  # without --reveal every export gets fresh random ids (privacy), no fixed digest
            target = directory / f"export-{fmt}-{reveal}" / ("dir" if fmt == "csv" else f"e.{fmt}")
            run(store_uri, ["export", "--format", fmt, "--out", str(target)] + (["--reveal"] if reveal else []))
            if fmt == "csv":
                blob = b"".join(p.name.encode() + b"\0" + p.read_bytes() for p in sorted(target.iterdir()))
            elif fmt in ("graphml", "gexf"):
                blob = canonical_graph(target, fmt).encode("utf-8")
            else:
                blob = target.read_bytes()
            out[f"export {fmt}{' --reveal' if reveal else ''}"] = hashlib.sha256(blob).hexdigest()
    return out


def canonical_map(html: str) -> str:
    """The page with its map data in a fixed order.

    Which end of a tie comes first (and so the order of the edges and the names in a tie's
    tooltip) once followed the iteration order of a set; today each tie starts at its smaller
    id (tests/test_netmap.py checks the page is the same in every process), and the digests
    kept here stay those of the canonical page. Edges become their ends and attributes,
    sorted, with the two names of the tooltip sorted too.
    """
    import re

    found = re.search(r'<script type="application/json" id="kartendaten">(.*?)</script>', html, re.S)
    data = json.loads(found.group(1))
    edges = []
    for edge in data.pop("edges"):
        ends = sorted((edge.pop("from"), edge.pop("to")))
        names, _, text = edge.pop("title", "").partition(": ")
        edges.append([ends, sorted(names.split(" – ")), text, sorted(edge.items(), key=str)])
    page = html[:found.start(1)] + html[found.end(1):]
    return json.dumps([page, data, sorted(edges, key=str)], ensure_ascii=False, sort_keys=True, default=str)


def busiest_kreis(store_uri: str) -> str:
    from collections import Counter

    from graph.model import kreis_of
    from graph.store import open_store

    store = open_store(store_uri)
    try:
        alliances = store.read().alliances.values()
    finally:
        store.close()
    return Counter(kreis_of(a.municipality) for a in alliances).most_common(1)[0][0]


def map_digests(uris: dict[str, str], directory: Path) -> dict[str, str]:
    out = {}
    for name, data, kreis in MAPS:
        target = directory / f"{name.replace(' ', '_')}.html"
        kreis = kreis or busiest_kreis(uris[data])
        as_of = AS_OF if data == "demo" else SYNTH_AS_OF
        run(uris[data], ["map", "--kreis", kreis, "--as-of", as_of, "--out", str(target)])
        out[name] = hashlib.sha256(canonical_map(target.read_text(encoding="utf-8")).encode("utf-8")).hexdigest()
    return out


def outputs(directory: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(name -> text of each command, export or map name -> digest), computed on fresh stores in `directory`."""
    uris = {name: load(name, directory) for name in ("demo", "synth")}
    texts = {name: run(uris[data], args) for name, data, args in COMMANDS}
    return texts, {**export_digests(uris["demo"], directory), **map_digests(uris, directory)}


def main() -> int:
    import os
    import tempfile

    from graph.accounts import ENV_ACCOUNTS, set_single_user

    with tempfile.TemporaryDirectory() as tmp:
        os.environ[ENV_ACCOUNTS] = str(Path(tmp) / "accounts.json")  # a single-user install of its own
        set_single_user(Path(tmp) / "accounts.json")
        texts, digests = outputs(Path(tmp))
    EXPECTED.mkdir(exist_ok=True)
    for name, text in texts.items():
        (EXPECTED / name).write_text(text, encoding="utf-8")
    (EXPECTED / "exports.json").write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"written: {EXPECTED} ({len(texts)} outputs, {len(digests)} export digests)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
