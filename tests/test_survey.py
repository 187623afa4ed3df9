"""Network survey waves: tokens, roles, the respondent's questionnaire, closing into ties, results."""

from __future__ import annotations

import base64
import json
import socket
import sqlite3
from datetime import date, timedelta

import pytest

from graph import api, survey_api
from graph.access import AccessDenied, User
from graph.cli import main
from graph.errors import InputError, NotFound
from graph.privacy import erase_person
from graph.store import open_store
from graph.store.survey_base import Answer, Invitation, Wave, survey_store
from graph.survey import (
    hash_token,
    health_note,
    new_token,
    score,
    ties_from_answers,
    wave_results,
)

TODAY = date(2026, 6, 1)
ADMIN = User("admin", "admin")
COORD_AC = User("ac", "coordinator", kreis="05334")
COORD_K = User("k", "coordinator", kreis="05315")
OFFICE_K = User("ko", "office", office="sb-koeln")
OFFICE_MD = User("md", "office", office="sb-magdeburg")
VIEWER = User("v", "viewer")

DOC = {
    "service_offices": [{"id": "sb-koeln", "name": "Servicebüro Köln", "city": "Köln", "states": ["NW"]},
                        {"id": "sb-magdeburg", "name": "Servicebüro Magdeburg", "city": "Magdeburg",
                         "states": ["SN"]}],
    "municipalities": [{"id": "05334", "name": "Städteregion Aachen", "level": "kreis", "state": "NW"},
                       {"id": "05315", "name": "Köln", "level": "kreisfreie_stadt", "state": "NW"}],
    "institutions": [{"id": "ja", "name": "Jugendamt Aachen", "type": "jugendamt", "sector": "verwaltung",
                      "municipality": "05334"},
                     {"id": "schule", "name": "Schule Aachen", "type": "schule", "sector": "bildung",
                      "municipality": "05334"}],
    "actors": [{"id": "anna", "name": "Anna Ahrens", "institution": "ja"},
               {"id": "ben", "name": "Ben Brandt", "institution": "schule"},
               {"id": "cem", "name": "Cem Celik", "municipality": "05334"},
               {"id": "yara", "name": "Yara Y.", "municipality": "05334", "is_refugee_youth": True,
                "pseudonym": "Jugendliche*r Y1"},
               {"id": "dora", "name": "Dora Draußen", "municipality": "05315"}],
    "alliances": [{"id": "b-ac", "name": "Bündnis Aachen", "municipality": "05334", "office": "sb-koeln"},
                  {"id": "b-k", "name": "Bündnis Köln", "municipality": "05315", "office": "sb-koeln"}],
    "memberships": [{"member": m, "alliance": "b-ac", "since": "2024-01-01"}
                    for m in ("anna", "ben", "cem", "yara", "schule")]
                   + [{"member": "dora", "alliance": "b-k", "since": "2024-01-01"}],
    "ties": [{"source": "anna", "target": "ben", "since": "2020-05-01", "strength": 2}],
}


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    api.init_store(s)
    api.import_document(s, DOC, "test")
    yield s
    s.close()


def start(store, user=ADMIN, **kw):
    kw.setdefault("alliance", "b-ac")
    return {link.member: link for link in survey_api.start_waves(store, user=user, today=TODAY, **kw)}


def token_of(link) -> str:
    return link.link.split("?t=", 1)[1]


YES = {"works": True, "frequency": "monatlich", "trust": [4, 3, 4], "value": [2, 3, 4]}


# -- tokens ----------------------------------------------------------------------------
def test_a_token_carries_128_random_bits():
    token = new_token()
    assert len(base64.urlsafe_b64decode(token + "==")) == 16
    assert new_token() != token


def test_the_store_keeps_only_the_hash_of_a_token(store, tmp_path):
    links = start(store)
    raw = (tmp_path / "store.db").read_bytes() + (tmp_path / "store.db-wal").read_bytes()
    for link in links.values():
        assert token_of(link).encode() not in raw
    stored = {i.token_hash for i in survey_store(store).invitations("b-ac-w1")}
    assert stored == {hash_token(token_of(link)) for link in links.values()}


