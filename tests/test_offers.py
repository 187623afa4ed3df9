"""Next-offer recommendations: each rule fires on its case and names the cause; a planned offer overrides."""

from datetime import date, timedelta

import pytest

from graph import api
from graph.errors import InputError
from graph.health import german_date, months_before
from graph.model import (
    OFFER_TYPES,
    Actor,
    Alliance,
    Dataset,
    Institution,
    Membership,
    Municipality,
    Offer,
    ServiceOffice,
    Tie,
    Topic,
)
from graph.offers import RULES, plan_offer_records, recommend
from graph.store import open_store
from graph.validate import RawRecord

TODAY = date(2026, 6, 15)
JOINED = date(2026, 1, 10)  # recent enough that no alliance is DORMANT unless a test makes it so
AACHEN = "05334"
KOELN = "05315"

SECTOR_OF = {"jugendamt": "verwaltung", "sozialamt": "verwaltung", "auslaenderamt": "verwaltung",
             "schule": "bildung", "freier_traeger": "freie_wohlfahrt", "initiative": "zivilgesellschaft",
             "migrantenorganisation": "migrantenorganisation"}


def base() -> Dataset:
    ds = Dataset()
    ds.add(Municipality(AACHEN, "Städteregion Aachen", "kreis", "NW"))
    ds.add(Municipality(KOELN, "Köln", "kreisfreie_stadt", "NW"))
    ds.add(ServiceOffice("sb-koeln", "Servicebüro Köln", "Köln", ("NW",)))
    ds.add(Topic("kinderschutz", "Kinderschutz"))
    return ds


def institution(ds: Dataset, ident: str, type_: str, place: str = AACHEN, name: str | None = None) -> str:
    ds.add(Institution(ident, name or f"{type_.capitalize()} {ident}", type_, SECTOR_OF[type_], place))
    return ident


def alliance(ds: Dataset, ident: str, members: dict[str, str], *, place: str = AACHEN,
             topics=("kinderschutz",), ring: bool = True) -> None:
    """An alliance whose members are institutions (id -> type), all tied in a ring (no key person)."""
    ds.add(Alliance(ident, f"Bündnis {ident}", place, founded=date(2019, 1, 1), topics=tuple(topics)))
    for member, type_ in members.items():
        institution(ds, member, type_, place)
        ds.add(Membership(member, ident, since=JOINED))
    ids = list(members)
    if ring and len(ids) > 2:
        for a, b in zip(ids, ids[1:] + ids[:1]):
            ds.add(Tie(a, b))


HEALTHY = {"ja": "jugendamt", "schule": "schule", "mo": "migrantenorganisation"}


def recommendation(ds: Dataset, alliance_id: str = "b1", as_of: date = TODAY):
    (found,) = [r for r in recommend(ds, as_of) if r.alliance == alliance_id]
    return found


# -- each rule on its case ---------------------------------------------------------------

def test_alliance_without_partners_gets_an_analyseworkshop_naming_the_missing_groups():
    ds = base()
    ds.add(Alliance("b1", "Bündnis Aachen", AACHEN, founded=JOINED))
    r = recommendation(ds)
    assert (r.offer_type, r.rule) == ("analyseworkshop", "BELOW_MIN_PARTNERS")
    assert "Noch keine lokalen Partner" in r.reason
    assert "Bildung" in r.reason and "die kommunale Verwaltung" in r.reason
    assert "Stimme junger Geflüchteter" in r.reason


def test_below_minimum_names_candidate_institutions_of_the_same_kreis_only():
    ds = base()
    alliance(ds, "b1", {"ja": "jugendamt"})
    institution(ds, "schule-ac", "schule", AACHEN, name="Gesamtschule Brand")
    institution(ds, "schule-k", "schule", KOELN, name="Realschule Köln-Mitte")
    r = recommendation(ds)
    assert r.rule == "BELOW_MIN_PARTNERS"
    assert "Gesamtschule Brand" in r.reason
    assert "Realschule Köln-Mitte" not in r.reason


