"""Start the app the way ``buendnisnetz serve`` does: warm first, then Streamlit's server.

Streamlit runs the app's script only when a browser opens a session, so the first visitor after a
start would pay for everything a page needs before it can draw: importing the libraries, loading the
snapshot of the store (built from the rows after an import) and checking every alliance. This
launcher does that work first (:func:`warm`) – the same cached functions the pages call
(``ui.common``), with the same arguments, at the store's current revision – and then runs
Streamlit's own command line in this process (``streamlit run ui/app.py`` with the given options).
The server answers (``/_stcore/health``) once it is warm; the time until then is printed.

What warming may and may not do:

- it fills only the server's in-memory caches, keyed by store revision and view as every page's
  are; nothing is sent anywhere, and a session sees a cached value only after the login, through
  :func:`ui.common.app_context`, for its own view;
- it warms a user's view only where the user is known without a login: a single-user install
  (the one user, admin). With accounts it loads the shared snapshot only;
- every page run still reads the store's revision first, so a write by the CLI after the warm-up is
  seen on the next run (the warmed entries belong to the old revision and are dropped, see
  :func:`ui.common.clear_caches`); a write during the warm-up drops what it computed;
- a failure while warming (store unreachable, bad data) is only printed: the page then says what is
  wrong, as without warming.

Usage::

    python -m ui.serve --server.port 8501 --server.address 127.0.0.1 --server.headless true
"""

from __future__ import annotations

import importlib
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["BARE_MODE_NOTES", "PAGE_IMPORTS", "main", "warm"]

APP = Path(__file__).resolve().parent / "app.py"

#: What the first run of a page imports besides Streamlit itself (found with ``python -X importtime`` and by
#: comparing ``sys.modules`` before and after a first run): our modules, pandas and pyarrow for tables,
#: networkx for the check, and Streamlit's own lazily imported parts for page icons, components and tables.
#: Not ``ui.karte_komponente``: Streamlit registers a component only when it is declared inside a script run.
PAGE_IMPORTS = (
    "pandas", "pyarrow.pandas_compat", "networkx", "graph.api", "graph.health", "graph.netmap", "graph.sessions",
    "ui.common", "ui.menu", "streamlit.emojis", "streamlit.material_icon_names",
    "streamlit.components.v1", "streamlit.components.v1.component_arrow", "streamlit.dataframe.lazy_df_adapters",
)


#: What Streamlit logs when its cached functions run before its runtime exists – as they do while warming,
#: on purpose – by logger: expected there, and noise for whoever starts the server.
BARE_MODE_NOTES = {
    "streamlit.runtime.caching.cache_data_api": ("No runtime found, using MemoryCacheStorageManager",),
    "streamlit.runtime.scriptrunner_utils.script_run_context": ("missing ScriptRunContext!",),
}


class _BareModeNotes(logging.Filter):
    def __init__(self, notes: tuple[str, ...]) -> None:
        super().__init__()
        self.notes = notes

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(note in message for note in self.notes)


@contextmanager
def bare_mode_notes_muted() -> Iterator[None]:
    """Drop exactly the notes of :data:`BARE_MODE_NOTES` while warming; every other record passes."""
    filters = [(logging.getLogger(name), _BareModeNotes(notes)) for name, notes in BARE_MODE_NOTES.items()]
    for logger, note_filter in filters:
        logger.addFilter(note_filter)
    try:
        yield
    finally:
        for logger, note_filter in filters:
            logger.removeFilter(note_filter)


def warm(uri: str | None = None) -> dict[str, float]:
    """Import what the pages import and fill the caches of the first page view; CPU seconds per step."""
    with bare_mode_notes_muted():
        return _warm(uri)


def _warm(uri: str | None) -> dict[str, float]:
    steps: dict[str, float] = {}
    clock = time.process_time()

    def step(name: str) -> None:
        nonlocal clock
        now = time.process_time()
        steps[name] = now - clock
        clock = now

    for module in PAGE_IMPORTS:
        try:
            importlib.import_module(module)
        except ImportError:  # a library's private module moved: only this speed-up is lost
            pass
    try:
        from streamlit.env_util import is_repl
    except ImportError:
        pass
    else:
        # The first element of a process asks whether it runs in a REPL by walking the call stack, which
        # makes `inspect` index the file of every imported module once (about 0.1 s): done here instead.
        is_repl()
    from ui import common

    step("imports")
    uri = uri or common.store_uri()
    from graph import accounts, api

    store = api.connect(uri)
    try:
        revision = api.revision(store)
    finally:
        store.close()
    common.note_revision(uri, revision)
    common.full_snapshot(uri, revision)
    step("snapshot")
    if accounts.mode() == "single-user":
        common.warm_view(uri, common.view_key(revision, common.single_user()))
        step("view")
    store = api.connect(uri)
    try:
        if api.revision(store) != revision:  # written meanwhile: keep no outdated copy in memory
            common.clear_caches()
    finally:
        store.close()
    return steps


def main(argv: list[str] | None = None) -> int:
    """:func:`warm`, then ``streamlit run ui/app.py ARGV...`` in this process."""
    start = time.perf_counter()
    try:
        steps = warm()
    except Exception as exc:  # noqa: BLE001 - the page shows the same problem to the user, in German
        print(f"Vorwärmen nicht möglich ({type(exc).__name__}: {exc}); die Seiten rechnen beim ersten Aufruf.",
              file=sys.stderr)
    else:
        print(f"Daten vorbereitet in {time.perf_counter() - start:.1f} s "
              f"(CPU: {', '.join(f'{name} {seconds:.2f} s' for name, seconds in steps.items())})", file=sys.stderr)
    from streamlit.web import cli as streamlit_cli

    args = ["run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    try:
        streamlit_cli.main(args=args, prog_name="streamlit", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