def test_links_point_at_the_given_base_url(store):
    links = start(store, base="https://netz.example.org/")
    assert all(link.link.startswith("https://netz.example.org/?t=") for link in links.values())


# -- who is asked -----------------------------------------------------------------------
def test_member_persons_get_links_institutions_and_unconsented_youth_do_not(store):
    assert set(start(store)) == {"anna", "ben", "cem"}


def test_a_young_refugee_with_recorded_consent_gets_a_link(store):
    survey_api.set_consent(store, "yara", date(2026, 5, 2), user=COORD_AC)
    assert "yara" in start(store)


def test_a_second_wave_cannot_start_while_one_runs(store):
    start(store)
    with pytest.raises(InputError, match="läuft noch"):
        start(store)


# -- roles ----------------------------------------------------------------------------
@pytest.mark.parametrize("user", [COORD_AC, OFFICE_K, ADMIN])
def test_coordinator_office_and_admin_start_and_see_a_wave(store, user):
    start(store, user=user)
    assert survey_api.wave_status(store, "b-ac-w1", user=user)["invited"] == 3


@pytest.mark.parametrize("user", [COORD_K, OFFICE_MD, VIEWER])
def test_others_neither_start_nor_see_nor_close_a_wave(store, user):
    with pytest.raises(AccessDenied):
        start(store, user=user)
    start(store)
    with pytest.raises(AccessDenied):
        survey_api.wave_status(store, "b-ac-w1", user=user)
    with pytest.raises(AccessDenied):
        survey_api.close_wave(store, "b-ac-w1", user=user, today=TODAY)
    with pytest.raises(AccessDenied):
        survey_api.alliance_results(store, "b-ac", user=user)
    assert survey_api.list_waves(store, user=user) == []


def test_a_kreis_wave_starts_only_the_alliances_the_user_manages(store):
    links = survey_api.start_waves(store, user=COORD_AC, kreis="05334", today=TODAY)
    assert {link.wave for link in links} == {"b-ac-w1"}
    with pytest.raises(NotFound):
        survey_api.start_waves(store, user=COORD_K, kreis="05334", today=TODAY)


# -- the respondent's questionnaire -------------------------------------------------------------
def test_the_questionnaire_shows_only_the_other_members_youth_by_pseudonym(store):
    links = start(store)
    q = survey_api.questionnaire(store, token_of(links["anna"]), TODAY)
    assert dict(q.roster) == {"ben": "Ben Brandt", "cem": "Cem Celik", "yara": "Jugendliche*r Y1",
                              "schule": "Schule Aachen"}
    assert q.alliance_name == "Bündnis Aachen"
    assert "Yara" not in json.dumps(q.__dict__, default=str)


@pytest.mark.parametrize("token", ["", "x" * 22, "' OR 1=1 --", "a" * 500])
def test_a_wrong_token_opens_nothing_and_saves_nothing(store, token):
    start(store)
    assert survey_api.questionnaire(store, token, TODAY) is None
    assert survey_api.submit(store, token, {"ben": YES}, today=TODAY) is False
    assert survey_store(store).answers("b-ac-w1") == []


def test_a_token_stops_working_when_the_wave_closes_or_its_day_passed(store):
    links = start(store, closes=TODAY + timedelta(days=7))
    token = token_of(links["anna"])
    assert survey_api.questionnaire(store, token, TODAY + timedelta(days=7)) is not None
    assert survey_api.questionnaire(store, token, TODAY + timedelta(days=8)) is None
    survey_api.close_wave(store, "b-ac-w1", user=ADMIN, today=TODAY)
    assert survey_api.questionnaire(store, token, TODAY) is None
    assert survey_api.submit(store, token, {"ben": YES}, today=TODAY) is False


def test_answers_about_someone_outside_the_roster_are_refused(store):
    links = start(store)
    with pytest.raises(InputError):
        survey_api.submit(store, token_of(links["anna"]), {"dora": YES}, today=TODAY)


