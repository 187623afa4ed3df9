"""The Servicebüro view, the reach figures, the printable page and the office page of the app."""

import json
import shutil
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from builders import healthy_alliance, places

from graph import api
from graph.errors import InputError, NotFound
from graph.model import (
    OFFER_TYPES,
    Alliance,
    Dataset,
    Offer,
)
from graph.office import format_office_table, office_view, reach, render_office_html
from graph.store import ENV_STORE, open_store

TODAY = date(2026, 6, 15)
AACHEN, KOELN, LEIPZIG = "05334", "05315", "14713"


def base() -> Dataset:
    return places()


def healthy(ds: Dataset, ident: str, place: str, name: str | None = None) -> None:
    healthy_alliance(ds, ident, place, name=name)


def empty(ds: Dataset, ident: str, place: str) -> None:
    ds.add(Alliance(ident, f"Bündnis {ident}", place, founded=date(2026, 1, 10)))


# -- the view ----------------------------------------------------------------------------------

def test_office_view_holds_only_the_alliances_of_its_laender_by_status():
    ds = base()
    healthy(ds, "ok-ac", AACHEN)
    empty(ds, "crit-k", KOELN)
    empty(ds, "crit-l", LEIPZIG)
    view = office_view(ds, "sb-koeln", TODAY)
    assert view.status_counts() == {"critical": 1, "warn": 0, "ok": 1}
    assert [line.alliance for line in view.alliances["critical"]] == ["crit-k"]


def test_office_view_counts_offers_held_and_planned_per_type_and_month():
    ds = base()
    healthy(ds, "b1", AACHEN)
    ds.add(Offer("o1", "dialog", "Dialog", date(2026, 4, 2), office="sb-koeln", alliance="b1"))
    ds.add(Offer("o2", "dialog", "Dialog", date(2026, 4, 20), office="sb-koeln", alliance="b1"))
    ds.add(Offer("o3", "fortbildung", "Fortbildung", date(2026, 8, 1), office="sb-koeln", alliance="b1"))
    view = office_view(ds, "sb-koeln", TODAY)
    assert (view.count("2026-04", "dialog").done, view.count("2026-04", "dialog").planned) == (2, 0)
    assert (view.count("2026-08", "fortbildung").done, view.count("2026-08", "fortbildung").planned) == (0, 1)
    assert view.offers_by_type("done")["dialog"] == 2 and view.offers_by_type("planned")["fortbildung"] == 1


def test_office_view_covers_the_last_twelve_months_and_the_next_six():
    view = office_view(base(), "sb-koeln", TODAY)
    assert view.months[0] == "2025-07" and view.months[11] == "2026-06" and view.months[-1] == "2026-12"
    assert len(view.offers) == 18 * len(OFFER_TYPES)


def test_offers_outside_the_window_or_of_another_office_are_not_counted():
    ds = base()
    healthy(ds, "b1", AACHEN)
    ds.add(Offer("old", "dialog", "Dialog", date(2025, 6, 30), office="sb-koeln", alliance="b1"))
    ds.add(Offer("far", "dialog", "Dialog", date(2027, 1, 2), office="sb-koeln", alliance="b1"))
    ds.add(Offer("other", "dialog", "Dialog", date(2026, 5, 2), office="sb-magdeburg", alliance="b1"))
    view = office_view(ds, "sb-koeln", TODAY)
    assert view.offers_by_type("done")["dialog"] == 0 and view.offers_by_type("planned")["dialog"] == 0


def test_an_offer_without_office_counts_for_the_office_of_its_land():
    ds = base()
    healthy(ds, "b1", LEIPZIG)
    ds.add(Offer("o1", "hospitation", "Hospitation", date(2026, 5, 2), alliance="b1"))
    assert office_view(ds, "sb-magdeburg", TODAY).offers_by_type("done")["hospitation"] == 1
    assert office_view(ds, "sb-koeln", TODAY).offers_by_type("done")["hospitation"] == 0


def test_alliances_without_an_offer_in_twelve_months_are_listed():
    ds = base()
    healthy(ds, "recent", AACHEN)
    healthy(ds, "stale", KOELN)
    ds.add(Offer("o1", "dialog", "Dialog", date(2026, 2, 1), alliance="recent"))
    ds.add(Offer("o2", "dialog", "Dialog", date(2025, 5, 1), alliance="stale"))
    ds.add(Offer("o3", "dialog", "Dialog", date(2026, 9, 1), alliance="stale"))  # planned does not count
    assert [line.alliance for line in office_view(ds, "sb-koeln", TODAY).without_offers] == ["stale"]


