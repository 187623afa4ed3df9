"""Bündnisnetz – the Streamlit app. This file only builds the navigation and the shared state.

Start with ``buendnisnetz serve`` (or ``streamlit run ui/app.py``); the store
comes from ``$BUENDNISNETZ_STORE`` (default: the per-user data file).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from graph.access import ROLES
from ui.common import (
    AS_OF_KEY,
    USER_KEY,
    accounts_exist,
    apply_style,
    current_user,
    display_uri,
    oidc_configured,
    oidc_email,
    store_uri,
)

# An emoji icon: Streamlit draws it in the page itself, where a :material/…: icon is fetched from
# fonts.gstatic.com (nothing may leave 127.0.0.1).
st.set_page_config(page_title="Bündnisnetz", page_icon="🤝", layout="wide")
apply_style()


def login_form() -> None:
    """Ask for name and password (local accounts, see ``buendnisnetz user add``); stop until they fit."""
    from graph.accounts import authenticate

    st.title("Bündnisnetz – Anmeldung")
    if oidc_configured():
        email = oidc_email()
        if email:
            st.error(f"Für {email} ist kein Konto angelegt. Bitte wenden Sie sich an die Administration "
                     "(buendnisnetz user add ...).")
        st.button("Mit Organisationskonto anmelden", on_click=st.login, type="primary", key="login_oidc")
        if not accounts_exist():
            st.stop()
        st.caption("oder mit lokalem Konto:")
    with st.form("anmeldung"):
        name = st.text_input("Benutzername", key="login_name")
        password = st.text_input("Passwort", type="password", key="login_password")
        if st.form_submit_button("Anmelden", type="primary"):
            user = authenticate(name.strip(), password)
            if user is None:
                st.error("Benutzername oder Passwort stimmt nicht.")
            else:
                st.session_state[USER_KEY] = user
                st.rerun()
    st.stop()


if "t" in st.query_params:  # a survey respondent's personal link: that questionnaire only, no account, no menu
    from ui.seiten.befragung_antwort import render as survey_page

    survey_page(st.query_params["t"])
    st.stop()

if current_user() is None:
    login_form()

# The page files live in seiten/, not pages/: Streamlit treats a pages/ folder next to the main
# script as its old multipage layout, and then answers a first request for a page URL (a bookmark,
# a link in an e-mail) with a "Page not found" dialog before showing the page.
PAGES = [
    st.Page("seiten/uebersicht.py", title="Übersicht", icon=":material/home:", default=True, url_path="start"),
    st.Page("seiten/karte.py", title="Netzwerkkarte", icon=":material/hub:", url_path="netzwerkkarte"),
    st.Page("seiten/check.py", title="Bündnis-Check", icon=":material/fact_check:", url_path="buendnis-check"),
    st.Page("seiten/vorschlaege.py", title="Vorschläge", icon=":material/lightbulb:", url_path="vorschlag"),
    st.Page("seiten/buero.py", title="Servicebüro", icon=":material/business:", url_path="servicebuero"),
    st.Page("seiten/daten.py", title="Daten", icon=":material/folder_open:", url_path="datenbestand"),
    st.Page("seiten/ueber.py", title="Über / Datenschutz", icon=":material/info:", url_path="datenschutz"),
]
page = st.navigation(PAGES)

with st.sidebar:
    st.markdown("**Bündnisnetz** · Willkommen bei Freunden")
    st.session_state.setdefault(AS_OF_KEY, date.today())
    # The programme started in May 2015; nothing to check before that.
    st.date_input("Stichtag", key=AS_OF_KEY, format="DD.MM.YYYY", min_value=date(2015, 1, 1),
                  max_value=date(date.today().year + 5, 12, 31),
                  help="Mitgliedschaften und Verbindungen gelten so, wie sie an diesem Tag bestanden.")
    st.caption(f"Datenspeicher: `{display_uri(store_uri())}`")
    user = current_user()
    st.caption(f"Angemeldet: {user.name} ({ROLES.get(user.role, user.role)})")
    if USER_KEY in st.session_state and st.button("Abmelden", key="logout"):
        del st.session_state[USER_KEY]
        if oidc_email():
            st.logout()
        st.rerun()

page.run()