def test_an_item_outside_1_to_4_is_refused(store):
    links = start(store)
    with pytest.raises(InputError):
        survey_api.submit(store, token_of(links["anna"]), {"ben": {**YES, "trust": [5, 1, 1]}}, today=TODAY)


def test_a_revised_answer_replaces_the_earlier_one(store):
    links = start(store)
    token = token_of(links["anna"])
    survey_api.submit(store, token, {"ben": YES, "cem": YES}, ["Frau Neu"], today=TODAY)
    survey_api.submit(store, token, {"ben": {**YES, "trust": [1, 1, 1]}}, today=TODAY)
    answers = survey_store(store).answers("b-ac-w1")
    assert [(a.target, a.trust) for a in answers] == [("ben", (1, 1, 1))]
    assert survey_api.questionnaire(store, token, TODAY).previous["ben"]["trust"] == [1, 1, 1]
    assert survey_store(store).missing_names("b-ac-w1") == []


def test_missing_names_go_to_the_review_list_and_create_nothing(store):
    links = start(store)
    before = store.read().counts()
    survey_api.submit(store, token_of(links["anna"]), {}, ["Frau Neu", " Frau  Neu "], today=TODAY)
    assert [m["name"] for m in survey_api.missing_names(store, "b-ac-w1", user=COORD_AC)] == ["Frau Neu"]
    assert store.read().counts() == before


# -- scoring and closing ----------------------------------------------------------------------
def test_trust_and_value_are_means_of_the_answered_items():
    assert score((4, 3, 4)) == 3.667
    assert score((2, None, 4)) == 3.0
    assert score((None, None, None)) is None


def test_closing_turns_answers_into_dated_ties_through_the_audited_import(store):
    links = start(store)
    survey_api.submit(store, token_of(links["anna"]), {"ben": YES, "cem": {"works": True, "frequency": "seltener",
                                                                           "trust": [2, 2, 2]}}, today=TODAY)
    survey_api.submit(store, token_of(links["ben"]), {"anna": {"works": True, "frequency": "woechentlich",
                                                               "trust": [4, 4, 4], "value": [4, 4, 4]}},
                      today=TODAY)
    result = survey_api.close_wave(store, "b-ac-w1", user=COORD_AC, today=TODAY)
    assert (result["ties"], result["one_sided"]) == (2, 1)
    ties = store.read().ties
    mutual = ties[("anna", "ben")]
    assert mutual.since == date(2020, 5, 1)  # the tie was known before: its start stays
    assert (mutual.wave, mutual.reported_by, mutual.frequency) == ("b-ac-w1", None, "monatlich")
    assert mutual.strength == 3.5  # monthly (3) and weekly (4)
    assert mutual.trust == round((3.667 + 4) / 2, 3)
    assert mutual.value == 3.5  # only one side answered the value items: (3 + 4) / 2
    one_sided = ties[("anna", "cem")]
    assert (one_sided.source, one_sided.reported_by, one_sided.since) == ("anna", "anna", TODAY)
    assert one_sided.value is None
    audit = [e for e in store.audit_log() if e.action == "survey close b-ac-w1"]
    assert {e.user for e in audit} == {"ac"} and len(audit) == 2


def test_an_answer_about_an_institution_ties_the_respondents_institution(store):
    links = start(store)
    survey_api.submit(store, token_of(links["anna"]), {"schule": YES}, today=TODAY)
    survey_api.close_wave(store, "b-ac-w1", user=ADMIN, today=TODAY)
    tie = store.read().ties[("ja", "schule")]
    assert (tie.source, tie.reported_by, tie.wave) == ("ja", "ja", "b-ac-w1")  # the reporting side


def test_a_wave_closes_once(store):
    start(store)
    survey_api.close_wave(store, "b-ac-w1", user=ADMIN, today=TODAY)
    with pytest.raises(InputError, match="schon"):
        survey_api.close_wave(store, "b-ac-w1", user=ADMIN, today=TODAY)