def test_work_list_holds_the_offices_alliances_critical_first():
    ds = base()
    healthy(ds, "a-ok", AACHEN)
    empty(ds, "z-crit", KOELN)
    empty(ds, "leipzig", LEIPZIG)
    worklist = office_view(ds, "sb-koeln", TODAY).worklist
    assert [r.alliance for r in worklist] == ["z-crit", "a-ok"]
    assert worklist[0].offer_type == "analyseworkshop"


def test_work_list_shows_a_planned_offer_as_the_override():
    ds = base()
    empty(ds, "b1", KOELN)
    ds.add(Offer("p1", "dialog", "Dialog", date(2026, 7, 3), alliance="b1", note="erst Gespräch mit dem Amt"))
    (item,) = office_view(ds, "sb-koeln", TODAY).worklist
    assert item.override == "geplant: Dialog am 03.07.2026 – Begründung: erst Gespräch mit dem Amt"


def test_office_view_of_an_unknown_office_is_not_found():
    with pytest.raises(NotFound):
        office_view(base(), "sb-nirgendwo", TODAY)


def test_office_view_as_dict_is_json():
    ds = base()
    healthy(ds, "b1", AACHEN)
    ds.add(Offer("o1", "dialog", "Dialog", date(2026, 4, 2), alliance="b1"))
    data = json.loads(json.dumps(office_view(ds, "sb-koeln", TODAY).as_dict()))
    assert data["status_counts"] == {"critical": 0, "warn": 0, "ok": 1}
    assert data["alliances"]["ok"][0]["last_offer"] == "2026-04-02"


# -- reach ---------------------------------------------------------------------------------------

def test_reach_sums_people_reached_through_held_offers_per_office():
    ds = base()
    healthy(ds, "b1", AACHEN)
    ds.add(Offer("o1", "dialog", "Dialog", date(2026, 3, 1), office="sb-koeln", alliance="b1", people_reached=25))
    ds.add(Offer("o2", "fortbildung", "Fortbildung", date(2026, 4, 1), office="sb-koeln", alliance="b1",
                 people_reached=17))
    ds.add(Offer("o3", "fortbildung", "Fortbildung", date(2026, 5, 1), office="sb-koeln", alliance="b1"))
    ds.add(Offer("plan", "fortbildung", "Fortbildung", date(2026, 9, 1), office="sb-koeln", alliance="b1",
                 people_reached=99))
    koeln = {r["id"]: r for r in reach(ds, by="office", as_of=TODAY)}["sb-koeln"]
    assert (koeln["people_reached"], koeln["offers"], koeln["offers_without_count"]) == (42, 3, 1)


def test_reach_counts_municipalities_with_an_alliance_or_an_offer():
    ds = base()
    healthy(ds, "b1", AACHEN)
    ds.add(Offer("o1", "fortbildung", "Fortbildung für Köln", date(2026, 3, 1), office="sb-koeln",
                 municipality=KOELN))
    koeln = {r["id"]: r for r in reach(ds, by="office", as_of=TODAY)}["sb-koeln"]
    assert (koeln["municipalities"], koeln["alliances"]) == (2, 1)


def test_reach_lists_every_office_even_without_activity():
    rows = reach(base(), by="office", as_of=TODAY)
    assert [(r["id"], r["alliances"]) for r in rows] == [("sb-koeln", 0), ("sb-magdeburg", 0)]


def test_reach_by_state_groups_by_the_land_of_the_alliance():
    ds = base()
    healthy(ds, "b1", AACHEN)
    healthy(ds, "b2", KOELN)
    healthy(ds, "b3", LEIPZIG)
    assert [(r["id"], r["alliances"]) for r in reach(ds, by="state", as_of=TODAY)] == [("NW", 2), ("SN", 1)]


def test_reach_by_year_is_cumulative_to_each_years_end():
    ds = base()
    ds.add(Alliance("b1", "Bündnis 1", AACHEN, founded=date(2016, 3, 1)))
    ds.add(Alliance("b2", "Bündnis 2", KOELN, founded=date(2017, 9, 1)))
    ds.add(Offer("o1", "dialog", "Dialog", date(2016, 5, 1), alliance="b1", people_reached=100))
    ds.add(Offer("o2", "dialog", "Dialog", date(2017, 5, 1), alliance="b1", people_reached=50))
    rows = reach(ds, by="year", as_of=date(2017, 12, 31))
    assert [(r["id"], r["alliances"], r["people_reached"], r["people_reached_in_year"]) for r in rows] == [
        ("2016", 1, 100, 100), ("2017", 2, 150, 50)]


