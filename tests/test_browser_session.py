"""Sessions in a real browser (issue 19, item 2): a login survives a reload, a new tab and a bookmark;
logging out ends it in every tab; nobody gets in without an account (issue 14).

Needs Debian's /usr/bin/chromium; skipped locally without it, a failure when CI=true.
"""

from __future__ import annotations

import json

import pytest
from browser_support import start_app

from graph import api
from graph.accounts import set_account
from graph.store import ENV_STORE, open_store

pytestmark = pytest.mark.browser

PASSWORD = "ein-langes-passwort"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app on a free port with the demo data and two accounts."""
    folder = tmp_path_factory.mktemp("sitzung")
    uri = f"sqlite:///{folder / 'demo.db'}"
    store = open_store(uri)
    api.load_demo(store)
    store.close()
    accounts = folder / "konten.json"
    set_account("chef", PASSWORD, "admin", path=accounts)
    set_account("k.koeln", PASSWORD, "coordinator", kreis="05315", path=accounts)
    env = {ENV_STORE: uri, "BUENDNISNETZ_ACCOUNTS": str(accounts), "BUENDNISNETZ_LOGIN_DELAY": "0"}
    for url in start_app(folder, env):
        yield url, uri, accounts


def _wait_for(tab, text: str) -> None:
    tab.get_by_text(text).first.wait_for(timeout=60_000)


def _login(tab, url: str, name: str) -> None:
    tab.goto(url)
    tab.get_by_label("Benutzername").fill(name)
    tab.get_by_label("Passwort").fill(PASSWORD)
    tab.get_by_role("button", name="Anmelden").click()
    _wait_for(tab, f"Angemeldet: {name}")


def _logged_in_as(tab, name: str) -> bool:
    try:
        _wait_for(tab, f"Angemeldet: {name}")
        return True
    except Exception:
        return False


def _on_login_page(tab) -> bool:
    tab.get_by_role("heading", name="Bündnisnetz – Anmeldung").wait_for(timeout=60_000)
    return True


def test_a_login_survives_reload_new_tab_and_bookmark_until_logout(chromium, app):
    url, _, accounts = app
    context = chromium.new_context(locale="de-DE")
    tab = context.new_page()
    _login(tab, url, "k.koeln")
    tab.wait_for_timeout(500)
    cookies = {c["name"]: c for c in context.cookies()}
    assert "buendnisnetz_sitzung" in cookies and cookies["buendnisnetz_sitzung"]["sameSite"] == "Strict"
    tab.reload()
    assert _logged_in_as(tab, "k.koeln")
    second = context.new_page()
    second.goto(f"{url}/buendnis-check")  # a bookmark in a new tab
    assert _logged_in_as(second, "k.koeln")
    second.get_by_role("button", name="Abmelden").click()
    assert _on_login_page(second)
    tab.reload()  # the other tab's session ended too (server-side revocation)
    assert _on_login_page(tab)
    assert json.loads(accounts.read_text())["sessions"]["k.koeln"] >= 1
    context.close()


def test_a_stolen_old_cookie_is_void_after_logout(chromium, app):
    url, _, _ = app
    context = chromium.new_context(locale="de-DE")
    tab = context.new_page()
    _login(tab, url, "chef")
    tab.wait_for_timeout(500)
    stolen = [c for c in context.cookies() if c["name"] == "buendnisnetz_sitzung"]
    tab.get_by_role("button", name="Abmelden").click()
    assert _on_login_page(tab)
    thief = chromium.new_context(locale="de-DE")
    thief.add_cookies(stolen)
    other = thief.new_page()
    other.goto(url)
    assert _on_login_page(other)
    thief.close()
    context.close()


def test_a_forged_cookie_gives_no_access(chromium, app):
    url, _, _ = app
    context = chromium.new_context(locale="de-DE")
    host = url.split("//")[1].split(":")[0]
    context.add_cookies([{"name": "buendnisnetz_sitzung", "value": "eyJ1IjoiY2hlZiIsImciOjB9.Zz1234.abcdefghijklmnop",
                          "domain": host, "path": "/"}])
    tab = context.new_page()
    tab.goto(url)
    assert _on_login_page(tab)
    context.close()
