"""The map page in a real Chromium at 1440×900: levels, labels, map ↔ panel, search, PNG export, no requests out.

Runs the app on the demo store (as ``buendnisnetz serve`` does, warmed first) and drives the map component
through its DOM and vis-network's own geometry: label boxes come from vis-network
(``getPositions()`` and each label's measured size), so a label the viewer lets overlap another,
or run off the frame, fails here. Screenshots of the Bund, Land, Kreis and ego views go to
out/screenshots/ (SCREENSHOTS_DIR=docs/screenshots refreshes the README's). Needs Debian's
/usr/bin/chromium (skipped without it, a failure when CI=true).
"""

from __future__ import annotations

import io
import os
import re
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from browser_support import ROOT, start_app

from graph import api
from graph.store import ENV_STORE, open_store

pytestmark = pytest.mark.browser

#: Screenshots go to out/screenshots (ignored by git); SCREENSHOTS_DIR=docs/screenshots refreshes the README's.
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "out" / "screenshots")
VIEWPORT = {"width": 1440, "height": 900}
LEIPZIG = "14713"

# The label boxes vis-network drew (canvas → page pixels), the frame, and where each node is.
LABEL_BOXES = """() => {
  const scale = network.getScale();
  const positions = network.getPositions();
  const frame = document.getElementById("mynetwork");
  const boxes = [];
  for (const node of nodes.get()) {
    if (!node.label || !node.font || !(node.font.size > 0)) continue;
    const size = network.body.nodes[node.id].labelModule.size;
    const centre = network.canvasToDOM(positions[node.id]);
    const topLeft = network.canvasToDOM({x: size.left, y: size.top});
    const width = size.width * scale, height = size.height * scale;
    boxes.push({id: node.id, centre: centre.x, left: topLeft.x, top: topLeft.y,
                right: topLeft.x + width, bottom: topLeft.y + height, px: node.font.size * scale});
  }
  return {boxes: boxes, width: frame.clientWidth, height: frame.clientHeight, total: nodes.length};
}"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app on a free port with the demo store, started as ``buendnisnetz serve`` starts it (warmed
    first, ui/serve.py: the map must draw from the warmed caches); stopped after the module."""
    folder = tmp_path_factory.mktemp("map_browser")
    uri = f"sqlite:///{folder / 'demo.db'}"
    store = open_store(uri)
    api.load_demo(store)
    store.close()
    yield from start_app(folder, {ENV_STORE: uri}, warm=True)


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport=VIEWPORT, locale="de-DE", accept_downloads=True)
    tab = context.new_page()
    tab.requested = []
    tab.dialogs = []
    tab.on("request", lambda request: tab.requested.append(request.url))
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    outside = [u for u in tab.requested
               if urllib.parse.urlsplit(u).scheme in ("http", "https", "ws", "wss")
               and urllib.parse.urlsplit(u).hostname != "127.0.0.1"]
    context.close()
    assert outside == [], f"requests left 127.0.0.1: {outside[:5]}"
    assert tab.dialogs == []


def settle(tab) -> None:
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def map_frame(tab, has: str | None = None, where: str | None = None):
    """The map component's frame once its map is drawn (and holds node `has` / a node `where` is true for)."""
    check = "() => window.karte && window.karte.ready" + (f" && nodes.get({has!r}) !== null" if has else "")
    check += f" && nodes.get().some(n => {where})" if where else ""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for frame in tab.frames:
            if "/component/" in frame.url:
                try:
                    if frame.evaluate(check):
                        frame.wait_for_timeout(300)  # the relabelled frame is drawn
                        return frame
                except Exception:  # the frame is being replaced or still loading
                    pass
        tab.wait_for_timeout(200)
    raise AssertionError(f"map with {has!r} not drawn")


