"""The Bündnis-Check: flags, status, score, trend, roll-ups and network figures."""

from datetime import date

import pytest
from builders import healthy_alliance, places

from graph.errors import InputError, NotFound
from graph.health import (
    FLAG_SEVERITY,
    JSON_KEYS,
    SCORE_PARTS,
    HealthConfig,
    check_alliances,
    check_summaries,
    compare,
    months_before,
    network_figures,
    rollup,
    select_reports,
    summarize,
)
from graph.model import (
    Actor,
    Alliance,
    Dataset,
    Institution,
    Membership,
    Offer,
    ServiceOffice,
    Tie,
)

TODAY = date(2026, 6, 15)
AACHEN = "05334"
KOELN = "05315"
JOINED = date(2026, 1, 10)


def healthy() -> Dataset:
    """Alliance b1 in Aachen: Jugendamt, school and migrant organisation, all cooperating,
    with a recent offer. Nothing to flag; tests change one thing each."""
    ds = places()
    healthy_alliance(ds, "b1", AACHEN, name="Bündnis Aachen", founded=date(2019, 5, 1), since=JOINED,
                     offer=date(2026, 3, 1), members=[
                         ("ja", "jugendamt", "verwaltung", "Jugendamt Aachen"),
                         ("schule", "schule", "bildung", "Gesamtschule Aachen"),
                         ("mo", "migrantenorganisation", "migrantenorganisation", "Syrischer Kulturverein")])
    return ds


def report_of(ds: Dataset, as_of: date = TODAY, config: HealthConfig | None = None):
    (report,) = check_alliances(ds, as_of, config, alliance_ids=["b1"])
    # The check without its words (what the suggestions read) agrees on every case of this file.
    assert check_summaries(ds, as_of, config, alliance_ids=["b1"]) == [summarize(report)]
    return report


def codes(report) -> list[str]:
    return [f.code for f in report.flags]


def flag(report, code: str):
    found = [f for f in report.flags if f.code == code]
    assert found, f"{code} fehlt in {codes(report)}"
    return found[0]


def end_membership(ds: Dataset, member: str, until: date) -> None:
    ds.add(Membership(member, "b1", since=JOINED, until=until))


# -- the baseline --------------------------------------------------------------------

def test_healthy_alliance_is_ok_with_full_score():
    report = report_of(healthy())

    assert (report.status, report.score, report.flags) == ("ok", 100, [])


# -- BELOW_MIN_PARTNERS ---------------------------------------------------------------

def test_exactly_three_partners_meet_the_minimum():
    report = report_of(healthy())

    assert report.partners == 3 and "BELOW_MIN_PARTNERS" not in codes(report)


def test_two_partners_are_critical():
    ds = healthy()
    end_membership(ds, "schule", date(2026, 6, 1))

    report = report_of(ds)

    assert (report.partners, report.status, flag(report, "BELOW_MIN_PARTNERS").severity) == (2, "critical", "critical")


def test_below_minimum_message_names_remaining_partners_and_minimum():
    ds = healthy()
    end_membership(ds, "schule", date(2026, 6, 1))

    message = flag(report_of(ds), "BELOW_MIN_PARTNERS").message

    assert "Nur 2 lokale Partner" in message and "Minimum 3" in message
    assert "Jugendamt Aachen" in message and "Syrischer Kulturverein" in message


def test_below_minimum_message_names_member_that_sits_in_another_kreis():
    ds = healthy()
    ds.add(Institution("schule", "Gesamtschule Köln", "schule", "bildung", KOELN))

    message = flag(report_of(ds), "BELOW_MIN_PARTNERS").message

    assert "anderen Kreis: Gesamtschule Köln" in message


def test_minimum_is_configurable():
    report = report_of(healthy(), config=HealthConfig(min_partners=4))

    assert "Minimum 4" in flag(report, "BELOW_MIN_PARTNERS").message


def test_staff_of_one_institution_do_not_make_up_the_minimum():
    ds = healthy()
    end_membership(ds, "schule", date(2026, 6, 1))
    end_membership(ds, "mo", date(2026, 6, 1))
    ds.add(Actor("anna", "Anna", institution="ja"))
    ds.add(Actor("ben", "Ben", institution="ja"))
    ds.add(Membership("anna", "b1"))
    ds.add(Membership("ben", "b1"))

    assert report_of(ds).partners == 1


