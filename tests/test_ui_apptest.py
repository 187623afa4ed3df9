"""The Streamlit app, run headless with streamlit.testing: every page on the demo store, filters, writes, errors."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from apptest_helpers import table
from streamlit.testing.v1 import AppTest

from graph.store import ENV_STORE, open_store
from ui.menu import APP_PAGES

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")
PAGES = {p.file: p.heading for p in APP_PAGES}  # the app's own list (ui/menu.py)


def app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]


RAW_CODE = re.compile(r"\b[A-Z]+_[A-Z_]+\b")


def shown_text(at: AppTest) -> str:
    """Everything a page writes as text (markdown, captions, alerts, metrics, table cells and headings)."""
    parts = [e.value for kind in ("markdown", "caption", "error", "warning", "info", "success", "title",
                                   "subheader", "header")
             for e in at.get(kind)]
    parts += [str(m.label) + " " + str(m.value) for m in at.metric]
    for frame in at.dataframe:
        value = frame.value
        parts += [str(c) for c in value.columns] + [str(v) for v in value.astype(str).to_numpy().ravel()]
    return "\n".join(parts)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_on_the_demo_store_without_exception(demo_store, page):
    at = app(page)
    assert not at.exception
    assert texts(at.title) == [PAGES[page]]
    assert at.sidebar.date_input(key="as_of")  # the page ran inside app.py's navigation


def test_overview_lists_critical_alliances_first(demo_store):
    at = app("seiten/uebersicht.py")
    flagged = table(at, "Status", "Hinweise")
    assert flagged["Status"].iloc[0].endswith("kritisch")
    assert set(flagged["Status"]) <= {"kritisch", "Warnung"}


def test_overview_groups_by_the_chosen_level(demo_store):
    at = app("seiten/uebersicht.py")
    assert len(table(at, "Servicebüro", "Bündnisse", "kritisch"))
    at.segmented_control(key="uebersicht_gruppe").set_value("Land").run()
    assert "Nordrhein-Westfalen" in set(table(at, "Land", "Bündnisse", "kritisch")["Land"])


def test_full_demo_map_starts_at_the_bund_level_with_one_node_per_land(demo_store):
    at = app("seiten/karte.py")
    assert not at.exception
    assert any("Ebene: Bund" in text for text in texts(at.markdown))
    assert any("Netzwerkkarte" in caption and "Länder" in caption for caption in texts(at.caption))
    assert set(at.selectbox(key="karte_knoten").options) == {"Nordrhein-Westfalen · 17 Bündnisse · 3 kritisch",
                                                             "Sachsen · 7 Bündnisse · 1 kritisch",
                                                             "Sachsen-Anhalt · 5 Bündnisse", "Thüringen · 6 Bündnisse"}


def test_kreis_filter_changes_the_map(demo_store):
    at = app("seiten/karte.py")
    before = texts(at.caption)
    at.selectbox(key="karte_kreis").set_value("05315").run()  # Köln
    assert not at.exception
    assert texts(at.caption) != before
    assert any("Ebene: Kreis" in text for text in texts(at.markdown))
    assert at.selectbox(key="karte_buendnis").options  # alliances of Köln offered


def test_the_map_is_sent_before_the_filter_widgets(demo_store, monkeypatch):
    """The browser gets the map first and loads it while the filter row above it is drawn (issue 18)."""
    import streamlit.delta_generator as dg

    import ui.karte_komponente

    sent: list[str] = []
    selectbox, component = dg.DeltaGenerator.selectbox, ui.karte_komponente.map_component

    def record_selectbox(self, label, *args, **kwargs):
        sent.append(label)
        return selectbox(self, label, *args, **kwargs)

    def record_map(*args, **kwargs):
        sent.append("map")
        return component(*args, **kwargs)

    monkeypatch.setattr(dg.DeltaGenerator, "selectbox", record_selectbox)
    monkeypatch.setattr(ui.karte_komponente, "map_component", record_map)
    at = app("seiten/karte.py")
    assert not at.exception
    assert "map" in sent and "Land" in sent
    assert sent.index("map") < sent.index("Land")
    # and on screen the filter row still stands above the map
    labels = [box.label for box in at.selectbox]
    assert labels[:4] == ["Land", "Kreis", "Bündnis", "Farbe nach"]


def map_opened_first(monkeypatch) -> tuple[AppTest, list[dict]]:
    """A session whose first page is the map (as a browser opening /netzwerkkarte starts one); the map
    component's arguments of each run are recorded. AppTest cannot open a page with its own URL first, so the
    session's first-page decision (ui.common.opens_on_map) is taken as a browser's would be."""
    import ui.karte_komponente
    from ui.common import MAP_FIRST_KEY

    calls: list[dict] = []
    component = ui.karte_komponente.map_component

    def record_map(*args, **kwargs):
        calls.append(kwargs)
        return component(*args, **kwargs)

    monkeypatch.setattr(ui.karte_komponente, "map_component", record_map)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.session_state[MAP_FIRST_KEY] = True
    at.switch_page("seiten/karte.py").run()
    return at, calls


def test_a_session_opened_on_the_map_gets_the_map_first_then_the_rest(demo_store, monkeypatch):
    """Issue 18 (cold start): until the map reports it is drawn, the page sends only the map, title and level
    line; the filter fields, the panel's list, the download and the sidebar's date field follow in the run
    the report starts, with every value as before."""
    at, calls = map_opened_first(monkeypatch)
    assert not at.exception
    assert calls[-1]["report_drawn"] is True
    assert not at.selectbox and not at.sidebar.date_input and not at.get("download_button")
    assert f"Stichtag: {date.today():%d.%m.%Y}" in texts(at.sidebar.caption)
    assert "Filter werden geladen …" in texts(at.caption)
    assert any("Ebene: Bund" in text for text in texts(at.markdown))
    assert "Details" in texts(at.subheader)

    at.session_state["karte_komponente"] = {"event": "drawn", "id": None, "nonce": "1-1"}  # what the map sends
    at.run()
    assert not at.exception
    assert calls[-1]["report_drawn"] is False
    assert calls[-1]["data_key"] == calls[0]["data_key"]  # the same map: the browser does not draw it again
    assert [box.label for box in at.selectbox][:4] == ["Land", "Kreis", "Bündnis", "Farbe nach"]
    assert at.sidebar.date_input(key="as_of").value == date.today()
    assert at.get("download_button")
    at.run()  # and from now on the whole page in every run
    assert calls[-1]["report_drawn"] is False and at.selectbox(key="karte_land")


def test_a_session_waiting_for_its_first_map_gets_every_field_on_another_page(demo_store, monkeypatch):
    at, _ = map_opened_first(monkeypatch)
    at.switch_page("seiten/check.py").run()
    assert not at.exception and at.sidebar.date_input(key="as_of")
    at.switch_page("seiten/karte.py").run()  # back on the map: nothing is held back any more
    assert at.selectbox(key="karte_land") and at.sidebar.date_input(key="as_of")


def test_only_a_session_opened_on_the_map_waits_for_it(demo_store):
    from ui.common import MAP_FIRST_KEY

    at = app("seiten/karte.py")  # first page: the overview
    assert at.session_state[MAP_FIRST_KEY] is False
    assert at.selectbox(key="karte_land") and at.sidebar.date_input(key="as_of")


def test_a_long_alliance_list_waits_for_a_land_or_kreis(demo_store, monkeypatch):
    import ui.common

    monkeypatch.setattr(ui.common, "MAP_ALLIANCE_LIST_LIMIT", 10)  # the demo has 35 alliances
    at = app("seiten/karte.py")
    box = at.selectbox(key="karte_buendnis")
    assert box.options == ["alle"] and box.disabled
    at.selectbox(key="karte_land").set_value("NW").run()  # one Land: its 17 alliances, above the limit too
    box = at.selectbox(key="karte_buendnis")
    assert len(box.options) == 18 and not box.disabled
    at.selectbox(key="karte_buendnis").set_value("demo-b09").run()
    assert not at.exception and any("Ebene: Bündnis" in text for text in texts(at.markdown))


def test_the_map_as_a_table_has_every_node_and_edge_once_opened(demo_store):
    at = app("seiten/karte.py")
    at.selectbox(key="karte_kreis").set_value("05315").run()  # Köln
    [box] = [e for e in at.expander if e.label.startswith("Karte als Tabelle")]
    assert not box.dataframe  # closed: no table built or sent before someone opens it
    at.session_state["karte_tabelle"] = True  # what opening the expander does
    at.run()
    [box] = [e for e in at.expander if e.label.startswith("Karte als Tabelle")]
    [nodes] = [f.value for f in box.dataframe if "Name" in f.value.columns]
    [edges] = [f.value for f in box.dataframe if "Verbindung" in f.value.columns]
    assert sorted(nodes["Name"]) == sorted(at.selectbox(key="karte_knoten").options)
    assert box.label == f"Karte als Tabelle: {len(nodes)} Knoten, {len(edges)} Verbindungen"
    assert len(edges) and set(edges["Von"]) | set(edges["Zu"]) <= set(nodes["Name"])


def test_selecting_a_node_shows_its_details(demo_store):
    at = app("seiten/karte.py")
    at.selectbox(key="karte_buendnis").set_value("demo-b09").run()
    at.selectbox(key="karte_knoten").set_value("demo-b09").run()
    details = texts(at.text)
    assert any(text.startswith("Bündnis: ") and "Status: kritisch" in text for text in details)


def test_map_keeps_filters_across_reruns(demo_store):
    at = app("seiten/karte.py")
    at.session_state["karte_weitere"] = True  # what opening "Weitere Filter" does
    at.run()
    at.selectbox(key="karte_kreis").set_value("05315").run()
    at.toggle(key="karte_physik").set_value(False).run()
    at.run()
    assert at.selectbox(key="karte_kreis").value == "05315"
    assert at.toggle(key="karte_physik").value is False


def map_args(at: AppTest) -> dict:
    import json

    [component] = at.get("component_instance")
    return json.loads(component.proto.json_args)


def test_more_filters_are_drawn_only_when_opened_and_keep_their_values_while_closed(demo_store):
    at = app("seiten/karte.py")
    [more] = [e for e in at.expander if e.label.startswith("Weitere Filter")]
    assert not more.selectbox and not more.slider and not more.toggle  # closed: not drawn, not sent
    at.session_state["karte_weitere"] = True
    at.run()
    at.selectbox(key="karte_thema").set_value("kinderschutz").run()
    at.toggle(key="karte_physik").set_value(False).run()
    at.slider(key="karte_tiefe").set_value(2).run()
    key = map_args(at)["data_key"]
    assert "'kinderschutz'" in key and "|False|" in key

    at.session_state["karte_weitere"] = False  # closed again: the widgets go, their values stay
    at.run()
    [more] = [e for e in at.expander if e.label.startswith("Weitere Filter")]
    assert not more.selectbox
    at.run()
    at.selectbox(key="karte_kreis").set_value("05315").run()
    at.selectbox(key="karte_kreis").set_value(None).run()
    assert map_args(at)["data_key"] == key  # the same map: topic and physics still apply

    at.session_state["karte_weitere"] = True  # and opened again, the widgets show them
    at.run()
    assert at.selectbox(key="karte_thema").value == "kinderschutz"
    assert at.toggle(key="karte_physik").value is False
    assert at.slider(key="karte_tiefe").value == 2

    # after another page, they start afresh like the filter row (Streamlit drops the widgets' state)
    at.switch_page("seiten/check.py").run()
    at.switch_page("seiten/karte.py").run()
    at.session_state["karte_weitere"] = True
    at.run()
    assert at.selectbox(key="karte_thema").value is None and at.toggle(key="karte_physik").value is True
    assert at.slider(key="karte_tiefe").value == 1


def test_check_page_explains_the_critical_alliance(demo_store):
    at = app("seiten/check.py")
    at.selectbox(key="check_buendnis").set_value("demo-b09").run()
    assert any("Zu wenige Partner" in e for e in texts(at.error))


@pytest.mark.parametrize("page", list(PAGES))
def test_no_page_shows_an_internal_code(demo_store, page):
    at = app(page)
    if page == "seiten/check.py":
        at.selectbox(key="check_buendnis").set_value("demo-b09").run()
    assert RAW_CODE.findall(shown_text(at)) == []


def test_scores_are_written_with_a_decimal_comma(demo_store):
    at = app("seiten/vorschlaege.py")
    at.selectbox(key="vorschlaege_buendnis").set_value("demo-b09").run()
    scores = re.findall(r"Punktzahl (\S+)", shown_text(at))
    assert scores and all(re.fullmatch(r"\d+(,\d+)?", score) for score in scores), scores


def test_audit_tab_reads_in_german_with_local_times(demo_store):
    at = app("seiten/vorschlaege.py")
    at.selectbox(key="vorschlaege_buendnis").set_value("demo-b09").run()
    key = suggestion_buttons(at, "annehmen")[0]
    at.button(key=key).click().run()
    at.switch_page("seiten/daten.py").run()
    log = next(df.value for df in at.dataframe if "Aktion" in df.value.columns)
    assert RAW_CODE.findall(" ".join(log.astype(str).to_numpy().ravel())) == []
    assert log["Aktion"].iloc[0].startswith("Vorschlag angenommen (")
    assert log["Aktion"].iloc[0] != "Vorschlag angenommen (membership)"
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr", log["Zeit"].iloc[0])
    assert "→" in log["Was"].iloc[0]


def test_check_status_filter_narrows_the_table(demo_store):
    at = app("seiten/check.py")
    everything = len(table(at, "Bündnis", "Punktzahl", "Hinweise"))
    at.multiselect(key="check_status").set_value(["kritisch"]).run()
    critical = table(at, "Bündnis", "Punktzahl", "Hinweise")
    assert 0 < len(critical) < everything
    assert set(critical["Status"]) == {"kritisch"}


def suggestion_buttons(at: AppTest, action: str) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith(action + "|")]


def test_dismissing_a_suggestion_removes_it(demo_store):
    at = app("seiten/vorschlaege.py")
    at.selectbox(key="vorschlaege_buendnis").set_value("demo-b09").run()
    before = suggestion_buttons(at, "verwerfen")
    assert before, "the demo alliance below the minimum gets suggestions"
    at.button(key=before[0]).click().run()
    assert not at.exception
    assert before[0] not in suggestion_buttons(at, "verwerfen")
    kind, source, target = before[0].split("|")[1:]
    assert (kind, source, target) in open_store(demo_store).dismissals()


def test_accepting_a_membership_suggestion_writes_it_with_an_audit_entry(demo_store):
    at = app("seiten/vorschlaege.py")
    at.selectbox(key="vorschlaege_buendnis").set_value("demo-b09").run()
    at.selectbox(key="vorschlaege_art").set_value("membership").run()
    key = suggestion_buttons(at, "annehmen")[0]
    _, _, member, alliance = key.split("|")
    at.button(key=key).click().run()
    assert not at.exception
    assert any(s.startswith("Übernommen") for s in texts(at.success))
    store = open_store(demo_store)
    assert any(m.member == member and m.alliance == alliance for m in store.read().memberships.values())
    assert store.audit_log(1)[0].action == "Vorschlag angenommen (membership)"


def test_form_input_error_is_shown_as_a_table_and_nothing_is_written(demo_store):
    at = app("seiten/daten.py")
    people = len(open_store(demo_store).read().actors)
    at.text_input(key="form_person_name").input("   ")
    next(b for b in at.button if b.label == "Person speichern").click().run()
    assert not at.exception
    assert any("nichts gespeichert" in e for e in texts(at.error))
    problems = next(df.value for df in at.dataframe if "Meldung" in df.value.columns)
    assert list(problems.columns) == ["Datei", "Zeile", "Feld", "Meldung"]
    assert set(problems["Feld"]) <= {"Kennung", "Name"}  # German, not "id"/"name"
    assert set(problems["Datei"]) == {"Formular Person"} and set(problems["Zeile"]) == {"–"}
    assert len(open_store(demo_store).read().actors) == people


def test_form_adds_a_person(demo_store):
    at = app("seiten/daten.py")
    at.text_input(key="form_person_name").input("Erika Muster")
    at.text_input(key="form_person_rolle").input("Ehrenamt")
    place = at.selectbox(key="form_person_ort")
    assert "Köln, Stadt (05315)" in place.options  # places by name, not by a key to type in
    place.set_value("05315")
    next(b for b in at.button if b.label == "Person speichern").click().run()
    assert not at.exception
    actor = open_store(demo_store).read().actors["p-erika-muster"]
    assert (actor.role, actor.municipality) == ("Ehrenamt", "05315")


def test_daten_page_offers_templates_per_list(demo_store):
    at = app("seiten/daten.py")
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Vorlage als CSV" in labels and "Vorlage als Excel (XLSX)" in labels
    assert "Mitgliedschaften" in at.selectbox(key="daten_vorlage").options


def test_unreachable_store_is_a_german_message_not_a_traceback(monkeypatch):
    monkeypatch.setenv(ENV_STORE, "sqlite:////proc/buendnisnetz-gibt-es-nicht/x.db")
    at = app("seiten/karte.py")
    assert not at.exception
    message = " ".join(texts(at.error))
    assert "nicht erreichbar" in message and "/proc/buendnisnetz-gibt-es-nicht/x.db" in message


def test_refugee_youth_names_stay_hidden_on_the_map_page(demo_store):
    ds = open_store(demo_store).read()
    youth = [a for a in ds.actors.values() if a.is_refugee_youth]
    assert youth
    at = app("seiten/karte.py")
    kreis = ds.alliances[next(m.alliance for m in ds.memberships.values() if m.member == youth[0].id)].municipality[:5]
    at.selectbox(key="karte_kreis").set_value(kreis).run()
    offered = at.selectbox(key="karte_knoten").options
    assert not any(a.name in option for a in youth for option in offered)
    assert any(a.display_name in option for a in youth for option in offered)


def test_stichtag_before_any_alliance_leaves_nothing_to_check(demo_store):
    at = app("seiten/check.py")
    at.sidebar.date_input(key="as_of").set_value(date(2015, 1, 1)).run()
    assert not at.exception
    assert any("Kein Bündnis" in info for info in texts(at.info))


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "graphml", "gexf"])
def test_export_offers_a_download_in_every_format(demo_store, fmt):
    at = app("seiten/daten.py")
    at.selectbox(key="daten_export_format").set_value(fmt).run()
    at.button(key="daten_export").click().run()
    assert not at.exception
    labels = [d.proto.label for d in at.get("download_button")]
    assert any(label.startswith("buendnisnetz") and "herunterladen" in label for label in labels)


def test_anzahl_is_the_number_of_suggestions_shown_in_all(demo_store):
    at = app("seiten/vorschlaege.py")
    at.selectbox(key="vorschlaege_buendnis").set_value("demo-b09").run()
    at.number_input(key="vorschlaege_anzahl").set_value(5).run()
    assert len(suggestion_buttons(at, "annehmen")) == 5  # not five of each kind


def test_clicking_a_row_of_the_check_table_opens_its_details(demo_store):
    at = app("seiten/check.py")
    names = list(table(at, "Bündnis", "Punktzahl", "Hinweise")["Bündnis"])
    row = names.index("Netzwerk junge Geflüchtete Düren (Demo)")
    state = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.session_state["check_tabelle"] = state
    at.run()
    assert at.selectbox(key="check_buendnis").value == "demo-b16"


def test_filters_stay_for_the_session_across_pages(demo_store):
    at = app("seiten/check.py")
    at.multiselect(key="check_status").set_value(["kritisch"]).run()
    at.switch_page("seiten/vorschlaege.py").run()
    at.selectbox(key="vorschlaege_art").set_value("membership").run()
    at.switch_page("seiten/uebersicht.py").run()
    at.switch_page("seiten/check.py").run()
    assert at.multiselect(key="check_status").value == ["kritisch"]
    at.switch_page("seiten/vorschlaege.py").run()
    assert at.selectbox(key="vorschlaege_art").value == "membership"


def test_the_reasons_are_shown_in_full_for_the_chosen_row_on_the_overview(demo_store):
    at = app("seiten/uebersicht.py")
    flagged = next(df for df in at.dataframe if "Hinweise" in df.value.columns)
    first = flagged.value.iloc[0]
    at.session_state["uebersicht_tabelle"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    shown = [text.replace("\\", "") for text in texts(at.info)]  # md() escapes markdown characters
    assert any(all(reason in text for reason in first["Hinweise"].split(" · ")) for text in shown)


def test_a_row_chosen_before_the_filter_narrowed_the_table_is_no_error(demo_store):
    at = app("seiten/check.py")
    at.session_state["check_tabelle"] = {"selection": {"rows": [30], "columns": [], "cells": []}}
    at.run()
    at.multiselect(key="check_status").set_value(["kritisch"]).run()
    assert not at.exception
    at = app("seiten/uebersicht.py")
    at.session_state["uebersicht_tabelle"] = {"selection": {"rows": [99], "columns": [], "cells": []}}
    at.run()
    assert not at.exception


def test_no_page_uses_what_streamlit_deprecates(demo_store):
    """Streamlit logs a deprecation ("… will be removed after …") on every run that uses one; the app must
    not (components.v1.html, once used for the phone sidebar frame, is due to be removed)."""
    import logging

    class Collect(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.WARNING)
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    collect = Collect()
    logger = logging.getLogger("streamlit.deprecation_util")  # Streamlit's loggers do not propagate to root
    logger.addHandler(collect)
    try:
        at = app()
        for page in PAGES:  # every page after a change of page: the sidebar frame is drawn then
            at.switch_page(page).run()
            assert not at.exception
    finally:
        logger.removeHandler(collect)
    assert not [m for m in collect.messages if "will be removed" in m or "deprecat" in m.lower()]
