"""The app and the standalone map in a real Chromium (playwright): pages render, the map draws, names stay text.

Everyday workflows are walked as a coordinator and as Servicebüro staff. Every test fails on a request
to any host but 127.0.0.1, on an internal code (``BELOW_MIN_PARTNERS``) in visible text and, where a page
is checked, on a serious or critical axe-core finding (WCAG 2.1 A/AA). axe-core comes from npm
(``package.json`` at the repository root; the fixture runs ``npm install`` when it is missing).

Screenshots of every page go to out/screenshots/ (SCREENSHOTS_DIR=docs/screenshots refreshes the
README's). Needs Debian's /usr/bin/chromium;
without it these tests are skipped locally and fail when CI=true.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_support import ROOT, start_app

from graph import api
from graph.accounts import ENV_ACCOUNTS, set_account, set_single_user
from graph.model import Actor, Alliance, Dataset, Institution, Membership, Municipality
from graph.netmap import build_network, render_html
from graph.store import ENV_STORE, open_store
from ui.menu import APP_PAGES

pytestmark = pytest.mark.browser

#: Screenshots go to out/screenshots (ignored by git); SCREENSHOTS_DIR=docs/screenshots refreshes the README's.
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "out" / "screenshots")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: An internal code such as BELOW_MIN_PARTNERS or MEMBER_OF: never in what a user reads.
RAW_CODE = re.compile(r"\b[A-Z]+_[A-Z_]+\b")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "ein-langes-passwort"
COORDINATOR = "k.dueren"  # Kreis Düren (05358), one critical demo alliance
OFFICE_STAFF = "b.koeln"  # Servicebüro Köln: all of Nordrhein-Westfalen
DUEREN = "Netzwerk junge Geflüchtete Düren (Demo)"
# url path, h1 title, screenshot name, from the app's own list (ui/menu.py); the default page is "/".
# A page URL comes first: the first request need not be "/".
PAGES = sorted([("" if p.default else p.url_path, p.heading, p.name) for p in APP_PAGES], key=lambda t: t[0] == "")


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script from the repository's npm install (run here when node_modules is missing)."""
    if not AXE.exists() and shutil.which("npm"):
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=ROOT, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, timeout=300)
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{AXE} fehlt (npm install im Projektverzeichnis)")
        pytest.skip("axe-core not installed (npm install)")
    return AXE.read_text(encoding="utf-8")


def demo_store(folder: Path) -> str:
    uri = f"sqlite:///{folder / 'demo.db'}"
    store = open_store(uri)
    api.load_demo(store)
    store.close()
    return uri


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app on the demo store without accounts (everyone acts as admin); stopped after the module."""
    folder = tmp_path_factory.mktemp("browser")
    single_user = set_single_user(folder / "einzelplatz.json")
    yield from start_app(folder, {ENV_STORE: demo_store(folder), ENV_ACCOUNTS: str(single_user)})


@pytest.fixture(scope="module")
def accounts_app(tmp_path_factory):
    """The app on the demo store with a coordinator (Düren) and Servicebüro staff (Köln); yields (url, store URI)."""
    folder = tmp_path_factory.mktemp("browser-konten")
    uri = demo_store(folder)
    accounts = folder / "konten.json"
    set_account(COORDINATOR, PASSWORD, "coordinator", kreis="05358", path=accounts)
    set_account(OFFICE_STAFF, PASSWORD, "office", office="sb-koeln", path=accounts)
    for url in start_app(folder, {ENV_STORE: uri, ENV_ACCOUNTS: str(accounts), "BUENDNISNETZ_LOGIN_DELAY": "0"}):
        yield url, uri


def foreign(url: str) -> bool:
    """A request that would leave this machine (data: and blob: URLs stay in the page)."""
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob", "file", "about") and parts.hostname not in ("127.0.0.1",)


def new_tab(context):
    tab = context.new_page()
    tab.dialogs = []  # any alert() would mean a name from the data ran as script
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    return tab


@pytest.fixture
def browser_context(chromium):
    """A fresh browser profile; the test fails when anything in it asked a host other than 127.0.0.1."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE",
                                   timezone_id="Europe/Berlin")
    context.requests = []
    context.on("request", lambda request: context.requests.append(request.url))
    yield context
    context.close()
    assert [url for url in context.requests if foreign(url)] == []


