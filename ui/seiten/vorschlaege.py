"""Vorschläge: explained suggestions for memberships, introductions and hospitations; accept or dismiss."""

from __future__ import annotations

import streamlit as st

from graph import api
from graph.errors import InputError
from graph.suggest.registry import REGISTRY
from ui.common import (
    STATUS_ORDER,
    STATUS_TEXT,
    app_context,
    clear_caches,
    empty_hint,
    md,
    remember,
    show_input_error,
    snapshot,
    sticky,
)
from ui.labels import number

KINDS = {name: kind.label for name, kind in REGISTRY.items()}
FLASH_KEY = "vorschlaege_meldung"
SELECT_KEYS = ("vorschlaege_buendnis", "vorschlaege_person")
#: The selection to show after a write, set again through session state before the widgets exist.
KEEP_KEY = "vorschlaege_auswahl"


@st.cache_resource(max_entries=32, show_spinner="Vorschläge werden berechnet …")
def suggestions(uri: str, view: tuple, as_of, alliance, actor, kind, top, dismissed: frozenset) -> list:
    from graph.suggest import suggest

    return suggest(snapshot(uri, view), as_of, alliance=alliance, actor=actor, kind=kind, top=top,
                   dismissed=set(dismissed))


st.title("Vorschläge")
ctx = app_context()
ds = ctx.ds
st.caption("Jeder Vorschlag nennt seine Gründe. Annehmen schreibt die Verbindung (mit Protokoll), "
           "Verwerfen blendet den Vorschlag dauerhaft aus.")
if empty_hint(ds):
    st.stop()
if FLASH_KEY in st.session_state:
    st.success(md(st.session_state.pop(FLASH_KEY)))
# After Annehmen/Verwerfen the alliance list is sorted anew and its labels carry the new status. The
# browser still holds the old label as the selectbox's value; a label that no longer exists would fall
# back to the first alliance and lose the next click. Setting the chosen id through session state makes
# Streamlit send the new label to the browser.
for select_key, value in st.session_state.pop(KEEP_KEY, {}).items():
    st.session_state[select_key] = value

FILTER_KEYS = ("vorschlaege_modus", *SELECT_KEYS, "vorschlaege_art", "vorschlaege_anzahl")
for filter_key in FILTER_KEYS:  # the choices stay for the session, also after visiting another page
    sticky(filter_key)
c1, c2, c3, c4 = st.columns([1, 2, 1, 1])
mode = c1.radio("Vorschläge für", ["alliance", "actor", "all"], key="vorschlaege_modus",
                format_func={"alliance": "ein Bündnis", "actor": "eine Person/Einrichtung", "all": "alle"}.get)
alliance = actor = None
if mode == "alliance":
    # Struggling alliances first: they need suggestions most (docs/design.md, Suggestions).
    status = {r.alliance: r.status for r in ctx.health()}
    ids = sorted(ds.alliances, key=lambda a: (STATUS_ORDER.get(status.get(a), 9), ds.alliances[a].name))
    alliance = c2.selectbox("Bündnis", ids, key="vorschlaege_buendnis",
                            format_func=lambda a: f"{ds.alliances[a].name} ({STATUS_TEXT.get(status.get(a), '–')})")
elif mode == "actor":
    names = {i: f"{inst.name} (Einrichtung)" for i, inst in ds.institutions.items()}
    names |= {a: f"{ds.name_of(a)} (Person)" for a in ds.actors}
    actor = c2.selectbox("Person oder Einrichtung", sorted(names, key=lambda i: names[i].lower()),
                         key="vorschlaege_person", format_func=names.get)
kind = c3.selectbox("Art", [None, *KINDS], key="vorschlaege_art",
                    format_func=lambda k: "alle" if k is None else KINDS[k])
top = c4.number_input("Anzahl", min_value=1, max_value=100, key="vorschlaege_anzahl",
                      help="So viele Vorschläge insgesamt, die besten zuerst (alle Arten zusammen)",
                      **({} if "vorschlaege_anzahl" in st.session_state else {"value": 10}))
remember(*FILTER_KEYS)

# suggest() keeps the best `top` of each kind; the best `top` overall are among them
found = sorted(suggestions(ctx.uri, ctx.view, ctx.as_of, alliance, actor, kind, int(top),
                           api.dismissals(ctx.store, ctx.user)), key=lambda s: -s.score)[:int(top)]
if not found:
    st.info("Keine Vorschläge für diese Auswahl.")


def keep_selection() -> None:
    st.session_state[KEEP_KEY] = {key: st.session_state[key] for key in SELECT_KEYS if key in st.session_state}


def accept(s) -> None:
    from graph.suggest import suggestion_to_records

    records = suggestion_to_records(s, ctx.as_of, ctx.ds)
    try:
        api.import_records(ctx.store, records, user=ctx.user, action=f"Vorschlag angenommen ({s.kind})")
    except InputError as exc:
        show_input_error(exc, "Der Vorschlag konnte nicht übernommen werden. Es wurde nichts gespeichert.",
                         form="Vorschlag")
        return
    clear_caches()
    keep_selection()
    st.session_state[FLASH_KEY] = (f"Übernommen: {KINDS.get(s.kind, s.kind)} "
                                   f"{ds.name_of(s.source)} → {ds.name_of(s.target)}")
    st.rerun()


def dismiss(s) -> None:
    try:
        api.dismiss(ctx.store, s.kind, s.source, s.target, user=ctx.user)
    except InputError as exc:  # e.g. a viewer: say why in German, no traceback
        st.error("Der Vorschlag wurde nicht verworfen. " + md(" ".join(p.message for p in exc.problems)))
        return
    clear_caches()
    keep_selection()
    st.session_state[FLASH_KEY] = f"Verworfen: {ds.name_of(s.source)} → {ds.name_of(s.target)}"
    st.rerun()


for s in found:
    key = f"{s.kind}|{s.source}|{s.target}"
    with st.container(border=True):
        head, buttons = st.columns([5, 1])
        head.markdown(f"**{KINDS.get(s.kind, s.kind)}:** {md(ds.name_of(s.source))} → {md(ds.name_of(s.target))}"
                      f" · Punktzahl {number(s.score, 2)}")
        head.markdown("\n".join(f"- {md(reason)}" for reason in s.reasons))
        if buttons.button("Annehmen", key=f"annehmen|{key}", type="primary", width="stretch"):
            accept(s)
        if buttons.button("Verwerfen", key=f"verwerfen|{key}", width="stretch"):
            dismiss(s)
