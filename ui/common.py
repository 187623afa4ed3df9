"""What every page of the app shares: the store, cached snapshots, the Stichtag, error display.

Caches are keyed by ``(store URI, store revision)``: a write anywhere (app or
CLI) bumps the revision, so every session sees fresh data on its next rerun
and nothing is recomputed while the data stays the same. Cached objects are
shared across sessions and must not be mutated.

Why one module of about 580 lines: every page imports its context from here and the
sections (sessions, caches, error display, shared lookups, maps) are marked; the sessions
section (``ui/app.py``'s login) is the next to move into its own module when it grows.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from graph import api
from graph.access import ADMIN, User
from graph.errors import InputError, StoreUnavailable
from graph.model import STATES, Dataset, kreis_of
from graph.printout import STATUS_COLOURS as PRINT_STATUS_COLOURS
from graph.rules import SEVERITY_RANK, STATUS_LABELS, STATUS_RANK, STATUSES, office_of_alliance, state_of_place
from graph.store import Store, default_store_uri

#: Who the audit log names for writes from the app when no accounts exist (single-user install).
APP_USER = os.environ.get("BUENDNISNETZ_USER", "app")
AS_OF_KEY = "as_of"
USER_KEY = "_buendnisnetz_user"
#: German status labels, most urgent first (graph.rules)
STATUS_TEXT = {status: STATUS_LABELS[status] for status in STATUSES}
#: Cell colours for the status column, by German label (the printed reports' colours).
STATUS_COLOURS = {STATUS_LABELS[status]: colour for status, colour in PRINT_STATUS_COLOURS.items()}
STATUS_ORDER = STATUS_RANK
SEVERITY_ORDER = SEVERITY_RANK


@dataclass
class AppContext:
    """The data a page works on: one consistent snapshot of the store as of the Stichtag.

    ``view`` is the cache key of what this user sees: the store revision plus the
    user's scope. Every cached function takes it instead of the bare revision, so
    a cache entry never crosses from one role's view into another's.
    """

    uri: str
    store: Store
    revision: int
    ds: Dataset
    as_of: date
    user: User
    view: tuple

    def health(self) -> list:
        """Health reports of the alliances this user sees (computed once per view and date)."""
        return health_reports(self.uri, self.view, self.as_of)

    def report_rows(self) -> list[dict]:
        """:func:`report_rows` of all reports, cached per view and date."""
        return cached_report_rows(self.uri, self.view, self.as_of)

    def people_per_kreis(self) -> dict[str, int]:
        return cached_people_per_kreis(self.uri, self.view)

    def reports_by_alliance(self) -> dict:
        return {r.alliance: r for r in self.health()}


#: Contrast fixes for BITV 2.0 (WCAG 2.1 AA, 4.5:1): Streamlit draws captions and widget hints in a
#: light grey that fails on white and on the sidebar's grey.
APP_CSS = """
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] p, [data-testid="stMetricLabel"] p,
[data-testid="stFileUploaderDropzoneInstructions"] span, [data-testid="stFileUploaderDropzoneInstructions"] small
  { color: #3d4249 !important; opacity: 1 !important; }
/* Streamlit's uploader hint cannot be set ("Drag and drop", "200MB per file"): a German one instead.
   The button keeps its text "Upload" (a German word too): a text drawn by CSS would differ from the
   button's accessible name. */
[data-testid="stFileUploaderDropzoneInstructions"] span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] div::after
  { content: "oder hierher ziehen · höchstens 50 MB je Datei"; color: #3d4249; font-size: 0.875rem; }
/* The frame that closes the sidebar on phones (close_sidebar_on_phones) takes no space. */
.st-key-seitenleiste_schliessen { display: none; }
/* Phone: key figures two per row instead of one per row (Streamlit stacks columns below 640 px). */
@media (max-width: 640px) {
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) { flex-flow: row wrap !important; }
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) > [data-testid="stColumn"]
    { flex: 1 1 calc(50% - 1rem) !important; min-width: calc(50% - 1rem) !important; width: auto !important; }
}
</style>
"""


#: Runs in a hidden frame (same origin as the app): on a narrow screen the sidebar overlays the
#: page, so after choosing a page there it is closed again. The page path in the markup makes Streamlit
#: draw the frame anew, and so run the script, on every change of page.
CLOSE_SIDEBAR_JS = """<!-- %s -->
<script>
const doc = window.parent.document;
if (window.parent.matchMedia("(max-width: 768px)").matches) {
  const sidebar = doc.querySelector('[data-testid="stSidebar"]');
  const close = doc.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (sidebar && close && sidebar.getAttribute("data-collapsed") === "false") close.click();
}
</script>"""


def close_sidebar_on_phones(page_path: str) -> None:
    """After navigation on a phone, close the sidebar so it does not cover the page (see CLOSE_SIDEBAR_JS)."""
    with st.container(key="seitenleiste_schliessen"):  # hidden by APP_CSS; the frame's script still runs
        st.iframe(CLOSE_SIDEBAR_JS % re.sub(r"[^a-z0-9_]", "", page_path.lower()), height=1)


def apply_style() -> None:
    """The app's CSS: contrast of grey texts (see APP_CSS). Called once per run from app.py."""
    st.html(APP_CSS)


