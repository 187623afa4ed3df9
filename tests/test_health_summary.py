"""The health check without its words (graph.health.summary) says what the full check says.

The suggestions read only status, score, partners, sectors and flag codes, which
:func:`graph.health.check_summaries` computes without writing messages. These tests hold it
equal to :func:`graph.health.summarize` of the full reports, flag by flag and in the same
order, on the demo and on synthetic data at several dates and with other thresholds
(tests/test_health.py also compares both on each of its hand-made cases).
"""

import sys
from datetime import date
from pathlib import Path

import pytest

from graph.health import FLAGS, HealthConfig, check_alliances, check_summaries, summarize
from graph.health.summary import SUMMARY_CODES
from graph.io.exchange import records_from_document
from graph.validate import validate

CONFIGS = [None, HealthConfig(min_partners=2), HealthConfig(min_partners=5, at_risk_days=365),
           HealthConfig(key_person_share=0.25, dormant_months=3), HealthConfig(key_person_share=1.0)]


@pytest.fixture(scope="module")
def synthetic():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from generate import generate

    return validate(records_from_document(generate(0.2, seed=5), "synthetisch")).dataset


@pytest.fixture(scope="module")
def demo():
    from graph.demo import build_demo
    from graph.reference import reference_document

    reference = validate(records_from_document(reference_document(), "reference")).dataset
    return validate(records_from_document(build_demo(date(2026, 6, 1)), "demo"), reference).dataset


def test_the_summary_decides_every_flag_of_the_table_in_its_order():
    assert SUMMARY_CODES == tuple(rule.code for rule in FLAGS)


@pytest.mark.parametrize("as_of", [date(2026, 6, 1), date(2025, 1, 15), date(2027, 3, 1)])
@pytest.mark.parametrize("config", CONFIGS)
def test_summaries_equal_the_full_reports_on_the_demo(demo, as_of, config):
    expected = [summarize(r) for r in check_alliances(demo, as_of, config)]
    assert check_summaries(demo, as_of, config) == expected
    assert {f.code for s in expected for f in s.flags} >= {"BELOW_MIN_PARTNERS", "KEY_PERSON", "DORMANT"}


@pytest.mark.parametrize("as_of", [date(2026, 11, 1), date(2024, 6, 30)])
@pytest.mark.parametrize("config", CONFIGS)
def test_summaries_equal_the_full_reports_on_synthetic_data(synthetic, as_of, config):
    expected = [summarize(r) for r in check_alliances(synthetic, as_of, config)]
    assert check_summaries(synthetic, as_of, config) == expected
    assert {s.status for s in expected} >= {"critical", "warn"}


def test_summaries_of_chosen_alliances(synthetic):
    chosen = sorted(synthetic.alliances)[::7]
    as_of = date(2026, 11, 1)
    assert check_summaries(synthetic, as_of, alliance_ids=chosen) == [
        summarize(r) for r in check_alliances(synthetic, as_of, alliance_ids=chosen)]


def test_summaries_from_the_facts_the_suggestion_network_gathered(synthetic):
    """suggest --all hands the health check what its network knows of every member: the same summaries."""
    from graph.suggest import build_network

    as_of = date(2026, 11, 1)
    facts = build_network(synthetic, as_of).member_facts()
    assert check_summaries(synthetic, as_of, facts=facts) == check_summaries(synthetic, as_of)
