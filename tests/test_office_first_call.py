"""The office view's first call after a write does less work with the same result (issue 17).

``office --office`` used to check every alliance in full and word a recommendation for each, then keep
the office's. Each shortcut it now takes is held equal here to that whole run:

- the check of one alliance does not depend on the others (``check_alliances`` of some ids equals the
  full check filtered to them);
- recommendations for some alliances, with hosts paired across every alliance (``pairing``), equal the
  recommendations for all filtered to them, also for subsets that cut pairs apart and with dismissals;
- hospitation pairs listed without words come in the same order, and ``hospitation_suggestion``
  words a pair as the full listing does;
- the rules' answers per institution, remembered by ``RuleContext``, equal the rules themselves;
- one health index serves the office's full check and every alliance's summary unchanged;
- ``hospitation_pairs`` lists the pairs of ``hospitation_suggestions``, and its partial selection per
  visitor class equals a full sort;
- the institutions that would fill a gap, ranked once per Kreis and gaps, are those ranked per alliance.
"""

import random
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from graph.health import check_alliances, check_summaries
from graph.health.base import AllianceIndex, select_alliances
from graph.io.exchange import records_from_document
from graph.offers import RuleContext, recommend
from graph.office import office_recommendations, office_view
from graph.rules import alliances_of_office, gives_youth_voice, is_administration
from graph.suggest.hospitation import _best, hospitation_pairs, hospitation_suggestion, hospitation_suggestions
from graph.validate import validate

DEMO_AS_OF = date(2026, 6, 1)
SYNTH_AS_OF = date(2026, 11, 1)


@pytest.fixture(scope="module")
def demo():
    from graph.demo import build_demo
    from graph.reference import reference_document

    reference = validate(records_from_document(reference_document(), "reference")).dataset
    return validate(records_from_document(build_demo(DEMO_AS_OF), "demo"), reference).dataset


@pytest.fixture(scope="module")
def synthetic():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from generate import generate

    return validate(records_from_document(generate(1, seed=4), "synthetisch")).dataset


@pytest.fixture(params=["demo", "synthetic"])
def case(request, demo, synthetic):
    return (demo, DEMO_AS_OF) if request.param == "demo" else (synthetic, SYNTH_AS_OF)