def store_uri() -> str:
    """$BUENDNISNETZ_STORE, else the per-user default store."""
    return default_store_uri()


def display_uri(uri: str) -> str:
    """A store URI fit to show: a password written into it (``bolt://user:secret@host``) is masked."""
    return re.sub(r"//([^/@:]*):[^/@]*@", r"//\1:***@", uri)


def session_store(uri: str) -> Store:
    """This session's connection to the store (a connection is not shared between sessions' threads).

    A failure to open is not remembered, so the next rerun tries again.
    """
    stores = st.session_state.setdefault("_buendnisnetz_stores", {})
    if uri not in stores:
        stores[uri] = api.connect(uri)
    return stores[uri]


def accounts_exist() -> bool:
    from graph import accounts

    return accounts.mode() == "accounts"


def oidc_configured() -> bool:
    """Whether the organisation's single sign-on (Streamlit's ``st.login``, ``[auth]`` in secrets.toml) is set up."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def oidc_email() -> str | None:
    """The e-mail of a user signed in through OIDC, if any."""
    if not getattr(st.user, "is_logged_in", False):
        return None
    return getattr(st.user, "email", None)


# -- sessions: one user per Streamlit session, rebound at login, cleared at logout -------------------

TOKEN_KEY = "_buendnisnetz_token"
CONNECTION_KEY = "_buendnisnetz_connection"
OIDC_KEY = "_buendnisnetz_oidc"
#: A cookie to set (token) or delete (None) on the next run, see :func:`apply_cookie`.
COOKIE_KEY = "_buendnisnetz_cookie"


def _connection_id() -> str | None:
    """The websocket this run came over (a new one for every reload, tab or reconnect)."""
    try:
        value = st.context.headers.get("Sec-Websocket-Key")
    except Exception:
        return None
    return value if isinstance(value, str) else None  # AppTest has no real request


def _cookie() -> str | None:
    from graph.sessions import COOKIE

    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:
        return None
    return value if isinstance(value, str) else None


def begin_session(user: User, token: str | None = None, *, oidc: bool = False) -> None:
    """Start a fresh session for `user`: nothing of an earlier user or login attempt survives."""
    end_connections()
    st.session_state.clear()
    st.session_state[USER_KEY] = user
    st.session_state[TOKEN_KEY] = token
    st.session_state[CONNECTION_KEY] = _connection_id()
    st.session_state[OIDC_KEY] = oidc


def end_connections() -> None:
    for store in st.session_state.get("_buendnisnetz_stores", {}).values():
        try:
            store.close()
        except Exception:
            pass


def end_session(*, everywhere: bool) -> None:
    """Log out: with `everywhere`, every token of the account is void (all tabs and browsers)."""
    from graph import sessions

    user = st.session_state.get(USER_KEY)
    if everywhere and user is not None and st.session_state.get(TOKEN_KEY):
        sessions.revoke(user.name)
    end_connections()
    st.session_state.clear()
    st.session_state[COOKIE_KEY] = None  # delete the browser's cookie on the next run


def _session_valid(user: User) -> bool:
    """Whether this session's user still holds: account active, token not revoked, same browser."""
    from graph import sessions

    if st.session_state.get(OIDC_KEY):
        return oidc_email() == user.name
    token = st.session_state.get(TOKEN_KEY)
    if token is None:
        return False
    if sessions.verify(token) != user:
        return False
    cookie = _cookie()
    if cookie == token:
        st.session_state[CONNECTION_KEY] = _connection_id()
        return True
    # Right after the login the browser has not sent the cookie yet: the same websocket is enough.
    # A session resumed over another connection must bring the cookie.
    return st.session_state.get(CONNECTION_KEY) == _connection_id()


