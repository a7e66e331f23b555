import math

import pytest

from search.metrics import evaluate, ndcg_at_k, recall_at_k, reciprocal_rank


def test_recall_at_5_is_capped_by_the_number_that_fits():
    relevant = {str(i): 1 for i in range(10)}
    ranked = ["0", "x", "1", "2", "3", "4"]
    assert recall_at_k(ranked, relevant, 5) == pytest.approx(4 / 5)
    assert recall_at_k(ranked, relevant, 5, capped=False) == pytest.approx(4 / 10)


def test_recall_with_two_relevant_found_one():
    assert recall_at_k(["a", "x", "y"], {"a": 2, "b": 1}, 5) == 0.5


def test_reciprocal_rank_of_first_relevant_within_ten():
    assert reciprocal_rank(["x", "y", "a"], {"a": 1}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x"] * 10 + ["a"], {"a": 1}) == 0.0


def test_graded_ndcg_by_hand():
    # ranked: b (grade 1) at 1, a (grade 2) at 2. DCG = 1/log2(2) + 2/log2(3); ideal = 2/1 + 1/log2(3)
    dcg = 1 + 2 / math.log2(3)
    ideal = 2 + 1 / math.log2(3)
    assert ndcg_at_k(["b", "a"], {"a": 2, "b": 1}) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(["a", "b"], {"a": 2, "b": 1}) == pytest.approx(1.0)


def test_queries_without_relevant_ids_only_count_for_the_zero_result_rate():
    metrics, per_query = evaluate(
        [{"ranked": ["a"], "relevant": {"a": 2}}, {"ranked": [], "relevant": {}}, {"ranked": ["z"], "relevant": {}}]
    )
    assert metrics["recall_at_5"] == 1.0
    assert metrics["mrr_at_10"] == 1.0
    assert metrics["zero_result_rate"] == pytest.approx(1 / 3)
    assert per_query[1]["recall_at_5"] is None
