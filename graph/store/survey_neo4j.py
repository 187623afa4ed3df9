"""Survey data in a Neo4j (or FalkorDB) store, as internal nodes outside the domain graph.

Labels ``SurveyWave``, ``SurveyInvitation``, ``SurveyAnswer``, ``SurveyMissing``
and ``SurveyConsent`` are never read as part of the domain graph. Queries are
parameterised; rows go in ``UNWIND`` batches within the store's ``batch_bytes``
(FalkorDB crashes on requests over about 4 KB).
"""

from __future__ import annotations

import json
from datetime import date

from .neo4j import batches
from .survey_base import Answer, Invitation, MissingName, SurveyStore, Wave

#: (label, property) pairs the survey looks nodes up by; fixed strings, never data.
_INDEXED = (("SurveyWave", "id"), ("SurveyInvitation", "token_hash"), ("SurveyInvitation", "wave"),
            ("SurveyAnswer", "wave"), ("SurveyMissing", "wave"), ("SurveyConsent", "id"))


class Neo4jSurveyStore(SurveyStore):
    def __init__(self, store):
        self.store = store
        store._require_schema()

    def _read(self, query: str, params: dict | None = None) -> list[dict]:
        return self.store._transact(lambda run: run(query, params or {}), write=False)

    def _write(self, statements: list[tuple[str, dict]]) -> None:
        """Statements in order; ``UNWIND $rows`` statements are split into batches first (nothing sent yet)."""
        planned = []
        for query, params in statements:
            if "rows" in params:
                for batch in batches(params["rows"], self.store.settings.batch_bytes, self.store._size):
                    planned.append((query, {**params, "rows": batch}))
            else:
                planned.append((query, params))

        def work(run):
            for query, params in planned:
                run(query, params)

        self.store._transact(work, write=True)

    def _ensure_indexes(self) -> None:
        """Index what the survey looks up (schema statements run alone, before the data write)."""
        with self.store._unavailable_as_error(), self.store._session() as session:
            run = self.store._runner(session)
            if self.store.server == "neo4j":
                for label, prop in _INDEXED:
                    run(f"CREATE INDEX buendnisnetz_{label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})")
                return
            existing = {(row["label"], prop)
                        for row in run("CALL db.indexes() YIELD label, properties RETURN label, properties")
                        for prop in row["properties"] or ()}
            for label, prop in _INDEXED:
                if (label, prop) not in existing:
                    run(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")

    def add_wave(self, wave: Wave, invitations: list[Invitation]) -> None:
        self._ensure_indexes()
        row = {k: v for k, v in wave.as_row().items() if v is not None}
        self._write([
            ("CREATE (w:SurveyWave) SET w = $row", {"row": row}),
            ("UNWIND $rows AS r CREATE (i:SurveyInvitation) SET i = r",
             {"rows": [{"wave": i.wave, "member": i.member, "token_hash": i.token_hash} for i in invitations]}),
        ])

    def waves(self) -> list[Wave]:
        rows = self._read("MATCH (w:SurveyWave) RETURN properties(w) AS p")
        return sorted((Wave.from_row(r["p"]) for r in rows), key=lambda w: (w.started, w.id))

    def invitations(self, wave: str) -> list[Invitation]:
        rows = self._read("MATCH (i:SurveyInvitation {wave: $wave}) RETURN properties(i) AS p", {"wave": wave})
        return sorted((_invitation(r["p"]) for r in rows), key=lambda i: i.member)

    def invitation_by_hash(self, token_hash: str) -> Invitation | None:
        rows = self._read("MATCH (i:SurveyInvitation {token_hash: $h}) RETURN properties(i) AS p", {"h": token_hash})
        return _invitation(rows[0]["p"]) if rows else None

    def replace_token(self, wave: str, member: str, token_hash: str) -> None:
        self._write([("MATCH (i:SurveyInvitation {wave: $wave, member: $member}) SET i.token_hash = $h",
                      {"wave": wave, "member": member, "h": token_hash})])

    def save_response(self, wave: str, respondent: str, answers: list[Answer], missing: list[str], at: str) -> None:
        key = {"wave": wave, "respondent": respondent}
        self._write([
            ("MATCH (a:SurveyAnswer {wave: $wave, respondent: $respondent}) DELETE a", key),
            ("UNWIND $rows AS r CREATE (a:SurveyAnswer) SET a = r",
             {"rows": [{"wave": a.wave, "respondent": a.respondent, "target": a.target, "works": a.works_together,
                        "frequency": a.frequency or "", "items": a.items_json()} for a in answers]}),
            ("MATCH (m:SurveyMissing {wave: $wave, respondent: $respondent}) DELETE m", key),
            ("UNWIND $rows AS r CREATE (m:SurveyMissing) SET m = r",
             {"rows": [{"wave": wave, "respondent": respondent, "name": name, "at": at} for name in missing]}),
            ("MATCH (i:SurveyInvitation {wave: $wave, member: $respondent}) SET i.answered_at = $at",
             {**key, "at": at}),
        ])

    def answers(self, wave: str) -> list[Answer]:
        rows = self._read("MATCH (a:SurveyAnswer {wave: $wave}) RETURN properties(a) AS p", {"wave": wave})
        out = [Answer.from_parts(p["wave"], p["respondent"], p["target"], p.get("works"), p.get("frequency"),
                                 p.get("items")) for p in (r["p"] for r in rows)]
        return sorted(out, key=lambda a: (a.respondent, a.target))

    def missing_names(self, wave: str) -> list[MissingName]:
        rows = self._read("MATCH (m:SurveyMissing {wave: $wave}) RETURN properties(m) AS p", {"wave": wave})
        out = [MissingName(p["wave"], p["respondent"], p["name"], p["at"]) for p in (r["p"] for r in rows)]
        return sorted(out, key=lambda m: (m.at, m.respondent, m.name))

    def set_closed(self, wave: str, closed: date) -> None:
        self._write([("MATCH (w:SurveyWave {id: $id}) SET w.closed = $closed",
                      {"id": wave, "closed": closed.isoformat()})])

    def consents(self) -> dict[str, date]:
        rows = self._read("MATCH (c:SurveyConsent) RETURN c.id AS id, c.day AS day")
        return {r["id"]: date.fromisoformat(r["day"]) for r in rows}

    def set_consent(self, person: str, day: date | None) -> None:
        if day is None:
            self._write([("MATCH (c:SurveyConsent {id: $id}) DELETE c", {"id": person})])
        else:
            self._write([("MERGE (c:SurveyConsent {id: $id}) SET c.day = $day",
                          {"id": person, "day": day.isoformat()})])

    def erase_person(self, person: str) -> int:
        counts = [
            "MATCH (a:SurveyAnswer) WHERE a.respondent = $p OR a.target = $p RETURN count(a) AS n",
            "MATCH (i:SurveyInvitation {member: $p}) RETURN count(i) AS n",
            "MATCH (m:SurveyMissing {respondent: $p}) RETURN count(m) AS n",
            "MATCH (c:SurveyConsent {id: $p}) RETURN count(c) AS n",
        ]
        count = sum(int(rows[0]["n"] or 0) for q in counts if (rows := self._read(q, {"p": person})))
        statements = [
            ("MATCH (a:SurveyAnswer) WHERE a.respondent = $p OR a.target = $p DELETE a", {"p": person}),
            ("MATCH (i:SurveyInvitation {member: $p}) DELETE i", {"p": person}),
            ("MATCH (m:SurveyMissing {respondent: $p}) DELETE m", {"p": person}),
            ("MATCH (c:SurveyConsent {id: $p}) DELETE c", {"p": person}),
        ]
        for wave in self.waves():
            if person in wave.roster:
                kept = json.dumps([m for m in wave.roster if m != person])
                statements.append(("MATCH (w:SurveyWave {id: $id}) SET w.roster = $roster",
                                   {"id": wave.id, "roster": kept}))
        self._write(statements)
        return count + len(statements) - len(counts)  # plus the rosters the person left


def _invitation(p: dict) -> Invitation:
    return Invitation(p["wave"], p["member"], p["token_hash"], p.get("answered_at"))