def current_user() -> User | None:
    """The logged-in user, or None when a login is needed.

    With OIDC configured, a signed-in e-mail address maps to the local account of
    that name (which carries role, office and Kreis). A valid session cookie
    (after a reload, in a new tab) restores the local account it names. Only an
    installation recorded as single-user acts as admin without a login.
    """
    from graph import accounts, sessions

    user = st.session_state.get(USER_KEY)
    if user is not None:
        if _session_valid(user):
            return user
        end_session(everywhere=False)
        user = None
    if oidc_configured():
        email = oidc_email()
        if email:
            entry = accounts.load().get(email)
            if entry is not None and not entry.get("disabled"):
                user = accounts.user_from(email, entry)
                begin_session(user, oidc=True)
                try:
                    api.audit_event(session_store(store_uri()), user, "Anmeldung (Organisationskonto)",
                                    f"Konto:{email}")
                except StoreUnavailable:
                    pass  # the page itself then says that the store is unreachable
                return user
    how = accounts.mode()
    if how == "single-user":
        return single_user()
    if how == "accounts":
        token = _cookie()
        restored = sessions.verify(token)
        if restored is not None:
            begin_session(restored, token)
            return restored
    return None


def apply_cookie() -> None:
    """Set or delete the session cookie in the browser when a login or logout asked for it."""
    from graph.sessions import cookie_script

    if COOKIE_KEY in st.session_state:
        st.html(cookie_script(st.session_state.pop(COOKIE_KEY)), unsafe_allow_javascript=True)


#: The newest revision this process has seen per store; a change drops every cached snapshot.
_seen_revision: dict[str, int] = {}


def view_key(revision: int, user: User) -> tuple:
    return (revision, user.name, user.role, user.office, user.kreis)


def single_user() -> User:
    """The one user of a single-user install (no login): admin, named by $BUENDNISNETZ_USER."""
    return User(APP_USER, "admin")


def note_revision(uri: str, revision: int) -> None:
    """Remember the first revision this process saw of a store (:func:`app_context` compares with it)."""
    _seen_revision.setdefault(uri, revision)


@st.cache_resource(max_entries=4, show_spinner="Daten werden geladen …")
def full_snapshot(uri: str, revision: int) -> Dataset:
    """The whole graph at a revision, shared by all sessions (read once on its own connection)."""
    store = api.connect(uri)
    try:
        return api.read(store, ADMIN)
    finally:
        store.close()


@st.cache_resource(max_entries=16, show_spinner="Daten werden geladen …")
def snapshot(uri: str, view: tuple) -> Dataset:
    """What one user may see of the graph at a revision (:func:`graph.access.scope`), shared per view."""
    revision, name, role, office, kreis = view
    return api.visible(full_snapshot(uri, revision), User(name, role, office, kreis))


