"""The validation rules of the exchange format: every bad field is named, all at once."""

from datetime import date

import pytest

from graph.errors import InputError
from graph.model import Actor, Dataset, Institution, Municipality
from graph.validate import RawRecord, parse_date, validate


def rec(list_name, data, line="1"):
    return RawRecord(list_name, "in.json", line, data)


def problems_of(records, existing=None):
    with pytest.raises(InputError) as info:
        validate(records, existing)
    return [str(p) for p in info.value.problems]


@pytest.fixture
def base():
    ds = Dataset()
    ds.add(Municipality("05334", "Städteregion Aachen", "kreis", "NW"))
    ds.add(Institution("ja-ac", "Jugendamt Aachen", "jugendamt", "verwaltung", "05334"))
    return ds


def test_german_and_iso_dates_parse_to_the_same_day():
    assert parse_date("01.03.2024") == parse_date("2024-03-01") == date(2024, 3, 1)


def test_an_impossible_date_is_refused_with_the_value():
    with pytest.raises(ValueError, match="31.02.2024"):
        parse_date("31.02.2024")


def test_ags_must_have_five_or_eight_digits():
    found = problems_of([rec("municipalities", {"id": "0533", "name": "X", "level": "kreis", "state": "NW"})])
    assert found == ["in.json:1: id: ungültiger AGS '0533' (5 Ziffern für Kreise, 8 für Gemeinden)"]


def test_ags_must_belong_to_the_named_state():
    found = problems_of([rec("municipalities", {"id": "05334", "name": "X", "level": "kreis", "state": "SN"})])
    assert "AGS 05334 gehört nicht zu SN" in found[0]


def test_eight_digit_ags_must_be_a_gemeinde():
    found = problems_of([rec("municipalities", {"id": "05334002", "name": "X", "level": "kreis", "state": "NW"})])
    assert found == ["in.json:1: level: ein 8-stelliger AGS ist eine Gemeinde"]


def test_unknown_type_and_sector_are_both_reported(base):
    found = problems_of([rec("institutions", {"id": "x", "name": "X", "type": "zoo", "sector": "mond"})], base)
    assert [p.split(": ")[1] for p in found] == ["type", "sector"]


def test_every_problem_is_reported_not_only_the_first(base):
    found = problems_of([
        rec("actors", {"id": "p1", "name": "", "institution": "nope"}, "1"),
        rec("memberships", {"member": "p9", "alliance": "b1"}, "2"),
    ], base)
    assert len(found) == 4  # name missing, institution unknown, member unknown, alliance unknown


def test_a_reference_may_point_into_the_same_import(base):
    out = validate([
        rec("alliances", {"id": "b1", "name": "Bündnis", "municipality": "05334", "topics": ["Kinderschutz"]}),
        rec("actors", {"id": "p1", "name": "Ada", "institution": "ja-ac"}),
        rec("memberships", {"member": "p1", "alliance": "b1", "since": "01.01.2024"}),
    ], base).dataset
    assert out.memberships[("p1", "b1", "2024-01-01")].since == date(2024, 1, 1)


def test_a_new_topic_name_creates_the_topic(base):
    out = validate([rec("alliances", {"id": "b1", "name": "B", "municipality": "05334",
                                      "topics": "Sprache|Kinderschutz"})], base).dataset
    assert sorted(t.name for t in out.topics.values()) == ["Kinderschutz", "Sprache"]
    assert out.alliances["b1"].topics == ("kinderschutz", "sprache")


def test_duplicate_id_within_an_import_names_the_first_place(base):
    found = problems_of([rec("actors", {"id": "p1", "name": "A"}, "1"), rec("actors", {"id": "p1", "name": "B"}, "7")],
                        base)
    assert found == ["in.json:7: id: doppelte Kennung 'p1' (schon in in.json:1)"]


def test_a_mixed_tie_is_an_error(base):
    base.add(Actor("p1", "Ada"))
    found = problems_of([rec("ties", {"source": "p1", "target": "ja-ac"})], base)
    assert "gemischte Verbindung" in found[0]


