"""Turazo matching engine: pure Python/numpy, no Django.

Public API (imported by the Django app from ``matching.engine``):

* data: ``Person``, ``Weights``, ``Rules``, ``Period``, ``MatchInput``,
  ``Proposal``, ``Unmatched``, ``MatchResult``; errors ``InvalidInput``,
  ``MatchCancelled``; ``DEFAULT_QUESTION_WEIGHT``, ``DEFAULT_QUESTION_RULE``;
* ``run(inp, algorithm="optimal"|"stable"|"suggestions", k=10, progress=None,
  should_cancel=None)``;
* ``score_pairs(inp, mentee_id, mentor_ids=None, thresholds=True)`` --
  next-best alternatives, or any pair an organiser may pin;
* ``pair_problem(inp, mentee_id, mentor_id)`` -- which hard rule excludes a pair;
* ``explain(proposal)`` -- one-line human explanation;
* ``score_stats(scores, unmatched=n)`` -- a run's statistics and score histogram.

Algorithms: ``optimal`` maximises the number of matched mentees, then the
total score, exactly (sparse min-cost flow + LP-duality certificate, see
``assign.py``); ``stable`` is mentee-proposing deferred acceptance
(``stable.py``); ``suggestions`` lists each mentee's top-k mentors with free
capacity. ``optimal_dense`` (all valid pairs, no certificate needed) exists for
tests and benchmarks. Scoring is described in ``scoring.py`` and ``hours.py``.
"""

from .core import pair_problem, run, score_pairs, score_stats
from .explain import explain
from .types import (
    DEFAULT_QUESTION_RULE,
    DEFAULT_QUESTION_WEIGHT,
    InvalidInput,
    MatchCancelled,
    MatchInput,
    MatchResult,
    Period,
    Person,
    Proposal,
    Rules,
    Unmatched,
    Weights,
)

__all__ = [
    "DEFAULT_QUESTION_RULE",
    "DEFAULT_QUESTION_WEIGHT",
    "InvalidInput",
    "MatchCancelled",
    "MatchInput",
    "MatchResult",
    "Period",
    "Person",
    "Proposal",
    "Rules",
    "Unmatched",
    "Weights",
    "explain",
    "pair_problem",
    "run",
    "score_pairs",
    "score_stats",
]
