"""The Bündnis-Check's "Befragung" tab (streamlit.testing): results of the demo waves, roles, starting a wave."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from graph.store import open_store
from graph.store.survey_base import survey_store

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")


def check_page(alliance: str, login: tuple[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if login is not None:
        at.text_input(key="login_name").input(login[0])
        at.text_input(key="login_password").input(login[1])
        at.button[0].click().run()
    at.switch_page("seiten/check.py").run()
    at.selectbox(key="check_buendnis").set_value(alliance).run()
    assert not at.exception
    return at


def plain(text: str) -> str:
    """Markdown text without the backslashes the app puts before markdown characters from the data."""
    return text.replace("\\", "")


def markdown(at: AppTest) -> str:
    return plain("\n".join(m.value for m in at.markdown))


def test_the_demo_alliance_shows_two_waves_and_the_change_between_them(demo_store):
    at = check_page("demo-b03")
    assert "Letzte Welle demo-b03-w2" in markdown(at) and "Veränderung seit demo-b03-w1" in markdown(at)
    metrics = {m.label: m for m in at.metric}
    assert metrics["Rücklauf"].value == "100%" and metrics["Rücklauf"].delta.startswith("+")
    assert metrics["Vertrauen (1–4)"].delta.startswith("+")
    waves = at.dataframe[-3].value
    assert list(waves["Welle"]) == ["demo-b03-w1", "demo-b03-w2"]


def test_a_rerun_of_the_check_page_does_not_read_the_whole_store_again(demo_store, monkeypatch):
    """The tab's rights check uses the graph the page already holds (x10: 0.34 s of a 0.6 s rerun was a
    fresh read of the whole store for it)."""
    from graph.store.sqlite import SQLiteStore

    at = check_page("demo-b03")
    reads = []
    real = SQLiteStore.read
    monkeypatch.setattr(SQLiteStore, "read", lambda self: reads.append(1) or real(self))
    at.run()
    assert not at.exception
    assert "Letzte Welle demo-b03-w2" in markdown(at)
    assert reads == []


def test_a_viewer_sees_no_survey_results(demo_store, tmp_path, monkeypatch):
    from graph.accounts import ENV_ACCOUNTS, set_account

    monkeypatch.setenv(ENV_ACCOUNTS, str(tmp_path / "accounts.json"))
    set_account("admin", "geheim-admin-1", "admin", path=tmp_path / "accounts.json")
    set_account("v", "geheim-viewer-1", "viewer", path=tmp_path / "accounts.json")
    at = check_page("demo-b03", ("v", "geheim-viewer-1"))
    assert "Letzte Welle" not in markdown(at)
    assert any("sehen nur seine Koordination" in i.value for i in at.info)


def test_a_wave_starts_from_the_tab_and_offers_the_letters(demo_store):
    at = check_page("demo-b06")
    assert any("noch keine Befragung" in i.value for i in at.info)
    at.button[-1].click().run()  # the form's submit button is the last button on the page
    assert not at.exception
    assert any("Welle demo-b06-w1 gestartet: 5 persönliche Links" in plain(s.value) for s in at.success)
    store = open_store(demo_store)
    assert len(survey_store(store).invitations("demo-b06-w1")) == 5
    store.close()


def test_the_respondent_page_shows_only_the_questionnaire_and_no_menu(demo_store, tmp_path, monkeypatch):
    from graph import survey_api
    from graph.accounts import ENV_ACCOUNTS, set_account

    monkeypatch.setenv(ENV_ACCOUNTS, str(tmp_path / "accounts.json"))
    set_account("admin", "geheim-admin-1", "admin", path=tmp_path / "accounts.json")
    store = open_store(demo_store)
    links = survey_api.start_waves(store, user="admin", alliance="demo-b06")
    store.close()
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["t"] = links[0].link.split("?t=")[1]
    at.run()
    assert not at.exception
    assert plain(at.title[0].value) == "Netzwerkbefragung: Willkommensbündnis Bonn (Demo)"
    assert len(at.sidebar.children) == 0 or not any("Stichtag" in str(e) for e in at.sidebar)
    shown = " ".join(str(getattr(e, "value", "")) for e in at.main)
    assert "Angemeldet" not in shown and "Datenspeicher" not in shown
    headings = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert len(headings) == 4  # the four other members, nothing else
    at.query_params["t"] = "A" * 22
    at.run()
    assert any("nicht gültig" in i.value for i in at.info) and not at.markdown


def test_a_young_respondent_gets_the_questions_in_simple_language(demo_store):
    from graph import survey_api
    from graph.store.survey_base import survey_store as surveys_of

    store = open_store(demo_store)
    consented = set(surveys_of(store).consents())  # the demo records one young refugee's consent in demo-b03
    links = {link.member: link for link in survey_api.start_waves(store, user="admin", alliance="demo-b03")}
    store.close()
    young = next(iter(consented & set(links)))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["t"] = links[young].link.split("?t=")[1]
    at.run()
    assert not at.exception
    labels = {r.label for r in at.radio}
    assert "Kann ich mit der Person gut reden?" in labels
    assert "Wie offen ist diese Person für Gespräche und Ideen?" not in labels