@pytest.fixture
def page(browser_context):
    return new_tab(browser_context)


def settle(tab) -> None:
    """Wait until Streamlit has finished running the page (its status widget is gone)."""
    tab.wait_for_timeout(300)
    tab.wait_for_function("""() => !document.querySelector('[data-testid="stStatusWidget"]')
        && !document.querySelector('[data-testid="stSkeleton"]')
        && !document.querySelector('[data-stale="true"]')""", timeout=60_000)
    tab.wait_for_timeout(800)


def open_page(tab, base: str, path: str, title: str) -> None:
    tab.goto(f"{base}/{path}")
    tab.get_by_role("heading", name=title, level=1).wait_for(timeout=60_000)
    settle(tab)


def assert_no_error_shown(tab) -> None:
    assert tab.get_by_text("Stichtag", exact=True).is_visible()  # ran inside app.py's navigation
    assert tab.locator('[data-testid="stException"]').count() == 0
    body = tab.locator("body").inner_text()
    assert "Traceback" not in body
    assert "Page not found" not in body  # a direct link to a page must open it without complaint
    assert RAW_CODE.findall(body) == []  # German labels, not internal codes
    assert tab.dialogs == []


def assert_accessible(tab, axe_source: str) -> None:
    """No serious or critical axe-core finding for WCAG 2.1 A/AA on the page as it is now."""
    if not tab.evaluate("() => typeof axe !== 'undefined'"):
        tab.add_script_tag(content=axe_source)
    result = tab.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, iframes: false})
        .then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
        .map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)})))""",
                          WCAG_TAGS)
    assert result == [], "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n  " + "\n  ".join(v["nodes"])
                                   for v in result)


def screenshot(tab, name: str, height: int = 1600) -> None:
    """The app scrolls inside its main container, so a tall viewport shows the whole page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.set_viewport_size({"width": 1400, "height": height})
    tab.wait_for_timeout(1500)  # let the map settle after the resize
    tab.screenshot(path=str(SHOTS / f"{name}.png"))


def map_frame(tab):
    """The frame holding a drawn network map (its canvas exists)."""
    tab.wait_for_function(
        "() => [...document.querySelectorAll('iframe')].some(f => f.contentDocument"
        " && f.contentDocument.querySelector('#mynetwork canvas'))", timeout=30_000)
    return next(f for f in tab.frames if f.query_selector("#mynetwork canvas"))


def hover_node(tab, frame, node_id: str) -> str:
    """Move the mouse onto a node and return the tooltip's visible text."""
    frame.wait_for_function("() => typeof network !== 'undefined'")
    frame.wait_for_timeout(1500)  # physics settling
    point = frame.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", node_id)
    canvas = frame.locator("#mynetwork").bounding_box()  # page coordinates, frame offset included
    tab.mouse.move(canvas["x"] + point["x"], canvas["y"] + point["y"])
    tooltip = frame.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    return tooltip.inner_text()


def selected(tab, label: str) -> str:
    """What a Streamlit selectbox shows as chosen."""
    box = tab.get_by_role("combobox", name=label, exact=True)
    return box.input_value() or box.get_attribute("placeholder") or ""


def choose(tab, label: str, option: str) -> None:
    """Pick an option of a Streamlit selectbox by typing it."""
    box = tab.get_by_label(label, exact=True)
    box.click()
    box.fill(option)
    tab.get_by_role("option", name=option).first.click()
    settle(tab)


