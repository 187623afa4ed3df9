"""Network maps: what a filter keeps, privacy of minors, aggregation, and an HTML page that is safe and offline."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from graph.errors import NotFound
from graph.model import (
    Actor,
    Alliance,
    Dataset,
    Institution,
    Membership,
    Municipality,
    ServiceOffice,
    Tie,
    Topic,
)
from graph.netmap import (
    STATUS_COLOURS,
    MapEdge,
    MapFilter,
    aggregate,
    build_network,
    drill_down,
    file_stem,
    layout,
    legend,
    level_of,
    map_for,
    overview,
    render_html,
    vis_data,
    write_map,
)
from graph.netmap.colours import VISIONS, ciede2000, hex_to_lab, min_difference
from graph.netmap.style import KIND_COLOURS, SECTOR_COLOURS, colour_groups

AS_OF = date(2026, 6, 1)
KOELN, BONN, DRESDEN = "05315", "05314", "14612"


def places(ds: Dataset) -> None:
    ds.add(Municipality(KOELN, "Köln", "kreisfreie_stadt", "NW"))
    ds.add(Municipality(BONN, "Bonn", "kreisfreie_stadt", "NW"))
    ds.add(Municipality(DRESDEN, "Dresden", "kreisfreie_stadt", "SN"))


def alliance_with(ds: Dataset, alliance_id: str, ags: str, members: list[tuple[str, str, str]],
                  topics: tuple[str, ...] = ()) -> None:
    """An alliance and its member institutions, given as (id, type, sector)."""
    ds.add(Alliance(alliance_id, f"Bündnis {alliance_id}", ags, topics=topics))
    for inst_id, type_, sector in members:
        ds.add(Institution(inst_id, f"Einrichtung {inst_id}", type_, sector, ags))
        ds.add(Membership(inst_id, alliance_id, date(2020, 1, 1)))


def three_alliances() -> Dataset:
    """koeln (3 members, topic kinderschutz), bonn (3 members), dresden (3 members)."""
    ds = Dataset()
    places(ds)
    ds.add(Topic("kinderschutz", "Kinderschutz"))
    alliance_with(ds, "koeln", KOELN, [("k-ja", "jugendamt", "verwaltung"), ("k-schule", "schule", "bildung"),
                                       ("k-mo", "migrantenorganisation", "migrantenorganisation")],
                  topics=("kinderschutz",))
    alliance_with(ds, "bonn", BONN, [("b-ja", "jugendamt", "verwaltung"), ("b-traeger", "freier_traeger",
                                                                          "freie_wohlfahrt"),
                                     ("b-ini", "initiative", "zivilgesellschaft")])
    alliance_with(ds, "dresden", DRESDEN, [("d-ja", "jugendamt", "verwaltung"), ("d-schule", "schule", "bildung"),
                                           ("d-mo", "migrantenorganisation", "migrantenorganisation")])
    return ds


def ids(graph) -> set[str]:
    return {n.id for n in graph.nodes}


def test_kreis_filter_keeps_the_kreis_alliances_their_members_and_local_people():
    ds = three_alliances()
    ds.add(Institution("k-kita", "Kita ohne Bündnis", "kita", "bildung", KOELN))
    graph = build_network(ds, AS_OF, MapFilter(kreis=KOELN))
    assert ids(graph) == {"koeln", "k-ja", "k-schule", "k-mo", "k-kita"}


def test_state_filter_keeps_only_that_land():
    graph = build_network(three_alliances(), AS_OF, MapFilter(state="SN"))
    assert ids(graph) == {"dresden", "d-ja", "d-schule", "d-mo"}


def test_alliance_filter_shows_a_member_person_with_the_institution_they_work_for():
    ds = three_alliances()
    ds.add(Institution("bonn-ja", "Jugendamt Bonn", "jugendamt", "verwaltung", BONN))
    ds.add(Actor("anna", "Anna Schmidt", "Fachkraft", institution="bonn-ja"))
    ds.add(Membership("anna", "koeln", date(2021, 1, 1)))
    graph = build_network(ds, AS_OF, MapFilter(alliance="koeln"))
    assert ids(graph) == {"koeln", "k-ja", "k-schule", "k-mo", "anna", "bonn-ja"}
    assert {(e.source, e.target, e.type) for e in graph.edges} >= {("anna", "bonn-ja", "WORKS_AT")}


def test_topic_filter_keeps_alliances_on_that_topic():
    graph = build_network(three_alliances(), AS_OF, MapFilter(topic="kinderschutz"))
    assert {n.id for n in graph.nodes if n.kind == "alliance"} == {"koeln"}


def test_sector_filter_keeps_institutions_of_the_sector_and_their_alliances():
    graph = build_network(three_alliances(), AS_OF, MapFilter(sector="verwaltung"))
    assert ids(graph) == {"koeln", "k-ja", "bonn", "b-ja", "dresden", "d-ja"}


def test_office_filter_keeps_alliances_in_the_lands_it_serves():
    ds = three_alliances()
    ds.add(ServiceOffice("sb-magdeburg", "Servicebüro Magdeburg", "Magdeburg", ("SN", "ST", "TH")))
    graph = build_network(ds, AS_OF, MapFilter(office="sb-magdeburg"))
    assert {n.id for n in graph.nodes if n.kind == "alliance"} == {"dresden"}


def test_ended_membership_is_not_drawn():
    ds = three_alliances()
    ds.add(Membership("b-ja", "koeln", date(2019, 1, 1), until=date(2025, 12, 31)))
    graph = build_network(ds, AS_OF, MapFilter(alliance="koeln"))
    assert "b-ja" not in ids(graph)


def test_ego_network_grows_with_depth():
    ds = three_alliances()
    ds.add(Tie("k-ja", "b-ja"))  # Köln's Jugendamt knows Bonn's
    depth1 = build_network(ds, AS_OF, MapFilter(ego="k-ja", depth=1))
    depth2 = build_network(ds, AS_OF, MapFilter(ego="k-ja", depth=2))
    assert ids(depth1) == {"k-ja", "koeln", "b-ja"}
    assert ids(depth2) == {"k-ja", "koeln", "b-ja", "k-schule", "k-mo", "bonn"}


def test_ego_depth_outside_one_to_three_is_refused():
    with pytest.raises(NotFound, match="Tiefe 4"):
        build_network(three_alliances(), AS_OF, MapFilter(ego="k-ja", depth=4))


def test_unknown_filter_id_is_a_user_error_naming_it():
    with pytest.raises(NotFound, match="Bündnis 'gibt-es-nicht'"):
        build_network(three_alliances(), AS_OF, MapFilter(alliance="gibt-es-nicht"))


def test_node_size_grows_with_degree():
    ds = three_alliances()
    ds.add(Tie("k-ja", "k-schule"))
    graph = build_network(ds, AS_OF, MapFilter(alliance="koeln"))
    assert graph.node("k-ja").degree == 2 and graph.node("k-mo").degree == 1
    assert graph.node("k-ja").size > graph.node("k-mo").size


def test_refugee_youth_appears_by_pseudonym_never_by_name():
    ds = three_alliances()
    ds.add(Actor("y1", "Samira Haddad", municipality=KOELN, is_refugee_youth=True, pseudonym="Jugendliche*r 7F3A"))
    ds.add(Membership("y1", "koeln", date(2022, 1, 1)))
    graph = build_network(ds, AS_OF, MapFilter(kreis=KOELN))
    assert graph.node("y1").label == "Jugendliche*r 7F3A"
    html = render_html(graph)
    assert "Samira" not in html and "Haddad" not in html


def test_reveal_in_an_alliance_view_names_only_that_alliances_own_young_people():
    ds = three_alliances()
    ds.add(Actor("y1", "Samira Haddad", municipality=KOELN, is_refugee_youth=True, pseudonym="Jugendliche*r 7F3A"))
    ds.add(Actor("y2", "Omid Karimi", municipality=KOELN, is_refugee_youth=True, pseudonym="Jugendliche*r 11B2"))
    ds.add(Membership("y1", "koeln", date(2022, 1, 1)))
    ds.add(Tie("y1", "y2"))  # y2 is in no alliance of Köln but knows y1
    graph = build_network(ds, AS_OF, MapFilter(alliance="koeln", ego="y1", depth=1, reveal=True))
    assert graph.node("y1").label == "Samira Haddad"
    assert "y2" not in ids(graph)  # the alliance view does not reach beyond its members
    wider = build_network(ds, AS_OF, MapFilter(ego="y1", depth=1))
    assert wider.node("y2").label == "Jugendliche*r 11B2"


def test_alliance_below_three_partners_is_flagged_in_label_and_status():
    ds = Dataset()
    places(ds)
    alliance_with(ds, "klein", KOELN, [("ja", "jugendamt", "verwaltung"), ("schule", "schule", "bildung")])
    node = build_network(ds, AS_OF).node("klein")
    assert node.status == "critical" and node.flagged
    assert node.label.startswith("⚠ ")
    assert "Partner" in node.tooltip


def test_large_map_is_aggregated_to_alliances_by_kreis_and_says_so():
    ds = three_alliances()
    ds.add(Membership("k-ja", "bonn", date(2021, 1, 1)))  # one institution in two alliances
    graph = build_network(ds, AS_OF, max_nodes=5)
    assert graph.aggregated
    assert "zusammengefasst" in graph.title and "gruppiert nach Kreis" in graph.note
    assert {n.kind for n in graph.nodes} == {"alliance", "kreis"}
    shared = [e for e in graph.edges if e.type == "SHARES_MEMBERS"]
    assert [(e.source, e.target, e.weight) for e in shared] == [("bonn", "koeln", 1.0)]


def test_small_map_is_not_aggregated():
    graph = build_network(three_alliances(), AS_OF)
    assert not graph.aggregated and graph.note is None


def test_aggregate_draws_one_node_per_kreis_linked_to_its_alliances():
    ds = three_alliances()
    graph = aggregate(build_network(ds, AS_OF, max_nodes=None), ds)
    kreise = {n.id: n for n in graph.nodes if n.kind == "kreis"}
    assert set(kreise) == {f"kreis:{KOELN}", f"kreis:{BONN}", f"kreis:{DRESDEN}"}
    assert ("koeln", f"kreis:{KOELN}", "LOCATED_IN") in {(e.source, e.target, e.type) for e in graph.edges}


# -- HTML ----------------------------------------------------------------------

def page_data(html: str) -> dict:
    """The map data the page hands to its viewer (one JSON block)."""
    match = re.search(r'<script type="application/json" id="kartendaten">(.*?)</script>', html, re.S)
    assert match, "no map data in the page"
    return json.loads(match.group(1))


def dataset_json(html: str, name: str) -> list[dict]:
    """The node or edge objects the page draws."""
    return page_data(html)[name]


def test_html_loads_nothing_from_the_network():
    html = render_html(build_network(three_alliances(), AS_OF))
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "@import" not in html and "url(http" not in html
    assert "default-src 'none'" in html  # the browser refuses any request the page might still try


def test_a_name_closing_the_script_tag_stays_data():
    evil = "</script><script>alert(1)</script>"
    ds = three_alliances()
    ds.add(Institution("evil", evil, "initiative", "zivilgesellschaft", KOELN))
    ds.add(Membership("evil", "koeln", date(2022, 1, 1)))
    plain = render_html(build_network(three_alliances(), AS_OF, MapFilter(kreis=KOELN)))
    html = render_html(build_network(ds, AS_OF, MapFilter(kreis=KOELN)))
    assert html.count("</script") == plain.count("</script")  # no extra closing tag: cannot break out
    assert html.lower().count("<script") == plain.lower().count("<script")
    nodes = {n["id"]: n for n in dataset_json(html, "nodes")}
    assert nodes["evil"]["label"] == evil
    assert nodes["evil"]["title"].startswith("Einrichtung: " + evil)


def test_tooltips_are_plain_text_not_markup():
    ds = three_alliances()
    ds.add(Institution("img", "<img src=x onerror=alert(1)>", "initiative", "zivilgesellschaft", KOELN))
    ds.add(Membership("img", "koeln", date(2022, 1, 1)))
    graph = build_network(ds, AS_OF, MapFilter(kreis=KOELN))
    nodes = {n["id"]: n for n in dataset_json(render_html(graph), "nodes")}
    assert nodes["img"]["title"] == graph.node("img").tooltip
    assert "&lt;" not in nodes["img"]["title"] and "<br>" not in nodes["img"]["title"]


def test_title_and_legend_text_are_escaped_in_the_page():
    ds = three_alliances()
    ds.alliances["koeln"] = Alliance("koeln", "<b>fett</b>", KOELN)
    html = render_html(build_network(ds, AS_OF, MapFilter(alliance="koeln")))
    assert "<b>fett</b>" not in html and "&lt;b&gt;fett&lt;/b&gt;" in html


def test_physics_off_draws_from_a_precomputed_seeded_layout():
    graph = build_network(three_alliances(), AS_OF)
    first = dataset_json(render_html(graph, physics=False), "nodes")
    again = dataset_json(render_html(graph, physics=False), "nodes")
    assert all("x" in n and "y" in n for n in first)
    assert [(n["x"], n["y"]) for n in first] == [(n["x"], n["y"]) for n in again]
    assert page_data(render_html(graph, physics=False))["options"]["physics"]["enabled"] is False


def test_physics_on_lets_the_browser_lay_out_a_small_map():
    nodes = dataset_json(render_html(build_network(three_alliances(), AS_OF)), "nodes")
    assert not any("x" in n for n in nodes)


def test_legend_lists_the_colour_groups_present():
    graph = build_network(three_alliances(), AS_OF, MapFilter(kreis=KOELN))
    assert [look.label for look in legend(graph, "kind")] == ["Bündnis", "Einrichtung"]
    by_sector = [look.label for look in legend(graph, "sector")]
    assert by_sector == ["Bündnis", "Verwaltung", "Bildung", "Migrantenorganisation"]
    assert "Migrantenorganisation" in render_html(graph, colour_by="sector")


def test_height_must_be_a_css_size():
    with pytest.raises(ValueError):
        render_html(build_network(three_alliances(), AS_OF), height="1px;}</style><script>")


def test_write_map_writes_a_standalone_page(tmp_path):
    out = write_map(three_alliances(), tmp_path / "karte" / "koeln.html", kreis=KOELN, as_of=AS_OF)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Kreis Köln" in text and "vis.Network" in text


def test_alliance_tooltip_names_the_last_and_the_next_offer():
    from graph.model import Offer

    ds = Dataset()
    ds.add(Alliance("b1", "Bündnis Köln", "05315"))
    ds.add(Offer("o1", "analyseworkshop", "Auftakt", date(2025, 3, 1), alliance="b1"))
    ds.add(Offer("o2", "dialog", "Dialog", date(2025, 9, 1), alliance="b1"))
    ds.add(Offer("o3", "hospitation", "Besuch", date(2026, 4, 1), alliance="b1"))
    (node,) = build_network(ds, date(2026, 1, 1), MapFilter(kreis="05315"), health={}).nodes
    assert "Letztes Angebot: Dialog am 01.09.2025" in node.tooltip
    assert "Geplant: Hospitation am 01.04.2026" in node.tooltip


# -- palette: every category its own look, distinguishable also with colour-vision deficiency ---------

#: Least CIEDE2000 difference between two categories drawn in the same shape, under every simulated vision.
MIN_DELTA_E = 10.0


@pytest.mark.parametrize("lab1,lab2,expected", [  # Sharma, Wu & Dalal (2005), table 1: pairs 1, 7, 13, 14, 17, 34
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0009), 7.1792),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0010), 7.1792),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
])
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_dichromat_simulation_merges_red_and_green_but_keeps_blue_and_yellow():
    red_green = ciede2000(hex_to_lab("#D55E00", "deutan"), hex_to_lab("#009E73", "deutan"))
    assert ciede2000(hex_to_lab("#D55E00"), hex_to_lab("#009E73")) > 40 > red_green + 15
    assert ciede2000(hex_to_lab("#0072B2", "deutan"), hex_to_lab("#F0E442", "deutan")) > 40


def test_migrant_organisation_and_young_refugee_never_look_alike():
    """The two groups behind the youth-voice check (they shared #CC79A7 when coloured by sector)."""
    d, *_ = min_difference({"mo": SECTOR_COLOURS["migrantenorganisation"], "youth": KIND_COLOURS["youth"]})
    assert d >= MIN_DELTA_E


@pytest.mark.parametrize("colour_by", ["kind", "type", "sector"])
def test_every_category_has_its_own_look_and_same_shapes_stay_apart_for_every_vision(colour_by):
    groups = colour_groups(colour_by)
    # Overview maps (Länder, Kreise: coloured by status) and network maps never share a drawing.
    families = {"overview": {k: v for k, v in groups.items() if k.startswith("status:") or k == "land"},
                "network": {k: v for k, v in groups.items() if not k.startswith("status:")}}
    for family, members in families.items():
        looks = [(look.colour.upper(), look.shape) for look in members.values()]
        assert len(set(looks)) == len(looks), f"two categories drawn alike in {family} maps"
        # What shares a shape must differ in colour for every vision; in a sector map people are
        # dots in their institution's sector colour, next to young refugees (dots as well).
        drawn: dict[str, dict[str, str]] = {}
        for key, look in members.items():
            drawn.setdefault(look.shape, {})[key] = look.colour
            if colour_by == "sector" and key.startswith("sector:"):
                drawn.setdefault("dot", {})[key] = look.colour
        for shape, colours in drawn.items():
            if len(colours) > 1:
                d, a, b, vision = min_difference(colours)
                assert d >= MIN_DELTA_E, f"{shape}: {a} and {b} only ΔE00 {d:.1f} apart ({vision})"


def test_status_colours_stay_apart_for_every_vision():
    d, a, b, vision = min_difference(STATUS_COLOURS)
    assert d >= MIN_DELTA_E, (a, b, vision)
    assert set(VISIONS) >= {"protan", "deutan"}


# -- levels -----------------------------------------------------------------------------------------

def two_lands() -> Dataset:
    """koeln (NW, 3 members) and bonn (NW) sharing an institution; dresden (SN) below three partners."""
    ds = three_alliances()
    ds.add(Membership("k-ja", "bonn", date(2021, 1, 1)))
    ds.memberships = {k: m for k, m in ds.memberships.items() if m.member != "d-mo"}
    return ds


def test_level_follows_the_selection():
    assert [level_of(MapFilter(**f)) for f in ({}, {"office": "sb"}, {"state": "NW", "kreis": KOELN},
                                                {"kreis": KOELN, "alliance": "koeln"}, {"ego": "k-ja"})] == [
        "bund", "land", "kreis", "buendnis", "person"]


def test_bund_overview_has_one_node_per_land_sized_by_alliances_coloured_by_the_worst_status():
    graph = overview(two_lands(), AS_OF)
    assert graph.level == "bund" and graph.aggregated
    nodes = {n.id: n for n in graph.nodes}
    assert set(nodes) == {"land:NW", "land:SN"}
    assert (nodes["land:NW"].count, nodes["land:SN"].count) == (2, 1)
    assert nodes["land:NW"].size > nodes["land:SN"].size
    assert nodes["land:SN"].status == "critical" and "1 kritisch" in nodes["land:SN"].label
    assert nodes["land:NW"].label.startswith("Nordrhein-Westfalen\n2 Bündnisse")
    assert "Anteil kritisch: 100 %" in nodes["land:SN"].tooltip


def test_land_overview_has_kreise_under_a_land_heading_joined_by_shared_members():
    graph = overview(two_lands(), AS_OF, MapFilter(state="NW"))
    assert graph.level == "land"
    assert {(n.id, n.kind, n.count) for n in graph.nodes} == {
        (f"kreis:{KOELN}", "kreis", 1), (f"kreis:{BONN}", "kreis", 1), ("land:NW", "land", None)}
    assert [(e.source, e.target, e.weight) for e in graph.edges] == [(f"kreis:{BONN}", f"kreis:{KOELN}", 1.0)]


def test_overview_counts_only_alliances_on_the_topic():
    graph = overview(two_lands(), AS_OF, MapFilter(topic="kinderschutz"))
    assert [(n.id, n.count) for n in graph.nodes] == [("land:NW", 1)]


def test_clicking_an_overview_node_drills_one_level_down():
    bund = MapFilter(topic="kinderschutz")
    land = drill_down(bund, "land:NW")
    assert (land.state, land.topic, level_of(land)) == ("NW", "kinderschutz", "land")
    kreis = drill_down(land, f"kreis:{KOELN}")
    assert (kreis.state, kreis.kreis, level_of(kreis)) == ("NW", KOELN, "kreis")
    assert drill_down(kreis, "koeln") is None and drill_down(bund, "land:XX") is None


def test_map_for_draws_the_network_below_the_land_level():
    graph = map_for(two_lands(), AS_OF, MapFilter(kreis=KOELN))
    assert graph.level == "kreis" and not graph.aggregated
    assert {n.kind for n in graph.nodes} == {"alliance", "institution"}


def test_overview_layout_keeps_each_lands_kreise_together_below_its_heading():
    ds = two_lands()
    data = vis_data(overview(ds, AS_OF, MapFilter(office=None, state=None, kreis=None, topic=None)))
    assert all("x" in n for n in data["nodes"]) and data["options"]["physics"]["enabled"] is False
    land = vis_data(overview(ds, AS_OF, MapFilter(state="NW")))
    pos = {n["id"]: (n["x"], n["y"]) for n in land["nodes"]}
    assert pos["land:NW"][1] < min(pos[f"kreis:{KOELN}"][1], pos[f"kreis:{BONN}"][1])
    assert pos[f"kreis:{KOELN}"] != pos[f"kreis:{BONN}"]


def test_download_names_carry_selection_and_date():
    assert file_stem(MapFilter(state="SN", kreis="14713"), date(2026, 11, 29)) == (
        "netzwerkkarte-land-sn-kreis-14713-2026-11-29")
    assert file_stem(MapFilter(ego="p 1/x", depth=2), date(2026, 1, 2)) == "netzwerkkarte-ego-p-1-x-tiefe-2-2026-01-02"


def test_legends_explain_shapes_lines_and_counts():
    graph = build_network(three_alliances(), AS_OF, MapFilter(kreis=KOELN))
    data = vis_data(graph, colour_by="sector")
    assert [e["text"].split(":")[0] for e in data["edgeLegend"]] == ["durchgezogen"]
    assert [s["label"] for s in data["shapes"]] == ["Form: Einrichtung"]  # Bündnis: in the colour legend
    assert [look["label"] for look in data["legend"]].count("Bündnis") == 1
    folded = vis_data(aggregate(build_network(three_alliances(), AS_OF, max_nodes=None), three_alliances()))
    assert any(note.startswith("(n)") for note in folded["notes"])
    assert [e["text"].split(":")[0] for e in folded["edgeLegend"]] == ["gestrichelt"]


def test_labels_are_ranked_alliances_before_institutions_before_people():
    ds = three_alliances()
    ds.add(Actor("anna", "Anna Schmidt", "Fachkraft", institution="k-ja"))
    ds.add(Membership("anna", "koeln", date(2021, 1, 1)))
    nodes = {n["id"]: n for n in vis_data(build_network(ds, AS_OF, MapFilter(kreis=KOELN)))["nodes"]}
    assert nodes["koeln"]["importance"] > nodes["k-ja"]["importance"] > nodes["anna"]["importance"]


def test_cli_map_without_filter_writes_the_bund_overview(tmp_path):
    out = write_map(three_alliances(), tmp_path / "bund.html", as_of=AS_OF)
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["level"] == "bund" and {n["id"] for n in data["nodes"]} == {"land:NW", "land:SN"}


def test_loose_nodes_stand_below_the_network_instead_of_far_out():
    ds = three_alliances()
    ds.add(Institution("k-allein", "Kita ohne Bündnis", "kita", "bildung", KOELN))
    graph = build_network(ds, AS_OF, MapFilter(kreis=KOELN))
    pos = layout(graph)
    network = [pos[n] for n in ("koeln", "k-ja", "k-schule", "k-mo")]
    x, y = pos["k-allein"]
    assert y > max(py for _, py in network)
    assert min(px for px, _ in network) <= x <= max(px for px, _ in network)
    assert y - max(py for _, py in network) < 300  # near, not pushed out by the force simulation


def test_overview_nodes_fit_their_tiles_whatever_the_counts():
    ds = two_lands()
    for i in range(40):  # one very large Land next to a small one
        ds.add(Alliance(f"x{i}", f"Bündnis {i}", KOELN))
    sizes = {n.id: n.size for n in overview(ds, AS_OF).nodes}
    assert sizes["land:NW"] <= 65 and sizes["land:SN"] < sizes["land:NW"]


def test_survey_ties_get_a_legend_line_per_trust_band():
    from graph.netmap.survey_edges import TRUST_COLOURS

    graph = build_network(three_alliances(), AS_OF, MapFilter(kreis=KOELN))
    graph.edges.append(MapEdge("k-ja", "k-mo", "COOPERATES_WITH", "", 3.0, TRUST_COLOURS[4]))
    legend_lines = vis_data(graph)["edgeLegend"]
    assert [line["color"] for line in legend_lines if line["text"].startswith("Befragung")] == [TRUST_COLOURS[4]]
    assert not any(line["text"].startswith("Befragung") for line in vis_data(build_network(
        three_alliances(), AS_OF, MapFilter(kreis=KOELN)))["edgeLegend"])


def test_a_kreis_map_is_the_same_page_in_every_process(tmp_path):
    """`map --kreis` writes the same bytes whatever the process's hash seed: which end of a tie
    comes first must not follow the iteration order of a set (it did; the kept map then depended
    on which process drew it first)."""
    import os
    import shutil
    import subprocess
    import sys

    from graph.accounts import ENV_ACCOUNTS, set_single_user

    accounts = tmp_path / "accounts.json"
    set_single_user(accounts)
    env = {**os.environ, ENV_ACCOUNTS: str(accounts)}
    store = f"sqlite:///{tmp_path / 'demo.db'}"

    def cli(*args: str, seed: str = "0") -> None:
        subprocess.run([sys.executable, "-m", "graph.cli", "--store", store, *args],
                       env={**env, "PYTHONHASHSEED": seed}, check=True, capture_output=True)

    cli("demo")
    pages = set()
    for seed in ("1", "2", "3", "4", "5"):
        for kept in tmp_path.glob("demo.db.*"):  # no kept map or snapshot: each process draws it afresh
            shutil.rmtree(kept) if kept.is_dir() else kept.unlink()
        out = tmp_path / f"karte-{seed}.html"
        cli("map", "--kreis", "05315", "--as-of", "2026-11-01", "--out", str(out), seed=seed)
        pages.add(out.read_bytes())
    assert len(pages) == 1
