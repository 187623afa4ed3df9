"""The Servicebüro's view: its alliances, its offers, its work list, and the programme's reach.

A Servicebüro (``ServiceOffice``) supports the municipalities of the Länder it
serves. :func:`office_view` gathers, as of a date, what the office works with:

- its alliances (those in its Länder) grouped by health status;
- its offers per type and month, held in the last 12 months (the current
  month and the 11 before) and planned for the next 6;
- its alliances without any offer in the last 12 months;
- the work list: the next-offer recommendations of :mod:`graph.offers`,
  critical first, showing a planned offer where one overrides them.

:func:`reach` counts what the programme reported (by autumn 2018: more than
200 supported municipalities, more than 100 alliances, about 15,500 people
reached): municipalities supported (with an alliance or an offer), alliances,
and people reached through offers, per Servicebüro, Land or year.

:mod:`graph.office_report` turns a view into text for the terminal and a
printable standalone HTML page. Everything here is pure: a Dataset and a date
in, dataclasses and dicts out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from .errors import InputError, NotFound, Problem
from .health import (
    FLAG_LABELS,
    INFO,
    AllianceReport,
    HealthSummary,
    check_alliances,
    check_summaries,
    months_before,
    summarize,
)
from .health.base import AllianceIndex, select_alliances
from .model import OFFER_TYPES, STATES, Alliance, Dataset, Offer
from .offers import Recommendation, recommend
from .rules import (
    STATUSES,
    alliances_of_office,
    office_of_alliance,
    offices_serving,
    state_of_alliance,
    state_of_place,
    status_rank,
)

#: months of held offers shown (the current month and the 11 before) and months of planned ones after it
MONTHS_BACK, MONTHS_AHEAD = 12, 6
#: how long without an offer puts an alliance on the "without offers" list
NO_OFFER_MONTHS = 12
REACH_BY = ("office", "state", "year")
UNASSIGNED = "-"
MONTH_NAMES = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")


def month_key(day: date) -> str:
    """``JJJJ-MM``, the month a day falls in (sorts in time order)."""
    return f"{day.year:04d}-{day.month:02d}"


def month_label(key: str) -> str:
    """A German label for a month key, e.g. ``2026-03`` -> ``Mär 2026``."""
    year, month = key.split("-")
    return f"{MONTH_NAMES[int(month) - 1]} {year}"


def _place_name(ds: Dataset, ags: str | None) -> str:
    if not ags:
        return "unbekannt"
    municipality = ds.municipalities.get(ags)
    return municipality.name if municipality else ags


# -- the view -----------------------------------------------------------------------------

@dataclass
class AllianceLine:
    """One alliance as the office sees it."""

    alliance: str
    name: str
    municipality: str
    place: str
    status: str
    score: int
    partners: int
    flags: list[str] = field(default_factory=list)  # German labels of warning and critical flags
    last_offer: date | None = None  # last offer held (any office)
    next_offer: date | None = None  # next offer planned (any office)

    def as_dict(self) -> dict:
        return {"alliance": self.alliance, "name": self.name, "municipality": self.municipality,
                "place": self.place, "status": self.status, "score": self.score, "partners": self.partners,
                "flags": list(self.flags),
                "last_offer": self.last_offer.isoformat() if self.last_offer else None,
                "next_offer": self.next_offer.isoformat() if self.next_offer else None}


@dataclass(frozen=True)
class OfferCount:
    """Offers of one type in one month: held (on or before the date) and planned (after it)."""

    month: str
    type: str
    done: int
    planned: int

    def as_dict(self) -> dict:
        return {"month": self.month, "type": self.type, "done": self.done, "planned": self.planned}


@dataclass
class OfficeView:
    """What one Servicebüro works with as of a date (see the module docstring)."""

    office: str
    name: str
    city: str
    states: tuple[str, ...]
    as_of: date
    alliances: dict[str, list[AllianceLine]]
    months: list[str]
    offers: list[OfferCount]
    without_offers: list[AllianceLine]
    worklist: list[Recommendation]
    reach: dict

    def status_counts(self) -> dict[str, int]:
        return {status: len(self.alliances.get(status, ())) for status in STATUSES}

    def offers_by_type(self, kind: str = "done") -> dict[str, int]:
        """Offers per type over the whole window; `kind` is ``done`` or ``planned``."""
        totals: Counter[str] = Counter()
        for count in self.offers:
            totals[count.type] += getattr(count, kind)
        return {t: totals[t] for t in OFFER_TYPES}

    def count(self, month: str, offer_type: str) -> OfferCount:
        for c in self.offers:
            if c.month == month and c.type == offer_type:
                return c
        return OfferCount(month, offer_type, 0, 0)

    def as_dict(self) -> dict:
        return {
            "office": self.office, "name": self.name, "city": self.city, "states": list(self.states),
            "as_of": self.as_of.isoformat(),
            "alliances": {s: [line.as_dict() for line in self.alliances.get(s, [])] for s in STATUSES},
            "status_counts": self.status_counts(),
            "months": list(self.months),
            "offers": [c.as_dict() for c in self.offers],
            "offers_done": self.offers_by_type("done"),
            "offers_planned": self.offers_by_type("planned"),
            "without_offers": [line.as_dict() for line in self.without_offers],
            "worklist": [r.as_dict() for r in self.worklist],
            "reach": dict(self.reach),
        }


def office_alliances(ds: Dataset, office_id: str) -> set[str]:
    """Ids of the alliances the office supports (:func:`graph.rules.office_of_alliance`)."""
    return alliances_of_office(ds, office_id)


def offer_of_office(ds: Dataset, offer: Offer, office_id: str) -> bool:
    """The office made the offer: it says so, or it names no office and lies in the office's Länder."""
    if offer.office:
        return offer.office == office_id
    place = offer.municipality
    if place is None and offer.alliance in ds.alliances:
        place = ds.alliances[offer.alliance].municipality
    return state_of_place(ds, place) in ds.service_offices[office_id].states