# -- AT_RISK --------------------------------------------------------------------------

def test_member_leaving_tomorrow_puts_alliance_at_risk_naming_who_and_when():
    ds = healthy()
    end_membership(ds, "mo", date(2026, 6, 16))

    report = report_of(ds)

    assert report.status == "warn"
    assert "Syrischer Kulturverein (bis 16.06.2026)" in flag(report, "AT_RISK").message


def test_membership_ending_after_the_window_is_not_at_risk():
    ds = healthy()
    end_membership(ds, "mo", date(2026, 9, 13))  # as_of + 90 days: still a member then

    assert "AT_RISK" not in codes(report_of(ds))


def test_membership_ending_on_the_last_day_of_the_window_is_at_risk():
    ds = healthy()
    end_membership(ds, "mo", date(2026, 9, 12))  # no longer a member on as_of + 90 days

    assert "AT_RISK" in codes(report_of(ds))


def test_leaving_member_is_no_risk_when_enough_partners_remain():
    ds = healthy()
    ds.add(Actor("eva", "Eva", municipality=AACHEN))
    ds.add(Membership("eva", "b1", since=JOINED))
    end_membership(ds, "mo", date(2026, 6, 16))

    assert "AT_RISK" not in codes(report_of(ds))


def test_leaving_staff_member_is_no_risk_while_a_colleague_keeps_the_institution():
    ds = healthy()
    ds.add(Actor("anna", "Anna", institution="schule"))
    ds.add(Actor("ben", "Ben", institution="schule"))
    end_membership(ds, "schule", date(2026, 6, 1))
    ds.add(Membership("anna", "b1", since=JOINED, until=date(2026, 7, 1)))
    ds.add(Membership("ben", "b1", since=JOINED))

    assert "AT_RISK" not in codes(report_of(ds))


# -- SINGLE_SECTOR --------------------------------------------------------------------

def test_all_partners_in_one_sector_is_flagged_with_the_sector():
    ds = healthy()
    ds.add(Institution("schule", "Sozialamt Aachen", "sozialamt", "verwaltung", AACHEN))
    ds.add(Institution("mo", "Ausländeramt Aachen", "auslaenderamt", "verwaltung", AACHEN))

    report = report_of(ds)

    assert "„Verwaltung“" in flag(report, "SINGLE_SECTOR").message


def test_two_sectors_are_not_single_sector():
    ds = healthy()
    ds.add(Institution("schule", "Sozialamt Aachen", "sozialamt", "verwaltung", AACHEN))

    assert "SINGLE_SECTOR" not in codes(report_of(ds))


# -- NO_YOUTH_VOICE -------------------------------------------------------------------

def test_no_refugee_youth_and_no_migrant_organisation_is_flagged():
    ds = healthy()
    ds.add(Institution("mo", "Caritas", "freier_traeger", "freie_wohlfahrt", AACHEN))

    assert flag(report_of(ds), "NO_YOUTH_VOICE").severity == "warning"


def test_a_refugee_young_person_gives_the_youth_voice():
    ds = healthy()
    ds.add(Institution("mo", "Caritas", "freier_traeger", "freie_wohlfahrt", AACHEN))
    ds.add(Actor("y1", "Amir", is_refugee_youth=True, municipality=AACHEN))
    ds.add(Membership("y1", "b1", since=JOINED))

    assert "NO_YOUTH_VOICE" not in codes(report_of(ds))


def test_a_former_refugee_youth_member_gives_no_voice():
    ds = healthy()
    ds.add(Institution("mo", "Caritas", "freier_traeger", "freie_wohlfahrt", AACHEN))
    ds.add(Actor("y1", "Amir", is_refugee_youth=True, municipality=AACHEN))
    ds.add(Membership("y1", "b1", since=JOINED, until=date(2026, 2, 1)))

    assert "NO_YOUTH_VOICE" in codes(report_of(ds))


# -- NO_ADMINISTRATION ----------------------------------------------------------------

