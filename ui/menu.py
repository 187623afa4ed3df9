"""The app's pages: one list, read by the navigation (ui/app.py), the AppTests and the browser tests.

A new page is a file in ``ui/seiten/`` plus one row in :data:`APP_PAGES` (and its
test); docs/design.md, "Wo man was ändert". Plain data, no Streamlit import, so
tests can read it without starting the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

__all__ = ["APP_PAGES", "AppPage"]


@dataclass(frozen=True)
class AppPage:
    """One page of the app."""

    file: str       # relative to ui/, e.g. ``seiten/karte.py`` (never a folder named pages/)
    title: str      # in the menu
    heading: str    # the page's own title (h1)
    icon: str
    url_path: str   # the page's URL, e.g. /netzwerkkarte
    default: bool = False  # shown at /

    @property
    def name(self) -> str:
        """Short name (the file's stem), e.g. for screenshots."""
        return PurePosixPath(self.file).stem


APP_PAGES: tuple[AppPage, ...] = (
    AppPage("seiten/uebersicht.py", "Übersicht", "Übersicht", ":material/home:", "start", default=True),
    AppPage("seiten/karte.py", "Netzwerkkarte", "Netzwerkkarte", ":material/hub:", "netzwerkkarte"),
    AppPage("seiten/check.py", "Bündnis-Check", "Bündnis-Check", ":material/fact_check:", "buendnis-check"),
    AppPage("seiten/vorschlaege.py", "Vorschläge", "Vorschläge", ":material/lightbulb:", "vorschlag"),
    AppPage("seiten/buero.py", "Servicebüro", "Servicebüro", ":material/business:", "servicebuero"),
    AppPage("seiten/daten.py", "Daten", "Daten", ":material/folder_open:", "datenbestand"),
    AppPage("seiten/ueber.py", "Über / Datenschutz", "Über Bündnisnetz / Datenschutz", ":material/info:",
            "datenschutz"),
)
