"""Suggestion quality is measured against chance and plain common neighbours, reproducibly."""

import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from graph.errors import InputError
from graph.evaluate import auc, davis_dataset, evaluate, format_result

AS_OF = date(2026, 1, 1)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))


def row(result, task, method):
    return next(r for r in result["results"] if r["task"] == task and r["method"] == method)


def test_davis_dataset_has_the_women_events_and_attendances_of_networkx():
    ds = davis_dataset()
    assert (len(ds.actors), len(ds.alliances), len(ds.memberships)) == (18, 14, 89)
    assert {a.municipality for a in ds.alliances.values()} == {"05334"}


def test_on_davis_our_ranking_beats_random_clearly():
    result = evaluate(davis_dataset(), AS_OF, hide=0.2, seed=0)
    ours, chance = row(result, "membership", "buendnisnetz"), row(result, "membership", "random")
    assert ours["auc"] > 0.6
    assert ours["auc"] > chance["auc"] + 0.1


def test_on_davis_our_ranking_is_at_least_as_good_as_common_neighbours_on_average():
    seeds = range(5)
    ours = np.mean([row(evaluate(davis_dataset(), AS_OF, seed=s), "membership", "buendnisnetz")["auc"] for s in seeds])
    plain = np.mean([row(evaluate(davis_dataset(), AS_OF, seed=s), "membership", "common_neighbours")["auc"]
                     for s in seeds])
    assert ours >= plain


def test_the_same_seed_gives_the_same_result():
    assert evaluate(davis_dataset(), AS_OF, seed=3) == evaluate(davis_dataset(), AS_OF, seed=3)


def test_the_hidden_share_is_the_requested_share_of_known_memberships():
    result = evaluate(davis_dataset(), AS_OF, hide=0.5, seed=0)
    assert row(result, "membership", "random")["hidden"] == round(0.5 * 89)


def test_a_dataset_without_ties_skips_the_introduction_task_and_says_so():
    result = evaluate(davis_dataset(), AS_OF)
    assert {r["task"] for r in result["results"]} == {"membership"}
    assert any(s.startswith("introduction") for s in result["skipped"])


def test_ties_are_evaluated_on_synthetic_data_and_beat_random():
    from generate import generate

    from graph.io.exchange import records_from_document
    from graph.validate import validate

    ds = validate(records_from_document(generate(0.25, seed=2), "synthetisch")).dataset
    result = evaluate(ds, date(2026, 11, 1), seed=0)
    assert row(result, "introduction", "buendnisnetz")["auc"] > row(result, "introduction", "random")["auc"] + 0.1


def test_auc_counts_equal_scores_half():
    assert auc(np.array([1.0]), np.array([1.0])) == 0.5


def test_auc_is_one_when_every_hidden_pair_outscores_every_other():
    assert auc(np.array([2.0, 3.0]), np.array([0.0, 1.0, -np.inf])) == 1.0


def test_hide_outside_zero_and_one_is_an_input_error():
    with pytest.raises(InputError, match="hide"):
        evaluate(davis_dataset(), AS_OF, hide=1.5)


def test_the_table_names_every_method():
    text = format_result(evaluate(davis_dataset(), AS_OF))
    assert all(method in text for method in ("buendnisnetz", "common_neighbours", "random"))


# -- the synthetic generator others benchmark with ------------------------------------------

def test_generate_gives_the_documented_sizes_at_scale_one():
    from generate import generate

    doc = generate(1, seed=0)
    sizes = {name: len(doc[name]) for name in ("actors", "institutions", "alliances", "ties", "municipalities")}
    assert sizes == {"actors": 2000, "institutions": 500, "alliances": 200, "ties": 6000, "municipalities": 40}


def test_generate_is_identical_across_processes_with_different_hash_seeds():
    import os
    import subprocess

    script = ("import sys, json, hashlib; sys.path.insert(0, 'bench'); from generate import generate; "
              "print(hashlib.sha256(json.dumps(generate(0.1, 7), sort_keys=True).encode()).hexdigest())")
    root = Path(__file__).resolve().parent.parent
    digests = {subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in (1, 2)}
    assert len(digests) == 1


def test_generated_documents_validate_without_problems_or_warnings():
    from generate import generate

    from graph.io.exchange import records_from_document
    from graph.validate import validate

    validated = validate(records_from_document(generate(0.2, seed=5), "synthetisch"))
    assert validated.warnings == [] and len(validated.dataset.actors) == 400


def test_negative_sampling_ends_when_a_small_group_has_no_free_pair(monkeypatch):
    import threading

    import graph.evaluate as ev

    monkeypatch.setattr(ev, "MAX_NEGATIVES", 2000)  # sampling mode; the small group gets one draw
    big, full = np.arange(100), np.arange(100, 103)
    taken = {(100, 101), (100, 102), (101, 102)}  # every pair of the small group exists already
    result = []
    worker = threading.Thread(target=lambda: result.append(
        ev._negatives([(big, big), (full, full)], taken, np.random.default_rng(0), symmetric=True)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert result, "sampling did not finish"
    assert not {tuple(p) for p in result[0].tolist()} & taken
