"""Two closed survey waves for one demo alliance, so change over time shows on first start.

Fictitious and deterministic like :mod:`graph.demo`: answers come from a seeded
random generator and go through the same path as real ones (tokens, submit,
close into audited ties).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from . import survey_api
from .store import Store
from .store.survey_base import survey_store
from .survey import FREQUENCY_STRENGTH

ALLIANCE = "demo-b03"  # Düsseldorf: healthy, eight member persons, two of them young refugees
SEED = 20
#: (days before the anchor the wave starts, days it runs, share answering, tie chance for strangers, trust base)
WAVES = ((440, 21, 0.7, 0.25, 2), (75, 21, 0.9, 0.4, 3))


def load_demo_waves(store: Store, anchor: date | None = None, *, user="admin") -> int:
    """Run the demo waves for :data:`ALLIANCE` once; return how many were added (0 if it has waves)."""
    anchor = anchor or date.today()
    surveys = survey_store(store)
    if any(w.alliance == ALLIANCE for w in surveys.waves()):
        return 0
    ds = store.read()
    if ALLIANCE not in ds.alliances:
        return 0
    rng = random.Random(SEED)
    youth = sorted(m.member for m in ds.memberships.values()
                   if m.alliance == ALLIANCE and m.member in ds.actors and ds.actors[m.member].is_refugee_youth)
    if youth:  # one young person agreed to take part (the other did not: no link)
        surveys.set_consent(youth[0], anchor - timedelta(days=500))
    known = {t.key for t in ds.ties.values()}
    for start_days, runs, answering, stranger, trust_base in WAVES:
        start = anchor - timedelta(days=start_days)
        links = survey_api.start_waves(store, user=user, alliance=ALLIANCE, today=start,
                                       closes=start + timedelta(days=runs))
        wave = survey_store(store).wave(links[0].wave)
        assert wave is not None  # just started
        for link in links:
            if rng.random() > answering:
                continue
            answers: dict[str, dict] = {}
            for other in wave.roster:
                if other == link.member:
                    continue
                pair = (link.member, other) if link.member <= other else (other, link.member)
                if rng.random() > (0.85 if pair in known else stranger):
                    answers[other] = {"works": False}
                    continue
                base = trust_base + (1 if pair in known and rng.random() < 0.5 else 0)
                answers[other] = {
                    "works": True, "frequency": rng.choice(list(FREQUENCY_STRENGTH)),
                    "trust": [max(1, min(4, base + rng.choice((-1, 0, 0, 1)))) for _ in range(3)],
                    "value": [max(1, min(4, base + rng.choice((-1, 0, 1)))) for _ in range(3)]}
            survey_api.submit(store, link.token, answers, today=start + timedelta(days=rng.randint(1, runs - 1)))
        survey_api.close_wave(store, wave.id, user=user, today=start + timedelta(days=runs))
    return len(WAVES)


def without_surveyed_ties(store: Store, doc: dict) -> dict:
    """The demo document without the ties a survey wave has reported since (loading the demo twice changes nothing)."""
    surveyed = {t.key for t in store.read().ties.values() if t.wave}
    if not surveyed:
        return doc
    ties = [t for t in doc.get("ties", []) if tuple(sorted((t["source"], t["target"]))) not in surveyed]
    return {**doc, "ties": ties}
