"""What the browser tests share: Debian's Chromium through playwright, and the app on a free port.

The ``chromium`` fixture (tests/conftest.py) is built on :func:`chromium_browser`; each test file
starts the app it needs with :func:`start_app`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "ui" / "app.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium_browser() -> Iterator:
    """A headless Chromium; skipped without /usr/bin/chromium, a failure when CI=true."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} fehlt, im CI ist der Browsertest Pflicht")
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def start_app(folder: Path, env: dict, *, warm: bool = False) -> Iterator[str]:
    """`streamlit run ui/app.py` on a free port with `env` added; yields its URL, stops it afterwards.

    With `warm`, the app is started as ``buendnisnetz serve`` starts it (``python -m ui.serve``: the
    caches are warmed before the server answers).
    """
    port = free_port()
    log = open(folder / "streamlit.log", "w")
    launcher = ["-m", "ui.serve"] if warm else ["-m", "streamlit", "run", str(APP)]
    process = subprocess.Popen(
        [sys.executable, *launcher, "--server.headless", "true", "--server.port",
         str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--client.toolbarMode", "minimal"],
        cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
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
        yield url
    finally:
        stop_process(process)
        log.close()


def stop_process(process: subprocess.Popen) -> None:
    """Ask a server to stop; kill it when it has not stopped within ten seconds."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