@pytest.mark.parametrize("path,title,name", PAGES, ids=[p[2] for p in PAGES])
def test_every_page_renders_without_error(app_url, page, axe_source, path, title, name):
    open_page(page, app_url, path, title)
    assert_no_error_shown(page)
    assert_accessible(page, axe_source)
    screenshot(page, name)


def test_map_draws_and_hovering_a_node_shows_its_tooltip(app_url, page):
    open_page(page, app_url, "netzwerkkarte", "Netzwerkkarte")
    choose(page, "Kreis", "Köln, Stadt (05315)")
    frame = map_frame(page)
    alliance = frame.evaluate("() => nodes.getIds().find(id => id.startsWith('demo-b'))")
    text = hover_node(page, frame, alliance)
    assert text.startswith("Bündnis: ") and "Status:" in text
    assert_no_error_shown(page)
    screenshot(page, "karte_kreis_koeln", 1300)


def test_check_page_shows_the_flagged_alliances(app_url, page):
    open_page(page, app_url, "buendnis-check", "Bündnis-Check")
    flag = page.get_by_text("Zu wenige Partner").first
    assert flag.is_visible()
    page.get_by_role("tab", name="Karte").click()
    frame = map_frame(page)
    assert frame.evaluate("() => nodes.get().some(n => n.label.startsWith('⚠'))")  # the alliance, marked
    flag.scroll_into_view_if_needed()
    screenshot(page, "check_einzelheiten", 1400)


def test_standalone_map_loads_nothing_and_shows_names_as_text(chromium, tmp_path):
    ds = Dataset()
    ds.add(Municipality("05315", "Köln", "kreisfreie_stadt", "NW"))
    ds.add(Alliance("b1", "</script><script>alert(1)</script>", "05315"))
    ds.add(Institution("i1", "<img src=x onerror=alert(2)>", "initiative", "zivilgesellschaft", "05315"))
    ds.add(Actor("y1", "Echter Name", municipality="05315", is_refugee_youth=True, pseudonym="Jugendliche*r AB12"))
    ds.add(Membership("i1", "b1", date(2024, 1, 1)))
    ds.add(Membership("y1", "b1", date(2024, 1, 1)))
    html_file = tmp_path / "karte.html"
    html_file.write_text(render_html(build_network(ds, date(2026, 1, 1))), encoding="utf-8")

    context = chromium.new_context(viewport={"width": 1000, "height": 800})
    tab = context.new_page()
    requests, dialogs = [], []
    tab.on("request", lambda request: requests.append(request.url))
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.goto(html_file.as_uri())
    text = hover_node(tab, tab.main_frame, "i1")
    assert text.startswith("Einrichtung: <img src=x onerror=alert(2)>")  # literal, not an image, no &lt;
    tooltip_text = hover_node(tab, tab.main_frame, "b1")
    assert tooltip_text.startswith("Bündnis: </script><script>alert(1)</script>")
    assert tab.locator("img").count() == 0
    assert "Echter Name" not in tab.content()
    assert dialogs == []
    assert requests == [html_file.as_uri()]
    context.close()


def test_uploaded_file_with_errors_is_rejected_with_its_problems(app_url, page, tmp_path):
    bad = tmp_path / "actors.csv"
    bad.write_text("id;name;institution\np-neu;Neue Person;gibt-es-nicht\n", encoding="utf-8")
    open_page(page, app_url, "datenbestand", "Daten")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
    settle(page)
    page.get_by_role("button", name="Probelauf (nichts speichern)").click()
    settle(page)
    assert page.get_by_text("Es wurde nichts gespeichert").first.is_visible()
    assert_no_error_shown(page)
    screenshot(page, "daten_fehler", 1200)


# -- everyday workflows with accounts ----------------------------------------------------------------

def login(tab, base: str, name: str) -> None:
    """Log in with the keyboard only: type, Tab to the next field, Enter submits the form."""
    tab.goto(base)
    tab.get_by_role("heading", name="Bündnisnetz – Anmeldung", level=1).wait_for(timeout=60_000)
    settle(tab)
    tab.get_by_label("Benutzername").focus()
    tab.keyboard.type(name)
    tab.keyboard.press("Tab")
    tab.keyboard.type(PASSWORD)
    tab.keyboard.press("Enter")
    tab.get_by_role("heading", name="Übersicht", level=1).wait_for(timeout=60_000)
    settle(tab)


