"""The app asks for a login once accounts exist, and each role sees only its own part of the graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_helpers import button, table
from streamlit.testing.v1 import AppTest

from graph import api
from graph.accounts import ENV_ACCOUNTS, set_account
from graph.store import ENV_STORE, open_store

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")
PASSWORD = "ein-langes-passwort"


@pytest.fixture
def demo_with_accounts(tmp_path, monkeypatch):
    path = tmp_path / "demo.db"
    store = open_store(f"sqlite:///{path}")
    api.load_demo(store, anchor=None)
    store.close()
    monkeypatch.setenv(ENV_STORE, f"sqlite:///{path}")
    accounts = tmp_path / "accounts.json"
    monkeypatch.setenv(ENV_ACCOUNTS, str(accounts))
    set_account("k.koeln", PASSWORD, "coordinator", kreis="05315", path=accounts)
    set_account("md", PASSWORD, "office", office="sb-magdeburg", path=accounts)


def login(name: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    button(at, "Anmelden").click().run()
    return at


def check_page_alliances(at: AppTest) -> set[str]:
    at.switch_page("seiten/check.py").run()
    assert not at.exception
    return set(table(at, "Bündnis", "Punktzahl", "Hinweise")["Bündnis"])


def test_without_login_no_data_is_shown(demo_with_accounts):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert [t.value for t in at.title] == ["Bündnisnetz – Anmeldung"]
    assert not at.dataframe


def test_a_wrong_password_is_refused(demo_with_accounts):
    at = login("k.koeln", "falsch-falsch-falsch")
    assert "stimmt nicht" in at.error[0].value
    assert [t.value for t in at.title] == ["Bündnisnetz – Anmeldung"]


def test_a_coordinator_sees_only_alliances_of_their_kreis(demo_with_accounts):
    names = check_page_alliances(login("k.koeln", PASSWORD))
    assert names and all("Köln" in n for n in names)


def test_office_staff_see_only_their_states(demo_with_accounts):
    names = check_page_alliances(login("md", PASSWORD))
    assert names and not any("Köln" in n or "Bielefeld" in n for n in names)


def test_with_single_sign_on_configured_the_login_offers_it_and_shows_no_data(demo_with_accounts):
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "buendnisnetz", "client_secret": "geheim",
                          "server_metadata_url": "https://idp.invalid/.well-known/openid-configuration"}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button if b.key == "login_oidc"] == ["Mit Organisationskonto anmelden"]
    assert not at.dataframe


# -- issue 14: login fails closed, sessions are rebound and cleared, lockout, audit ----------------

@pytest.fixture
def no_login_delay(monkeypatch):
    monkeypatch.setenv("BUENDNISNETZ_LOGIN_DELAY", "0")


def sidebar_text(at: AppTest) -> str:
    return " ".join(c.value for c in at.sidebar.caption)


def test_a_mistyped_accounts_path_shows_no_data_and_says_why(demo_with_accounts, monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_ACCOUNTS, str(tmp_path / "konten.jsno"))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    assert not at.dataframe and "Angemeldet" not in sidebar_text(at)
    assert "konten.jsno" in at.error[0].value and "--single-user" in at.error[0].value


def test_repeated_failures_lock_the_login(demo_with_accounts, no_login_delay):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    for _ in range(5):
        at.text_input(key="login_name").input("k.koeln")
        at.text_input(key="login_password").input("falsch-falsch-falsch")
        button(at, "Anmelden").click().run()
    at.text_input(key="login_name").input("k.koeln")
    at.text_input(key="login_password").input(PASSWORD)
    button(at, "Anmelden").click().run()
    assert "gesperrt" in at.error[0].value
    assert [t.value for t in at.title] == ["Bündnisnetz – Anmeldung"]


def test_logout_clears_everything_the_previous_user_had(demo_with_accounts, no_login_delay):
    at = login("md", PASSWORD)
    at.session_state["daten_export_datei"] = (b"NW-Daten", "x.json", "application/json")
    at.run()
    logout = next(b for b in at.sidebar.button if b.key == "logout")
    logout.click().run()
    assert [t.value for t in at.title] == ["Bündnisnetz – Anmeldung"]
    assert "daten_export_datei" not in at.session_state
    at.text_input(key="login_name").input("k.koeln")
    at.text_input(key="login_password").input(PASSWORD)
    button(at, "Anmelden").click().run()
    assert "daten_export_datei" not in at.session_state
    assert "k.koeln" in sidebar_text(at)


def test_logins_failures_and_logouts_are_audited(demo_with_accounts, no_login_delay):
    import os

    at = login("k.koeln", "falsch-falsch-falsch")
    at.text_input(key="login_name").input("k.koeln")
    at.text_input(key="login_password").input(PASSWORD)
    button(at, "Anmelden").click().run()
    next(b for b in at.sidebar.button if b.key == "logout").click().run()
    with open_store(os.environ[ENV_STORE]) as store:
        actions = [(e.user, e.action) for e in reversed(store.audit_log(10))]
    assert actions[-3:] == [("k.koeln", "Anmeldung fehlgeschlagen"), ("k.koeln", "Anmeldung"),
                            ("k.koeln", "Abmeldung")]


def test_only_admins_see_where_the_store_is(demo_with_accounts, no_login_delay, tmp_path):
    import os

    set_account("chef", PASSWORD, "admin", path=Path(os.environ[ENV_ACCOUNTS]))
    assert "Datenspeicher" not in sidebar_text(login("k.koeln", PASSWORD))
    assert "Datenspeicher" in sidebar_text(login("chef", PASSWORD))


def test_a_viewer_clicking_dismiss_gets_a_german_message(demo_with_accounts, no_login_delay):
    import os

    set_account("leser", PASSWORD, "viewer", path=Path(os.environ[ENV_ACCOUNTS]))
    at = login("leser", PASSWORD)
    at.switch_page("seiten/vorschlaege.py").run()
    dismiss = next(b for b in at.button if b.key and b.key.startswith("verwerfen|"))
    dismiss.click().run()
    assert not at.exception
    assert any("nur lesen" in e.value for e in at.error)


RULE = "sehen nur die Administration und die Koordination ihres eigenen Kreises"


def test_the_pseudonym_rule_is_stated_once_the_same_in_readme_and_app(demo_with_accounts, no_login_delay):
    readme = " ".join((Path(APP).parent.parent / "README.md").read_text(encoding="utf-8").split())
    assert RULE in readme and "eigenen Bündnisses" not in readme
    at = login("k.koeln", PASSWORD)
    at.switch_page("seiten/ueber.py").run()
    text = " ".join(m.value for m in at.markdown)
    assert RULE in " ".join(text.split()) and "eigenen Bündnisses" not in text
    assert not any("Datenspeicher" in c.value for c in at.caption)  # the store's path is for admins
