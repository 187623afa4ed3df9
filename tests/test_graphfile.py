"""The streaming GraphML/GEXF writers give the graph networkx's own writers give."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from graph.io import graphfile
from graph.model import Actor, Alliance, Dataset, Institution, Membership, Municipality, Offer, Tie, Topic

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))

from outputs import canonical_graph  # noqa: E402


def awkward() -> Dataset:
    """Names with markup characters, quotes, umlauts; ints, floats, bools; a rejoined member (two edges)."""
    ds = Dataset()
    ds.add(Topic("kinderschutz", "Kinderschutz"))
    ds.add(Municipality("05334", 'Städteregion "Aachen" <&>', "kreis", "NW"))
    ds.add(Institution("i1", "Verein A & B <e.V.>", "migrantenorganisation", "migrantenorganisation", "05334"))
    ds.add(Actor("p1", "O'Brien \"Ö\" ]]> é", institution="i1"))
    ds.add(Actor("y1", "Amira K.", is_refugee_youth=True, pseudonym="Stern", municipality="05334"))
    ds.add(Alliance("b1", "Bündnis\tTab\nZeile", "05334", topics=("kinderschutz",)))
    ds.add(Membership("p1", "b1", since=date(2020, 1, 1), until=date(2021, 1, 1)))
    ds.add(Membership("p1", "b1", since=date(2022, 1, 1), role="Koordination"))
    ds.add(Membership("y1", "b1"))
    ds.add(Tie("p1", "y1", strength=3, since=date(2023, 5, 1)))
    ds.add(Offer("o1", "dialog", "Dialog „drinnen“", date(2024, 2, 1), alliance="b1", people_reached=12))
    return ds


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
@pytest.mark.parametrize("reveal", [False, True])
def test_the_streaming_writer_gives_the_graph_of_the_networkx_writer(tmp_path, monkeypatch, fmt, reveal):
    monkeypatch.setenv("BUENDNISNETZ_TEST_SEED", "same")  # both writers draw the same per-export ids
    ds = awkward()
    reference = graphfile.to_networkx(ds, reveal=reveal)
    for _, _, data in reference.edges(data=True):
        data["type" if fmt == "graphml" else "relationship"] = data["label"]
    (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(reference, tmp_path / f"reference.{fmt}")
    write = graphfile.write_graphml if fmt == "graphml" else graphfile.write_gexf
    write(ds, tmp_path / f"streamed.{fmt}", reveal=reveal)
    streamed = canonical_graph(tmp_path / f"streamed.{fmt}", fmt)
    assert streamed == canonical_graph(tmp_path / f"reference.{fmt}", fmt)
    assert ("Amira" in streamed) == reveal and "Stern" in streamed
