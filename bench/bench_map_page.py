"""Benchmark: the map page in a real browser – first draw after a cold server start, reruns, filter changes.

Targets (issue 18): at ×10 the map page draws within 1.5 s after a cold server start and within
300 ms on a rerun; on the demo a filter change redraws within 500 ms. Each figure is reported
next to a baseline measured in the same run on the same machine: a one-line Streamlit app
(title and a button) started cold, opened, and rerun by its button – what any Streamlit page
costs before the map. The ratio (map / baseline) says what the map adds, independent of how
busy the machine is.

What is measured (Chromium via playwright, server on 127.0.0.1):

- *cold*: the app started fresh on a store with the data, the way ``buendnisnetz serve`` starts it
  (``python -m ui.serve``: Streamlit, and next to it the warm-up of ui/serve.py; ``--plain``: a bare
  ``streamlit run ui/app.py`` without warm-up); the clock starts when the server answers
  ``/_stcore/health`` (ui/serve.py warms before the server answers) and the browser opens ``/netzwerkkarte``,
  and stops when the map component reports its map drawn (``karte.ready``). Measured twice:
  *fresh browser* – a new browser context, no HTTP cache, a first visit ever – and *returning browser* –
  the context of an earlier visit to the same address (its HTTP cache holds Streamlit's scripts), the
  server stopped and started again on the same port: how staff open it every morning. The baseline app
  is measured both ways too. Best of ``--rounds`` (3) rounds, baseline and map alternating;
- *complete* (reported beside *cold*, fresh browser): until the filter row is there too. A session opened on
  the map gets the map first and the rest of the page in the run the drawn map starts (ui.common.MAP_FIRST_KEY);
- *rerun*: choosing a node in the Details panel – a full script rerun – until the map has
  selected that node;
- *filter*: choosing a Land in the filter row until the map shows that Land's Kreise.

It also saves screenshots of the Bund, Land, Kreis and ego views (``--shots``) and checks that
no two labels overlap there, the same check as ``tests/test_map_browser.py``.

Usage::

    python bench/bench_map_page.py --scale 10 --shots docs/screenshots
    python bench/bench_map_page.py --demo
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import free_port, stop_process  # noqa: E402
from generate import generate  # noqa: E402

from graph import api  # noqa: E402
from graph.accounts import ENV_ACCOUNTS, set_single_user  # noqa: E402
from graph.store import ENV_STORE, open_store  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
TARGETS_MS = {"cold": 1500, "rerun": 300, "filter": 500}


#: How the app is started: as ``buendnisnetz serve`` does (Streamlit plus the warm-up, ui/serve.py), or with a
#: bare ``streamlit run ui/app.py`` (``--plain``: no warm-up, the first visitor pays for everything).
LAUNCHERS = {"serve": ["-m", "ui.serve"], "plain": ["-m", "streamlit", "run", str(ROOT / "ui" / "app.py")]}


def start_server(uri: str, log_path: Path, launcher: str = "serve",
                 port: int | None = None) -> tuple[subprocess.Popen, str]:
    port = port or free_port()
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, *LAUNCHERS[launcher], "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, ENV_STORE: uri}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    if wait_healthy(url, 120):
        return process, url
    process.kill()
    raise SystemExit("streamlit did not start:\n" + log_path.read_text())


def wait_healthy(url: str, timeout: float) -> float | None:
    """Poll ``/_stcore/health`` every 50 ms; milliseconds since the call until it answers, None on timeout."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return ms(start)
        except OSError:
            time.sleep(0.05)
    return None


def map_frame(tab, where: str = "true", timeout: float = 300):
    deadline = time.monotonic() + timeout
    check = f"() => window.karte && window.karte.ready && nodes.get().some(n => {where})"
    while time.monotonic() < deadline:
        for frame in tab.frames:
            if "/component/" in frame.url:
                try:
                    if frame.evaluate(check):
                        return frame
                except Exception:  # replaced or loading
                    pass
        tab.wait_for_timeout(20)
    raise SystemExit(f"map with a node where {where} not drawn")


