"""Survey storage (graph.survey): waves, invitations, answers, consents, missing names.

The survey's working data is not part of the property graph: tokens and single
answers are private to the survey and change often. Each backend keeps them in
its own additive part (:mod:`.survey_sqlite` tables, :mod:`.survey_neo4j`
internal nodes); :func:`survey_store` picks the part for an open store. What a
closed wave yields for the graph (ties with frequency, trust, value) goes
through the normal audited import path instead.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Wave:
    """One survey round for one alliance; ``roster`` are the member ids asked about."""

    id: str
    alliance: str
    started: date
    closes: date | None = None
    closed: date | None = None
    roster: tuple[str, ...] = ()
    created_by: str = ""

    def as_row(self) -> dict:
        return {"id": self.id, "alliance": self.alliance, "started": self.started.isoformat(),
                "closes": self.closes.isoformat() if self.closes else None,
                "closed": self.closed.isoformat() if self.closed else None,
                "roster": json.dumps(list(self.roster)), "created_by": self.created_by}

    @classmethod
    def from_row(cls, row: dict) -> Wave:
        def d(value):
            return date.fromisoformat(value) if value else None

        return cls(row["id"], row["alliance"], d(row["started"]), d(row.get("closes")), d(row.get("closed")),
                   tuple(json.loads(row.get("roster") or "[]")), row.get("created_by") or "")


@dataclass(frozen=True, slots=True)
class Invitation:
    """A respondent's personal link; only the token's hash is kept."""

    wave: str
    member: str
    token_hash: str
    answered_at: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """What one respondent said about one other member (items on 1–4, None when skipped)."""

    wave: str
    respondent: str
    target: str
    works_together: bool
    frequency: str | None = None
    trust: tuple[int | None, int | None, int | None] = (None, None, None)
    value: tuple[int | None, int | None, int | None] = (None, None, None)

    def items_json(self) -> str:
        return json.dumps({"trust": list(self.trust), "value": list(self.value)})

    @classmethod
    def from_parts(cls, wave, respondent, target, works, frequency, items: str | None) -> Answer:
        parsed = json.loads(items) if items else {}
        return cls(wave, respondent, target, bool(works), frequency or None,
                   tuple(parsed.get("trust") or (None, None, None)), tuple(parsed.get("value") or (None, None, None)))


@dataclass(frozen=True, slots=True)
class MissingName:
    """A name a respondent says is missing from the roster; the office reviews it, nothing is created."""

    wave: str
    respondent: str
    name: str
    at: str


class SurveyStore(ABC):
    """The survey part of a store.

    Survey writes leave the store's revision alone: they do not change the graph, so answers
    arriving do not invalidate the graph caches and snapshots keyed by it. What a wave yields for
    the graph (its ties) is written by an ordinary, revision-bumping import when it closes.
    """

    @abstractmethod
    def add_wave(self, wave: Wave, invitations: list[Invitation]) -> None:
        """Store a new wave with its invitations, all or nothing."""

    @abstractmethod
    def waves(self) -> list[Wave]:
        """All waves, oldest first."""

    @abstractmethod
    def invitations(self, wave: str) -> list[Invitation]:
        """The invitations of one wave."""

    @abstractmethod
    def invitation_by_hash(self, token_hash: str) -> Invitation | None:
        """The invitation a token hash belongs to."""

    @abstractmethod
    def replace_token(self, wave: str, member: str, token_hash: str) -> None:
        """Give an invitation a new token hash (a reissued letter); the old link stops working."""

    @abstractmethod
    def save_response(self, wave: str, respondent: str, answers: list[Answer], missing: list[str],
                      at: str) -> None:
        """Replace a respondent's answers and missing names; mark the invitation answered."""

    @abstractmethod
    def answers(self, wave: str) -> list[Answer]:
        """All answers of one wave."""

    @abstractmethod
    def missing_names(self, wave: str) -> list[MissingName]:
        """Names reported missing in one wave."""

    @abstractmethod
    def set_closed(self, wave: str, closed: date) -> None:
        """Mark a wave closed: its tokens stop working."""

    @abstractmethod
    def consents(self) -> dict[str, date]:
        """Recorded survey consents of young refugees: person id -> date."""

    @abstractmethod
    def set_consent(self, person: str, day: date | None) -> None:
        """Record (or with None withdraw) a person's survey consent."""

    @abstractmethod
    def erase_person(self, person: str) -> int:
        """Remove everything the survey holds about a person (answers by and about them); return how many."""

    def wave(self, wave_id: str) -> Wave | None:
        return next((w for w in self.waves() if w.id == wave_id), None)

    def person_data(self, person: str) -> dict:
        """Everything the survey holds about a person (for the DSGVO Art. 15 export)."""
        consent = self.consents().get(person)
        invitations: list[dict] = []
        given: list[dict] = []
        about: list[dict] = []
        missing: list[dict] = []
        for wave in self.waves():
            invitations += [{"wave": wave.id, "answered_at": inv.answered_at}
                            for inv in self.invitations(wave.id) if inv.member == person]
            for a in self.answers(wave.id):
                row = {"wave": a.wave, "respondent": a.respondent, "target": a.target,
                       "works_together": a.works_together, "frequency": a.frequency,
                       "trust": list(a.trust), "value": list(a.value)}
                if a.respondent == person:
                    given.append(row)
                elif a.target == person:
                    about.append(row)
            missing += [{"wave": m.wave, "name": m.name, "at": m.at}
                        for m in self.missing_names(wave.id) if m.respondent == person]
        return {"consent": consent.isoformat() if consent else None, "invitations": invitations,
                "answers": given, "answers_about": about, "missing_names": missing}


def survey_store(store) -> SurveyStore:
    """The survey part of an open store."""
    from .sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        from .survey_sqlite import SQLiteSurveyStore

        return SQLiteSurveyStore(store)
    from .survey_neo4j import Neo4jSurveyStore

    return Neo4jSurveyStore(store)