def test_below_minimum_does_not_name_a_former_member_as_candidate():
    ds = base()
    alliance(ds, "b1", {"ja": "jugendamt"})
    institution(ds, "schule", "schule", AACHEN, name="Gesamtschule Brand")
    ds.add(Membership("schule", "b1", since=date(2020, 1, 1), until=date(2024, 1, 1)))
    assert "Gesamtschule Brand" not in recommendation(ds).reason


def test_below_minimum_after_a_recent_analyseworkshop_gets_a_dialog():
    ds = base()
    alliance(ds, "b1", {"ja": "jugendamt", "schule": "schule"})
    held = TODAY - timedelta(days=90)
    ds.add(Offer("o1", "analyseworkshop", "Analyseworkshop", held, alliance="b1"))
    r = recommendation(ds)
    assert (r.offer_type, r.rule) == ("dialog", "BELOW_MIN_AFTER_WORKSHOP")
    assert german_date(held) in r.reason


def test_an_analyseworkshop_older_than_twelve_months_does_not_count_as_recent():
    ds = base()
    alliance(ds, "b1", {"ja": "jugendamt", "schule": "schule"})
    ds.add(Offer("o1", "analyseworkshop", "Analyseworkshop", months_before(TODAY, 13), alliance="b1"))
    assert recommendation(ds).offer_type == "analyseworkshop"


def test_at_risk_gets_prozessbegleitung_naming_who_leaves_when():
    ds = base()
    alliance(ds, "b1", HEALTHY)
    leaves = TODAY + timedelta(days=30)
    ds.add(Membership("schule", "b1", since=JOINED, until=leaves))
    r = recommendation(ds)
    assert (r.offer_type, r.rule) == ("prozessbegleitung", "AT_RISK")
    assert f"{ds.institutions['schule'].name} (bis {german_date(leaves)})" in r.reason


def test_key_person_gets_prozessbegleitung_naming_the_person():
    ds = base()
    alliance(ds, "b1", HEALTHY, ring=False)
    ds.add(Actor("hub", "Hanna Brückner", municipality=AACHEN))
    ds.add(Membership("hub", "b1", since=JOINED))
    for member in HEALTHY:
        ds.add(Tie("hub", member))
    r = recommendation(ds)
    assert (r.offer_type, r.rule) == ("prozessbegleitung", "KEY_PERSON")
    assert "Hanna Brückner" in r.reason


def test_single_sector_gets_a_dialog_naming_the_missing_sectors():
    ds = base()
    alliance(ds, "b1", {"ja": "jugendamt", "sa": "sozialamt", "aa": "auslaenderamt"})
    # a young refugee interning at the Jugendamt: a youth voice, yet the same partner unit and sector
    ds.add(Actor("y1", "Amir K.", institution="ja", is_refugee_youth=True))
    ds.add(Membership("y1", "b1", since=JOINED))
    ds.add(Tie("y1", "sa"))
    ds.add(Tie("y1", "aa"))
    r = recommendation(ds)
    assert (r.offer_type, r.rule) == ("dialog", "MISSING_GROUPS")
    assert "Bildung" in r.reason and "Freie Wohlfahrtspflege" in r.reason
    assert "Stimme junger Geflüchteter" not in r.reason


def test_no_youth_voice_gets_a_dialog_naming_a_migrant_organisation_of_the_kreis():
    ds = base()
    alliance(ds, "b1", {"ja": "jugendamt", "schule": "schule", "ft": "freier_traeger"})
    institution(ds, "mo", "migrantenorganisation", AACHEN, name="Syrischer Kulturverein Aachen")
    r = recommendation(ds)
    assert (r.offer_type, r.rule) == ("dialog", "MISSING_GROUPS")
    assert "Migrantenorganisation" in r.reason
    assert "Syrischer Kulturverein Aachen" in r.reason


def test_no_administration_gets_a_dialog_with_the_administration_of_the_kreis():
    ds = base()
    alliance(ds, "b1", {"schule": "schule", "mo": "migrantenorganisation", "ft": "freier_traeger"})
    institution(ds, "ja", "jugendamt", AACHEN, name="Jugendamt Städteregion Aachen")
    r = recommendation(ds)
    assert (r.offer_type, r.rule) == ("dialog", "NO_ADMINISTRATION")
    assert "Jugendamt Städteregion Aachen" in r.reason


