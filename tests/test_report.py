"""The printable HTML report of the Bündnis-Check."""

from datetime import date
from html.parser import HTMLParser

from graph.health import check_alliances
from graph.model import Actor, Alliance, Dataset, Institution, Membership, Municipality
from graph.report import render_report

TODAY = date(2026, 6, 15)
AACHEN = "05334"
KOELN = "05315"


class _Parsed(HTMLParser):
    """Tags and visible text of a document, as a browser would see them."""

    def __init__(self, document: str):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.feed(document)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def _render(ds: Dataset, title: str = "Bündnis-Check Aachen") -> str:
    return render_report(check_alliances(ds, TODAY), ds, title, TODAY)


def _one_alliance(name: str = "Bündnis Aachen") -> Dataset:
    ds = Dataset()
    ds.add(Municipality(AACHEN, "Städteregion Aachen", "kreis", "NW"))
    ds.add(Alliance("b1", name, AACHEN))
    ds.add(Institution("ja", "Jugendamt Aachen", "jugendamt", "verwaltung", AACHEN))
    ds.add(Membership("ja", "b1"))
    return ds


def test_script_in_an_alliance_name_is_shown_as_text_not_run():
    ds = _one_alliance(name="<script>alert(1)</script>")

    parsed = _Parsed(_render(ds))

    assert "script" not in parsed.tags
    assert "<script>alert(1)</script>" in parsed.all_text


def test_markup_in_a_member_name_inside_a_flag_message_is_escaped():
    ds = _one_alliance()
    ds.add(Institution("ja", '<img src=x onerror="alert(1)">', "jugendamt", "verwaltung", AACHEN))

    document = _render(ds)
    parsed = _Parsed(document)

    assert "img" not in parsed.tags and "onerror" not in [name for name, _ in parsed.attrs]
    assert '<img src=x onerror="alert(1)">' in parsed.all_text


def test_markup_in_the_title_is_escaped():
    parsed = _Parsed(_render(_one_alliance(), title="Check <b>fett</b>"))

    assert "b" not in parsed.tags and "Check <b>fett</b>" in parsed.all_text


def test_report_is_standalone_without_external_resources_or_scripts():
    document = _render(_one_alliance())

    parsed = _Parsed(document)
    assert document.startswith("<!DOCTYPE html>")
    assert not {"script", "link", "img", "iframe"} & set(parsed.tags)
    assert "http://" not in document and "https://" not in document


def test_report_is_german_and_names_the_date():
    document = _render(_one_alliance())

    assert '<html lang="de">' in document and "Stichtag 15.06.2026" in document


def test_report_counts_alliances_by_status():
    ds = _one_alliance()
    ds.add(Alliance("b2", "Zweites Bündnis", AACHEN))

    document = _render(ds)

    assert '<td class="status status-critical">kritisch</td><td class="num">2</td>' in document
    assert '<td class="status status-ok">in Ordnung</td><td class="num">0</td>' in document


def test_report_lists_each_alliance_with_the_reason_of_its_flag():
    text = _Parsed(_render(_one_alliance())).all_text

    assert "Bündnis Aachen" in text
    assert "Nur 1 lokaler Partner am 15.06.2026 (Minimum 3): Jugendamt Aachen." in text


def test_report_shows_refugee_youth_only_by_pseudonym():
    ds = _one_alliance()
    ds.add(Actor("y1", "Amir Beispiel", is_refugee_youth=True))
    ds.add(Membership("y1", "b1"))

    document = _render(ds)

    assert "Amir" not in document and ds.actors["y1"].display_name in document


def test_report_groups_by_kreis_when_alliances_lie_in_several():
    ds = _one_alliance()
    ds.add(Municipality(KOELN, "Köln", "kreisfreie_stadt", "NW"))
    ds.add(Alliance("b2", "Kölner Bündnis", KOELN))

    text = _Parsed(_render(ds)).all_text

    assert "Nach Kreis" in text and "Köln (05315)" in text and "Städteregion Aachen (05334)" in text


def test_empty_selection_says_so():
    document = render_report([], Dataset(), "Bündnis-Check", TODAY)

    assert "Keine Bündnisse in dieser Auswahl." in document