def go(tab, title: str, link: str | None = None) -> None:
    """Open a page through the navigation (the session lives in this tab)."""
    tab.get_by_role("link", name=link or title).first.click()
    tab.get_by_role("heading", name=title, level=1).wait_for(timeout=60_000)
    settle(tab)


def press(tab, button) -> None:
    """Use a button with the keyboard: focus it and press Enter."""
    button.focus()
    tab.keyboard.press("Enter")
    settle(tab)


def shown_message(tab, kind: str) -> str:
    """The text of the alerts of one kind (stAlertContentSuccess, …) now on the page."""
    return " ".join(tab.locator(f'[data-testid="stAlertContent{kind}"]').all_inner_texts())


def test_office_staff_accept_then_dismiss_on_the_same_alliance(accounts_app, page, axe_source):
    url, uri = accounts_app
    login(page, url, OFFICE_STAFF)
    go(page, "Vorschläge")
    choose(page, "Bündnis", f"{DUEREN} (kritisch)")
    choose(page, "Art", "Mitgliedschaft")  # a new partner: the accept changes the alliance's status
    assert_accessible(page, axe_source)
    screenshot(page, "vorschlaege_dueren", 1400)
    press(page, page.get_by_role("button", name="Annehmen").first)  # keyboard only
    assert "Übernommen" in shown_message(page, "Success")
    press(page, page.get_by_role("button", name="Verwerfen").first)
    assert "Verworfen" in shown_message(page, "Success")
    assert selected(page, "Bündnis").startswith(DUEREN)  # the page stayed on the alliance
    assert "kritisch" not in selected(page, "Bündnis")  # and its label says what the accept changed
    assert_no_error_shown(page)
    store = open_store(uri)
    actions = [entry.action for entry in store.audit_log(2)]
    store.close()
    assert actions[0] == "dismiss" and actions[1].startswith("Vorschlag angenommen")
    screenshot(page, "vorschlaege_verworfen", 1400)


def test_coordinator_imports_a_csv_that_names_the_alliance(accounts_app, page, axe_source, tmp_path):
    url, uri = accounts_app
    csv_file = tmp_path / "Mitgliedschaften.csv"
    csv_file.write_text(f"Mitglied;Bündnis;seit\nSozialamt Düren (Demo);{DUEREN};01.11.2026\n", encoding="utf-8")
    login(page, url, COORDINATOR)
    assert_no_error_shown(page)
    assert_accessible(page, axe_source)
    page.reload()  # the session outlives a reload ...
    page.get_by_role("heading", name="Übersicht", level=1).wait_for(timeout=60_000)
    other = new_tab(page.context)  # ... and reaches a new tab
    other.goto(f"{url}/buendnis-check")
    other.get_by_role("heading", name="Bündnis-Check", level=1).wait_for(timeout=60_000)
    settle(other)
    assert_no_error_shown(other)
    other.close()
    settle(page)
    go(page, "Daten")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv_file))
    settle(page)
    body = page.locator("body").inner_text()
    assert "Mitgliedschaften" in body and "memberships" not in body  # German list names in the preview
    assert "Drag and drop" not in body and "per file" not in body  # Streamlit's English uploader texts
    assert_accessible(page, axe_source)
    screenshot(page, "daten_import_vorschau", 1200)
    button = page.get_by_role("button", name="Importieren")
    button.focus()
    page.keyboard.press("Enter")  # keyboard only
    settle(page)
    assert "Import gespeichert: 1 neu" in shown_message(page, "Success")
    assert_no_error_shown(page)
    store = open_store(uri)
    assert any(m.member == "demo-i186" and m.alliance == "demo-b16" for m in store.read().memberships.values())
    store.close()


