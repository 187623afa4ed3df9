"""The server's warm-up (ui/serve.py): the first page view comes from the caches it filled, never more.

The warm-up runs the same cached functions as the pages, so a page run after it must not compute the
check or the map again, and must show exactly what it shows without warming. It must not warm a view
for anyone without a login, and a write after (or during) the warm-up must be seen on the next run.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph import api
from graph.store import open_store
from ui import common, serve

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")


@pytest.fixture(autouse=True)
def fresh_caches():
    """Every test starts and ends with empty caches (they are per process, shared with other tests)."""
    common.clear_caches()
    common._seen_revision.clear()
    yield
    common.clear_caches()
    common._seen_revision.clear()


def map_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("seiten/karte.py").run()
    assert not at.exception, at.exception
    return at


def map_payload(at: AppTest) -> dict:
    """The data the page sent to the map component (nodes, edges, legend …)."""
    [component] = [e for e in at.get("component_instance")]
    return json.loads(component.proto.json_args)["data"]


def forbid(monkeypatch, *names: str) -> None:
    """Make these functions fail: a page that calls them did not use the warmed caches."""
    for name in names:
        def fail(*args, _name=name, **kwargs):
            raise AssertionError(f"{_name} called again after the warm-up")
        monkeypatch.setattr(name, fail)


def test_the_first_map_view_after_warming_computes_neither_check_nor_map(demo_store, monkeypatch):
    expected = map_payload(map_page())
    common.clear_caches()
    common._seen_revision.clear()

    steps = serve.warm(demo_store)
    assert set(steps) == {"imports", "snapshot", "view"}
    forbid(monkeypatch, "graph.health.check_alliances", "graph.netmap.map_for", "graph.api.read")
    at = map_page()
    assert any("Ebene: Bund" in m.value for m in at.markdown)
    assert map_payload(at) == expected  # the same nodes, edges, colours and labels as without warming


def test_without_a_login_nothing_is_warmed_beyond_the_shared_snapshot(demo_store, tmp_path, monkeypatch):
    from graph import accounts

    path = tmp_path / "konten.json"
    monkeypatch.setenv(accounts.ENV_ACCOUNTS, str(path))
    accounts.set_account("chefin", "ein langes Passwort 1", "admin", path=path)
    assert accounts.mode() == "accounts"

    forbid(monkeypatch, "graph.health.check_alliances", "graph.netmap.map_for")
    assert set(serve.warm(demo_store)) == {"imports", "snapshot"}

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert [t.value for t in at.title] == ["Bündnisnetz – Anmeldung"]
    assert not at.get("component_instance")


def a_member(ds):
    """A person who is a member of an alliance (so the Kreis map shows them)."""
    return next(a for a in ds.actors.values() if a.name and any(m.member == a.id for m in ds.memberships.values()))


def test_a_write_after_warming_is_shown_on_the_next_run(demo_store):
    serve.warm(demo_store)
    store = open_store(demo_store)
    ds = api.read(store)
    erased = a_member(ds)
    kreis = ds.municipality_of_member(erased.id)[:5]
    api.person_erase(store, erased.id)
    store.close()

    at = map_page()
    at.selectbox(key="karte_land").set_value(common.state_of(ds, kreis)).run()
    at.selectbox(key="karte_kreis").set_value(kreis).run()
    assert not at.exception
    shown = json.dumps(map_payload(at), ensure_ascii=False)
    assert erased.id not in shown and erased.name not in shown


def test_a_write_during_the_warm_up_drops_what_it_computed(demo_store, monkeypatch):
    real = common.warm_view

    def warm_then_write(uri, view, as_of=None):
        real(uri, view, as_of)
        store = open_store(uri)
        api.person_erase(store, a_member(api.read(store)).id)  # a committed write: the revision moves on
        store.close()

    store = open_store(demo_store)
    before = api.revision(store)
    store.close()
    monkeypatch.setattr(common, "warm_view", warm_then_write)
    serve.warm(demo_store)
    calls = []
    monkeypatch.setattr("graph.health.check_alliances", lambda *a, **k: calls.append(a) or [])
    common.health_reports(demo_store, common.view_key(before, common.single_user()), date.today())
    assert calls  # not served from the warm-up's (now outdated) entry


def test_after_an_erasure_no_cached_map_of_the_old_revision_is_kept(demo_store, monkeypatch):
    """Every derived cache goes with a write, not only snapshot and check: a map of the old revision
    (holding the erased person's name) must not stay in the server's memory."""
    at = map_page()
    store = open_store(demo_store)
    old_view = common.view_key(api.revision(store), common.single_user())
    erased = a_member(api.read(store))
    api.person_erase(store, erased.id)
    store.close()
    at.run()  # the next run sees the new revision
    assert not at.exception

    forbid(monkeypatch, "graph.netmap.map_for")
    filters = common.map_filters(__import__("graph.netmap", fromlist=["MapFilter"]).MapFilter())
    with pytest.raises(AssertionError, match="called again"):
        common.network_map(demo_store, old_view, date.today(), **filters)


def kept_health_files(uri: str) -> list[Path]:
    from graph.store import snapshot

    folder = snapshot.shard_dir(Path(uri.removeprefix("sqlite:///")))
    return sorted(folder.glob("derived-health-*")) if folder.exists() else []


def test_the_check_is_kept_next_to_the_store_for_the_next_server_start(demo_store, monkeypatch):
    expected = map_payload(map_page())
    [kept] = kept_health_files(demo_store)
    assert kept.stat().st_mode & 0o777 == 0o600
    common.clear_caches()  # a restarted server: nothing in memory
    common._seen_revision.clear()
    forbid(monkeypatch, "graph.health.check_alliances")
    assert map_payload(map_page()) == expected


def test_a_write_removes_the_kept_check(demo_store):
    map_page()
    assert kept_health_files(demo_store)
    store = open_store(demo_store)
    api.person_erase(store, a_member(api.read(store)).id)
    store.close()
    assert not kept_health_files(demo_store)


def test_a_check_of_an_older_snapshot_is_not_kept(demo_store):
    """The snapshot in memory is older than the store (a write came in between): its check serves the run
    that asked, but is not kept under the store's new revision – it still names the erased person."""
    store = open_store(demo_store)
    view = common.view_key(api.revision(store), common.single_user())
    common.snapshot(demo_store, view)  # in memory, as a page run before the write left it
    api.person_erase(store, a_member(api.read(store)).id)
    store.close()
    assert common.health_reports(demo_store, view, date.today())
    assert not kept_health_files(demo_store)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def streamlit_log():
    """Everything Streamlit's loggers record (each has its own handler and does not propagate, so caplog
    sees nothing): a handler on every one of them."""
    import streamlit.runtime.caching  # noqa: F401 - its loggers exist from here on
    import streamlit.runtime.scriptrunner_utils.script_run_context  # noqa: F401

    handler = _Records()
    loggers = [logging.getLogger(name) for name in list(logging.Logger.manager.loggerDict)
               if name.startswith("streamlit")]
    assert any(logger.name == "streamlit.runtime.caching.cache_data_api" for logger in loggers)
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.records
    for logger in loggers:
        logger.removeHandler(handler)


def test_the_warm_up_prints_no_bare_mode_warnings(demo_store, streamlit_log):
    """Warming runs the cached functions before Streamlit's runtime exists; Streamlit's notes about that
    ("No runtime found …", "missing ScriptRunContext …") are expected there and are noise for the user."""
    assert set(serve.warm(demo_store)) == {"imports", "snapshot", "view"}
    assert [r.getMessage() for r in streamlit_log if r.levelno >= logging.WARNING] == []


def test_other_warnings_still_come_through_while_warming(demo_store, streamlit_log, monkeypatch):
    real = common.warm_view

    def warm_and_warn(uri, view, as_of=None):
        real(uri, view, as_of)
        logging.getLogger("streamlit.runtime.caching.cache_data_api").warning("Etwas anderes")

    monkeypatch.setattr(common, "warm_view", warm_and_warn)
    serve.warm(demo_store)
    assert [r.getMessage() for r in streamlit_log if r.levelno >= logging.WARNING] == ["Etwas anderes"]
    logging.getLogger("streamlit.runtime.caching.cache_data_api").warning("No runtime found, using "
                                                                          "MemoryCacheStorageManager")
    assert len(streamlit_log) == 2  # after the warm-up nothing is filtered any more


def test_the_served_app_watches_no_sources_and_no_page_relies_on_magic():
    """ui/.streamlit/config.toml turns off the source watcher (it re-scans every imported module after a
    first run), the full garbage collection after every run, and "magic" (rewriting each page's syntax
    tree on its first run). Without magic a bare
    expression in a page would silently show nothing: there must be none."""
    import ast
    import tomllib

    ui = Path(serve.__file__).resolve().parent
    config = tomllib.loads((ui / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    assert config["runner"]["magicEnabled"] is False
    assert config["runner"]["postScriptGC"] is False  # a full collection after every run: 80-90 ms a rerun
    shown_nothing = ast.Call | ast.Await | ast.Yield | ast.YieldFrom
    bare = []
    for path in sorted(ui.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            body = getattr(node, "body", None)
            for i, statement in enumerate(body if isinstance(body, list) else []):
                if isinstance(statement, ast.Expr) and not isinstance(statement.value, shown_nothing):
                    docstring = i == 0 and isinstance(statement.value, ast.Constant)
                    if not docstring:
                        bare.append(f"{path.name}:{statement.lineno}")
    assert bare == []
