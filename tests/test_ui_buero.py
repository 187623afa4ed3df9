"""The Servicebüro page in everyday use: everyone lands on their own office, planning follows the
recommendation, the message shows at the form, the work list filters and pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph import api
from graph.accounts import ENV_ACCOUNTS, set_account
from graph.store import ENV_STORE, open_store

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")
PASSWORD = "ein-langes-passwort"


@pytest.fixture
def demo(demo_db, tmp_path, monkeypatch) -> Path:
    import shutil

    path = tmp_path / "demo.db"
    shutil.copy(demo_db, path)
    monkeypatch.setenv(ENV_STORE, f"sqlite:///{path}")
    accounts = tmp_path / "konten.json"
    monkeypatch.setenv(ENV_ACCOUNTS, str(accounts))
    set_account("k.goerlitz", PASSWORD, "coordinator", kreis="14626", path=accounts)
    set_account("admin", PASSWORD, "admin", path=accounts)
    return path


def office_page(name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    at.switch_page("seiten/buero.py").run()
    assert not at.exception
    return at


def cards(at: AppTest) -> list[str]:
    """The work list's cards (their first line: name · status · score)."""
    return [m.value for m in at.markdown if re.search(r"\*\* · .* · Punktzahl \d+$", m.value)]


def test_a_coordinator_lands_on_the_office_serving_their_kreis(demo):
    at = office_page("k.goerlitz")
    assert at.selectbox(key="buero_office").value == "sb-magdeburg"  # Görlitz lies in Sachsen
    assert cards(at)


def test_an_office_without_alliances_in_view_shows_no_zeros_and_no_all_clear(demo):
    at = office_page("k.goerlitz")
    at.selectbox(key="buero_office").set_value("sb-koeln").run()
    assert not at.exception
    assert any("Keine Bündnisse" in info.value for info in at.info)
    assert not at.metric
    assert not any("Alle Bündnisse hatten" in s.value for s in at.success)


def test_the_offer_type_follows_the_chosen_alliances_recommendation(demo):
    at = office_page("admin")
    from graph.office import office_view

    ds = api.snapshot(open_store(f"sqlite:///{demo}"))
    recommended = {r.alliance: r.offer_type for r in
                   office_view(ds, "sb-koeln", at.session_state["as_of"]).worklist}
    choices = at.selectbox(key="buero_plan_buendnis").options
    assert len(choices) > 1
    for alliance in list(recommended)[:4]:
        at.selectbox(key="buero_plan_buendnis").set_value(alliance).run()
        assert at.selectbox(key="buero_plan_art").value == recommended[alliance]


def test_planning_the_recommended_offer_needs_no_reason_and_says_so_at_the_form(demo):
    at = office_page("admin")
    at.button(key="buero_plan_speichern").click().run()
    assert not at.exception and not at.error
    tab = at.tabs[0]  # the work list tab holds the form
    assert any(s.value.replace("\\", "").startswith("Geplant:") for s in tab.success)  # md() escapes
    store = open_store(f"sqlite:///{demo}")
    assert store.audit_log(1)[0].action == "Angebot geplant"


def test_the_work_list_filters_and_pages(demo):
    at = office_page("admin")
    first_page = cards(at)
    assert len(first_page) == 10  # 17 alliances in Nordrhein-Westfalen, ten per page
    at.selectbox(key="buero_seite").set_value(2).run()
    assert len(cards(at)) == 7 and set(cards(at)).isdisjoint(first_page)
    at.multiselect(key="buero_filter_status").set_value(["critical"]).run()
    assert len(cards(at)) == 3 and all("kritisch" in card for card in cards(at))
    at.multiselect(key="buero_filter_status").set_value([]).run()
    at.selectbox(key="buero_filter_kreis").set_value("05358").run()  # Düren
    assert [card for card in cards(at)] and all("Düren" in card for card in cards(at))
    at.multiselect(key="buero_filter_angebot").set_value(["hospitation"]).run()
    assert not at.exception


def test_filters_stay_when_the_user_visits_another_page(demo):
    at = office_page("admin")
    at.multiselect(key="buero_filter_status").set_value(["critical"]).run()
    at.switch_page("seiten/uebersicht.py").run()
    at.switch_page("seiten/buero.py").run()
    assert at.multiselect(key="buero_filter_status").value == ["critical"]
    assert len(cards(at)) == 3
