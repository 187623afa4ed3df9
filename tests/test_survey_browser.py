"""A survey wave end to end in a real Chromium: start, three respondents answer, one revises, close, results.

The respondent page opens by token only; a wrong token and a closed wave's token show the same
friendly page and no data, and a respondent's session reaches nothing else of the app.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from browser_support import ROOT, start_app

from graph import api
from graph.accounts import ENV_ACCOUNTS, set_account
from graph.cli import main
from graph.store import ENV_STORE, open_store

pytestmark = pytest.mark.browser

#: Screenshots go to out/screenshots (ignored by git); SCREENSHOTS_DIR=docs/screenshots refreshes the README's.
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "out" / "screenshots")
ALLIANCE = "demo-b06"  # five member persons, none of them a young refugee
FRIENDLY = "Dieser Link ist nicht gültig oder die Befragung ist schon beendet"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app on the demo store, with accounts (so everything but the survey page needs a login)."""
    folder = tmp_path_factory.mktemp("survey_browser")
    uri = f"sqlite:///{folder / 'demo.db'}"
    store = open_store(uri)
    api.load_demo(store)
    store.close()
    accounts = folder / "accounts.json"
    set_account("admin", "geheim-admin-1", "admin", path=accounts)
    set_account("k.bonn", "geheim-bonn-1", "coordinator", kreis="05314", path=accounts)
    for url in start_app(folder, {ENV_STORE: uri, ENV_ACCOUNTS: str(accounts)}):
        yield {"url": url, "uri": uri, "folder": folder, "accounts": accounts}


def settle(tab) -> None:
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    tab.wait_for_timeout(600)


def cli(app, monkeypatch, capsys, *args) -> str:
    monkeypatch.setenv(ENV_ACCOUNTS, str(app["accounts"]))
    capsys.readouterr()
    code = main(["--store", app["uri"], "--user", "k.bonn", *args])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def block(tab, name: str):
    return tab.locator("[class*='st-key-mitglied_']").filter(
        has=tab.get_by_role("heading", name=name, exact=True))


def answer(tab, name: str, works: str, frequency: str | None = None, trust: int | None = None,
           value: int | None = None) -> None:
    """Fill one member's block: radio groups are works, frequency, three trust and three value items."""
    groups = block(tab, name).locator("[role=radiogroup]")
    groups.nth(0).get_by_text(works, exact=True).click()
    if frequency:
        groups.nth(1).get_by_text(frequency, exact=True).click()
    for k in range(3):
        if trust:
            groups.nth(2 + k).get_by_text(f"{trust} –", exact=False).click()
        if value:
            groups.nth(5 + k).get_by_text(f"{value} –", exact=False).click()


def save(tab) -> None:
    tab.get_by_role("button", name="Antworten speichern").click()
    tab.get_by_text("Vielen Dank!").wait_for(timeout=60_000)


def open_link(tab, link: str) -> None:
    tab.goto(link)
    tab.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
    settle(tab)