def open_map(tab, base: str):
    tab.goto(f"{base}/netzwerkkarte")
    tab.get_by_role("heading", name="Netzwerkkarte", level=1).wait_for(timeout=60_000)
    settle(tab)
    return map_frame(tab)


def node_point(tab, frame, node_id: str) -> tuple[float, float]:
    """Page coordinates of a node's centre."""
    point = frame.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", node_id)
    box = frame.locator("#mynetwork").bounding_box()
    return box["x"] + point["x"], box["y"] + point["y"]


def assert_labels_readable(frame, min_labels: int) -> dict:
    """No two drawn labels overlap, none leaves the frame, each is drawn at a readable size."""
    geometry = frame.evaluate(LABEL_BOXES)
    boxes = geometry["boxes"]
    assert len(boxes) >= min_labels, f"only {len(boxes)} labels drawn"
    for box in boxes:
        assert abs(box["centre"] - (box["left"] + box["right"]) / 2) < 1.5, box  # measured at the current zoom
        assert box["left"] >= -0.5 and box["top"] >= -0.5, f"label cut off: {box}"
        assert box["right"] <= geometry["width"] + 0.5 and box["bottom"] <= geometry["height"] + 0.5, box
        assert box["px"] >= 11, f"label too small to read: {box}"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap_x = min(a["right"], b["right"]) - max(a["left"], b["left"])
            overlap_y = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            assert overlap_x <= 1 or overlap_y <= 1, f"labels overlap: {a['id']} and {b['id']}"
    return geometry


