"""Survey tables in the embedded SQLite store (schema version 2, see ``sqlite.MIGRATIONS``)."""

from __future__ import annotations

import json
from datetime import date

from .survey_base import Answer, Invitation, MissingName, SurveyStore, Wave

#: Statements that add the survey tables (migration to schema version 2).
MIGRATION = [
    """CREATE TABLE IF NOT EXISTS survey_waves (
           id TEXT PRIMARY KEY, alliance TEXT NOT NULL, started TEXT NOT NULL, closes TEXT, closed TEXT,
           roster TEXT NOT NULL, created_by TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS survey_invitations (
           wave TEXT NOT NULL, member TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, answered_at TEXT,
           PRIMARY KEY (wave, member))""",
    """CREATE TABLE IF NOT EXISTS survey_answers (
           wave TEXT NOT NULL, respondent TEXT NOT NULL, target TEXT NOT NULL, works INTEGER NOT NULL,
           frequency TEXT, items TEXT, PRIMARY KEY (wave, respondent, target))""",
    """CREATE TABLE IF NOT EXISTS survey_missing (
           wave TEXT NOT NULL, respondent TEXT NOT NULL, name TEXT NOT NULL, at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS survey_consents (person TEXT PRIMARY KEY, day TEXT NOT NULL)""",
]

_WAVE_COLUMNS = ("id", "alliance", "started", "closes", "closed", "roster", "created_by")


class SQLiteSurveyStore(SurveyStore):
    def __init__(self, store):
        self.store = store
        store._require_schema()
        self.conn = store.conn

    def add_wave(self, wave: Wave, invitations: list[Invitation]) -> None:
        row = wave.as_row()
        with self.store._immediate() as cur:
            cur.execute("INSERT INTO survey_waves VALUES (?, ?, ?, ?, ?, ?, ?)", [row[c] for c in _WAVE_COLUMNS])
            cur.executemany("INSERT INTO survey_invitations VALUES (?, ?, ?, ?)",
                            [(i.wave, i.member, i.token_hash, i.answered_at) for i in invitations])

    def waves(self) -> list[Wave]:
        rows = self.conn.execute(f"SELECT {', '.join(_WAVE_COLUMNS)} FROM survey_waves ORDER BY started, id")
        return [Wave.from_row(dict(zip(_WAVE_COLUMNS, r))) for r in rows]

    def invitations(self, wave: str) -> list[Invitation]:
        rows = self.conn.execute("SELECT wave, member, token_hash, answered_at FROM survey_invitations "
                                 "WHERE wave = ? ORDER BY member", (wave,))
        return [Invitation(*r) for r in rows]

    def invitation_by_hash(self, token_hash: str) -> Invitation | None:
        row = self.conn.execute("SELECT wave, member, token_hash, answered_at FROM survey_invitations "
                                "WHERE token_hash = ?", (token_hash,)).fetchone()
        return Invitation(*row) if row else None

    def replace_token(self, wave: str, member: str, token_hash: str) -> None:
        with self.store._immediate() as cur:
            cur.execute("UPDATE survey_invitations SET token_hash = ? WHERE wave = ? AND member = ?",
                        (token_hash, wave, member))

    def save_response(self, wave: str, respondent: str, answers: list[Answer], missing: list[str], at: str) -> None:
        with self.store._immediate() as cur:
            cur.execute("DELETE FROM survey_answers WHERE wave = ? AND respondent = ?", (wave, respondent))
            cur.executemany("INSERT INTO survey_answers VALUES (?, ?, ?, ?, ?, ?)",
                            [(a.wave, a.respondent, a.target, int(a.works_together), a.frequency, a.items_json())
                             for a in answers])
            cur.execute("DELETE FROM survey_missing WHERE wave = ? AND respondent = ?", (wave, respondent))
            cur.executemany("INSERT INTO survey_missing VALUES (?, ?, ?, ?)",
                            [(wave, respondent, name, at) for name in missing])
            cur.execute("UPDATE survey_invitations SET answered_at = ? WHERE wave = ? AND member = ?",
                        (at, wave, respondent))

    def answers(self, wave: str) -> list[Answer]:
        rows = self.conn.execute("SELECT wave, respondent, target, works, frequency, items FROM survey_answers "
                                 "WHERE wave = ? ORDER BY respondent, target", (wave,))
        return [Answer.from_parts(*r) for r in rows]

    def missing_names(self, wave: str) -> list[MissingName]:
        rows = self.conn.execute("SELECT wave, respondent, name, at FROM survey_missing WHERE wave = ? "
                                 "ORDER BY at, respondent, name", (wave,))
        return [MissingName(*r) for r in rows]

    def set_closed(self, wave: str, closed: date) -> None:
        with self.store._immediate() as cur:
            cur.execute("UPDATE survey_waves SET closed = ? WHERE id = ?", (closed.isoformat(), wave))

    def consents(self) -> dict[str, date]:
        return {p: date.fromisoformat(d) for p, d in self.conn.execute("SELECT person, day FROM survey_consents")}

    def set_consent(self, person: str, day: date | None) -> None:
        with self.store._immediate() as cur:
            if day is None:
                cur.execute("DELETE FROM survey_consents WHERE person = ?", (person,))
            else:
                cur.execute("INSERT OR REPLACE INTO survey_consents VALUES (?, ?)", (person, day.isoformat()))

    def erase_person(self, person: str) -> int:
        with self.store._immediate() as cur:
            n = cur.execute("DELETE FROM survey_answers WHERE respondent = ? OR target = ?", (person, person)).rowcount
            n += cur.execute("DELETE FROM survey_missing WHERE respondent = ?", (person,)).rowcount
            n += cur.execute("DELETE FROM survey_invitations WHERE member = ?", (person,)).rowcount
            n += cur.execute("DELETE FROM survey_consents WHERE person = ?", (person,)).rowcount
            # The person leaves the rosters too, so results no longer count them.
            for wave_id, roster in cur.execute("SELECT id, roster FROM survey_waves").fetchall():
                if f'"{person}"' in roster:
                    kept = [m for m in json.loads(roster) if m != person]
                    cur.execute("UPDATE survey_waves SET roster = ? WHERE id = ?", (json.dumps(kept), wave_id))
                    n += 1
        return n
