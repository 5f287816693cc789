"""Is a question about PCNs at all? A naive Bayes log-odds over its terms.

Learned from the FAQ's own phrasings and labelled in-scope questions on one side,
and labelled out-of-scope questions (clinical queries, pensions, small talk,
attempts to subvert the bot) on the other. It is one signal among several for the
FAQ matcher's confidence model, not a decision on its own.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

__all__ = ["ScopeModel"]


class ScopeModel:
    """Per-term log-odds of "asked in scope" against "out of scope", with additive smoothing."""

    def __init__(
        self,
        in_scope: Iterable[Sequence[str]],
        out_of_scope: Iterable[Sequence[str]],
        alpha: float = 0.5,
    ) -> None:
        inside: Counter[str] = Counter()
        outside: Counter[str] = Counter()
        for terms in in_scope:
            inside.update(set(terms))
        for terms in out_of_scope:
            outside.update(set(terms))
        vocabulary = set(inside) | set(outside)
        n_in = sum(inside.values()) + alpha * len(vocabulary)
        n_out = sum(outside.values()) + alpha * len(vocabulary)
        self.log_odds = {
            term: math.log((inside[term] + alpha) / n_in)
            - math.log((outside[term] + alpha) / n_out)
            for term in vocabulary
        }

    def signals(self, terms: Sequence[str]) -> tuple[float, float]:
        """Mean and minimum log-odds over the question's known terms (0, 0 if none)."""
        values = [self.log_odds[t] for t in set(terms) if t in self.log_odds]
        if not values:
            return 0.0, 0.0
        return sum(values) / len(values), min(values)