def subsets(ds, as_of):
    """Each office's alliances, and seeded random thirds of all alliances (cutting hospitation pairs apart)."""
    ids = select_alliances(ds, as_of, None)
    out = [alliances_of_office(ds, office) for office in sorted(ds.service_offices)]
    rng = random.Random(17)
    out += [set(rng.sample(ids, len(ids) // 3)) for _ in range(3)]
    return out


def test_the_check_of_some_alliances_equals_the_full_check_filtered(case):
    ds, as_of = case
    full = check_alliances(ds, as_of)
    for some in subsets(ds, as_of):
        ids = [a for a in select_alliances(ds, as_of, None) if a in some]
        assert check_alliances(ds, as_of, alliance_ids=ids) == [r for r in full if r.alliance in some]


def test_recommendations_for_some_alliances_paired_across_all_equal_those_of_a_full_run(case):
    ds, as_of = case
    full = check_alliances(ds, as_of)
    summaries = check_summaries(ds, as_of)
    expected_all = recommend(ds, as_of, full)
    for some in subsets(ds, as_of):
        mine = [r for r in full if r.alliance in some]
        expected = [r for r in expected_all if r.alliance in some]
        assert recommend(ds, as_of, mine, pairing=full) == expected
        assert recommend(ds, as_of, mine, pairing=summaries) == expected
        assert recommend(ds, as_of, mine, pairing=lambda: summaries) == expected


def test_the_demo_pairs_hosts_so_the_pairing_is_exercised(demo):
    rules = {r.rule for r in recommend(demo, DEMO_AS_OF)}
    assert "HOST_HOSPITATION" in rules


def test_recommendations_with_dismissed_hospitations_equal_those_of_a_full_run(demo):
    full = check_alliances(demo, DEMO_AS_OF)
    pairs = hospitation_suggestions(demo, DEMO_AS_OF, top=50)
    dismissed = {s.key for s in pairs[::2]}
    expected_all = recommend(demo, DEMO_AS_OF, full, dismissed=dismissed)
    assert expected_all != recommend(demo, DEMO_AS_OF, full)  # the dismissals change the pairing
    for some in subsets(demo, DEMO_AS_OF):
        assert (recommend(demo, DEMO_AS_OF, [r for r in full if r.alliance in some], dismissed=dismissed,
                          pairing=full)
                == [r for r in expected_all if r.alliance in some])


def test_hospitation_pairs_without_words_come_in_the_same_order(case):
    ds, as_of = case
    worded = hospitation_suggestions(ds, as_of, top=10_000, per_visitor=20)
    bare = hospitation_suggestions(ds, as_of, top=10_000, per_visitor=20, worded=False)
    assert [s.key for s in bare] == [s.key for s in worded]
    assert all(s.reasons == [] for s in bare)
    dismissed = {s.key for s in worded[::3]}
    assert dismissed
    for top, per_visitor in ((10_000, 20), (25, None), (40, 2)):
        listed = hospitation_suggestions(ds, as_of, top=top, per_visitor=per_visitor, dismissed=dismissed)
        assert (hospitation_pairs(ds, as_of, top=top, per_visitor=per_visitor, dismissed=dismissed)
                == [(s.source, s.target) for s in listed])


def test_the_best_hosts_of_a_class_are_the_first_of_a_full_sort_ties_included():
    rng = np.random.default_rng(17)
    for _ in range(200):
        n = int(rng.integers(0, 60))
        ids = np.sort(rng.choice(1000, size=n, replace=False))
        keys = -(rng.integers(0, 4, size=n) + rng.integers(0, 3, size=n) / 2)  # many ties
        for k in (1, 3, 21):
            assert _best(ids, keys, k).tolist() == ids[np.lexsort((ids, keys))][:k].tolist()


def test_one_hospitation_pair_is_worded_as_the_listing_words_it(case):
    ds, as_of = case
    reports = {r.alliance: r for r in check_alliances(ds, as_of)}
    summaries = {s.alliance: s for s in check_summaries(ds, as_of)}
    worded = hospitation_suggestions(ds, as_of, top=10_000)
    assert worded
    for s in worded:
        assert hospitation_suggestion(ds, reports[s.source], reports[s.target]) == s
        assert hospitation_suggestion(ds, summaries[s.source], summaries[s.target]) == s


def test_the_rule_context_remembers_the_rules_answers_unchanged(case):
    ds, as_of = case
    ctx = RuleContext(ds, as_of, None)
    for institution in ds.institutions:
        for _ in range(2):  # asked, then remembered
            assert ctx.gives_youth_voice(institution) == gives_youth_voice(ds, institution)
            assert ctx.is_administration(institution) == is_administration(ds, institution)


def test_office_recommendations_equal_a_full_check_and_recommendation_filtered(case):
    ds, as_of = case
    full = check_alliances(ds, as_of)
    expected_all = recommend(ds, as_of, full)
    for office in ds.service_offices:
        mine = alliances_of_office(ds, office)
        reports, recommendations = office_recommendations(ds, office, as_of)
        assert reports == [r for r in full if r.alliance in mine]
        assert recommendations == [r for r in expected_all if r.alliance in mine]


def test_the_office_view_is_the_same_given_every_report_or_none(case):
    ds, as_of = case
    full = check_alliances(ds, as_of)
    for office in ds.service_offices:
        expected = office_view(ds, office, as_of, reports=full, recommendations=recommend(ds, as_of, full))
        assert office_view(ds, office, as_of) == expected
        assert office_view(ds, office, as_of, reports=full) == expected


def test_after_a_write_the_embedded_store_reads_only_the_members_part_for_the_same_view(tmp_path, monkeypatch):
    """``office --office`` on SQLite without a current snapshot reads the graph without persons in no
    alliance and ties not between two members, writes no snapshot, and shows the view of the whole graph
    for every office and role; with a current snapshot it loads that instead of asking SQL."""
    from graph import api
    from graph.access import User, scope
    from graph.model import kreis_of
    from graph.store import open_store, snapshot
    from graph.store.sqlite import SQLiteStore

    path = tmp_path / "demo.db"
    store = open_store(f"sqlite:///{path}")
    api.load_demo(store, anchor=DEMO_AS_OF)
    whole = store.read()
    users = [User("admin", "admin"), User("o", "office", office="sb-koeln"),
             User("k", "coordinator", kreis=kreis_of(whole.alliances["demo-b09"].municipality)), User("v", "viewer")]
    snapshot.invalidate(snapshot.snapshot_path(path))
    snapshot.invalidate_shards(path)
    part = store.read_members()
    members = {m.member for m in whole.memberships.values()}
    assert len(part.actors) < len(whole.actors) and len(part.ties) < len(whole.ties)
    assert part.actors == {k: a for k, a in whole.actors.items() if k in members}
    assert part.ties == {k: t for k, t in whole.ties.items() if t.source in members and t.target in members}
    assert not snapshot.snapshot_path(path).exists()
    for user in users:
        for office in sorted(whole.service_offices):
            snapshot.invalidate_shards(path)  # no kept view
            with monkeypatch.context() as patch:
                patch.setattr(SQLiteStore, "_read_rows", lambda self: pytest.fail("read the whole graph"))
                view, reference = api.office_view(store, user, DEMO_AS_OF, office)
            seen = scope(whole, user)
            assert view.as_dict() == office_view(seen, office, DEMO_AS_OF).as_dict(), (user.role, office)
            assert reference.service_offices == seen.service_offices
    assert not snapshot.snapshot_path(path).exists()
    store.read()  # the snapshot written again: now it is what read_members gives
    with monkeypatch.context() as patch:
        patch.setattr(SQLiteStore, "_read_member_parts", lambda self: pytest.fail("asked SQL"))
        assert store.read_members().actors == whole.actors
    store.close()


def test_one_index_serves_the_full_check_and_the_summaries_unchanged(case):
    ds, as_of = case
    index = AllianceIndex(ds, as_of)
    for some in subsets(ds, as_of)[:2]:  # the full check fills the index's lookups first, then the summaries read them
        ids = [a for a in select_alliances(ds, as_of, None) if a in some]
        assert check_alliances(ds, as_of, alliance_ids=ids, index=index) == check_alliances(ds, as_of, alliance_ids=ids)
    assert check_summaries(ds, as_of, index=index) == check_summaries(ds, as_of)


def test_an_index_of_other_data_or_another_day_is_refused(demo, synthetic):
    index = AllianceIndex(demo, DEMO_AS_OF)
    with pytest.raises(ValueError):
        check_alliances(synthetic, DEMO_AS_OF, index=index)
    with pytest.raises(ValueError):
        check_summaries(demo, date(2026, 6, 2), index=index)


def test_candidates_ranked_once_per_kreis_and_gaps_equal_those_ranked_per_alliance(case):
    """RuleContext ranks the institutions of a Kreis once per gaps and drops each alliance's members
    after: the same candidates as ranking per alliance without its members, as the rules say."""
    from graph.model import kreis_of
    from graph.offers import MAX_CANDIDATES

    ds, as_of = case
    ctx = RuleContext(ds, as_of, None)
    asked = 0
    for report in check_alliances(ds, as_of):
        gaps = ctx.gaps(report)
        kreis = kreis_of(ds.alliances[report.alliance].municipality)
        taken = set()
        for m in ds.memberships.values():
            if m.alliance == report.alliance:
                taken |= {m.member, ds.unit_of(m.member)}
        ranked = sorted((-(int(i.sector in gaps.sectors) + int(gaps.youth_voice and gives_youth_voice(ds, i.id))
                           + int(gaps.administration and is_administration(ds, i.id))), i.name, i.id)
                        for i in ds.institutions.values()
                        if i.municipality and kreis_of(i.municipality) == kreis and i.id not in taken)
        expected = [ident for fills, _, ident in ranked if fills < 0][:MAX_CANDIDATES]
        assert ctx.candidates(report.alliance, gaps) == expected
        asked += bool(expected)
    assert asked
