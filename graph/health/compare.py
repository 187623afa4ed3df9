"""How alliances changed between two dates: status, score, members and flags (``health --compare-to``).

Owns :class:`AllianceChange` and :func:`compare`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..model import Dataset
from ..partners import current_members, memberships_by_alliance
from ..rules import status_rank
from .base import HealthConfig, select_alliances
from .check import check_alliances

__all__ = ["AllianceChange", "compare"]


@dataclass
class AllianceChange:
    """How one alliance changed between two dates; ``None`` where it did not exist yet."""

    alliance: str
    name: str
    date_a: date
    date_b: date
    status_before: str | None
    status_after: str | None
    score_before: int | None
    score_after: int | None
    partners_before: int
    partners_after: int
    joined: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    flags_added: tuple[str, ...] = ()
    flags_removed: tuple[str, ...] = ()

    @property
    def trend(self) -> str:
        """``worse``, ``better`` or ``same``: by status first, then by score."""
        before = (status_rank(self.status_before), self.score_before or 0)
        after = (status_rank(self.status_after), self.score_after or 0)
        if self.status_before is None:
            return "same" if self.status_after is None else "new"
        return "worse" if after < before else "better" if after > before else "same"

    def as_dict(self) -> dict:
        return {
            "alliance": self.alliance, "name": self.name,
            "date_a": self.date_a.isoformat(), "date_b": self.date_b.isoformat(),
            "status_before": self.status_before, "status_after": self.status_after,
            "score_before": self.score_before, "score_after": self.score_after,
            "partners_before": self.partners_before, "partners_after": self.partners_after,
            "joined": list(self.joined), "left": list(self.left),
            "flags_added": list(self.flags_added), "flags_removed": list(self.flags_removed),
            "trend": self.trend,
        }


_TREND_RANK = {"worse": 0, "new": 1, "better": 2, "same": 3}


def compare(ds: Dataset, date_a: date, date_b: date, config: HealthConfig | None = None,
            alliance_ids: Iterable[str] | None = None) -> list[AllianceChange]:
    """Compare every alliance's health on two dates.

    Parameters
    ----------
    ds : Dataset
    date_a, date_b : datetime.date
        Before and after.
    config : HealthConfig, optional
    alliance_ids : iterable of str, optional
        By default the alliances checked on either date.

    Returns
    -------
    list of AllianceChange
        Worsened first, then new, improved and unchanged; by id within each.
        ``joined``/``left`` are member ids whose membership became / stopped
        being current between the dates.
    """
    config = config or HealthConfig()
    if alliance_ids is None:
        ids = sorted(set(select_alliances(ds, date_a, None)) | set(select_alliances(ds, date_b, None)))
    else:
        ids = select_alliances(ds, date_b, alliance_ids)
    before = {r.alliance: r for r in check_alliances(ds, date_a, config, _existing(ds, ids, date_a))}
    after = {r.alliance: r for r in check_alliances(ds, date_b, config, _existing(ds, ids, date_b))}
    grouped = memberships_by_alliance(ds)
    changes = []
    for alliance_id in ids:
        a, b = before.get(alliance_id), after.get(alliance_id)
        members_a = set(current_members(ds, alliance_id, date_a, grouped))
        members_b = set(current_members(ds, alliance_id, date_b, grouped))
        codes_a = {f.code for f in a.flags} if a else set()
        codes_b = {f.code for f in b.flags} if b else set()
        changes.append(AllianceChange(
            alliance_id, ds.alliances[alliance_id].name, date_a, date_b,
            a.status if a else None, b.status if b else None,
            a.score if a else None, b.score if b else None,
            a.partners if a else 0, b.partners if b else 0,
            tuple(sorted(members_b - members_a)), tuple(sorted(members_a - members_b)),
            tuple(sorted(codes_b - codes_a)), tuple(sorted(codes_a - codes_b))))
    return sorted(changes, key=lambda c: (_TREND_RANK[c.trend], c.alliance))


def _existing(ds: Dataset, ids: list[str], as_of: date) -> list[str]:
    """The ids founded by `as_of` (or without founding date)."""
    founded = {i: ds.alliances[i].founded for i in ids}
    return [i for i in ids if (day := founded[i]) is None or day <= as_of]