def test_no_municipal_administration_is_flagged():
    ds = healthy()
    ds.add(Institution("ja", "Caritas", "freier_traeger", "freie_wohlfahrt", AACHEN))

    assert flag(report_of(ds), "NO_ADMINISTRATION").severity == "warning"


def test_staff_member_of_the_jugendamt_counts_as_administration():
    ds = healthy()
    end_membership(ds, "ja", date(2026, 1, 31))
    ds.add(Actor("anna", "Anna", institution="ja"))
    ds.add(Membership("anna", "b1", since=JOINED))

    assert "NO_ADMINISTRATION" not in codes(report_of(ds))


# -- KEY_PERSON -----------------------------------------------------------------------

def test_cut_vertex_of_the_alliance_network_is_a_key_person():
    ds = healthy()
    del ds.ties[("ja", "mo")]  # ja - schule - mo: the school holds it together

    report = report_of(ds)

    assert "Gesamtschule Aachen hält das Netz" in flag(report, "KEY_PERSON").message


def test_member_holding_most_ties_is_a_key_person_without_being_a_cut_vertex():
    ds = healthy()
    for person in ("p1", "p2", "p3", "p4"):
        ds.add(Actor(person, person.upper(), municipality=AACHEN))
        ds.add(Membership(person, "b1", since=JOINED))
    ds.ties.clear()
    for person in ("p1", "p2", "p3", "p4"):
        ds.add(Tie("ja", person))
    for a, b in (("p1", "p2"), ("p2", "p3"), ("p3", "p4")):
        ds.add(Tie(a, b))

    report = report_of(ds)

    assert "Jugendamt Aachen trägt 4 von 7 Verbindungen im Bündnis (57 %)" in flag(report, "KEY_PERSON").message


def test_evenly_tied_members_have_no_key_person():
    assert "KEY_PERSON" not in codes(report_of(healthy()))


def test_colleagues_of_one_institution_are_connected_without_recorded_ties():
    ds = healthy()
    ds.ties.clear()
    ds.add(Actor("anna", "Anna", institution="ja"))
    ds.add(Actor("ben", "Ben", institution="ja"))
    ds.add(Membership("anna", "b1", since=JOINED))
    ds.add(Membership("ben", "b1", since=JOINED))

    assert "KEY_PERSON" not in codes(report_of(ds))


def test_tie_recorded_after_the_date_is_not_used():
    ds = healthy()
    del ds.ties[("ja", "mo")]
    ds.add(Tie("ja", "mo", since=date(2026, 12, 1)))

    assert "KEY_PERSON" in codes(report_of(ds))


# -- DORMANT --------------------------------------------------------------------------

def test_no_offer_and_no_membership_change_for_twelve_months_is_dormant():
    ds = healthy()
    ds.offers.clear()
    ds.add(Offer("o0", "dialog", "Dialogforum", date(2026, 2, 20), alliance="b1"))

    report = report_of(ds, as_of=date(2027, 3, 1))

    message = flag(report, "DORMANT").message
    assert "seit 01.03.2026" in message
    assert "Letzte Aktivität: Angebot „Dialogforum“ am 20.02.2026" in message


def test_recent_offer_keeps_alliance_active():
    ds = healthy()

    assert "DORMANT" not in codes(report_of(ds, as_of=date(2027, 2, 28)))


def test_recent_membership_change_keeps_alliance_active():
    ds = healthy()
    ds.offers.clear()
    ds.add(Actor("eva", "Eva", municipality=AACHEN))
    ds.add(Membership("eva", "b1", since=date(2026, 5, 1)))

    assert "DORMANT" not in codes(report_of(ds, as_of=date(2027, 3, 1)))


def test_offer_for_another_alliance_does_not_count():
    ds = healthy()
    ds.offers.clear()
    ds.add(Alliance("b2", "Anderes Bündnis", AACHEN))
    ds.add(Offer("o2", "dialog", "Dialog", date(2027, 2, 1), alliance="b2"))

    assert "DORMANT" in codes(report_of(ds, as_of=date(2027, 3, 1)))


# -- info flags -----------------------------------------------------------------------

