"""The demo data set: valid, deterministic, clearly fictitious, and showing every case of the health check."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta

import networkx as nx
import pytest

from graph.api import load_demo
from graph.demo import CASES, build_demo
from graph.io.exchange import records_from_document
from graph.model import INSTITUTION_TYPES, OFFER_TYPES, SECTORS
from graph.partners import partners_of
from graph.reference import districts, reference_document
from graph.store import open_store
from graph.validate import validate

ANCHOR = date(2026, 1, 15)
PROGRAMME_OFFICES = {"NW": "sb-koeln", "SN": "sb-magdeburg", "ST": "sb-magdeburg", "TH": "sb-magdeburg"}
DATE_FIELDS = {"alliances": ("founded",), "memberships": ("since", "until"), "ties": ("since",),
               "offers": ("date",)}


@pytest.fixture(scope="module")
def doc():
    return build_demo(ANCHOR)


@pytest.fixture(scope="module")
def reference():
    return validate(records_from_document(reference_document(), "reference")).dataset


def case(name):
    """The id of the alliance that demonstrates a case."""
    (ident,) = [a for a, c in CASES.items() if c == name]
    return ident


def by_id(doc, list_name):
    return {row["id"]: row for row in doc[list_name]}


def day(text):
    return date.fromisoformat(text) if text else None


def current_memberships(doc, alliance, as_of):
    return [m for m in doc["memberships"] if m["alliance"] == alliance
            and day(m["since"]) <= as_of and (m.get("until") is None or day(m["until"]) >= as_of)]


@pytest.fixture(scope="module")
def demo_ds(doc, reference):
    return validate(records_from_document(doc, "demo"), reference).dataset


def partner_units(ds, alliance, as_of):
    """The partner rule as the library applies it (graph.partners, the only implementation)."""
    return {p.unit for p in partners_of(ds, alliance, as_of)}


def member_ties(doc, alliance, as_of):
    members = {m["member"] for m in current_memberships(doc, alliance, as_of)}
    graph = nx.Graph()
    graph.add_nodes_from(members)
    graph.add_edges_from((t["source"], t["target"]) for t in doc["ties"]
                         if t["source"] in members and t["target"] in members)
    return graph


def test_demo_validates_against_the_reference_data_without_problems_or_warnings(doc, reference):
    validated = validate(records_from_document(doc, "demo"), reference)
    assert validated.warnings == []
    assert len(validated.dataset.alliances) == len(doc["alliances"])


def test_same_anchor_gives_the_same_document(doc):
    assert json.dumps(build_demo(ANCHOR), ensure_ascii=False) == json.dumps(doc, ensure_ascii=False)


def test_document_does_not_depend_on_hash_seed():
    code = ("import json, hashlib; from datetime import date; from graph.demo import build_demo; "
            "print(hashlib.sha256(json.dumps(build_demo(date(2026, 1, 15))).encode()).hexdigest())")
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        digests.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                   check=True).stdout)
    assert len(digests) == 1


def test_all_dates_move_with_the_anchor(doc):
    later = build_demo(ANCHOR + timedelta(days=400))
    for list_name, fields in DATE_FIELDS.items():
        for before, after in zip(doc[list_name], later[list_name]):
            for field in fields:
                if before.get(field):
                    assert day(after[field]) - day(before[field]) == timedelta(days=400)


def test_default_anchor_is_today():
    assert build_demo() == build_demo(date.today())


def test_at_least_thirty_alliances_in_the_programme_states_with_their_servicebuero(doc):
    states = {row["AGS"]: row["AGS"][:2] for row in districts()}
    prefix = {"05": "NW", "14": "SN", "15": "ST", "16": "TH"}
    assert len(doc["alliances"]) >= 30
    for alliance in doc["alliances"]:
        kreis = alliance["municipality"][:5]
        assert kreis in states, alliance["id"]
        state = prefix[states[kreis]]
        assert alliance["office"] == PROGRAMME_OFFICES[state]
    assert {prefix[a["municipality"][:2]] for a in doc["alliances"]} == set(PROGRAMME_OFFICES)


def test_every_alliance_has_a_documented_case(doc):
    assert sorted(CASES) == [a["id"] for a in doc["alliances"]]


def test_gemeinden_lie_inside_real_kreise_and_some_alliances_sit_in_one(doc):
    kreise = {row["AGS"] for row in districts()}
    assert doc["municipalities"]
    for gemeinde in doc["municipalities"]:
        assert len(gemeinde["id"]) == 8 and gemeinde["id"][:5] in kreise
        assert gemeinde["level"] == "gemeinde"
    assert sum(len(a["municipality"]) == 8 for a in doc["alliances"]) >= 3


def test_alliance_institution_and_gemeinde_names_are_marked_as_demo(doc):
    for list_name in ("alliances", "institutions", "municipalities"):
        for row in doc[list_name]:
            assert "(Demo)" in row["name"], row


def test_every_institution_type_and_sector_occurs(doc):
    assert {i["type"] for i in doc["institutions"]} == set(INSTITUTION_TYPES)
    assert {i["sector"] for i in doc["institutions"]} == set(SECTORS)


def test_every_offer_type_occurs_within_the_last_24_months_with_office_and_alliance(doc):
    assert {o["type"] for o in doc["offers"]} == set(OFFER_TYPES)
    for offer in doc["offers"]:
        assert ANCHOR - timedelta(days=731) <= day(offer["date"]) <= ANCHOR
        assert offer["office"] and offer["alliance"]


def test_refugee_youth_have_distinct_pseudonyms_that_do_not_reveal_the_name(doc):
    youth = [a for a in doc["actors"] if a.get("is_refugee_youth")]
    assert len(youth) >= 20
    pseudonyms = [a["pseudonym"] for a in youth]
    assert len(set(pseudonyms)) == len(pseudonyms)
    for person in youth:
        assert person["pseudonym"].startswith("Jugendliche*r ")
        assert person["name"].split()[0] not in person["pseudonym"]
        assert "institution" not in person


def test_volunteers_without_institution_and_colleagues_in_one_alliance_exist(doc):
    actors = by_id(doc, "actors")
    volunteers = [a for a in doc["actors"] if a["role"] == "Ehrenamtliche*r"]
    assert volunteers and all("institution" not in a for a in volunteers)
    colleagues = 0
    for alliance in doc["alliances"]:
        staff = [actors[m["member"]]["institution"] for m in current_memberships(doc, alliance["id"], ANCHOR)
                 if "institution" in actors.get(m["member"], {})]
        colleagues += len(staff) - len(set(staff))
    assert colleagues >= 3


def test_size_is_moderate(doc):
    assert 300 <= len(doc["actors"]) <= 500
    assert 100 <= len(doc["institutions"]) <= 300


def test_ties_cross_alliances(doc):
    alliances_of = {}
    for m in doc["memberships"]:
        alliances_of.setdefault(m["member"], set()).add(m["alliance"])
    across = [t for t in doc["ties"] if alliances_of.get(t["source"]) and alliances_of.get(t["target"])
              and not alliances_of[t["source"]] & alliances_of[t["target"]]]
    assert len(across) >= 10
    assert any(len(a) > 1 for a in alliances_of.values())  # someone sits in two alliances


def test_three_staff_of_one_jugendamt_count_as_one_partner(doc, demo_ds):
    alliance = case("below_min_one_institution")
    assert len(current_memberships(doc, alliance, ANCHOR)) == 3
    assert len(partner_units(demo_ds, alliance, ANCHOR)) == 1


def test_a_member_from_another_kreis_does_not_count(doc, demo_ds):
    alliance = case("below_min_not_local")
    assert len(current_memberships(doc, alliance, ANCHOR)) == 3
    assert len(partner_units(demo_ds, alliance, ANCHOR)) == 2


def test_ended_and_future_memberships_do_not_count(doc, demo_ds):
    alliance = case("below_min_ended_and_future")
    rows = [m for m in doc["memberships"] if m["alliance"] == alliance]
    assert any(m.get("until") and day(m["until"]) < ANCHOR for m in rows)
    assert any(day(m["since"]) > ANCHOR for m in rows)
    assert len(partner_units(demo_ds, alliance, ANCHOR)) == 2


def test_at_risk_alliances_have_three_partners_now_and_two_after_90_days(doc, demo_ds):
    for name in ("at_risk_school_leaves", "at_risk_accommodation_leaves"):
        alliance = case(name)
        assert len(partner_units(demo_ds, alliance, ANCHOR)) == 3
        assert len(partner_units(demo_ds, alliance, ANCHOR + timedelta(days=90))) == 2


def test_healthy_alliances_have_five_partners_an_offer_this_year_and_no_cut_vertex(doc, demo_ds):
    offers = {}
    for offer in doc["offers"]:
        offers.setdefault(offer["alliance"], []).append(day(offer["date"]))
    for alliance, name in CASES.items():
        if name.startswith("healthy"):
            assert len(partner_units(demo_ds, alliance, ANCHOR)) >= 5, alliance
            assert max(offers[alliance]) >= ANCHOR - timedelta(days=365), alliance
            assert list(nx.articulation_points(member_ties(doc, alliance, ANCHOR))) == [], alliance


def test_dormant_alliances_had_no_offer_and_no_membership_change_for_a_year(doc):
    year_ago = ANCHOR - timedelta(days=365)
    for name in ("dormant_old_offers", "dormant_no_offers"):
        alliance = case(name)
        assert all(day(o["date"]) < year_ago for o in doc["offers"] if o["alliance"] == alliance)
        for m in doc["memberships"]:
            if m["alliance"] == alliance:
                assert all(day(m.get(f)) is None or day(m[f]) < year_ago for f in ("since", "until"))


def test_key_person_cases_hinge_on_one_member(doc):
    star = member_ties(doc, case("key_person_star"), ANCHOR)
    hub = max(star.degree, key=lambda item: item[1])[0]
    assert star.degree[hub] == star.number_of_edges() == star.number_of_nodes() - 1
    bridge = member_ties(doc, case("key_person_cut_vertex"), ANCHOR)
    assert len(list(nx.articulation_points(bridge))) == 1


def test_place_unknown_case_has_an_institution_and_a_person_without_place(doc):
    institutions, actors = by_id(doc, "institutions"), by_id(doc, "actors")
    members = [m["member"] for m in current_memberships(doc, case("healthy_place_unknown"), ANCHOR)]
    assert any(m in institutions and "municipality" not in institutions[m] for m in members)
    assert any(m in actors and "municipality" not in actors[m] and "institution" not in actors[m]
               for m in members)


def test_health_check_finds_the_flag_each_case_demonstrates(doc, reference):
    health = pytest.importorskip("graph.health")
    ds = reference.merged(validate(records_from_document(doc, "demo"), reference).dataset)
    codes = {r.alliance: {f.code for f in r.flags} for r in health.check_alliances(ds, ANCHOR)}
    expected = {
        "below_min_one_institution": "BELOW_MIN_PARTNERS", "below_min_not_local": "BELOW_MIN_PARTNERS",
        "below_min_ended_and_future": "BELOW_MIN_PARTNERS", "below_min_founding": "BELOW_MIN_PARTNERS",
        "at_risk_school_leaves": "AT_RISK", "at_risk_accommodation_leaves": "AT_RISK",
        "single_sector_administration": "SINGLE_SECTOR", "single_sector_migrant_organisations": "SINGLE_SECTOR",
        "no_youth_voice": "NO_YOUTH_VOICE", "no_administration": "NO_ADMINISTRATION",
        "key_person_cut_vertex": "KEY_PERSON", "key_person_star": "KEY_PERSON",
        "dormant_old_offers": "DORMANT", "dormant_no_offers": "DORMANT",
    }
    for alliance, name in CASES.items():
        if name in expected:
            assert expected[name] in codes[alliance], (alliance, name, codes[alliance])
        elif name.startswith("healthy"):
            assert not codes[alliance] & set(expected.values()), (alliance, codes[alliance])


def test_loading_the_demo_twice_changes_nothing(tmp_path):
    store = open_store(str(tmp_path / "x.db"))
    try:
        first = load_demo(store, anchor=ANCHOR)
        assert first.changes > 0
        assert len(store.read().alliances) == len(CASES)
        assert load_demo(store, anchor=ANCHOR).changes == 0
    finally:
        store.close()