def test_dormant_alliance_gets_an_analyseworkshop_to_restart():
    ds = base()
    alliance(ds, "b1", HEALTHY)
    for member in HEALTHY:
        ds.add(Membership(member, "b1", since=date(2023, 1, 1)))
        del ds.memberships[(member, "b1", JOINED.isoformat())]
    ds.add(Offer("o1", "fortbildung", "Fortbildung Kinderschutz", date(2024, 11, 3), alliance="b1"))
    r = recommendation(ds)
    assert (r.offer_type, r.rule) == ("analyseworkshop", "DORMANT")
    assert "Neustart" in r.reason and "03.11.2024" in r.reason


def strong_host_and_visitor(ds: Dataset, host: str = "host", visitor: str = "visitor") -> None:
    """A host with five partners and two recent offers; a visitor below the minimum on the same topic."""
    alliance(ds, host, {f"{host}-{t}": t for t in ("jugendamt", "schule", "migrantenorganisation",
                                                    "freier_traeger", "initiative")})
    for n, days in enumerate((30, 200)):
        ds.add(Offer(f"{host}-o{n}", "fortbildung", "Fortbildung", TODAY - timedelta(days=days), alliance=host))
    alliance(ds, visitor, {f"{visitor}-ja": "jugendamt"}, place=KOELN)


def test_healthy_alliance_with_strong_practice_hosts_a_hospitation_for_a_struggling_one():
    ds = base()
    strong_host_and_visitor(ds)
    r = recommendation(ds, "host")
    assert (r.offer_type, r.rule, r.partner) == ("hospitation", "HOST_HOSPITATION", "visitor")
    assert "„Bündnis visitor“" in r.reason and "Kinderschutz" in r.reason


def test_a_dismissed_hospitation_is_not_paired():
    ds = base()
    strong_host_and_visitor(ds)
    recs = recommend(ds, TODAY, dismissed={("hospitation", "visitor", "host")})
    assert "HOST_HOSPITATION" not in [r.rule for r in recs]


def test_a_struggling_alliance_is_paired_with_one_host_only():
    ds = base()
    strong_host_and_visitor(ds, "host1")
    strong_host_and_visitor(ds, "host2", "visitor")
    hosting = [r.alliance for r in recommend(ds, TODAY) if r.rule == "HOST_HOSPITATION"]
    assert len(hosting) == 1


def test_healthy_alliance_without_strong_practice_gets_a_fortbildung_on_its_topics():
    ds = base()
    alliance(ds, "b1", HEALTHY)
    ds.add(Offer("o1", "dialog", "Dialog", TODAY - timedelta(days=40), alliance="b1"))
    r = recommendation(ds)
    assert (r.offer_type, r.rule) == ("fortbildung", "FORTBILDUNG")
    assert "Kinderschutz" in r.reason


def test_the_first_rule_in_table_order_wins():
    ds = base()
    alliance(ds, "b1", {"schule": "schule"})  # below the minimum and without administration
    assert recommendation(ds).rule == "BELOW_MIN_PARTNERS"


def test_every_rule_fires_on_the_demo_and_recommends_its_own_offer_type(tmp_path):
    from graph import api
    from graph.store import open_store

    anchor = date(2026, 1, 15)
    with open_store(f"sqlite:///{tmp_path / 'demo.db'}") as store:
        api.load_demo(store, anchor=anchor)
        ds = api.snapshot(store)
    offer_type = {rule.code: rule.offer_type for rule in RULES}
    recommendations = recommend(ds, anchor)
    assert {r.rule for r in recommendations} == set(offer_type)
    assert all(r.offer_type == offer_type[r.rule] for r in recommendations)
    assert {r.offer_type for r in recommendations} == set(OFFER_TYPES)


def test_work_list_puts_critical_alliances_first():
    ds = base()
    alliance(ds, "a-ok", HEALTHY)
    alliance(ds, "z-critical", {"z-ja": "jugendamt"})
    assert [r.alliance for r in recommend(ds, TODAY)] == ["z-critical", "a-ok"]


# -- overrides: a planned offer ------------------------------------------------------------