@st.cache_resource(max_entries=16, show_spinner="Bündnis-Check läuft …")
def health_reports(uri: str, view: tuple, as_of: date) -> list:
    """The check of every alliance in the view; kept next to the store until its next write (a restarted
    server, or another process, reads it instead of checking again; see :func:`kept_result`)."""
    from graph.health import check_alliances

    ds = snapshot(uri, view)
    return kept_result(uri, view[0], "health", (as_of.isoformat(), *view[1:]), lambda: check_alliances(ds, as_of))


class _Outdated(Exception):
    """The store was written while a result was computed from an older snapshot."""


def kept_result(uri: str, revision: int, name: str, params: tuple, compute):
    """``compute()`` from the snapshot at `revision`, kept by the store until its next write where it can.

    The embedded store keeps such results as private files next to the database, keyed by its
    revision and deleted by every write (``SQLiteStore.derived``, :mod:`graph.store.snapshot`). The
    result is kept only when the store is still at `revision` after computing – never an older
    snapshot's result under a newer key. `params` must name everything else it depends on (date, view).
    """
    store = api.connect(uri)
    try:
        derived = getattr(store, "derived", None)
        if derived is None:
            return compute()
        computed: list = []

        def checked():
            computed.append(compute())
            if api.revision(store) != revision:
                raise _Outdated
            return computed[0]

        try:
            return derived(name, params, checked)
        except _Outdated:
            return computed[0]
    finally:
        store.close()


def show_store_error(uri: str, reason: str) -> None:
    st.error(f"**Der Datenspeicher ist nicht erreichbar.**\n\nSpeicher: `{display_uri(uri)}`\n\nGrund: {md(reason)}\n\n"
             "Prüfen Sie die Umgebungsvariable `BUENDNISNETZ_STORE` bzw. ob der Server läuft.")


def app_context() -> AppContext:
    """Open the store and take the snapshot for this run; on failure show why and stop the page."""
    uri = store_uri()
    user = current_user()
    if user is None:  # pages are only reachable through app.py, which asks for the login first
        st.warning("Bitte melden Sie sich an.")
        st.stop()
    try:
        store = session_store(uri)
        revision = api.revision(store)
        if _seen_revision.setdefault(uri, revision) != revision:  # written elsewhere too (CLI): no older
            _seen_revision[uri] = revision                          # data, e.g. an erased name, stays in memory
            clear_caches()
        view = view_key(revision, user)
        ds = snapshot(uri, view)
    except StoreUnavailable as exc:
        show_store_error(exc.uri, exc.reason)
        st.stop()
    except InputError as exc:  # a malformed URI
        show_store_error(uri, str(exc))
        st.stop()
    except Exception as exc:  # the driver's or sqlite's own errors: still the store, not the user
        show_store_error(uri, f"{type(exc).__name__}: {exc}")
        st.stop()
    as_of = st.session_state.get(AS_OF_KEY) or date.today()
    return AppContext(uri, store, revision, ds, as_of, user, view)


def clear_caches() -> None:
    """After a write: drop cached snapshots and everything derived from them (the session's connection stays).

    All of Streamlit's caches, not a list of functions: maps, office views and suggestions of the old
    revision hold names too, and an erased person must not stay in the server's memory.
    """
    st.cache_resource.clear()
    st.cache_data.clear()


def problems_frame(exc: InputError, form: str | None = None) -> pd.DataFrame:
    """Problems as a German table; for a form (``form`` is its name) the form stands in for file and line."""
    from ui.labels import field_label, line_label

    return pd.DataFrame([{"Datei": form or p.file, "Zeile": "–" if form else line_label(p.line),
                          "Feld": field_label(p.field), "Meldung": p.message} for p in exc.problems])


REJECTED = "Die Eingabe enthält Fehler. Es wurde nichts gespeichert."


