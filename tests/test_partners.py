"""The partner rule (docs/design.md, The partner rule): current, local member units of an alliance."""

from datetime import date

import pytest

from graph.errors import NotFound
from graph.model import Actor, Alliance, Dataset, Institution, Membership
from graph.partners import non_local_members, partners_of

TODAY = date(2026, 6, 15)
AACHEN = "05334"  # Städteregion Aachen
KOELN = "05315"  # Stadt Köln


def _dataset_with_alliance(municipality: str = AACHEN) -> Dataset:
    ds = Dataset()
    ds.add(Alliance("b1", "Bündnis Aachen", municipality))
    return ds


def _units(ds: Dataset, as_of: date = TODAY) -> list[str]:
    return [p.unit for p in partners_of(ds, "b1", as_of)]


def test_institution_counts_once_however_many_staff_are_members():
    ds = _dataset_with_alliance()
    ds.add(Institution("ja", "Jugendamt", "jugendamt", "verwaltung", AACHEN))
    ds.add(Actor("anna", "Anna", institution="ja"))
    ds.add(Actor("ben", "Ben", institution="ja"))
    ds.add(Membership("ja", "b1"))
    ds.add(Membership("anna", "b1"))
    ds.add(Membership("ben", "b1"))

    partners = partners_of(ds, "b1", TODAY)

    assert [(p.unit, p.kind, p.members) for p in partners] == [("ja", "institution", ("anna", "ben", "ja"))]


def test_person_counts_as_the_unit_of_their_institution():
    ds = _dataset_with_alliance()
    ds.add(Institution("schule", "Gesamtschule", "schule", "bildung", AACHEN))
    ds.add(Actor("lehrerin", "Frau Lehmann", institution="schule"))
    ds.add(Membership("lehrerin", "b1"))

    assert [(p.unit, p.sector) for p in partners_of(ds, "b1", TODAY)] == [("schule", "bildung")]


def test_person_without_institution_counts_alone():
    ds = _dataset_with_alliance()
    ds.add(Actor("ehrenamt1", "Eva", municipality=AACHEN))
    ds.add(Actor("ehrenamt2", "Emil", municipality=AACHEN))
    ds.add(Membership("ehrenamt1", "b1"))
    ds.add(Membership("ehrenamt2", "b1"))

    partners = partners_of(ds, "b1", TODAY)

    assert [(p.unit, p.kind) for p in partners] == [("ehrenamt1", "person"), ("ehrenamt2", "person")]


def test_ended_membership_does_not_count():
    ds = _dataset_with_alliance()
    ds.add(Actor("eva", "Eva", municipality=AACHEN))
    ds.add(Membership("eva", "b1", since=date(2020, 1, 1), until=date(2026, 6, 14)))

    assert _units(ds) == []


def test_future_membership_does_not_count_yet():
    ds = _dataset_with_alliance()
    ds.add(Actor("eva", "Eva", municipality=AACHEN))
    ds.add(Membership("eva", "b1", since=date(2026, 6, 16)))

    assert _units(ds) == []


def test_membership_starting_on_the_date_counts():
    ds = _dataset_with_alliance()
    ds.add(Actor("eva", "Eva", municipality=AACHEN))
    ds.add(Membership("eva", "b1", since=TODAY))

    assert _units(ds) == ["eva"]


def test_membership_ending_on_the_date_still_counts():
    ds = _dataset_with_alliance()
    ds.add(Actor("eva", "Eva", municipality=AACHEN))
    ds.add(Membership("eva", "b1", since=date(2020, 1, 1), until=TODAY))

    assert _units(ds) == ["eva"]


def test_member_who_left_and_rejoined_counts_once():
    ds = _dataset_with_alliance()
    ds.add(Actor("eva", "Eva", municipality=AACHEN))
    ds.add(Membership("eva", "b1", since=date(2019, 1, 1), until=date(2020, 1, 1)))
    ds.add(Membership("eva", "b1", since=date(2021, 1, 1)))

    assert _units(ds) == ["eva"]


def test_member_in_another_kreis_does_not_count():
    ds = _dataset_with_alliance()
    ds.add(Institution("verein", "Kölner Verein", "freier_traeger", "freie_wohlfahrt", KOELN))
    ds.add(Membership("verein", "b1"))

    assert _units(ds) == []


def test_member_in_another_kreis_is_named_as_not_local():
    ds = _dataset_with_alliance()
    ds.add(Institution("verein", "Kölner Verein", "freier_traeger", "freie_wohlfahrt", KOELN))
    ds.add(Membership("verein", "b1"))

    outside = non_local_members(ds, "b1", TODAY)

    assert [(o.member, o.kreis) for o in outside] == [("verein", KOELN)]


def test_gemeinde_inside_the_alliances_kreis_counts():
    ds = _dataset_with_alliance(AACHEN)
    ds.add(Institution("schule", "Schule Eschweiler", "schule", "bildung", "05334012"))
    ds.add(Membership("schule", "b1"))

    assert _units(ds) == ["schule"]


def test_alliance_in_a_gemeinde_counts_members_of_the_whole_kreis():
    ds = _dataset_with_alliance("05334012")
    ds.add(Institution("ja", "Jugendamt der Städteregion", "jugendamt", "verwaltung", AACHEN))
    ds.add(Membership("ja", "b1"))

    assert _units(ds) == ["ja"]


def test_gemeinde_in_another_kreis_does_not_count():
    ds = _dataset_with_alliance(AACHEN)
    ds.add(Institution("schule", "Schule Düren", "schule", "bildung", "05358008"))
    ds.add(Membership("schule", "b1"))

    assert _units(ds) == []


def test_person_at_a_local_institution_counts_even_if_living_elsewhere():
    ds = _dataset_with_alliance()
    ds.add(Institution("ja", "Jugendamt", "jugendamt", "verwaltung", AACHEN))
    ds.add(Actor("pendler", "Paul", institution="ja", municipality=KOELN))
    ds.add(Membership("pendler", "b1"))

    assert _units(ds) == ["ja"]


def test_member_with_unknown_place_counts_as_local_and_says_so():
    ds = _dataset_with_alliance()
    ds.add(Actor("eva", "Eva"))
    ds.add(Membership("eva", "b1"))

    partners = partners_of(ds, "b1", TODAY)

    assert [(p.unit, p.place_unknown) for p in partners] == [("eva", True)]


def test_member_with_known_place_is_not_marked_unknown():
    ds = _dataset_with_alliance()
    ds.add(Actor("eva", "Eva", municipality=AACHEN))
    ds.add(Membership("eva", "b1"))

    assert [p.place_unknown for p in partners_of(ds, "b1", TODAY)] == [False]


def test_memberships_of_other_alliances_are_ignored():
    ds = _dataset_with_alliance()
    ds.add(Alliance("b2", "Anderes Bündnis", AACHEN))
    ds.add(Actor("eva", "Eva", municipality=AACHEN))
    ds.add(Membership("eva", "b2"))

    assert _units(ds) == []


def test_unknown_alliance_is_a_user_error():
    with pytest.raises(NotFound):
        partners_of(Dataset(), "gibt-es-nicht", TODAY)