def test_results_count_response_density_reciprocity_and_change():
    roster = ("a", "b", "c", "d")
    inv = [Invitation("w", m, "h" + m, "t" if m in "abc" else None) for m in roster]

    def ans(r, t, trust=(4, 4, 4)):
        return Answer("w", r, t, True, "monatlich", trust, (2, 2, 2))

    w1 = Wave("w1", "x", date(2025, 1, 1), None, date(2025, 2, 1), roster)
    first = wave_results(w1, inv, [ans("a", "b"), ans("b", "a", (2, 2, 2)), ans("a", "c")])
    assert first.response_rate == 0.75
    assert first.density == round(2 / 6, 3)
    assert first.reciprocity == 0.5  # a–b both ways, a–c only from a (c answered)
    assert first.trust == round((4 + 2 + 4) / 3, 3) and first.value == 2.0
    assert next(m for m in first.members if m["member"] == "a")["centrality"] == round(2 / 3, 3)
    w2 = Wave("w2", "x", date(2026, 1, 1), None, date(2026, 2, 1), roster)
    second = wave_results(w2, inv, [ans("a", "b"), ans("c", "d")], first)
    assert second.change["ties_new"] == 1 and second.change["ties_gone"] == 1
    assert second.change["trust"] == round(4 - first.trust, 3)


def test_ties_from_answers_skip_no_and_unknown_members(store):
    ds = store.read()
    wave = Wave("w", "b-ac", TODAY, None, TODAY, ("anna", "ben"))
    assert ties_from_answers(ds, wave, [Answer("w", "anna", "ben", False)]) == []


def test_health_note_when_the_last_wave_is_old_or_thinly_answered():
    wave = Wave("w", "x", date(2023, 1, 1), None, date(2023, 1, 10), ("a", "b"))
    inv = [Invitation("w", "a", "h", "t"), Invitation("w", "b", "h2", "t")]
    good = wave_results(wave, inv, [])
    assert health_note(good, date(2025, 1, 10)) is None
    assert "vor 25 Monaten" in health_note(good, date(2025, 2, 10))
    thin = wave_results(wave, [Invitation("w", "a", "h", "t"), Invitation("w", "b", "h2", None),
                               Invitation("w", "c", "h3", None)], [])
    assert "1 von 3" in health_note(thin, date(2023, 2, 1))
    assert health_note(None, date(2023, 2, 1)) is None


# -- personal data ----------------------------------------------------------------------------
def test_person_export_and_erase_cover_survey_answers(store, tmp_path, capsys):
    survey_api.set_consent(store, "yara", TODAY, user=ADMIN)
    links = start(store)
    survey_api.submit(store, token_of(links["yara"]), {"anna": YES}, ["Freundin"], today=TODAY)
    survey_api.submit(store, token_of(links["ben"]), {"yara": YES}, today=TODAY)
    uri = store.uri
    assert main(["--store", uri, "person", "export", "yara"]) == 0
    doc = json.loads(capsys.readouterr().out)["survey"]
    assert doc["consent"] == TODAY.isoformat()
    assert [a["target"] for a in doc["answers"]] == ["anna"]
    assert [a["respondent"] for a in doc["answers_about"]] == ["ben"]
    assert doc["missing_names"][0]["name"] == "Freundin"
    erase_person(store, "yara", user=ADMIN)
    surveys = survey_store(store)
    assert all("yara" not in (a.respondent, a.target) for a in surveys.answers("b-ac-w1"))
    assert "yara" not in surveys.consents() and "yara" not in surveys.wave("b-ac-w1").roster
    assert surveys.missing_names("b-ac-w1") == []


# -- letters and e-mail --------------------------------------------------------------------------
def test_letters_carry_a_qr_code_and_new_links_that_replace_the_old(store, tmp_path):
    old = start(store)
    links = survey_api.reissue_links(store, "b-ac-w1", user=ADMIN, today=TODAY)
    from graph.survey_letters import write_letters

    html_path, csv_path = write_letters(links, tmp_path / "briefe", {"b-ac-w1": "Bündnis Aachen"}, {})
    text = html_path.read_text(encoding="utf-8")
    assert text.count("<svg") == 3 and "page-break-after" in text and "Anna Ahrens" in text
    assert csv_path.read_text(encoding="utf-8-sig").splitlines()[0] == "welle;mitglied;name;buendnis;link;frist"
    assert survey_api.questionnaire(store, token_of(old["anna"]), TODAY) is None
    assert survey_api.questionnaire(store, links[0].token, TODAY) is not None