def shoot(tab, path: Path) -> None:
    """A screenshot once the page's script run has finished (no stale elements)."""
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    tab.wait_for_timeout(500)
    tab.screenshot(path=str(path))


def label_overlaps(frame) -> int:
    """How many pairs of drawn labels overlap (vis-network's own label boxes)."""
    from test_map_browser import LABEL_BOXES

    # vis-network measures a label when it draws it: after the map's relabelling (font sizes set at
    # `ready`), wait for two frames so the boxes are those on screen, not the ones before it (under load
    # the check could otherwise run before the redraw and count labels that are no longer shown).
    frame.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    boxes = frame.evaluate(LABEL_BOXES)["boxes"]
    return sum(1 for i, a in enumerate(boxes) for b in boxes[i + 1:]
               if min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1
               and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1)


def node_point(frame, node_id: str) -> tuple[float, float]:
    point = frame.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", node_id)
    box = frame.locator("#mynetwork").bounding_box()
    return box["x"] + point["x"], box["y"] + point["y"]


def cpu_seconds() -> dict[int, float]:
    """CPU seconds (user + system) of every live process below this one, by pid: the app servers, Chromium's
    processes and playwright's driver. The difference of two readings is what happened in between, even
    on a busy machine (wall time there mostly measures the neighbours)."""
    children: dict[int, list[tuple[int, float]]] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append((int(entry), (int(fields[11]) + int(fields[12])) / tick))
    found: dict[int, float] = {}
    todo = [os.getpid()]
    while todo:
        for pid, seconds in children.get(todo.pop(), []):
            found[pid] = seconds
            todo.append(pid)
    return found


def cpu_since(before: dict[int, float]) -> float:
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in cpu_seconds().items())


def ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


BASELINE_APP = """import streamlit as st
st.session_state["laeufe"] = st.session_state.get("laeufe", 0) + 1
st.title("Basis")
st.button("Wiederholen")
st.write(f"Läufe: {st.session_state['laeufe']}")
"""


def new_context(chromium):
    return chromium.new_context(viewport={"width": 1440, "height": 900}, locale="de-DE")


def timed_open(context, url: str, ready) -> tuple[float, float, object]:
    """Open `url` in a new tab of `context` until `ready(tab)` returns; wall ms, CPU s of all processes, tab."""
    tab = context.new_page()
    cpu = cpu_seconds()
    start = time.perf_counter()
    tab.goto(url)
    ready(tab)
    return ms(start), cpu_since(cpu), tab


def baseline_round(folder: Path, chromium) -> dict:
    """One cold open of a one-line Streamlit app in a fresh browser, then, after a restart of the server on
    the same port, in the same browser again (returning: Streamlit's scripts come from its HTTP cache)."""
    app = folder / "basis.py"
    app.write_text(BASELINE_APP, encoding="utf-8")
    port = free_port()

    def serve() -> tuple[subprocess.Popen, str, float | None]:
        log = open(folder / "basis.log", "a")
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true", "--server.port",
             str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=folder, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        url = f"http://127.0.0.1:{port}"
        return process, url, wait_healthy(url, 60)

    def ready(tab) -> None:
        tab.get_by_text("Läufe: 1").wait_for(timeout=60_000)

    context = new_context(chromium)
    process, url, started = serve()
    try:
        cold, cold_cpu, tab = timed_open(context, url, ready)
        reruns = []
        for n in range(2, 5):
            start = time.perf_counter()
            tab.get_by_role("button", name="Wiederholen").click()
            tab.get_by_text(f"Läufe: {n}").wait_for(timeout=60_000)
            reruns.append(ms(start))
        tab.close()
    finally:
        stop_process(process)
    process, url, _ = serve()
    try:
        returning, returning_cpu, _ = timed_open(context, url, ready)
    finally:
        stop_process(process)
        context.close()
    return {"start_ms": started, "cold_ms": cold, "cold_cpu_s": cold_cpu, "rerun_ms": min(reruns),
            "returning_ms": returning, "returning_cpu_s": returning_cpu}