def test_office_staff_plan_the_recommended_offer(accounts_app, page, axe_source):
    from graph.model import OFFER_TYPES
    from graph.office import office_view

    url, uri = accounts_app
    login(page, url, OFFICE_STAFF)
    go(page, "Servicebüro")
    assert selected(page, "Servicebüro").startswith("Servicebüro Köln")  # their own office
    assert_no_error_shown(page)
    assert_accessible(page, axe_source)
    store = open_store(uri)
    worklist = office_view(api.snapshot(store), "sb-koeln", date.today()).worklist
    store.close()
    target = next(r for r in worklist[1:] if r.offer_type != worklist[0].offer_type and not r.override)
    choose(page, "Bündnis", target.name)
    assert selected(page, "Angebot") == OFFER_TYPES[target.offer_type]  # follows the recommendation
    page.get_by_role("button", name="Angebot planen").click()
    settle(page)
    message = page.locator('[data-testid="stAlertContentSuccess"]').first
    assert message.inner_text().startswith(f"Geplant: {OFFER_TYPES[target.offer_type]} am ")
    box, button = message.bounding_box(), page.get_by_role("button", name="Angebot planen").bounding_box()
    assert 0 < box["y"] - button["y"] < 150  # right below the form's button, not at the top of the page
    assert_no_error_shown(page)
    screenshot(page, "buero_geplant", 1400)
    store = open_store(uri)
    assert store.audit_log(1)[0].action == "Angebot geplant"
    planned = [o for o in store.read().offers.values() if o.alliance == target.alliance and o.date > date.today()]
    store.close()
    assert [o.type for o in planned] == [target.offer_type]


def test_phone_viewport(accounts_app, browser_context, axe_source):
    url, _ = accounts_app
    page = new_tab(browser_context)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, url, COORDINATOR)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_attribute("data-collapsed") == "true"  # the page is not covered
    metrics = page.locator('[data-testid="stMetric"]')
    tops = [metrics.nth(i).bounding_box()["y"] for i in range(metrics.count())]
    assert len(set(tops)) < len(tops)  # at least two metrics side by side, not one per row
    assert_accessible(page, axe_source)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "telefon_uebersicht.png"))
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    page.wait_for_timeout(800)
    assert sidebar.get_attribute("data-collapsed") == "false"
    page.get_by_role("link", name="Bündnis-Check").first.click()
    page.get_by_role("heading", name="Bündnis-Check", level=1).wait_for(timeout=60_000)
    settle(page)
    page.wait_for_timeout(1000)  # the sidebar's closing animation
    assert sidebar.get_attribute("data-collapsed") == "true"  # closed again after navigating
    body = page.locator("body").inner_text()
    assert "links" not in body.split("Bündnis-Check", 1)[-1].lower().replace("verlinkt", "")
    assert_no_error_shown(page)
    assert_accessible(page, axe_source)
    page.screenshot(path=str(SHOTS / "telefon_check.png"))


def test_office_staff_filter_the_check_with_the_keyboard(accounts_app, page, axe_source):
    url, _ = accounts_app
    login(page, url, OFFICE_STAFF)
    go(page, "Bündnis-Check")
    chips = page.locator('[data-testid="stMultiSelect"]').first.locator('[data-tag] > span[title]')
    assert chips.all_inner_texts() == ["kritisch", "Warnung", "in Ordnung"]
    page.get_by_role("combobox", name="Status").focus()
    for _ in range(2):  # keyboard only: Backspace removes the last chosen status
        page.keyboard.press("Backspace")
        settle(page)
    page.keyboard.press("Escape")
    assert chips.all_inner_texts() == ["kritisch"]
    assert_no_error_shown(page)
    assert_accessible(page, axe_source)
    screenshot(page, "check_kritisch", 1400)
    go(page, "Übersicht")
    go(page, "Bündnis-Check")
    assert chips.all_inner_texts() == ["kritisch"]  # the filter stays for the session
