"""Turazo matching engine: pure Python/numpy, no Django.

Public API (imported by the Django app from ``matching.engine``):

* data: ``Person``, ``Weights``, ``Rules``, ``MatchInput``, ``Proposal``,
  ``Unmatched``, ``MatchResult``; errors ``InvalidInput``, ``MatchCancelled``;
* ``run(inp, algorithm="optimal"|"stable"|"suggestions", k=10, progress=None,
  should_cancel=None)``;
* ``score_pairs(inp, mentee_id, mentor_ids=None)`` -- next-best alternatives;
* ``explain(proposal)`` -- one-line human explanation.

Algorithms: ``optimal`` maximises the number of matched mentees, then the
total score, exactly (sparse min-cost flow + LP-duality certificate, see
``assign.py``); ``stable`` is mentee-proposing deferred acceptance
(``stable.py``); ``suggestions`` lists each mentee's top-k mentors with free
capacity. ``optimal_dense`` (all valid pairs, no certificate needed) exists for
tests and benchmarks. Scoring is described in ``scoring.py`` and ``hours.py``.
"""

from .core import run, score_pairs
from .explain import explain
from .types import (
    InvalidInput,
    MatchCancelled,
    MatchInput,
    MatchResult,
    Person,
    Proposal,
    Rules,
    Unmatched,
    Weights,
)

__all__ = [
    "InvalidInput",
    "MatchCancelled",
    "MatchInput",
    "MatchResult",
    "Person",
    "Proposal",
    "Rules",
    "Unmatched",
    "Weights",
    "explain",
    "run",
    "score_pairs",
]