def office_recommendations(ds: Dataset, office_id: str, as_of: date,
                           dismissed: Iterable[tuple[str, str, str]] = frozenset(),
                           ) -> tuple[list[AllianceReport], list[Recommendation]]:
    """The health reports and offer recommendations of the office's alliances, as of a date.

    The same as checking every alliance and recommending for all (:func:`graph.health.check_alliances`,
    :func:`graph.offers.recommend`) and keeping the office's, for less: the check of one alliance
    does not depend on the others, so only the office's alliances are checked in full; the
    hospitation pairing looks across the country and reads every alliance's summary
    (:func:`graph.health.check_summaries`; the office's own summarised from their full reports), both
    checks from one :class:`~graph.health.base.AllianceIndex`;
    and the reasons are worded for the office's alliances only.
    """
    mine = office_alliances(ds, office_id)
    index = AllianceIndex(ds, as_of)  # one for both checks: the office's in full, everyone's as summaries
    reports = check_alliances(ds, as_of, alliance_ids=[a for a in select_alliances(ds, as_of, None) if a in mine],
                              index=index)
    if not reports:
        return [], []

    def everyone() -> list[HealthSummary]:  # the office's from their full reports, the others' checked here
        own = [summarize(r) for r in reports]
        others = check_summaries(ds, as_of, alliance_ids=[a for a in select_alliances(ds, as_of, None)
                                                          if a not in mine], index=index)
        return sorted(own + others, key=lambda s: (status_rank(s.status), s.alliance))

    # every alliance's summary only when one of the office's could host
    return reports, recommend(ds, as_of, reports, dismissed=dismissed, pairing=everyone)


