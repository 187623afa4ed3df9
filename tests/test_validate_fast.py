"""The fast per-field checks of validation (issue 17) decide exactly as the full checks do.

A clean record takes the fast path; anything else falls back to the full check, which
words the problem. These tests run the same inputs with and without the fast paths and
demand identical datasets and identical problems.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from graph import validate as v
from graph.errors import InputError
from graph.io.exchange import records_from_document
from graph.reference import reference_document
from graph.validate import RawRecord, validate

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from generate import generate  # noqa: E402


def without_fast_paths(monkeypatch) -> None:
    monkeypatch.setattr(v, "_FAST_CHECKS", {})
    monkeypatch.setattr(v, "_tie_fast", lambda run, record: None)
    monkeypatch.setattr(v, "_membership_fast", lambda run, record: None)


def outcome(records, existing):
    try:
        result = validate(records, existing)
    except InputError as exc:
        return "problems", [str(p) for p in exc.problems]
    ds = result.dataset
    youth = {k: a for k, a in ds.actors.items() if a.is_refugee_youth}  # random pseudonyms aside
    return "ok", ({name: dict(getattr(ds, name)) for name in ("institutions", "memberships", "ties")},
                  {k: a for k, a in ds.actors.items() if k not in youth}, sorted(youth),
                  [str(w) for w in result.warnings])


def reference():
    return validate(records_from_document(reference_document(), "ref")).dataset


#: Values the fast checks must leave to the full check (or decide as it does).
ODD = ["", " ", "  x  ", "x\n", "\tx", "a\x00b", "Zoë\u00a0Ü", "\ufdd0", "ä" * 301, "a" * 101, "syn p", "5",
       5, 5.5, -1, 101, 4.5, 0, 1, True, False, None, [], {}, ["a"], "2020-02-30", "2020-2-3", "01.02.2020",
       "2020-01-01T10:00:00", " 2020-01-01", "2020-01-01 ", "JUGENDAMT", "jugendamt", "Jugendamt", "woechentlich",
       "WOECHENTLICH", " monatlich", "ja", "nein", "Ja", " ja", "x", "wahr", "vielleicht", "1,5", "nan",
       float("nan"), float("inf"), 10**30, "1.2.2020", "31.02.2020", "01.13.2020", "1.2.20", "01.02.2020\n"]


#: The fields of the lists with fast paths.
FIELDS = {"institutions": ("id", "name", "type", "sector", "municipality"),
          "actors": ("id", "name", "role", "institution", "municipality", "is_refugee_youth", "pseudonym"),
          "memberships": ("member", "alliance", "since", "until", "role"),
          "ties": ("source", "target", "since", "strength", "frequency", "trust", "value", "wave", "reported_by")}


#: The fields of the shorter lists with fast paths, and odd values only lists have.
SHORT_FIELDS = {"alliances": ("id", "name", "municipality", "founded", "status", "topics", "office"),
                "offers": ("id", "type", "title", "date", "office", "alliance", "municipality", "participants",
                           "people_reached", "note")}
ODD_LISTS = [["Kinderschutz", " x "], [" ", "y"], [1], ("a",), "a|b", "Kinderschutz|", "syn-p000001|syn-i00001",
             ["syn-p000001", "syn-p000001"], ["nobody"], "in_gruendung", "ruhend", "RUHEND", "sb-koeln", 12, 12.5,
             -3, 1_000_001, "fortbildung", "Fortbildung", "01001", "0100", "syn-b00001"]


def mutated(doc: dict, part: int, fields_of: dict | None = None, odd: list | None = None) -> dict:
    """The document with every odd value in every field of the fast-path lists, one per record.

    `part` (0, 1 or 2) takes every third combination, so each record changes in one field only.
    """
    doc = json.loads(json.dumps(doc))
    odd = ODD if odd is None else odd
    for name, fields in (FIELDS if fields_of is None else fields_of).items():
        combos = [(f, value) for f in fields for value in odd][part::3]
        items = doc[name]
        assert len(items) >= len(combos)
        for item, (field, value) in zip(items, combos, strict=False):
            item[field] = value
    if fields_of is not None:
        return doc
    # duplicates, self-ties, mixed ties, unknown references
    doc["ties"].append(dict(doc["ties"][-1]))
    doc["ties"].append({"source": doc["ties"][-2]["target"], "target": doc["ties"][-2]["source"]})
    doc["ties"].append({"source": "syn-p000001", "target": "syn-p000001"})
    doc["ties"].append({"source": "syn-p000001", "target": "syn-i00001"})
    doc["memberships"].append(dict(doc["memberships"][-1]))
    doc["memberships"].append({"member": "nobody", "alliance": doc["memberships"][-1]["alliance"]})
    doc["actors"].append(dict(doc["actors"][-1]))
    doc["institutions"].append(dict(doc["institutions"][-1]))
    return doc


@pytest.mark.parametrize("seed", [None, 0, 1, 2])
def test_fast_and_full_checks_decide_the_same(seed, monkeypatch):
    doc = generate(0.2, seed=3)
    doc = json.loads(json.dumps(doc)) if seed is None else mutated(doc, seed)
    existing = reference()
    records = records_from_document({k: val for k, val in doc.items() if k != "format"}, "t.json")
    fast = outcome(records, existing)
    without_fast_paths(monkeypatch)
    full = outcome(records, existing)
    assert fast == full
    assert fast[0] == ("ok" if seed is None else "problems")


@pytest.mark.parametrize("part", [0, 1, 2])
def test_fast_alliances_and_offers_decide_as_the_full_checks(part, monkeypatch):
    doc = mutated(generate(1, seed=3), part, SHORT_FIELDS, ODD + ODD_LISTS)
    doc["alliances"].append(dict(doc["alliances"][-1]))
    doc["offers"].append(dict(doc["offers"][-1]))
    existing = reference()
    records = records_from_document({k: val for k, val in doc.items() if k != "format"}, "t.json")
    fast = outcome(records, existing)
    without_fast_paths(monkeypatch)
    full = outcome(records, existing)
    assert fast == full and fast[0] == "problems"


def test_fast_alliances_and_offers_build_what_the_full_checks_build(monkeypatch):
    doc = generate(1, seed=4)
    doc["alliances"][0].update(topics="Kinderschutz|Ganz neu", status="ruhend", founded="01.02.2017")
    doc["alliances"][1].pop("status", None)
    doc["alliances"][2].pop("founded", None)
    doc["offers"][0].update(participants=[doc["actors"][0]["id"], doc["institutions"][0]["id"]],
                            people_reached=7, note="Notiz")
    existing = reference()
    records = records_from_document({k: val for k, val in doc.items() if k != "format"}, "t.json")

    def built():
        ds = validate(records, existing).dataset
        return ds.alliances, ds.offers, ds.topics

    taken = []
    for name in ("alliances", "offers"):
        check = v._FAST_CHECKS[name]
        monkeypatch.setitem(v._FAST_CHECKS, name, lambda run, record, check=check: taken.append(check(run, record))
                            or taken[-1])
    fast = built()
    assert taken and all(taken) and len(taken) == len(doc["alliances"]) + len(doc["offers"])
    without_fast_paths(monkeypatch)
    assert fast == built()


def test_fast_ties_keep_the_stored_direction(monkeypatch):
    existing = reference()
    doc = generate(0.05, seed=3)
    first = validate(records_from_document({k: val for k, val in doc.items() if k != "format"}, "a"), existing)
    merged = existing.merged(first.dataset)
    tie = next(iter(merged.ties.values()))
    flipped = [RawRecord("ties", "b", "1", {"source": tie.target, "target": tie.source, "strength": 2})]
    again = validate(flipped, merged).dataset.ties[tie.key]
    assert (again.source, again.target) == (tie.source, tie.target)


def test_printable_text_never_holds_a_forbidden_character():
    """The fast text check takes printable strings as free of what _FORBIDDEN finds."""
    bad = [c for c in range(0x110000) if v._FORBIDDEN.match(chr(c)) and chr(c).isprintable()]
    assert bad == []