def test_reach_by_an_unknown_grouping_is_an_input_error():
    with pytest.raises(InputError):
        reach(base(), by="kreis")


# -- output --------------------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [value or "" for _, value in attrs]


def test_printable_html_escapes_a_script_in_a_name():
    ds = base()
    healthy(ds, "b1", AACHEN, name="<script>alert('x')</script> Bündnis")
    page = render_office_html(office_view(ds, "sb-koeln", TODAY), ds)
    parser = _Tags()
    parser.feed(page)
    assert "script" not in parser.tags
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Bündnis" in page


def test_printable_html_loads_nothing_from_outside():
    ds = base()
    healthy(ds, "b1", AACHEN)
    parser = _Tags()
    parser.feed(render_office_html(office_view(ds, "sb-koeln", TODAY), ds))
    assert not any(value.startswith(("http:", "https:", "//")) for value in parser.attrs)
    assert not {"script", "link", "img", "iframe"} & set(parser.tags)


def test_table_format_names_each_alliance_with_its_next_offer():
    ds = base()
    empty(ds, "b1", KOELN)
    text = format_office_table(office_view(ds, "sb-koeln", TODAY))
    assert "Servicebüro Köln" in text
    assert "[kritisch] Bündnis b1 – empfohlen: Analyseworkshop" in text


# -- the demo --------------------------------------------------------------------------------

ANCHOR = date(2026, 1, 15)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = open_store(f"sqlite:///{path}")
    api.load_demo(store, anchor=ANCHOR)
    store.close()
    return path


@pytest.fixture(scope="module")
def demo_ds(demo_db) -> Dataset:
    return api.snapshot(open_store(f"sqlite:///{demo_db}"))


@pytest.mark.parametrize("office", ["sb-koeln", "sb-magdeburg"])
def test_demo_office_shows_every_offer_type_and_a_work_list(demo_ds, office):
    view = office_view(demo_ds, office, ANCHOR)
    assert all(n > 0 for n in view.offers_by_type("done").values())
    assert view.worklist
    assert {r.offer_type for r in view.worklist} == set(OFFER_TYPES)


# -- the app's office page -------------------------------------------------------------------------

PAGE = str(Path(__file__).resolve().parent.parent / "ui" / "seiten" / "buero.py")


@pytest.fixture
def page(demo_db, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    path = tmp_path / "demo.db"
    shutil.copy(demo_db, path)
    monkeypatch.setenv(ENV_STORE, f"sqlite:///{path}")
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["as_of"] = ANCHOR
    at.run()
    assert not at.exception
    return at, path


def test_office_page_shows_the_work_list_of_the_first_office(page):
    at, _ = page
    assert at.selectbox(key="buero_office").value == "sb-koeln"
    assert any("Empfohlen: **Analyseworkshop**" in m.value for m in at.markdown)
    assert at.get("download_button")


def test_office_page_plans_an_offer_that_then_overrides_the_recommendation(page):
    at, path = page
    first = at.selectbox(key="buero_plan_buendnis").value
    at.date_input(key="buero_plan_datum").set_value(ANCHOR + timedelta(days=20))
    at.text_area(key="buero_plan_begruendung").input("Jugendamt hat um einen Dialog gebeten")
    at.selectbox(key="buero_plan_art").set_value("dialog")
    at.button(key="buero_plan_speichern").click().run()
    assert not at.exception and not at.error
    offers = [o for o in api.snapshot(open_store(f"sqlite:///{path}")).offers.values() if o.alliance == first
              and o.date > ANCHOR]
    assert [(o.type, o.note) for o in offers] == [("dialog", "Jugendamt hat um einen Dialog gebeten")]
    shown = [m.value.replace("\\", "") for m in at.markdown]  # md() escapes markdown characters
    assert any("geplant: Dialog am 04.02.2026 – Begründung: Jugendamt hat um einen Dialog gebeten" in text
               for text in shown)


def test_office_page_refuses_a_plan_without_a_note_and_writes_nothing(page):
    at, path = page
    before = open_store(f"sqlite:///{path}").revision()
    recommended = at.selectbox(key="buero_plan_art").value
    at.selectbox(key="buero_plan_art").set_value(next(t for t in OFFER_TYPES if t != recommended))
    at.button(key="buero_plan_speichern").click().run()  # another offer than recommended needs a reason
    assert at.error
    assert open_store(f"sqlite:///{path}").revision() == before