def test_a_planned_offer_is_shown_instead_of_the_recommendation():
    ds = base()
    alliance(ds, "b1", {"ja": "jugendamt"})
    ds.add(Offer("p1", "fortbildung", "Fortbildung Kinderschutz", date(2026, 7, 1), alliance="b1",
                 note="Jugendamt wünscht zuerst Fortbildung"))
    r = recommendation(ds)
    assert r.overridden_by == "p1"
    assert r.offer_type == "analyseworkshop"  # the recommendation itself stays visible
    assert r.shown == "geplant: Fortbildung am 01.07.2026 – Begründung: Jugendamt wünscht zuerst Fortbildung"


def test_an_offer_held_before_the_date_does_not_override():
    ds = base()
    alliance(ds, "b1", {"ja": "jugendamt"})
    ds.add(Offer("o1", "fortbildung", "Fortbildung", TODAY - timedelta(days=1), alliance="b1", note="erledigt"))
    assert recommendation(ds).overridden_by is None


def test_planning_an_offer_requires_a_note():
    with pytest.raises(InputError) as err:
        plan_offer_records("b1", "fortbildung", date(2026, 7, 1), "sb-koeln", "  ", as_of=TODAY)
    assert [p.field for p in err.value.problems] == ["note"]


def test_planning_an_offer_requires_a_date_after_the_planning_day():
    with pytest.raises(InputError) as err:
        plan_offer_records("b1", "fortbildung", TODAY, "sb-koeln", "Grund", as_of=TODAY)
    assert [p.field for p in err.value.problems] == ["date"]


def aachen_records() -> list[RawRecord]:
    rows = [("alliances", {"id": "b1", "name": "Bündnis Aachen", "municipality": AACHEN, "founded": "2019-01-01",
                           "topics": ["Kinderschutz"], "office": "sb-koeln"}),
            ("institutions", {"id": "ja", "name": "Jugendamt Aachen", "type": "jugendamt", "sector": "verwaltung",
                              "municipality": AACHEN}),
            ("memberships", {"member": "ja", "alliance": "b1", "since": "2026-01-10"})]
    return [RawRecord(name, "test", str(n), data) for n, (name, data) in enumerate(rows, 1)]


def test_a_planned_offer_survives_a_store_round_trip_and_is_audited(tmp_path):
    store = open_store(str(tmp_path / "x.db"))
    api.init_store(store)
    api.import_records(store, aachen_records())
    records = plan_offer_records("b1", "fortbildung", date(2026, 7, 1), "sb-koeln",
                                 "Jugendamt wünscht zuerst Fortbildung", as_of=TODAY)
    api.import_records(store, records, user="koordination", action="Angebot geplant")
    r = recommendation(api.snapshot(store))
    assert r.overridden_by == records[0].data["id"]
    assert r.override == "geplant: Fortbildung am 01.07.2026 – Begründung: Jugendamt wünscht zuerst Fortbildung"
    assert store.audit_log(limit=1)[0].user == "koordination"


def test_a_plan_with_an_unknown_offer_type_writes_nothing(tmp_path):
    store = open_store(str(tmp_path / "x.db"))
    api.init_store(store)
    api.import_records(store, aachen_records())
    before = store.revision()
    records = plan_offer_records("b1", "kaffeeklatsch", date(2026, 7, 1), "sb-koeln", "Grund", as_of=TODAY)
    with pytest.raises(InputError) as err:
        api.import_records(store, records)
    assert [p.field for p in err.value.problems] == ["type"]
    assert store.revision() == before


def test_a_refugee_young_person_is_named_by_pseudonym_only():
    ds = base()
    alliance(ds, "b1", HEALTHY, ring=False)
    ds.add(Actor("y1", "Amir Karimi", municipality=AACHEN, is_refugee_youth=True, pseudonym="Jugendliche*r A7"))
    ds.add(Membership("y1", "b1", since=JOINED))
    for member in HEALTHY:
        ds.add(Tie("y1", member))
    r = recommendation(ds)
    assert r.rule == "KEY_PERSON"
    assert "Jugendliche*r A7" in r.reason and "Amir" not in r.reason