def show_input_error(exc: InputError, headline: str = REJECTED, *, form: str | None = None) -> None:
    """Every problem of a rejected input as a table of file (or form), line, field and message."""
    st.error(f"{headline} ({len(exc.problems)} Problem{'e' if len(exc.problems) != 1 else ''})")
    st.dataframe(problems_frame(exc, form), hide_index=True, width="stretch")


def empty_hint(ds: Dataset) -> bool:
    """Say what to do when there are no alliances yet; True when the page has nothing to show."""
    if ds.alliances:
        return False
    st.info("Noch keine Bündnisse gespeichert. Laden Sie Daten auf der Seite **Daten** hoch, "
            "oder laden Sie dort die (fiktiven) Demodaten.")
    return True


# -- small lookups the pages share (no analysis: names and places only) ------

def place_name(ds: Dataset, ags: str | None) -> str:
    if not ags:
        return "unbekannt"
    return ds.municipalities[ags].name if ags in ds.municipalities else ags


def kreis_name(ds: Dataset, ags: str | None) -> str:
    """The Kreis of a place as ``Name (AGS)``: names alone are not unique (Stadt and Landkreis München)."""
    if not ags:
        return "unbekannt"
    kreis = kreis_of(ags)
    return f"{place_name(ds, kreis)} ({kreis})"


def state_of(ds: Dataset, ags: str | None) -> str | None:
    """The Land (code) of a place (:func:`graph.rules.state_of_place`)."""
    return state_of_place(ds, ags)


def state_name(code: str | None) -> str:
    return STATES[code][0] if code in STATES else "unbekannt"


def home_office(ds: Dataset, user: User, offices: list[str]) -> str:
    """The Servicebüro a user starts on: their own, the one serving their Kreis, else the first with alliances."""
    if user.office in offices:
        return user.office
    if user.kreis:
        state = state_of(ds, user.kreis)
        for office in offices:
            if state in ds.service_offices[office].states:
                return office
    serving = {office_of(ds, alliance) for alliance in ds.alliances}
    return next((office for office in offices if office in serving), offices[0])


def office_of(ds: Dataset, alliance_id: str) -> str | None:
    """The Servicebüro supporting an alliance (:func:`graph.rules.office_of_alliance`, the one rule)."""
    return office_of_alliance(ds, alliance_id)


#: Columns of a health table in reading order: what matters (status, reasons) first.
REPORT_COLUMNS = ["Status", "Bündnis", "Partner", "Punktzahl", "Hinweise", "Kreis", "Land", "Servicebüro"]


def report_rows(ds: Dataset, reports: list) -> list[dict]:
    """Health reports as table rows, flagged first (critical, warn, ok), then by score."""
    rows = []
    for r in sorted(reports, key=lambda r: (STATUS_ORDER.get(r.status, 9), r.score, r.name)):
        flags = sorted(r.flags, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))
        office = office_of(ds, r.alliance)
        rows.append({
            "Status": STATUS_TEXT.get(r.status, r.status),
            "Bündnis": r.name,
            "Kreis": kreis_name(ds, r.municipality),
            "Land": state_name(state_of(ds, r.municipality)),
            "Servicebüro": ds.service_offices[office].name if office else "–",
            "Partner": r.partners,
            "Punktzahl": r.score,
            "Hinweise": " · ".join(f.message for f in flags if f.severity != "info") or "–",
            "id": r.alliance,
        })
    return rows


@st.cache_data(max_entries=16, show_spinner=False)
def cached_report_rows(uri: str, view: tuple, as_of: date) -> list[dict]:
    return report_rows(snapshot(uri, view), health_reports(uri, view, as_of))


@st.cache_data(max_entries=8, show_spinner=False)
def cached_people_per_kreis(uri: str, view: tuple) -> dict[str, int]:
    return people_per_kreis(snapshot(uri, view))


