"""Sessions in a real browser (issue 19, item 2): a login survives a reload, a new tab and a bookmark;
logging out ends it in every tab; nobody gets in without an account (issue 14).

Needs Debian's /usr/bin/chromium; skipped locally without it, a failure when CI=true.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from graph import api
from graph.accounts import set_account
from graph.store import ENV_STORE, open_store

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "ui" / "app.py"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "ein-langes-passwort"


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} fehlt, im CI ist der Browsertest Pflicht")
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    port = _free_port()
    log = open(folder / "streamlit.log", "w")
    env = {**os.environ, ENV_STORE: uri, "BUENDNISNETZ_ACCOUNTS": str(accounts), "BUENDNISNETZ_LOGIN_DELAY": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true", "--server.port",
         str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("streamlit did not start:\n" + (folder / "streamlit.log").read_text())
            time.sleep(0.3)
        yield url, uri, accounts
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


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