def map_round(uri: str, folder: Path, label: str, shots: Path | None, chromium, launcher: str,
              full: bool) -> dict:
    """A cold open of the map page in a fresh browser (with `full`: then reruns, a filter change, drilling
    down and screenshots), then, after a restart on the same port, in the same browser again (returning)."""
    port = free_port()
    log = folder / f"streamlit-{label}.log"
    context = new_context(chromium)
    try:
        spawned = time.perf_counter()
        process, url = start_server(uri, log, launcher, port)
        results: dict = {"start_ms": ms(spawned)}
        try:
            _measure(context, url, label, shots if full else None, results, full)
        finally:
            stop_process(process)
        process, url = start_server(uri, log, launcher, port)
        try:
            results["returning_ms"], results["returning_cpu_s"], tab = timed_open(
                context, f"{url}/netzwerkkarte", lambda tab: map_frame(tab, "n.id.startsWith('land:')"))
            tab.close()
        finally:
            stop_process(process)
        return results
    except BaseException:
        print(log.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        context.close()


def _measure(context, url: str, label: str, shots: Path | None, results: dict, full: bool) -> dict:
    tab = context.new_page()
    outside = []
    tab.on("request", lambda r: outside.append(r.url) if r.url.startswith(("http", "ws"))
           and "127.0.0.1" not in r.url else None)
    start = time.perf_counter()
    urllib.request.urlopen(f"{url}/_stcore/health", timeout=5).read()
    results["baseline_health_ms"] = ms(start)
    cpu = cpu_seconds()
    start = time.perf_counter()
    tab.goto(f"{url}/netzwerkkarte")
    frame = map_frame(tab, "n.id.startsWith('land:')")
    results["cold_ms"] = ms(start)
    results["cold_cpu_s"] = cpu_since(cpu)
    # The rest of the page (filter row, Details list, sidebar date field) follows the drawn map: reported too.
    tab.get_by_label("Land", exact=True).wait_for(timeout=120_000)
    results["complete_ms"] = ms(start)
    results["bund_overlaps"] = label_overlaps(frame)
    if shots:
        shoot(tab, shots / f"karte_{label}_bund.png")
    if not full:
        results["requests_outside"] = outside
        tab.close()
        return results

    reruns = []
    for node_id in frame.evaluate("() => nodes.getIds().slice(0, 3)"):
        name = frame.evaluate("id => nodes.get(id).label.replace(/\\n/g, ' · ')", node_id)
        box = tab.get_by_label("Knoten auswählen")
        box.click()
        box.fill(name)
        option = tab.get_by_role("option", name=name).first
        option.wait_for()
        start = time.perf_counter()
        option.click()
        frame.wait_for_function("id => network.getSelectedNodes()[0] === id", arg=node_id, polling=10)
        reruns.append(ms(start))
    results["rerun_ms"] = min(reruns)
    results["rerun_all_ms"] = reruns

    land = frame.evaluate("() => nodes.get().sort((a, b) => b.size - a.size)[0].id")
    land_name = frame.evaluate("id => nodes.get(id).label.split('\\n')[0]", land)
    box = tab.get_by_label("Land", exact=True)
    box.click()
    box.fill(land_name)
    option = tab.get_by_role("option", name=land_name, exact=True).first
    option.wait_for()
    start = time.perf_counter()
    option.click()
    frame = map_frame(tab, "n.id.startsWith('kreis:')")
    results["filter_ms"] = ms(start)
    results["land_overlaps"] = label_overlaps(frame)
    results["land_nodes"] = frame.evaluate("() => nodes.length")
    if shots:
        shoot(tab, shots / f"karte_{label}_land.png")

    kreis = frame.evaluate("() => nodes.get().filter(n => n.id.startsWith('kreis:'))"
                           ".sort((a, b) => b.size - a.size)[0].id")
    start = time.perf_counter()
    tab.mouse.click(*node_point(frame, kreis))
    frame = map_frame(tab, "!n.id.startsWith('kreis:') && !n.id.startsWith('land:')")
    results["drill_ms"] = ms(start)
    results["kreis_overlaps"] = label_overlaps(frame)
    results["kreis_nodes"] = frame.evaluate("() => nodes.length")
    if shots:
        shoot(tab, shots / f"karte_{label}_kreis.png")
    person = frame.evaluate("() => nodes.get().filter(n => n.shape === 'dot')"
                            ".sort((a, b) => b.size - a.size)[0].id")
    frame.evaluate("() => { window.karte.replaced = true; }")  # the Kreis map: wait for the one after it
    tab.mouse.dblclick(*node_point(frame, person))
    tab.get_by_text("Ebene: Person").wait_for(timeout=60_000)
    frame = map_frame(tab, f"!window.karte.replaced && n.id === {json.dumps(person)}")
    tab.wait_for_timeout(300)
    results["ego_overlaps"] = label_overlaps(frame)
    if shots:
        shoot(tab, shots / f"karte_{label}_ego.png")
    results["requests_outside"] = outside
    tab.close()
    return results


def best(rounds: list[dict]) -> dict:
    """The full round's results with the best (smallest) cold and returning figures over all rounds."""
    result = dict(rounds[0])
    keys = ["cold_ms", "cold_cpu_s", "complete_ms", "returning_ms", "returning_cpu_s"]
    if "rerun_all_ms" not in rounds[0]:  # the baseline: one rerun figure per round (the map's: three in one)
        keys.append("rerun_ms")
    for key in keys:
        values = [r[key] for r in rounds if r.get(key) is not None]
        if values:
            result[key] = min(values)
            result[key.replace("_ms", "_all_ms").replace("_cpu_s", "_cpu_all_s")] = values
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--demo", action="store_true", help="Only the demo data set (filter changes).")
    parser.add_argument("--shots", type=Path, help="Folder for screenshots of the four views.")
    parser.add_argument("--plain", action="store_true",
                        help="Start the app with a bare `streamlit run` (no warm-up), not as `buendnisnetz serve`.")
    parser.add_argument("--rounds", type=int, default=3,
                        help="Cold opens (fresh and returning browser) per app, baseline and map alternating; "
                             "the best counts.")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
    launcher = "plain" if args.plain else "serve"
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        folder = Path(tmp)
        # a single-user setup of its own, so the bench never touches the machine's accounts
        os.environ[ENV_ACCOUNTS] = str(set_single_user(folder / "konten.json"))
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        stores = {"demo": f"sqlite:///{folder / 'demo.db'}"}
        store = open_store(stores["demo"])
        api.load_demo(store)
        store.close()
        if not args.demo:
            doc = folder / "synthetisch.json"
            doc.write_text(json.dumps(generate(args.scale, 0), ensure_ascii=False), encoding="utf-8")
            stores[f"x{args.scale:g}"] = f"sqlite:///{folder / 'gross.db'}"
            store = open_store(stores[f"x{args.scale:g}"])
            api.init_store(store)
            api.import_paths(store, [doc])
            store.close()
        base_rounds: list[dict] = []
        map_rounds: dict[str, list[dict]] = {name: [] for name in stores}
        loads = []
        for n in range(max(args.rounds, 1)):
            base_rounds.append(baseline_round(folder, chromium))
            for name, uri in stores.items():
                map_rounds[name].append(map_round(uri, folder, name, args.shots if name != "demo" else None,
                                                  chromium, launcher, full=n == 0))
            loads.append(os.getloadavg()[0])
        chromium.close()

    baseline = best(base_rounds)
    report = {name: best(rounds) for name, rounds in map_rounds.items()}
    print(f"App gestartet mit: {'streamlit run ui/app.py (ohne Vorwärmen)' if args.plain else 'python -m ui.serve'}; "
          f"beste von {len(base_rounds)} Runden; Lastmittel (1 min) nach jeder Runde: "
          f"{', '.join(f'{v:.1f}' for v in loads)}")
    print(f"Basis (einzeilige Streamlit-App): Start bis bereit {baseline['start_ms']:,.0f} ms; frischer Browser "
          f"{baseline['cold_ms']:,.0f} ms (CPU aller Prozesse {baseline['cold_cpu_s']:.2f} s); wiederkehrender "
          f"Browser {baseline['returning_ms']:,.0f} ms (CPU {baseline['returning_cpu_s']:.2f} s); Wiederholung "
          f"{baseline['rerun_ms']:,.0f} ms\n")
    print("| Daten | Start bis bereit (ms) | kalt, frischer Browser (ms) | Verhältnis | CPU (s) | Verhältnis | "
          "ganze Seite (ms) | "
          "kalt, wiederkehrender Browser (ms) | Verhältnis | CPU (s) | Verhältnis | "
          "Wiederholung (ms) | Verhältnis | Filterwechsel (ms) | Ebene tiefer (ms) | "
          "Überlappende Beschriftungen (Bund/Land/Kreis/Ego) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
          "| --- |")
    missed, notes = [], []
    for name, r in report.items():
        print(f"| {name} | {r['start_ms']:,.0f} | "
              f"{r['cold_ms']:,.0f} | {r['cold_ms'] / baseline['cold_ms']:.2f} | {r['cold_cpu_s']:.2f} | "
              f"{r['cold_cpu_s'] / baseline['cold_cpu_s']:.2f} | {r['complete_ms']:,.0f} | "
              f"{r['returning_ms']:,.0f} | {r['returning_ms'] / baseline['returning_ms']:.2f} | "
              f"{r['returning_cpu_s']:.2f} | {r['returning_cpu_s'] / baseline['returning_cpu_s']:.2f} | "
              f"{r['rerun_ms']:,.0f} | "
              f"{r['rerun_ms'] / baseline['rerun_ms']:.2f} | {r['filter_ms']:,.0f} | {r['drill_ms']:,.0f} | "
              f"{r['bund_overlaps']}/{r['land_overlaps']}/{r['kreis_overlaps']}/{r['ego_overlaps']} |")
        if r["requests_outside"]:
            missed.append(f"{name}: requests left 127.0.0.1: {r['requests_outside'][:3]}")
        if any(r[f"{v}_overlaps"] for v in ("bund", "land", "kreis", "ego")):
            missed.append(f"{name}: labels overlap")
        # The target (issue 18) is the cold start as defined: a fresh browser. The returning browser is
        # reported next to it, against the same 1.5 s, but it does not stand in for the target.
        checks = [("rerun", r["rerun_ms"])] + ([("filter", r["filter_ms"])] if name == "demo" else
                                               [("cold", r["cold_ms"])])
        missed += [f"{name} {what}: {value:.0f} ms > {TARGETS_MS[what]} ms" for what, value in checks
                   if value > TARGETS_MS[what]]
        if name != "demo":
            verdict = "met" if r["returning_ms"] <= TARGETS_MS["cold"] else "missed"
            notes.append(f"{name} returning browser: {r['returning_ms']:.0f} ms against {TARGETS_MS['cold']} ms "
                         f"({verdict}; not the target's definition, reported beside it)")
    report["baseline"] = baseline
    report["load_averages"] = loads
    print(json.dumps(report, indent=1, default=str))
    for item in notes:
        print("NOTE:", item)
    for item in missed:
        print("TARGET MISSED:", item)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