def status_counts(rows: list[dict], by: str) -> pd.DataFrame:
    """Alliances per group (column ``by`` of :func:`report_rows`) and status, most critical first."""
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=[by, "Bündnisse", *STATUS_TEXT.values()])
    table = frame.pivot_table(index=by, columns="Status", values="id", aggfunc="count", fill_value=0)
    for column in STATUS_TEXT.values():
        if column not in table:
            table[column] = 0
    table = table[list(STATUS_TEXT.values())]
    table.insert(0, "Bündnisse", table.sum(axis=1))
    table = table.sort_values([STATUS_TEXT["critical"], STATUS_TEXT["warn"], "Bündnisse"], ascending=False)
    return table.reset_index()


def people_per_kreis(ds: Dataset) -> dict[str, int]:
    """Institutions and people per Kreis name (by the partner rule's place of each)."""
    counts: dict[str, int] = {}
    for node_id in [*ds.institutions, *ds.actors]:
        ags = ds.municipality_of_member(node_id)
        if ags:
            name = kreis_name(ds, ags)
            counts[name] = counts.get(name, 0) + 1
    return counts


#: Above this many rows a status table is shown without colours: Streamlit sends every styled
#: cell separately, which would make reruns of large tables slow.
STYLE_MAX_ROWS = 300


def styled_status(frame: pd.DataFrame):
    """A table with its ``Status`` (and ``Punktzahl``) cells coloured by the row's status (red, orange, green)."""
    if len(frame) > STYLE_MAX_ROWS:
        return frame
    columns = [c for c in ("Status", "Punktzahl") if c in frame.columns]

    def colour(row: pd.Series) -> list[str]:
        css = f"background-color: {STATUS_COLOURS.get(row['Status'], 'transparent')}"
        return [css if c in columns else "" for c in row.index]

    return frame.style.apply(colour, axis=1)


def member_label(ds: Dataset, member_id: str, *, reveal: bool = False) -> str:
    """A member's name with what it is, e.g. ``Jugendamt Köln (Einrichtung)``."""
    if member_id in ds.institutions:
        return f"{ds.institutions[member_id].name} (Einrichtung)"
    if member_id in ds.actors:
        return f"{ds.name_of(member_id, reveal=reveal)} (Person)"
    return member_id


def sticky(key: str) -> str:
    """A widget key whose value outlives a visit to another page (Streamlit drops the state of widgets
    a page did not draw). Call before drawing the widget; :func:`remember` after it."""
    backup = f"_behalten_{key}"
    if key not in st.session_state and backup in st.session_state:
        st.session_state[key] = st.session_state[backup]
    return key


def remember(*keys: str) -> None:
    for key in keys:
        if key in st.session_state:
            st.session_state[f"_behalten_{key}"] = st.session_state[key]


def fmt_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "–"


# -- maps (built by graph.netmap; cached per revision and selection) ---------

MAP_HEIGHT_PX = 640


@st.cache_resource(max_entries=32, show_spinner="Karte wird berechnet …")
def network_map(uri: str, view: tuple, as_of: date, **filters):
    """The MapGraph for a selection at its level (see :func:`graph.netmap.map_for`)."""
    from graph.netmap import MapFilter, map_for

    reports = {r.alliance: r for r in health_reports(uri, view, as_of)}
    return map_for(snapshot(uri, view), as_of, MapFilter(**filters), health=reports)


def map_filters(sel) -> dict:
    """A :class:`graph.netmap.MapFilter` as the keyword arguments of :func:`network_map` and :func:`map_data`.

    One place for their names and order: the caches key on both, so the map page and the warm-up
    (:func:`warm_view`) must pass them alike.
    """
    return {"state": sel.state, "kreis": sel.kreis, "alliance": sel.alliance, "office": sel.office,
            "topic": sel.topic, "sector": sel.sector, "ego": sel.ego, "depth": sel.depth}