def office_view(ds: Dataset, office_id: str, as_of: date, reports: list[AllianceReport] | None = None,
                recommendations: list[Recommendation] | None = None,
                dismissed: Iterable[tuple[str, str, str]] = frozenset()) -> OfficeView:
    """Gather one Servicebüro's alliances, offers and work list as of a date.

    Parameters
    ----------
    ds : Dataset
        The graph (a snapshot; no store is opened).
    office_id : str
        An id in ``ds.service_offices``.
    as_of : datetime.date
        Offers after this day are planned, the others held.
    reports : list of AllianceReport, optional
        :func:`graph.health.check_alliances` for `as_of` (all alliances or
        the office's); computed when omitted.
    recommendations : list of Recommendation, optional
        :func:`graph.offers.recommend` for `as_of`; computed when omitted.

    Returns
    -------
    OfficeView

    Raises
    ------
    NotFound
        When the office is not in the data.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.model import Alliance, Dataset, Municipality, ServiceOffice
    >>> ds = Dataset()
    >>> ds.add(ServiceOffice("sb-koeln", "Servicebüro Köln", "Köln", ("NW",)))
    >>> ds.add(Municipality("05334", "Städteregion Aachen", "kreis", "NW"))
    >>> ds.add(Alliance("b1", "Bündnis Aachen", "05334"))
    >>> view = office_view(ds, "sb-koeln", date(2026, 1, 15))
    >>> view.status_counts(), [r.offer_type for r in view.worklist]
    ({'critical': 1, 'warn': 0, 'ok': 0}, ['analyseworkshop'])
    """
    if office_id not in ds.service_offices:
        known = ", ".join(sorted(ds.service_offices)) or "keine"
        raise NotFound([Problem("-", "-", "office", f"Servicebüro {office_id!r} gibt es nicht (bekannt: {known})")])
    office = ds.service_offices[office_id]
    mine = office_alliances(ds, office_id)
    if reports is None and recommendations is None:
        reports, recommendations = office_recommendations(ds, office_id, as_of, dismissed)
    if reports is None:
        reports = check_alliances(ds, as_of)  # all: hospitation hosts may pair across the region
    if recommendations is None:
        if {r.alliance for r in reports} == set(select_alliances(ds, as_of, None)):  # every alliance's check
            recommendations = recommend(ds, as_of, [r for r in reports if r.alliance in mine], dismissed=dismissed,
                                        pairing=reports)
        else:
            recommendations = recommend(ds, as_of, reports, dismissed=dismissed)
    reports = [r for r in reports if r.alliance in mine]

    held: dict[str, list[date]] = defaultdict(list)
    planned: dict[str, list[date]] = defaultdict(list)
    for offer in ds.offers.values():
        if offer.alliance:
            (held if offer.date <= as_of else planned)[offer.alliance].append(offer.date)
    lines = {r.alliance: AllianceLine(
        r.alliance, r.name, r.municipality, _place_name(ds, r.municipality), r.status, r.score, r.partners,
        [FLAG_LABELS.get(f.code, f.code) for f in r.flags if f.severity != INFO],
        max(held[r.alliance], default=None), min(planned[r.alliance], default=None)) for r in reports}
    by_status = {s: sorted((line for line in lines.values() if line.status == s),
                           key=lambda line: (line.score, line.name, line.alliance)) for s in STATUSES}

    first = months_before(as_of, MONTHS_BACK - 1)
    months = [month_key(months_before(first, -i)) for i in range(MONTHS_BACK + MONTHS_AHEAD)]
    window = set(months)
    counts: dict[tuple[str, str], list[int]] = {(m, t): [0, 0] for m in months for t in OFFER_TYPES}
    for offer in ds.offers.values():
        key = (month_key(offer.date), offer.type)
        if key[0] in window and key in counts and offer_of_office(ds, offer, office_id):
            counts[key][0 if offer.date <= as_of else 1] += 1
    offers = [OfferCount(m, t, *counts[(m, t)]) for m in months for t in OFFER_TYPES]

    since = months_before(as_of, NO_OFFER_MONTHS)
    without = [line for s in STATUSES for line in by_status[s]
               if not any(since <= day <= as_of for day in held[line.alliance])]
    worklist = [r for r in recommendations if r.alliance in lines]
    row = next((r for r in reach(ds, by="office", as_of=as_of) if r["id"] == office_id), {})
    return OfficeView(office.id, office.name, office.city, tuple(office.states), as_of, by_status,
                      months, offers, without, worklist, row)


# -- reach --------------------------------------------------------------------------------

def _offer_place(ds: Dataset, offer: Offer) -> str | None:
    if offer.municipality:
        return offer.municipality
    alliance = ds.alliances.get(offer.alliance or "")
    return alliance.municipality if alliance else None


def _offer_office(ds: Dataset, offer: Offer, office_of: dict[str, str | None] | None = None) -> str | None:
    if offer.office:
        return offer.office
    if offer.alliance in ds.alliances:
        found = office_of[offer.alliance] if office_of is not None else office_of_alliance(ds, offer.alliance)
        if found:
            return found
    serving = offices_serving(ds, state_of_place(ds, _offer_place(ds, offer)))
    return serving[0] if serving else None


def _figures(alliances: Sequence[Alliance], offers: Sequence[Offer], ds: Dataset) -> dict:
    places = {a.municipality for a in alliances}
    places |= {p for p in (_offer_place(ds, o) for o in offers) if p}
    return {
        "municipalities": len(places),
        "alliances": len(alliances),
        "offers": len(offers),
        "people_reached": sum(o.people_reached or 0 for o in offers),
        "offers_without_count": sum(1 for o in offers if o.people_reached is None),
    }