def test_a_wave_from_start_to_results(app, chromium, monkeypatch, capsys, tmp_path):
    links = json.loads(cli(app, monkeypatch, capsys, "survey", "start", "--alliance", ALLIANCE, "--base-url",
                           app["url"], "--format", "json"))
    assert len(links) == 5
    ds = open_store(app["uri"]).read()
    names = {x["member"]: ds.actors[x["member"]].name for x in links}
    a, b, c = links[0], links[1], links[2]

    context = chromium.new_context(viewport={"width": 1200, "height": 1000}, locale="de-DE")
    tab = context.new_page()
    # Respondent A: works with B monthly, trust 4, value 3.
    open_link(tab, a["link"])
    assert tab.get_by_role("heading", level=1).inner_text().startswith("Netzwerkbefragung")
    answer(tab, names[b["member"]], "ja", "monatlich", 4, 3)
    answer(tab, names[c["member"]], "nein")
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.locator("[class*='st-key-mitglied_']").first.scroll_into_view_if_needed()
    tab.get_by_role("heading", level=1).scroll_into_view_if_needed()
    tab.screenshot(path=str(SHOTS / "befragung_antwort.png"))
    tab.get_by_label("Wer fehlt?", exact=False).fill("Frau Neu vom Sportverein")
    save(tab)
    # B: works with A weekly, trust 3, value 2. C: works with A rarely, trust 2, value 4 (one-sided).
    open_link(tab, b["link"])
    answer(tab, names[a["member"]], "ja", "wöchentlich", 3, 2)
    save(tab)
    open_link(tab, c["link"])
    answer(tab, names[a["member"]], "ja", "seltener", 2, 4)
    save(tab)
    # A revises: trust in B down to 2; the earlier answers are shown pre-filled.
    open_link(tab, a["link"])
    tab.get_by_text("Sie haben schon geantwortet").wait_for()
    answer(tab, names[b["member"]], "ja", None, 2, None)
    save(tab)

    # The respondent's session reaches nothing else: other pages ask for a login.
    tab.goto(app["url"] + "/netzwerkkarte")
    tab.get_by_text("Bündnisnetz – Anmeldung").wait_for(timeout=60_000)
    settle(tab)
    body = tab.locator("body").inner_text()
    assert names[b["member"]] not in body and "Demo" not in body

    # A wrong token shows the friendly page and nothing of the data.
    open_link(tab, app["url"] + "/?t=" + "A" * 22)
    tab.get_by_text(FRIENDLY).wait_for(timeout=60_000)
    body = tab.locator("body").inner_text()
    assert FRIENDLY in body and "Demo" not in body and "Anmeldung" not in body

    status = json.loads(cli(app, monkeypatch, capsys, "survey", "status", f"{ALLIANCE}-w1", "--format", "json"))
    assert (status["invited"], status["answered"], status["response_rate"]) == (5, 3, 0.6)
    assert [m["name"] for m in json.loads(cli(app, monkeypatch, capsys, "survey", "missing", f"{ALLIANCE}-w1",
                                              "--format", "json"))] == ["Frau Neu vom Sportverein"]
    cli(app, monkeypatch, capsys, "survey", "close", f"{ALLIANCE}-w1")

    # A closed wave's token: the same friendly page.
    open_link(tab, a["link"])
    tab.get_by_text(FRIENDLY).wait_for(timeout=60_000)
    body = tab.locator("body").inner_text()
    assert FRIENDLY in body and names[b["member"]] not in body
    tab.screenshot(path=str(SHOTS / "befragung_ungueltig.png"))
    context.close()

    # The coordinator sees the results on the Bündnis-Check's Befragung tab.
    context = chromium.new_context(viewport={"width": 1400, "height": 1600}, locale="de-DE")
    tab = context.new_page()
    tab.goto(app["url"] + "/buendnis-check")
    tab.get_by_label("Benutzername").fill("k.bonn")
    tab.get_by_label("Passwort").fill("geheim-bonn-1")
    tab.get_by_role("button", name="Anmelden").click()
    tab.get_by_text("Angemeldet: k.bonn").wait_for(timeout=60_000)
    tab.get_by_role("link", name="Bündnis-Check").first.click()  # a reload would start a new session
    tab.get_by_role("heading", name="Bündnis-Check", level=1).wait_for(timeout=60_000)
    settle(tab)
    tab.get_by_role("tab", name="Befragung").click()
    tab.get_by_text(f"Letzte Welle {ALLIANCE}-w1").wait_for(timeout=60_000)
    tab.get_by_text(f"Letzte Welle {ALLIANCE}-w1").scroll_into_view_if_needed()
    settle(tab)
    tab.screenshot(path=str(SHOTS / "befragung_ergebnis.png"))
    assert "2,33" in tab.locator("body").inner_text()  # mean trust
    context.close()

    health = json.loads(cli(app, monkeypatch, capsys, "health", "--alliance", ALLIANCE, "--format", "json"))[0]
    assert health["survey"] == {"wave": f"{ALLIANCE}-w1", "closed": health["survey"]["closed"],
                                "response_rate": 0.6, "density": 0.2, "trust": 2.333, "value": 3.0}

    out = tmp_path / "export.json"
    cli(app, monkeypatch, capsys, "export", "--format", "json", "--out", str(out))
    ties = {(t["source"], t["target"]): t for t in json.loads(out.read_text(encoding="utf-8"))["ties"]
            if t.get("wave") == f"{ALLIANCE}-w1"}
    ab = ties.get((a["member"], b["member"])) or ties[(b["member"], a["member"])]
    assert (ab["trust"], ab["value"], ab["frequency"], ab.get("reported_by")) == (2.5, 2.5, "monatlich", None)
    ca = ties[(c["member"], a["member"])]
    assert (ca["reported_by"], ca["trust"], ca["value"], ca["frequency"]) == (c["member"], 2.0, 4.0, "seltener")

    html = tmp_path / "karte.html"
    cli(app, monkeypatch, capsys, "map", "--alliance", ALLIANCE, "--out", str(html))
    text = html.read_text(encoding="utf-8")
    assert "Vertrauen 2,5" in text and "einseitig berichtet" in text