def test_member_without_place_gets_an_info_flag_and_still_counts():
    ds = healthy()
    ds.add(Actor("eva", "Eva"))
    ds.add(Membership("eva", "b1", since=JOINED))

    report = report_of(ds)

    assert report.partners == 4 and report.status == "ok"
    assert flag(report, "PLACE_UNKNOWN").message.startswith("Für Eva ist kein Ort bekannt")


def test_member_in_another_kreis_gets_an_info_flag_naming_the_kreis():
    ds = healthy()
    ds.add(Institution("koeln", "Kölner Verein", "initiative", "zivilgesellschaft", KOELN))
    ds.add(Membership("koeln", "b1", since=JOINED))

    report = report_of(ds)

    assert report.status == "ok"
    assert flag(report, "NOT_LOCAL").message == (
        "Kölner Verein zählt nicht als Partner: sitzt in Köln (05315), "
        "außerhalb des Kreises des Bündnisses (Städteregion Aachen (05334)).")


def test_refugee_young_person_is_named_by_pseudonym_only():
    ds = healthy()
    ds.add(Actor("y1", "Amir Beispiel", is_refugee_youth=True))
    ds.add(Membership("y1", "b1", since=JOINED))

    report = report_of(ds)

    message = flag(report, "PLACE_UNKNOWN").message
    assert "Amir" not in message and ds.actors["y1"].display_name in message


# -- status, score, output ------------------------------------------------------------

def test_info_flags_do_not_change_status_or_score():
    ds = healthy()
    ds.add(Actor("p-ohne-ort", "Ohne Ort"))
    ds.add(Membership("p-ohne-ort", "b1", since=JOINED))
    ds.add(Institution("mo-koeln", "Verein Köln", "initiative", "zivilgesellschaft", KOELN))
    ds.add(Membership("mo-koeln", "b1", since=JOINED))
    for other in ("ja", "schule", "mo", "mo-koeln"):  # everyone tied to everyone: no key person
        ds.add(Tie("p-ohne-ort", other))
    for other in ("ja", "schule", "mo"):
        ds.add(Tie("mo-koeln", other))

    report = report_of(ds)

    assert sorted(codes(report)) == ["NOT_LOCAL", "PLACE_UNKNOWN"]
    assert (report.status, report.score) == ("ok", 100)
    assert all(f.severity == FLAG_SEVERITY[f.code] == "info" for f in report.flags)


def test_a_healthy_alliance_gets_every_score_part_in_full():
    assert report_of(healthy()).score_parts == SCORE_PARTS


def test_score_is_the_sum_of_its_parts():
    ds = healthy()
    ds.add(Institution("mo", "Caritas", "freier_traeger", "freie_wohlfahrt", AACHEN))

    report = report_of(ds)

    assert report.score == sum(report.score_parts.values()) == 90
    assert report.score_parts["Stimme junger Geflüchteter"] == 0


def test_critical_alliance_scores_at_most_49():
    ds = healthy()
    ds.add(Actor("eva", "Eva", municipality=AACHEN))
    ds.add(Membership("eva", "b1", since=JOINED))

    report = report_of(ds, config=HealthConfig(min_partners=5))

    assert report.status == "critical" and report.score == 49 == sum(report.score_parts.values())


def test_reports_are_sorted_critical_then_warn_then_ok_then_by_id():
    ds = healthy()
    ds.add(Alliance("a-leer", "Leeres Bündnis", AACHEN))
    ds.add(Alliance("z-leer", "Noch ein leeres Bündnis", AACHEN))
    ds.add(Alliance("c-warn", "Bündnis ohne Jugendstimme", AACHEN))
    for member in ("ja", "schule", "eva"):
        ds.add(Membership(member, "c-warn", since=JOINED))
    ds.add(Actor("eva", "Eva", municipality=AACHEN))

    reports = check_alliances(ds, TODAY)

    assert [(r.alliance, r.status) for r in reports] == [
        ("a-leer", "critical"), ("z-leer", "critical"), ("c-warn", "warn"), ("b1", "ok")]


def test_as_dict_starts_with_exactly_the_contract_keys():
    ds = healthy()
    end_membership(ds, "mo", date(2026, 6, 16))

    item = report_of(ds).as_dict()

    assert tuple(item)[:7] == JSON_KEYS == (
        "alliance", "name", "municipality", "partners", "status", "score", "flags")
    assert [(f["code"], f["severity"]) for f in item["flags"]] == [("AT_RISK", "warning")]
    assert item["flags"][0]["message"].startswith(
        "Mitgliedschaften enden bald: Syrischer Kulturverein (bis 16.06.2026).")