def test_invitations_go_out_over_smtp(store, tmp_path, monkeypatch):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        for key, value in {"HOST": "127.0.0.1", "PORT": str(port), "TLS": "none",
                           "FROM": "buero@example.org"}.items():
            monkeypatch.setenv(f"BUENDNISNETZ_SMTP_{key}", value)
        (tmp_path / "adressen.csv").write_text("mitglied;email\nanna;anna@example.org\nben;ben@example.org\n",
                                               encoding="utf-8")
        code = main(["--store", store.uri, "survey", "start", "--alliance", "b-ac", "--send",
                     str(tmp_path / "adressen.csv"), "--format", "json"])
    finally:
        controller.stop()
    assert code == 0
    assert sorted(m["To"] for m in received) == ["anna@example.org", "ben@example.org"]
    assert "?t=" in received[0].get_payload()


# -- CLI contract ------------------------------------------------------------------------
def test_cli_start_status_close_and_health_survey_entry(store, capsys):
    uri = store.uri
    assert main(["--store", uri, "survey", "start", "--alliance", "b-ac", "--base-url", "http://h:1",
                 "--format", "json"]) == 0
    links = json.loads(capsys.readouterr().out)
    assert {tuple(sorted(x)) for x in links} == {("link", "member", "wave")}
    for link in links[:2]:
        survey_api.submit(store, link["link"].split("?t=")[1], {"cem": YES})
    assert main(["--store", uri, "survey", "status", "b-ac-w1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"wave": "b-ac-w1", "alliance": "b-ac", "invited": 3,
                                                   "answered": 2, "response_rate": 0.667}
    assert main(["--store", uri, "survey", "close", "b-ac-w1"]) == 0
    capsys.readouterr()
    assert main(["--store", uri, "health", "--alliance", "b-ac", "--format", "json"]) == 0
    entry = json.loads(capsys.readouterr().out)[0]["survey"]
    assert entry == {"wave": "b-ac-w1", "closed": date.today().isoformat(), "response_rate": 0.667,
                     "density": 0.2, "trust": 3.667, "value": 3.0}


def test_cli_survey_of_an_unknown_wave_is_bad_input(store, capsys):
    assert main(["--store", store.uri, "survey", "status", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


# -- storage, on every backend -----------------------------------------------------------------
def test_survey_storage_round_trips_on_every_backend(any_store):
    surveys = survey_store(any_store)
    revision = any_store.revision()
    wave = Wave("b-w1", "b", date(2026, 1, 1), date(2026, 2, 1), None, ("a", "b", "c"), "admin")
    surveys.add_wave(wave, [Invitation("b-w1", m, hash_token(m * 22)) for m in ("a", "b")])
    assert any_store.revision() == revision  # the graph did not change: its caches stay valid
    assert surveys.wave("b-w1") == wave
    assert surveys.invitation_by_hash(hash_token("a" * 22)).member == "a"
    answer = Answer("b-w1", "a", "b", True, "monatlich", (4, None, 2), (1, 2, 3))
    surveys.save_response("b-w1", "a", [answer, Answer("b-w1", "a", "c", False)], ["O'Brien"], "t1")
    surveys.save_response("b-w1", "a", [answer], ["Frau Neu"], "t2")
    assert surveys.answers("b-w1") == [answer]
    assert [m.name for m in surveys.missing_names("b-w1")] == ["Frau Neu"]
    assert surveys.invitation_by_hash(hash_token("a" * 22)).answered_at == "t2"
    surveys.replace_token("b-w1", "b", hash_token("z" * 22))
    assert surveys.invitation_by_hash(hash_token("b" * 22)) is None
    surveys.set_consent("c", date(2026, 1, 5))
    assert surveys.consents() == {"c": date(2026, 1, 5)}
    surveys.set_closed("b-w1", date(2026, 1, 20))
    assert surveys.wave("b-w1").closed == date(2026, 1, 20)
    assert surveys.erase_person("b") >= 2
    assert surveys.answers("b-w1") == [] and "b" not in surveys.wave("b-w1").roster
    assert any_store.read().counts()["actors"] == 0  # survey nodes are not part of the domain graph
    if getattr(any_store, "server", None) == "falkordb":  # token lookups go through an index
        rows = any_store._transact(lambda run: run("CALL db.indexes() YIELD label, properties "
                                                   "RETURN label, properties"), write=False)
        assert "token_hash" in next(r["properties"] for r in rows if r["label"] == "SurveyInvitation")


def test_sqlite_store_of_schema_version_1_gains_the_survey_tables(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    from graph.store.sqlite import MIGRATIONS

    for statement in MIGRATIONS[1]:
        conn.execute(statement)
    conn.commit()
    conn.close()
    store = open_store(f"sqlite:///{path}")
    assert survey_store(store).waves() == []
    assert store.schema_version() == 2
    store.close()


def test_survey_fields_of_a_tie_round_trip_through_import_and_export_on_every_backend(any_store, tmp_path):
    doc = {"actors": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
           "ties": [{"source": "b", "target": "a", "since": "2026-01-01", "strength": 3.5, "frequency": "monatlich",
                     "trust": 3.667, "value": 2.5, "wave": "x-w1", "reported_by": "b"}]}
    api.import_document(any_store, doc, "t")
    tie = next(iter(any_store.read().ties.values()))
    assert (tie.source, tie.frequency, tie.trust, tie.value, tie.wave, tie.reported_by) == (
        "b", "monatlich", 3.667, 2.5, "x-w1", "b")
    out = api.export(any_store, "json", tmp_path / "x.json") or tmp_path / "x.json"
    assert json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))["ties"] == doc["ties"]
    assert api.import_document(any_store, doc, "t").summary()["changed"] == 0 and out


def test_a_reported_by_that_is_no_end_of_the_tie_is_refused(store):
    with pytest.raises(InputError, match="reported_by"):
        api.import_document(store, {"ties": [{"source": "anna", "target": "cem", "reported_by": "ben"}]}, "t")


def test_the_exchange_file_carries_the_waves_and_imports_back_unchanged(store, tmp_path):
    links = start(store)
    survey_api.submit(store, token_of(links["anna"]), {"ben": YES}, today=TODAY)
    survey_api.close_wave(store, "b-ac-w1", user=ADMIN, today=TODAY)
    api.export(store, "json", tmp_path / "e.json")
    doc = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    assert [(w["id"], w["invited"], w["answered"]) for w in doc["survey_waves"]] == [("b-ac-w1", 3, 1)]
    assert "token" not in json.dumps(doc["survey_waves"])
    assert api.import_paths(store, [tmp_path / "e.json"]).summary()["changed"] == 0
    api.export(store, "json", tmp_path / "v.json", user=VIEWER)
    assert "survey_waves" not in json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))