def reach(ds: Dataset, *, by: str = "office", as_of: date | None = None) -> list[dict]:
    """What the programme reached, as its reports counted it, up to a date.

    Parameters
    ----------
    ds : Dataset
    by : {"office", "state", "year"}
        ``office``: every Servicebüro (alliances by the office supporting
        them, offers by the office that made them); ``state``: every Land with
        an alliance or offer; ``year``: each year up to `as_of`, counted up to
        its end (cumulative, like the programme's "by autumn 2018" figures).
    as_of : datetime.date, optional
        Only alliances founded and offers held on or before it; default today.

    Returns
    -------
    list of dict
        ``{"by", "id", "name", "municipalities", "alliances", "offers",
        "people_reached", "offers_without_count"}``; municipalities supported
        are the distinct places (AGS) of alliances and offers; people reached
        is the sum of the offers' ``people_reached``, and
        ``offers_without_count`` says how many offers gave no head count
        (so the sum is a lower bound). Year rows add ``offers_in_year`` and
        ``people_reached_in_year``. Anything without an office or Land is
        counted in a row with id ``"-"``.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.model import Alliance, Dataset, Offer
    >>> ds = Dataset()
    >>> ds.add(Alliance("b1", "Bündnis Aachen", "05334", founded=date(2016, 3, 1)))
    >>> ds.add(Offer("o1", "dialog", "Dialog", date(2017, 5, 2), alliance="b1", people_reached=40))
    >>> [(r["id"], r["alliances"], r["people_reached"]) for r in reach(ds, by="year", as_of=date(2018, 10, 1))]
    [('2016', 1, 0), ('2017', 1, 40), ('2018', 1, 40)]
    """
    if by not in REACH_BY:
        raise InputError([Problem("-", "-", "by", f"muss office, state oder year sein, nicht {by!r}")])
    as_of = as_of or date.today()
    alliances = [a for a in ds.alliances.values() if a.founded is None or a.founded <= as_of]
    offers = [o for o in ds.offers.values() if o.date <= as_of]
    if by == "year":
        return _reach_by_year(ds, alliances, offers, as_of)
    if by == "office":
        office_of = {a: office_of_alliance(ds, a) for a in ds.alliances}  # once per alliance, not per use
        group_alliance = lambda a: office_of[a.id]  # noqa: E731
        group_offer = lambda o: _offer_office(ds, o, office_of)  # noqa: E731
        keys = set(ds.service_offices)
    else:
        group_alliance = lambda a: state_of_alliance(ds, a.id)  # noqa: E731
        group_offer = lambda o: state_of_place(ds, _offer_place(ds, o))  # noqa: E731
        keys = set()
    grouped_alliances, grouped_offers = defaultdict(list), defaultdict(list)
    for alliance in alliances:
        grouped_alliances[group_alliance(alliance) or UNASSIGNED].append(alliance)
    for offer in offers:
        grouped_offers[group_offer(offer) or UNASSIGNED].append(offer)
    keys |= set(grouped_alliances) | set(grouped_offers)
    rows = []
    for key in sorted(keys, key=lambda k: (k == UNASSIGNED, k)):
        if key == UNASSIGNED:
            name = "ohne Zuordnung"
        elif by == "state":
            name = STATES[key][0] if key in STATES else key
        else:
            name = ds.name_of(key)
        rows.append({"by": by, "id": key, "name": name,
                     **_figures(grouped_alliances[key], grouped_offers[key], ds)})
    return rows


def _reach_by_year(ds: Dataset, alliances: Sequence[Alliance], offers: Sequence[Offer], as_of: date) -> list[dict]:
    years = [a.founded.year for a in alliances if a.founded] + [o.date.year for o in offers]
    if not years:
        return []
    rows = []
    for year in range(min(years), as_of.year + 1):
        end = min(date(year, 12, 31), as_of)
        so_far = [o for o in offers if o.date <= end]
        in_year = [o for o in so_far if o.date.year == year]
        row = {"by": "year", "id": str(year), "name": str(year),
               **_figures([a for a in alliances if a.founded is None or a.founded <= end], so_far, ds)}
        row["offers_in_year"] = len(in_year)
        row["people_reached_in_year"] = sum(o.people_reached or 0 for o in in_year)
        rows.append(row)
    return rows


def format_office_table(view: OfficeView, *, width: int = 100) -> str:
    """The view as plain text (:func:`graph.office_report.format_office_table`)."""
    from .office_report import format_office_table as format_table

    return format_table(view, width=width)


def render_office_html(view: OfficeView, ds: Dataset) -> str:
    """The view as a printable HTML page (:func:`graph.office_report.render_office_html`)."""
    from .office_report import render_office_html as render

    return render(view, ds)
