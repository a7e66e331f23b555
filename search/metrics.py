"""Relevance measures for search_eval (see shared/data/eval/SPEC.md).

`ranked` is the list of returned ids, best first; `relevant` maps id -> grade (2 exactly, 1 useful).
"""

import math


def recall_at_k(ranked, relevant, k=5, capped=True):
    """Share of the relevant ids (any grade) found in the first k. None when nothing is relevant.

    Capped (the default, as reported by search_eval): divided by min(k, number relevant), so a query with
    21 relevant facilities can reach 1.0 when its first five are all relevant. Uncapped: divided by the
    number relevant (the textbook definition; cannot exceed k/|relevant|).
    """
    if not relevant:
        return None
    found = sum(1 for r in ranked[:k] if r in relevant)
    return found / (min(k, len(relevant)) if capped else len(relevant))


def reciprocal_rank(ranked, relevant, k=10):
    """1/rank of the first relevant id within the first k, else 0. None when nothing is relevant."""
    if not relevant:
        return None
    for i, r in enumerate(ranked[:k], start=1):
        if r in relevant:
            return 1.0 / i
    return 0.0


def dcg(gains):
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranked, relevant, k=10):
    """Graded nDCG, the grade is the gain (2 and 1), log2 discount. None when nothing is relevant."""
    if not relevant:
        return None
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    if not ideal:
        return None
    return dcg([relevant.get(r, 0) for r in ranked[:k]]) / ideal


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else 0.0


def evaluate(runs):
    """runs: list of dicts with 'ranked', 'relevant'. Returns the averaged metrics and per-query figures.

    recall@5, MRR@10 and nDCG@10 are averaged over queries with relevant ids; the zero-result rate is
    the share of all queries that returned nothing.
    """
    per_query = []
    for run in runs:
        ranked, relevant = run["ranked"], run["relevant"]
        per_query.append(
            {
                "recall_at_5": recall_at_k(ranked, relevant, 5),
                "recall_at_5_uncapped": recall_at_k(ranked, relevant, 5, capped=False),
                "mrr_at_10": reciprocal_rank(ranked, relevant, 10),
                "ndcg_at_10": ndcg_at_k(ranked, relevant, 10),
                "zero_results": not ranked,
            }
        )
    return {
        "recall_at_5": mean(q["recall_at_5"] for q in per_query),
        "recall_at_5_uncapped": mean(q["recall_at_5_uncapped"] for q in per_query),
        "mrr_at_10": mean(q["mrr_at_10"] for q in per_query),
        "ndcg_at_10": mean(q["ndcg_at_10"] for q in per_query),
        "zero_result_rate": (sum(q["zero_results"] for q in per_query) / len(per_query)) if per_query else 0.0,
    }, per_query