def test_suggestions_name_the_strongest_reported_ties_first():
    from graph.model import Actor, Dataset, Tie
    from graph.survey import survey_reasons

    ds = Dataset()
    for ident in ("a", "b", "c"):
        ds.add(Actor(ident, ident.upper()))
    ds.add(Tie("a", "b", strength=1, frequency="seltener", trust=2.0, wave="w1"))
    ds.add(Tie("a", "c", strength=4, frequency="woechentlich", trust=3.5, wave="w1", reported_by="a"))
    ds.add(Tie("b", "c"))  # not from a survey
    assert survey_reasons(ds, [("a", "b"), ("a", "c"), ("b", "c")], limit=1) == [
        "laut Netzwerkbefragung w1: A – C (wöchentlich, Vertrauen 3,5, einseitig berichtet) und 1 weitere"]
    assert survey_reasons(ds, [("b", "c")]) == []


def test_the_printable_report_has_a_survey_section(store, tmp_path):
    links = start(store)
    survey_api.submit(store, token_of(links["anna"]), {"ben": YES}, today=TODAY)
    survey_api.close_wave(store, "b-ac-w1", user=ADMIN, today=TODAY)
    out = tmp_path / "bericht.html"
    assert main(["--store", store.uri, "health", "--format", "html", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    section = text[text.index("<h2>Netzwerkbefragungen</h2>"):]
    assert "Bündnis Aachen" in section and "b-ac-w1" in section and "1/3" in section
    assert "Bündnis Köln</td>" not in section  # no wave there


def test_starting_reissuing_closing_and_consent_are_audited(store):
    survey_api.set_consent(store, "yara", TODAY, user=COORD_AC)
    start(store, user=COORD_AC)
    survey_api.reissue_links(store, "b-ac-w1", user=OFFICE_K, members=["ben"], today=TODAY)
    survey_api.close_wave(store, "b-ac-w1", user=COORD_AC, today=TODAY)
    log = [(e.user, e.action, e.target) for e in reversed(store.audit_log()) if e.action.startswith("survey")]
    assert log == [("ac", "survey consent", "SurveyConsent:yara"),
                   ("ac", "survey start (4 Links)", "SurveyWave:b-ac-w1"),
                   ("ko", "survey letters (1 neue Links)", "SurveyWave:b-ac-w1"),
                   ("ac", "survey close", "SurveyWave:b-ac-w1")]


def test_a_whole_wave_on_every_backend(any_store):
    api.init_store(any_store)
    api.import_document(any_store, DOC, "test")
    links = start(any_store)
    survey_api.submit(any_store, token_of(links["anna"]), {"ben": YES, "cem": {"works": False}}, ["O'Neill"],
                      today=TODAY)
    survey_api.submit(any_store, token_of(links["ben"]), {"anna": YES}, today=TODAY)
    assert survey_api.wave_status(any_store, "b-ac-w1", user=COORD_AC)["answered"] == 2
    result = survey_api.close_wave(any_store, "b-ac-w1", user=COORD_AC, today=TODAY)
    assert (result["ties"], result["one_sided"]) == (1, 0)
    tie = any_store.read().ties[("anna", "ben")]
    assert (tie.wave, tie.trust, tie.value, tie.frequency) == ("b-ac-w1", 3.667, 3.0, "monatlich")
    assert survey_api.questionnaire(any_store, token_of(links["anna"]), TODAY) is None
    latest = survey_api.latest_closed(any_store, user=ADMIN)["b-ac"]
    assert (latest.response_rate, latest.density, latest.reciprocity) == (0.667, round(1 / 10, 3), 1.0)
    assert [m["name"] for m in survey_api.missing_names(any_store, "b-ac-w1", user=ADMIN)] == ["O'Neill"]


def test_every_survey_command_prints_a_table_by_default(store, tmp_path, capsys):
    uri = store.uri
    assert main(["--store", uri, "survey", "consent", "yara", "--date", "01.05.2026"]) == 0
    assert main(["--store", uri, "survey", "start", "--alliance", "b-ac", "--closes", "31.12.2099"]) == 0
    assert "Welle" in capsys.readouterr().out
    for args in (["status", "b-ac-w1"], ["list"], ["missing", "b-ac-w1"], ["results", "--alliance", "b-ac"]):
        assert main(["--store", uri, "survey", *args]) == 0, args
        assert "Welle" in capsys.readouterr().out or args[0] == "missing"
    assert main(["--store", uri, "survey", "letters", "b-ac-w1", "--out", str(tmp_path / "b")]) == 0
    assert (tmp_path / "b" / "briefe.html").exists()
    assert main(["--store", uri, "survey", "close", "b-ac-w1"]) == 0
    assert main(["--store", uri, "survey", "consent", "yara", "--withdraw"]) == 0
    assert main(["--store", uri, "survey", "start", "--alliance", "b-ac", "--closes", "1.1.2000"]) == 2
    assert "Vergangenheit" in capsys.readouterr().err
