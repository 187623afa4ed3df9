"""Bündnisnetz – the Streamlit app. This file only builds the navigation and the shared state.

Start with ``buendnisnetz serve`` (or ``streamlit run ui/app.py``); the store
comes from ``$BUENDNISNETZ_STORE`` (default: the per-user data file).
"""

from __future__ import annotations

import os
import time
from datetime import date

import streamlit as st

from graph import api
from graph.access import ROLES
from graph.errors import StoreUnavailable
from ui.common import (
    AS_OF_KEY,
    COOKIE_KEY,
    USER_KEY,
    accounts_exist,
    apply_cookie,
    apply_style,
    begin_session,
    close_sidebar_on_phones,
    current_user,
    display_uri,
    end_session,
    md,
    oidc_configured,
    oidc_email,
    opens_on_map,
    session_store,
    store_uri,
)
from ui.menu import APP_PAGES

os.umask(0o077)  # files the app writes (exports, the store when it creates one) are private
# An emoji icon: Streamlit draws it in the page itself, where a :material/…: icon is fetched from
# fonts.gstatic.com (nothing may leave 127.0.0.1).
st.set_page_config(page_title="Bündnisnetz", page_icon="🤝", layout="wide")
apply_style()


def login_delay(failures: int) -> float:
    """Seconds to wait after a wrong password: doubling with each failure in a row, at most 8."""
    base = float(os.environ.get("BUENDNISNETZ_LOGIN_DELAY", "0.5"))
    return min(base * 2 ** max(failures - 1, 0), 8.0)


def login_form() -> None:
    """Ask for name and password (local accounts, see ``buendnisnetz user add``); stop until they fit."""
    from graph import accounts, sessions

    st.title("Bündnisnetz – Anmeldung")
    if accounts.mode() == "unset" and not oidc_configured():
        st.error(accounts.not_configured_message())
        st.stop()
    if oidc_configured():
        email = oidc_email()
        if email:
            st.error(f"Für {md(email)} ist kein Konto angelegt. Bitte wenden Sie sich an die Administration "
                     "(buendnisnetz user add ...).")
        st.button("Mit Organisationskonto anmelden", on_click=st.login, type="primary", key="login_oidc")
        if not accounts_exist():
            st.stop()
        st.caption("oder mit lokalem Konto:")
    with st.form("anmeldung"):
        name = st.text_input("Benutzername", key="login_name")
        password = st.text_input("Passwort", type="password", key="login_password")
        if st.form_submit_button("Anmelden", type="primary"):
            name = name.strip()
            try:
                user = api.login(session_store(store_uri()), name, password)
            except accounts.LockedOut as exc:
                st.error(md(str(exc)))
            except StoreUnavailable as exc:
                st.error(f"Der Datenspeicher ist nicht erreichbar: {md(exc.reason)}")
            else:
                if user is None:
                    time.sleep(login_delay(accounts.failures(name)))
                    st.error("Benutzername oder Passwort stimmt nicht.")
                else:
                    token = sessions.issue(user)
                    begin_session(user, token)
                    st.session_state[COOKIE_KEY] = token
                    st.rerun()
    st.stop()


if "t" in st.query_params:  # a survey respondent's personal link: that questionnaire only, no account, no menu
    from ui.seiten.befragung_antwort import render as survey_page

    survey_page(st.query_params["t"])
    st.stop()

if current_user() is None:
    apply_cookie()
    login_form()
apply_cookie()

# The page files live in seiten/, not pages/: Streamlit treats a pages/ folder next to the main
# script as its old multipage layout, and then answers a first request for a page URL (a bookmark,
# a link in an e-mail) with a "Page not found" dialog before showing the page.
# The list of pages is ui/menu.py (also read by the tests).
page = st.navigation([st.Page(p.file, title=p.title, icon=p.icon, default=p.default, url_path=p.url_path)
                      for p in APP_PAGES])

map_first = opens_on_map(page.url_path)
with st.sidebar:
    st.markdown("**Bündnisnetz** · Willkommen bei Freunden")
    st.session_state.setdefault(AS_OF_KEY, date.today())
    if map_first:  # the field comes with the rest of the map page, right after the map (ui.common.MAP_FIRST_KEY)
        st.caption(f"Stichtag: {st.session_state[AS_OF_KEY]:%d.%m.%Y}")
    else:  # The programme started in May 2015; nothing to check before that.
        st.date_input("Stichtag", key=AS_OF_KEY, format="DD.MM.YYYY", min_value=date(2015, 1, 1),
                      max_value=date(date.today().year + 5, 12, 31),
                      help="Mitgliedschaften und Verbindungen gelten so, wie sie an diesem Tag bestanden.")
    user = current_user()
    if user.role == "admin":
        st.caption(f"Datenspeicher: `{display_uri(store_uri())}`")
    st.caption(f"Angemeldet: {user.name} ({ROLES.get(user.role, user.role)})")
    if USER_KEY in st.session_state and st.button("Abmelden", key="logout"):
        try:
            api.logout(session_store(store_uri()), user)
        except StoreUnavailable:
            pass  # logging out must work even when the store is gone
        end_session(everywhere=True)
        if oidc_email():
            st.logout()
        st.rerun()

# Closing the sidebar on phones is needed only after a change of page: not on the session's first page.
seen = st.session_state.setdefault("_seiten", set())
seen.add(page.url_path)
if len(seen) > 1:
    with st.sidebar:
        close_sidebar_on_phones(page.url_path)
page.run()