#: The map page's first view: Bund level (no filter), coloured by kind, the browser's layout on.
FIRST_MAP = {"colour_by": "kind", "physics": True}

#: Above this many alliances the map page's Bündnis list waits until a Land or Kreis is chosen: a list of
#: 2,000 names (×10) costs the browser and the server about half a second of CPU on every first view,
#: and a Land has about a tenth of them.
MAP_ALLIANCE_LIST_LIMIT = 300

#: Session state: True while a session that opened on the map page (a bookmark, a link in an e-mail, the
#: app's start link) waits for its first map. Until the map reports it has drawn, the page sends only the
#: map, its title and level line, and the sidebar shows the Stichtag as text: a first visit's browser has
#: none of Streamlit's code for filter fields, date fields and tables yet, and loading and laying them out
#: would hold up the map by about half a second. The rest follows in the next run (a few hundred ms later),
#: into space kept for it above the map (FILTER_ROW_HEIGHT), so the map does not move.
MAP_FIRST_KEY = "karte_zuerst"
MAP_URL_PATH = "netzwerkkarte"
#: The map component's key: its last report (``{"event": ..., "id": ..., "nonce": ...}``) is in session state.
MAP_COMPONENT_KEY = "karte_komponente"


def opens_on_map(url_path: str) -> bool:
    """Whether this run is of a session still waiting for its first map (see :data:`MAP_FIRST_KEY`).

    Called by app.py before the sidebar and the page: a session waits if its first page was the map,
    until the map reports ``drawn`` or the session goes to another page.
    """
    state = st.session_state
    waiting = bool(state.setdefault(MAP_FIRST_KEY, url_path == MAP_URL_PATH)) and url_path == MAP_URL_PATH
    report = state.get(MAP_COMPONENT_KEY)
    if waiting and isinstance(report, dict) and report.get("event") == "drawn":
        waiting = False
    state[MAP_FIRST_KEY] = waiting
    return waiting


def warm_view(uri: str, view: tuple, as_of: date | None = None) -> None:
    """Compute what the first visit of this view needs – the check of its alliances and the map page's
    first map – into the caches the pages read (called by the server's warm-up, :mod:`ui.serve`).

    Only ``st.cache_resource`` entries: they live in the process; ``st.cache_data`` lives in the
    runtime, which the warm-up runs before.
    """
    from graph.netmap import MapFilter

    as_of = as_of or date.today()
    health_reports(uri, view, as_of)
    network_map(uri, view, as_of, **map_filters(MapFilter()))


@st.cache_data(max_entries=32, show_spinner=False)
def map_data(uri: str, view: tuple, as_of: date, colour_by: str, physics: bool, **filters) -> dict:
    """The map as vis-network data for the map component (see :func:`graph.netmap.vis_data`)."""
    from graph.netmap import vis_data

    return vis_data(network_map(uri, view, as_of, **filters), colour_by=colour_by, physics=physics)


@st.cache_data(max_entries=32, show_spinner=False)
def map_html(uri: str, view: tuple, as_of: date, colour_by: str, physics: bool, selected: str | None,
             height_px: int = MAP_HEIGHT_PX, header: bool = False, file_stem: str = "netzwerkkarte",
             **filters) -> str:
    """The map page: without header to embed (the app shows title and note), with header to download."""
    from graph.netmap import render_html

    graph = network_map(uri, view, as_of, **filters)
    return render_html(graph, physics=physics, colour_by=colour_by, height=f"{height_px}px", selected=selected,
                       header=header, file_stem=file_stem)


def show_map(html: str, height_px: int = MAP_HEIGHT_PX) -> None:
    """Embed a map page rendered without header (its toolbar sits above the drawing)."""
    st.iframe(html, height=height_px + 60)


_MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>~:$")


def md(text: str) -> str:
    """Text from the data made safe for st.markdown: no links, images, colours or LaTeX from a name."""
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in str(text))