def test_unknown_alliance_id_is_a_user_error():
    with pytest.raises(NotFound):
        check_alliances(healthy(), TODAY, alliance_ids=["gibt-es-nicht"])


def test_default_selection_leaves_out_ended_and_not_yet_founded_alliances():
    ds = healthy()
    ds.add(Alliance("alt", "Beendetes Bündnis", AACHEN, status="beendet"))
    ds.add(Alliance("neu", "Künftiges Bündnis", AACHEN, founded=date(2027, 1, 1)))

    assert [r.alliance for r in check_alliances(ds, TODAY)] == ["b1"]


def test_invalid_threshold_is_a_user_error():
    with pytest.raises(InputError):
        HealthConfig(min_partners=0)


# -- metrics --------------------------------------------------------------------------

def test_metrics_give_density_and_share_of_the_top_member():
    ds = healthy()
    del ds.ties[("ja", "mo")]

    metrics = report_of(ds).metrics

    assert (metrics["density"], metrics["top_member"], metrics["top_member_share"]) == (0.667, "schule", 1.0)


def test_member_of_two_alliances_is_a_broker():
    ds = healthy()
    ds.add(Alliance("b2", "Anderes Bündnis", AACHEN))
    ds.add(Membership("mo", "b2", since=JOINED))

    assert report_of(ds).metrics["brokers"] == ["mo"]


def test_member_tied_to_a_member_of_another_alliance_is_a_broker():
    ds = healthy()
    ds.add(Alliance("b2", "Anderes Bündnis", AACHEN))
    ds.add(Institution("kita", "Kita", "kita", "bildung", AACHEN))
    ds.add(Membership("kita", "b2", since=JOINED))
    ds.add(Tie("ja", "kita"))

    assert report_of(ds).metrics["brokers"] == ["ja"]


# -- compare --------------------------------------------------------------------------

def test_compare_shows_status_change_and_who_left():
    ds = healthy()
    end_membership(ds, "mo", date(2026, 5, 1))

    (change,) = compare(ds, date(2026, 1, 15), TODAY)

    assert (change.status_before, change.status_after, change.left, change.joined, change.trend) == (
        "ok", "critical", ("mo",), (), "worse")
    assert "BELOW_MIN_PARTNERS" in change.flags_added


def test_compare_shows_who_joined():
    ds = healthy()
    ds.add(Actor("eva", "Eva", municipality=AACHEN))
    ds.add(Membership("eva", "b1", since=date(2026, 5, 1)))

    (change,) = compare(ds, date(2026, 4, 1), TODAY)

    assert (change.joined, change.left, change.partners_before, change.partners_after) == (("eva",), (), 3, 4)


def test_compare_marks_alliance_founded_in_between_as_new():
    ds = healthy()
    ds.add(Alliance("b0", "Neues Bündnis", AACHEN, founded=date(2026, 5, 1)))

    changes = {c.alliance: c for c in compare(ds, date(2026, 4, 1), TODAY)}

    assert (changes["b0"].status_before, changes["b0"].trend) == (None, "new")


# -- roll-ups -------------------------------------------------------------------------

def test_rollup_counts_alliances_by_status_per_kreis():
    ds = healthy()
    ds.add(Alliance("leer", "Leeres Bündnis", "05334012"))
    ds.add(Alliance("koeln", "Kölner Bündnis", KOELN))

    rows = rollup(check_alliances(ds, TODAY), ds, by="kreis")

    assert [(r["id"], r["alliances"], r["ok"], r["warn"], r["critical"]) for r in rows] == [
        (KOELN, 1, 0, 0, 1), (AACHEN, 2, 1, 0, 1)]


def test_rollup_by_office_uses_the_office_serving_the_state():
    ds = healthy()
    ds.add(ServiceOffice("sb-koeln", "Servicebüro Köln", "Köln", ("NW",)))

    (row,) = rollup(check_alliances(ds, TODAY), ds, by="office")

    assert (row["id"], row["name"], row["ok"]) == ("sb-koeln", "Servicebüro Köln", 1)


