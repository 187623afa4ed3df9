"""Shared fixtures: every backend gets the same tests.

- ``store_uri`` / ``any_store`` run a test once per backend: ``sqlite`` (a file
  in tmp_path), ``falkordb`` (a FalkorDB started once per session, speaking
  Bolt) and ``neo4j`` (only when ``NEO4J_URI`` is set).
- ``sqlite_store``: the embedded store only.

Shared test data builders (a healthy alliance, the places and Servicebüros) are in
``tests/builders.py``; AppTest lookups by label and column in ``tests/apptest_helpers.py``.

FalkorDB is never skipped in CI (``CI=true``): if it cannot start, the tests fail.

Isolation: no test sees the developer's own accounts, store or settings. Before
collection (``pytest_configure``) and again for every test (``isolated_user``) the
``BUENDNISNETZ_*`` variables are removed and ``HOME`` and the XDG folders point at
empty temporary folders, so ``platformdirs`` finds no accounts file and no store.
A test that wants accounts or a store sets them itself (``monkeypatch.setenv``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bolt_server import ServerStartError, count_nodes, run_query, start_falkordb, wipe  # noqa: E402
from browser_support import chromium_browser  # noqa: E402

from graph import api  # noqa: E402
from graph.store import ENV_STORE, open_store  # noqa: E402
from graph.store.sqlite import SQLiteStore  # noqa: E402

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("falkordb", id="falkordb", marks=pytest.mark.bolt),
    pytest.param("neo4j", id="neo4j", marks=pytest.mark.bolt),
]

#: A node with this label marks a Neo4j database as the tests' own, so wiping it is allowed.
TEST_MARKER = "BuendnisnetzTestDatabase"


#: Every variable the program reads starts with this; none may leak in from the developer's shell.
ENV_PREFIX = "BUENDNISNETZ_"
#: Where platformdirs looks for the user's config, data, cache and state (Linux: XDG, macOS: HOME).
USER_DIRS = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")


def isolate_user(patch: pytest.MonkeyPatch, root: Path) -> Path:
    """Point HOME and the XDG folders into ``root`` and drop every BUENDNISNETZ_* variable."""
    for name in list(os.environ):
        if name.startswith(ENV_PREFIX):
            patch.delenv(name)
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    patch.setenv("HOME", str(home))
    for name in USER_DIRS:
        folder = root / name.lower()
        folder.mkdir(exist_ok=True)
        patch.setenv(name, str(folder))
    return home


_session_patch = pytest.MonkeyPatch()
_session_root = Path(tempfile.mkdtemp(prefix="buendnisnetz-user-"))


def pytest_configure(config):
    # Before collection: modules that read the environment at import time see the isolated one too.
    isolate_user(_session_patch, _session_root)


def pytest_unconfigure(config):
    _session_patch.undo()
    shutil.rmtree(_session_root, ignore_errors=True)


@pytest.fixture(autouse=True)
def isolated_user(monkeypatch, tmp_path_factory) -> Path:
    """Each test gets its own empty HOME and XDG folders and no BUENDNISNETZ_* variables."""
    return isolate_user(monkeypatch, tmp_path_factory.mktemp("user"))


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def falkordb_server(tmp_path_factory):
    """One FalkorDB for the whole session, stopped at the end."""
    try:
        server = start_falkordb(tmp_path_factory.mktemp("falkordb"))
    except ServerStartError as exc:
        if _in_ci():
            pytest.fail(f"FalkorDB (Bolt-Testserver) startet nicht: {exc}", pytrace=False)
        pytest.skip(f"FalkorDB (Bolt-Testserver) startet nicht: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def neo4j_uri():
    """The Neo4j server named by NEO4J_URI, checked to be a database the tests may wipe."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.skip("NEO4J_URI ist nicht gesetzt (z. B. bolt://localhost:7687?database=neo4j)")
    marked = run_query(uri, f"MATCH (n:{TEST_MARKER}) RETURN count(n) AS n")[0]["n"]
    if not marked:
        if count_nodes(uri):
            pytest.fail(f"NEO4J_URI={uri} enthält Daten; die Tests löschen alles. "
                        "Bitte eine leere Datenbank nur für Tests verwenden.", pytrace=False)
        run_query(uri, f"CREATE (:{TEST_MARKER})")
    return uri


def _wipe_bolt(uri: str) -> None:
    """Empty the graph but keep the marker that allows wiping it."""
    run_query(uri, f"MATCH (n) WHERE NOT n:{TEST_MARKER} DETACH DELETE n")


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def store_uri(backend, request, tmp_path) -> str:
    """A URI of an empty store of each backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    if backend == "falkordb":
        server = request.getfixturevalue("falkordb_server")
        if not server.alive():
            pytest.fail(f"FalkorDB ist abgestürzt:\n{server.log()}", pytrace=False)
        uri = server.uri()
        wipe(uri)
        return uri
    uri = request.getfixturevalue("neo4j_uri")
    _wipe_bolt(uri)
    return uri


@pytest.fixture
def any_store(store_uri):
    """An opened, initialised, empty store of each backend."""
    store = open_store(store_uri)
    store.init_schema()
    yield store
    store.close()


@pytest.fixture
def sqlite_store(tmp_path):
    """An opened, initialised, empty embedded store."""
    store = SQLiteStore(tmp_path / "store.db")
    store.init_schema()
    yield store
    store.close()


@pytest.fixture(scope="session", autouse=True)
def single_user_for_servers():
    """Single-user mode recorded in the session's isolated config folder, for app servers started per module.

    Login fails closed without a recorded setup (graph.accounts); see ``single_user``.
    """
    from graph.accounts import set_single_user

    return set_single_user()


@pytest.fixture(autouse=True)
def single_user(isolated_user):
    """Each test's own config folder records single-user mode (as ``buendnisnetz init`` does on a fresh
    machine). Tests that need accounts or no setup at all set ``BUENDNISNETZ_ACCOUNTS`` themselves."""
    from graph.accounts import set_single_user

    return set_single_user()


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium through playwright, for the browser tests (one per test module)."""
    yield from chromium_browser()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo data set in an SQLite file, built once; tests work on copies (``demo_store``)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = open_store(f"sqlite:///{path}")
    api.load_demo(store)
    store.close()
    return path


@pytest.fixture
def demo_store(demo_db, tmp_path, monkeypatch) -> str:
    """A fresh copy of the demo store for each test, named by BUENDNISNETZ_STORE; writes do not leak."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_db, path)
    uri = f"sqlite:///{path}"
    monkeypatch.setenv(ENV_STORE, uri)
    return uri