def shot(tab, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.wait_for_timeout(300)
    tab.screenshot(path=str(SHOTS / f"{name}.png"))


def test_levels_bund_land_kreis_ego_are_readable_and_drill_down_by_click(app_url, page):
    frame = open_map(page, app_url)
    geometry = assert_labels_readable(frame, min_labels=4)
    assert geometry["total"] == 4 and all(b["id"].startswith("land:") for b in geometry["boxes"])
    box = frame.locator("#mynetwork").bounding_box()
    assert box["y"] < 450 and box["y"] + box["height"] <= VIEWPORT["height"]  # the map in the first viewport
    legend = frame.locator(".bn-legende").bounding_box()
    assert legend["x"] >= box["x"] + box["width"]  # the legend stands beside the drawing, never on it
    shot(page, "karte_bund")

    page.mouse.click(*node_point(page, frame, "land:SN"))  # Bund → Land
    frame = map_frame(page, has=f"kreis:{LEIPZIG}")
    assert_labels_readable(frame, min_labels=6)
    assert page.get_by_text("Ebene: Land").is_visible()
    shot(page, "karte_land")

    page.mouse.click(*node_point(page, frame, f"kreis:{LEIPZIG}"))  # Land → Kreis
    frame = _wait_for_level(page, "Kreis")
    geometry = assert_labels_readable(frame, min_labels=8)
    assert geometry["total"] > len(geometry["boxes"]) or geometry["total"] <= 12  # the rest on hover / zoom
    assert frame.locator(".bn-legende").inner_text().count("gepunktet") == 1  # the edge legend
    shot(page, "karte_kreis")

    person = frame.evaluate("() => nodes.getIds().find(id => id.startsWith('demo-p'))")
    page.mouse.dblclick(*node_point(page, frame, person))  # Kreis → ego network of a person
    frame = _wait_for_level(page, "Person")
    assert frame.evaluate(f"() => nodes.get({person!r}) !== null")
    assert_labels_readable(frame, min_labels=3)
    shot(page, "karte_ego")


NODE_AT_LEVEL = {"Kreis": "n.id.startsWith('demo-b')", "Person": "n.id.startsWith('demo-p')"}


def _wait_for_level(tab, level: str):
    tab.get_by_text(f"Ebene: {level}").wait_for(timeout=30_000)
    settle(tab)
    return map_frame(tab, where=NODE_AT_LEVEL[level] + " && !nodes.get().some(n => n.id.startsWith('kreis:'))")


def open_kreis(tab, base: str):
    frame = open_map(tab, base)
    tab.mouse.click(*node_point(tab, frame, "land:SN"))
    frame = map_frame(tab, has=f"kreis:{LEIPZIG}")
    tab.mouse.click(*node_point(tab, frame, f"kreis:{LEIPZIG}"))
    return _wait_for_level(tab, "Kreis")


def test_click_on_a_node_fills_the_details_panel_and_the_panel_focuses_the_map(app_url, page):
    frame = open_kreis(page, app_url)
    alliance = frame.evaluate("() => nodes.getIds().find(id => id.startsWith('demo-b'))")
    name = frame.evaluate("id => nodes.get(id).label", alliance).removeprefix("⚠ ")
    page.mouse.click(*node_point(page, frame, alliance))
    details = page.locator('[data-testid="stText"]').filter(has_text="Bündnis: ")
    details.first.wait_for(timeout=20_000)
    assert details.first.inner_text().startswith("Bündnis: " + name.rstrip("…"))
    # the panel is drawn element by element: wait for its buttons, not only its first text
    page.get_by_role("button", name="Im Bündnis-Check öffnen").wait_for(timeout=20_000)
    page.get_by_role("button", name="Vorschläge für dieses Bündnis").wait_for(timeout=20_000)

    # and back: a node chosen in the panel is selected and focused in the map
    other = frame.evaluate("() => nodes.getIds().find(id => id.startsWith('demo-i'))")
    label = frame.evaluate("id => nodes.get(id).label", other)
    box = page.get_by_label("Knoten auswählen")
    box.click()
    box.fill(label)
    page.get_by_role("option", name=label).first.click()
    settle(page)
    frame.wait_for_function("id => network.getSelectedNodes()[0] === id", arg=other, timeout=20_000)
    assert other in frame.evaluate("() => karte.shownLabels()")

    # "Einpassen" shows the whole map again; the Details panel leads on to the alliance's check
    frame.get_by_role("button", name="Ganze Karte zeigen").click()
    page.mouse.click(*node_point(page, frame, alliance))
    page.get_by_role("button", name="Im Bündnis-Check öffnen").click()
    page.get_by_role("heading", name="Bündnis-Check", level=1).wait_for(timeout=30_000)
    settle(page)
    chosen = page.get_by_label("Bündnis", exact=True)
    assert name.rstrip("…") in (chosen.input_value() or chosen.get_attribute("aria-label") or "")


def test_search_in_the_map_focuses_a_node_and_reports_it(app_url, page):
    frame = open_kreis(page, app_url)
    target = frame.evaluate("() => nodes.get().filter(n => n.id.startsWith('demo-i'))"
                            ".sort((a, b) => a.label.localeCompare(b.label))[0]")
    frame.get_by_label("Suchen").fill(target["label"][:12])
    frame.get_by_label("Suchen").press("Enter")
    frame.wait_for_function("() => network.getSelectedNodes().length === 1")
    chosen = frame.evaluate("() => network.getSelectedNodes()[0]")
    assert frame.evaluate("id => nodes.get(id).label", chosen).lower().startswith(target["label"][:12].lower())
    point = frame.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", chosen)
    size = frame.evaluate("() => [mynetwork.clientWidth, mynetwork.clientHeight]")
    assert abs(point["x"] - size[0] / 2) < 5 and abs(point["y"] - size[1] / 2) < 5  # focused: in the centre
    assert "Gefunden" in frame.locator("#bn-treffer").inner_text()
    page.locator('[data-testid="stText"]').filter(has_text="Einrichtung: ").first.wait_for(timeout=20_000)


def test_png_export_saves_the_view_under_a_name_with_selection_and_date(app_url, page):
    from PIL import Image

    frame = open_kreis(page, app_url)
    with page.expect_download() as download_info:
        frame.get_by_role("button", name="Ansicht als PNG-Bild herunterladen").click()
    download = download_info.value
    assert re.fullmatch(rf"netzwerkkarte-land-sn-kreis-{LEIPZIG}-\d{{4}}-\d{{2}}-\d{{2}}\.png",
                        download.suggested_filename), download.suggested_filename
    image = Image.open(io.BytesIO(Path(download.path()).read_bytes()))
    assert image.format == "PNG" and image.width > 400 and image.height > 300
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 20  # a drawing, not an empty white canvas
    html_button = page.get_by_role("button", name="Karte als HTML herunterladen")
    with page.expect_download() as html_info:
        html_button.click()
    assert re.fullmatch(rf"netzwerkkarte-land-sn-kreis-{LEIPZIG}-\d{{4}}-\d{{2}}-\d{{2}}\.html",
                        html_info.value.suggested_filename)


def test_every_map_view_has_a_table_with_the_same_nodes(app_url, page):
    frame = open_kreis(page, app_url)
    total = frame.evaluate("() => nodes.length")
    edges = frame.evaluate("() => edges.length")
    label = page.get_by_text(f"Karte als Tabelle: {total} Knoten, {edges} Verbindungen")
    assert label.is_visible()
    label.click()  # the tables are built once the expander is opened
    tables = page.locator('[data-testid="stExpander"] [data-testid="stDataFrame"]')
    tables.nth(1).wait_for(timeout=30_000)
    assert tables.count() == 2


# Recorded in the page from its first moment: when the map reported itself drawn, when the filter row's first
# field appeared, and where the map's frame stood at both times.
ORDER_PROBE = """
if (window === window.top) {
  window.__order = {};
  const frameTop = () => {
    const frame = document.querySelector('iframe[title*="netzwerkkarte"]');
    return frame ? frame.getBoundingClientRect().top : null;
  };
  window.addEventListener("message", event => {
    const value = event.data && event.data.value;
    if (value && value.event === "drawn" && !window.__order.drawn) {
      window.__order.drawn = performance.now();
      window.__order.drawnTop = frameTop();
    }
  });
  new MutationObserver(() => {
    if (!window.__order.filters && document.querySelector('input[aria-label="Land"]')) {
      window.__order.filters = performance.now();
      window.__order.filtersTop = frameTop();
    }
  }).observe(document, {childList: true, subtree: true});
}
"""


@pytest.mark.parametrize("width", [VIEWPORT["width"], 390])  # a laptop, and a phone: the filter fields stacked
def test_a_first_visit_gets_the_map_before_the_filter_row_and_the_map_stays_put(app_url, page, width):
    """Issue 18's cold start: a browser opening /netzwerkkarte first draws the map (the filter fields' code is
    not loaded yet), the map reports it, and only then the filter row, the panel's list and the sidebar's date
    field arrive – into space kept for them, so the map does not move."""
    page.set_viewport_size({"width": width, "height": VIEWPORT["height"]})
    page.context.add_init_script(ORDER_PROBE)
    page.goto(f"{app_url}/netzwerkkarte")
    frame = map_frame(page, where="n.id.startsWith('land:')")
    page.get_by_label("Land", exact=True).wait_for(timeout=60_000)
    if width < 640:  # the sidebar is closed on a phone: open it to see the date field
        page.locator('[data-testid="stExpandSidebarButton"]').click()
    page.get_by_role("group", name="Stichtag").wait_for(timeout=60_000)
    settle(page)
    order = page.evaluate("() => window.__order")
    assert order.get("drawn") and order.get("filters"), order
    assert order["drawn"] < order["filters"]
    assert abs(order["drawnTop"] - order["filtersTop"]) <= 2, order  # the kept space fits the filter row
    top = frame.evaluate("() => window.frameElement.getBoundingClientRect().top")
    assert abs(top - order["drawnTop"]) <= 2
    assert page.get_by_label("Knoten auswählen").count() == 1