def test_rollup_by_state():
    ds = healthy()

    (row,) = rollup(check_alliances(ds, TODAY), ds, by="state")

    assert (row["id"], row["alliances"]) == ("NW", 1)


def test_rollup_by_unknown_key_is_a_user_error():
    with pytest.raises(InputError):
        rollup([], healthy(), by="gemeinde")


# -- network figures ------------------------------------------------------------------

def _chain_of_alliances() -> Dataset:
    """b1 - b2 - b3: b2 shares one member with each of the others."""
    ds = Dataset()
    for alliance in ("b1", "b2", "b3"):
        ds.add(Alliance(alliance, alliance.upper(), AACHEN))
    for person in ("x", "y"):
        ds.add(Actor(person, person.upper(), municipality=AACHEN))
    ds.add(Membership("x", "b1"))
    ds.add(Membership("x", "b2"))
    ds.add(Membership("y", "b2"))
    ds.add(Membership("y", "b3"))
    return ds


def test_alliance_linking_two_others_is_an_articulation_point():
    figures = network_figures(_chain_of_alliances(), TODAY)

    assert (figures.alliances, figures.links, figures.articulation_points) == (3, 2, ["b2"])


def test_star_of_alliances_is_fully_centralized():
    figures = network_figures(_chain_of_alliances(), TODAY)

    assert (figures.degree_centralization, figures.betweenness_centralization) == (1.0, 1.0)


def test_members_in_several_alliances_are_listed_as_bridging():
    figures = network_figures(_chain_of_alliances(), TODAY)

    assert figures.bridging_members == {"x": ["b1", "b2"], "y": ["b2", "b3"]}


def test_ties_between_members_link_their_alliances():
    ds = Dataset()
    for alliance, person in (("b1", "x"), ("b2", "y")):
        ds.add(Alliance(alliance, alliance.upper(), AACHEN))
        ds.add(Actor(person, person.upper(), municipality=AACHEN))
        ds.add(Membership(person, alliance))
    ds.add(Tie("x", "y"))

    figures = network_figures(ds, TODAY)

    assert (figures.links, figures.components, figures.isolated) == (1, 1, [])


# -- the demo data set ----------------------------------------------------------------

def test_demo_data_shows_every_flag_as_of_its_anchor():
    demo = pytest.importorskip("graph.demo")
    from graph.io.exchange import records_from_document
    from graph.reference import reference_document
    from graph.validate import validate

    reference = validate(records_from_document(reference_document(), "reference")).dataset
    anchor = date(2026, 6, 15)
    ds = reference.merged(validate(records_from_document(demo.build_demo(anchor), "demo"), reference).dataset)

    seen = {f.code for r in check_alliances(ds, anchor) for f in r.flags}

    assert set(FLAG_SEVERITY) - seen == set()


# -- selection and dates --------------------------------------------------------------

def test_select_reports_keeps_only_the_chosen_kreis():
    ds = healthy()
    ds.add(Alliance("koeln", "Kölner Bündnis", KOELN))

    chosen = select_reports(check_alliances(ds, TODAY), ds, kreis=KOELN)

    assert [r.alliance for r in chosen] == ["koeln"]


def test_select_reports_keeps_only_the_chosen_office():
    ds = healthy()
    ds.add(ServiceOffice("sb-koeln", "Servicebüro Köln", "Köln", ("NW",)))
    ds.add(ServiceOffice("sb-magdeburg", "Servicebüro Magdeburg", "Magdeburg", ("SN", "ST", "TH")))
    ds.add(Alliance("halle", "Bündnis Halle", "15002"))

    chosen = select_reports(check_alliances(ds, TODAY), ds, office="sb-magdeburg")

    assert [r.alliance for r in chosen] == ["halle"]


def test_select_reports_of_unknown_office_is_a_user_error():
    with pytest.raises(NotFound):
        select_reports([], healthy(), office="sb-nirgendwo")


def test_dormant_window_of_twelve_months_from_a_leap_day_ends_on_the_28th():
    assert months_before(date(2028, 2, 29), 12) == date(2027, 2, 28)