def test_a_tie_given_in_reverse_keeps_the_stored_direction(base):
    base.add(Actor("p1", "Ada"))
    base.add(Actor("p2", "Bo"))
    base = validate([rec("ties", {"source": "p1", "target": "p2"})], base).dataset.merged(base)
    again = validate([rec("ties", {"source": "p2", "target": "p1", "strength": 2})], base).dataset
    tie = next(iter(again.ties.values()))
    assert (tie.source, tie.target, tie.strength) == ("p1", "p2", 2.0)


def test_membership_cannot_end_before_it_starts(base):
    base.add(Actor("p1", "Ada"))
    found = problems_of([
        rec("alliances", {"id": "b1", "name": "B", "municipality": "05334"}),
        rec("memberships", {"member": "p1", "alliance": "b1", "since": "2024-05-01", "until": "2024-04-01"}),
    ], base)
    assert found == ["in.json:1: until: Ende 2024-04-01 liegt vor Beginn 2024-05-01"]


def test_control_characters_in_names_are_refused(base):
    found = problems_of([rec("actors", {"id": "p1", "name": "A\x00B"})], base)
    assert found == ["in.json:1: name: enthält Steuerzeichen (U+0000 an Stelle 2)"]


def test_same_name_same_place_other_id_is_a_warning_not_an_error(base):
    out = validate([rec("institutions", {"id": "ja-ac-2", "name": "jugendamt aachen", "type": "jugendamt",
                                         "sector": "verwaltung", "municipality": "05334"})], base)
    assert [w.message for w in out.warnings] == [
        "mögliches Duplikat: Einrichtung 'ja-ac-2' und 'ja-ac' heißen gleich am selben Ort"]


def test_offer_participants_must_exist_and_reach_is_a_whole_number(base):
    found = problems_of([rec("offers", {"id": "o1", "type": "Dialog", "title": "T", "date": "2024-01-01",
                                        "participants": "ja-ac|nope", "people_reached": "2,5"})], base)
    assert [p.split(": ")[1] for p in found] == ["participants", "people_reached"]


def test_offer_type_accepts_the_german_label(base):
    out = validate([rec("offers", {"id": "o1", "type": "Prozessbegleitung", "title": "T", "date": "01.01.2024",
                                   "municipality": "05334"})], base).dataset
    assert (out.offers["o1"].type, out.offers["o1"].municipality) == ("prozessbegleitung", "05334")


def test_a_pseudonymised_export_does_not_overwrite_a_young_persons_name(base):
    base.add(Actor("y1", "Amira K.", is_refugee_youth=True, pseudonym="Jugendliche*r A1"))
    out = validate([rec("actors", {"id": "y1", "name": "Jugendliche*r A1", "is_refugee_youth": True,
                                   "pseudonym": "Jugendliche*r A1"})], base)
    assert out.dataset.actors["y1"].name == "Amira K."
    assert "Pseudonym" in out.warnings[0].message


def test_tie_strength_is_kept_to_three_places(base):
    base.add(Actor("p1", "Ada"))
    base.add(Actor("p2", "Bo"))
    out = validate([rec("ties", {"source": "p1", "target": "p2", "strength": "0,33333"})], base).dataset
    assert next(iter(out.ties.values())).strength == 0.333


def test_a_reference_to_a_refused_item_is_reported_at_that_item_only(base):
    """The ids the input tries to define count as known: one bad person, one problem (not three)."""
    records = [rec("actors", {"id": " p-bad ", "name": "", "institution": "ja-ac"}, "2"),
               rec("actors", {"id": "p-ok", "name": "Eva"}, "3"),
               rec("memberships", {"member": "p-bad", "alliance": "b-1"}, "4"),
               rec("alliances", {"id": "b-1", "name": "Bündnis", "municipality": "05334"}, "5"),
               rec("ties", {"source": "p-bad", "target": "p-ok"}, "6")]
    assert problems_of(records, base) == [str(p) for p in problems_of(records[:1], base)]
    assert len(problems_of(records, base)) == 1
