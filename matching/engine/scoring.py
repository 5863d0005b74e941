"""Pair scores for a whole cohort, computed block by block.

All *linear* parts of the score are folded into one sparse x dense product
``A[rows] @ B``: ``A`` (mentees x features, sparse) holds the mentee's TF-IDF
weights, wanted-skill fractions and one-hot codes of the mentee's hour
signature / seniority level / department / language set / single-choice
answers; ``B`` (features x mentors, dense float32) holds the matching mentor
side: TF-IDF weights, offered skills, and per-code tables (e.g. row "mentee
hour signature 3" = weighted hours score of every mentor). One product then
yields the weighted score of a whole block of pairs. Rules that depend only
on (mentee code, mentor) -- language, ``min_shared_hours`` -- are folded in as
a large negative PENALTY in tables of their own (so a pinned pair can be
scored without the ``min_shared_hours`` threshold); per-pair exclusions
(manager, self, forbidden) are applied afterwards. Multi-choice questions
(Jaccard is not linear) get an extra pass.

Scores are integers in centi-points (0..10000 == 0.00..100.00) so the
optimiser works on exactly the rounded scores shown to users. Invalid pairs
are -1. The arithmetic per pair does not depend on which rows/columns a block
holds, so a pair scored in a big block and alone gets the same number.

Missing information never outranks matching information: a component whose
input is missing on either side scores 0, the lowest value a filled one can
get, and the pair's details list what is missing (``details["missing"]``,
e.g. ``"mentor:expertise"``). So a blank or stop-word profile can never score
above a relevant one, for the mentee choosing a mentor and for the mentor's
preferences among mentees alike:

* goals: 0 if the mentee's goals or the mentor's expertise has no usable word
  (empty, or only stop words);
* skills: 0 if the mentee wants none (or the mentor offers none);
* languages: 1 when they share a language, 0 when either lists none (a person
  with no language listed is not excluded -- nothing says they cannot talk --
  but cannot rank with someone who shares one); known lists without a common
  language are a hard rule;
* hours: 0 shared hours when either side's working hours are unknown;
* seniority: 0 if either level is unknown;
* department: 0 if either department is empty;
* questions: 0 if either side left the question unanswered.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp

from .hours import FULL_HOURS, UNKNOWN, Signature, shared_hours, signature
from .text import GoalFeatures, build_goal_features, pair_overlaps
from .types import InvalidInput, MatchInput, Person

PENALTY = -1000.0  # far below any valid total (0..1), so invalid pairs stay negative


@lru_cache(maxsize=1 << 16)
def norm(s: str) -> str:
    """Normalised tag / language / department / answer (cached: cohorts repeat them a lot)."""
    return " ".join(s.strip().casefold().split())


def seniority_score(mentee_level: int | None, mentor_level: int | None, pref: int) -> float:
    """1 at the preferred gap, halving per level away from it; 0 for a junior/equal mentor or an unknown level."""
    if mentee_level is None or mentor_level is None:
        return 0.0
    gap = mentor_level - mentee_level
    if gap <= 0 and pref >= 1:
        return 0.0
    return 0.5 ** abs(gap - pref)


def _dept_score(a: str, b: str, rule: str) -> float:
    """1 when the departments are as the rule wants (same / different); 0 if either is empty."""
    if not a or not b:
        return 0.0
    same = a == b
    return float(same) if rule == "same" else float(not same)


# The rule of each other component, written once: the cohort's matrices (``_build_matrices``)
# apply them to whole arrays, ``pair_info`` to one pair. Goals are the TF-IDF cosine of
# text.py (``build_goal_features`` / ``pair_overlaps``); multi-choice answers are also
# scored in bulk by ``block_centi``, as the vectorised form of ``answer_score``.


def skills_score(matched: Any, wanted: Any) -> Any:
    """The share of the mentee's wanted skills the mentor offers; 0 when none is wanted.
    (The matrices pass the component's weight as ``matched``: each offered skill adds
    weight / wanted.)"""
    return matched / np.maximum(wanted, 1.0)


def hours_score(shared: Any) -> Any:
    """Shared working hours per mentee working day, as a share of a full overlap (capped at 1)."""
    return np.minimum(shared / FULL_HOURS, 1.0)


def language_score(shared: Any) -> Any:
    """1 when they share a language, else 0 (a list left empty shares none)."""
    return np.asarray(shared, dtype=np.float64)


def answer_score(mentee: frozenset[str], mentor: frozenset[str], mode: str) -> float:
    """Jaccard similarity of the two answers ("same") or its complement ("different");
    0 when either side left the question unanswered."""
    if not mentee or not mentor:
        return 0.0
    jac = len(mentee & mentor) / len(mentee | mentor)
    return jac if mode == "same" else 1.0 - jac


class _Design:
    """The linear part of the score as it is being built: mentee feature rows (sparse
    ``A``) against mentor columns (dense ``B``), one block of features per component."""

    def __init__(self, n: int, m: int) -> None:
        self.n, self.m = n, m
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.blocks: list[np.ndarray] = []
        self.nfeat = 0

    def add_sparse(self, mat: sp.csr_matrix, scale: np.ndarray | float, bblock: np.ndarray) -> None:
        """Mentee features ``mat`` (scaled per mentee row) against mentor table ``bblock``."""
        coo = mat.tocoo()
        s = scale[coo.row] if isinstance(scale, np.ndarray) else scale
        self.rows.append(coo.row.astype(np.int64))
        self.cols.append(coo.col.astype(np.int64) + self.nfeat)
        self.vals.append((coo.data * s).astype(np.float64))
        self.blocks.append(np.asarray(bblock, dtype=np.float32).reshape(bblock.shape[0], self.m))
        self.nfeat += bblock.shape[0]

    def add_onehot(self, codes: np.ndarray, table: np.ndarray) -> None:
        """Mentee i gets table row codes[i] (code -1: nothing)."""
        keep = np.flatnonzero(codes >= 0)
        self.rows.append(keep.astype(np.int64))
        self.cols.append(codes[keep] + self.nfeat)
        self.vals.append(np.ones(len(keep)))
        self.blocks.append(np.asarray(table, dtype=np.float32).reshape(table.shape[0], self.m))
        self.nfeat += table.shape[0]

    def matrices(self) -> tuple[sp.csr_matrix, np.ndarray]:
        if self.rows:
            a = sp.csr_matrix(
                (
                    np.concatenate(self.vals).astype(np.float32),
                    (np.concatenate(self.rows), np.concatenate(self.cols)),
                ),
                shape=(self.n, self.nfeat),
            )
            b = np.ascontiguousarray(np.vstack(self.blocks), dtype=np.float32)
        else:
            a = sp.csr_matrix((self.n, 0), dtype=np.float32)
            b = np.zeros((0, self.m), dtype=np.float32)
        a.sum_duplicates()
        a.sort_indices()
        return a, b


@dataclass
class _Question:
    key: str
    mode: str
    weight: float  # normalised
    linear: bool
    me: list[frozenset[str]]
    mo: list[frozenset[str]]
    qme: sp.csr_matrix | None = None
    qmo: np.ndarray | None = None
    a: np.ndarray | None = None
    b: np.ndarray | None = None


def _signature(p: Person) -> Signature:
    return signature(p.timezone, p.work_start, p.work_end, tuple(p.work_days))


def _codes(keys: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Dense integer codes for hashable keys, in first-seen order (deterministic)."""
    table: dict[Any, int] = {}
    out = np.empty(len(keys), dtype=np.int64)
    for i, k in enumerate(keys):
        out[i] = table.setdefault(k, len(table))
    return out, list(table)


class Scorer:
    """Prepared features of one program; scores blocks of (mentee, mentor) pairs.

    Mentees and mentors are sorted by id, so index order == id order and
    "ties by id" is "ties by index" everywhere downstream.
    """

    def __init__(self, inp: MatchInput) -> None:
        self.inp = inp
        self.mentees: list[Person] = sorted(inp.mentees, key=lambda p: p.id)
        self.mentors: list[Person] = sorted(inp.mentors, key=lambda p: p.id)
        for label, people in (("mentee", self.mentees), ("mentor", self.mentors)):
            ids = [p.id for p in people]
            if len(set(ids)) != len(ids):
                dup = next(x for x, y in itertools.pairwise(ids) if x == y)
                raise InvalidInput(f"duplicate {label} id {dup}")
        self.n, self.m = len(self.mentees), len(self.mentors)
        self.mentee_pos = {p.id: i for i, p in enumerate(self.mentees)}
        self.mentor_pos = {p.id: j for j, p in enumerate(self.mentors)}
        self.mentee_ids = np.array([p.id for p in self.mentees], dtype=np.int64)
        self.mentor_ids = np.array([p.id for p in self.mentors], dtype=np.int64)
        self.capacity = np.array([max(int(p.capacity), 0) for p in self.mentors], dtype=np.int64)
        rules, weights = inp.rules, inp.weights
        self.rules = rules

        raw: dict[str, float] = {}
        for name in ("goals", "skills", "hours", "languages", "seniority"):
            w = float(getattr(weights, name))
            if w > 0:
                raw[name] = w
        if weights.department > 0 and rules.department != "ignore":
            raw["department"] = float(weights.department)
        qkeys = sorted(set(rules.questions) | set(weights.questions))
        for k in qkeys:
            w = weights.question(k)
            if w > 0:
                raw[f"q:{k}"] = w
        total = sum(raw.values())
        self.weights: dict[str, float] = {k: v / total for k, v in raw.items()} if total > 0 else {}
        # score >= min_score  <=>  centi >= ceil(min_score * 100)
        self.min_centi = max(0, math.ceil(float(rules.min_score) * 100 - 1e-6))

        self._prepare_people()
        self._build_matrices(qkeys)
        self._build_exclusions()

    # ------------------------------------------------------------------ setup
    def _prepare_people(self) -> None:
        me, mo = self.mentees, self.mentors
        self.me_wanted: list[list[tuple[str, str]]] = []  # (normalised, display) in order, unique
        for p in me:
            seen: dict[str, str] = {}
            for s in p.skills:
                k = norm(s)
                if k and k not in seen:
                    seen[k] = s.strip()
            self.me_wanted.append(list(seen.items()))
        self.mo_offered: list[frozenset[str]] = [frozenset(norm(s) for s in p.skills if norm(s)) for p in mo]
        self.me_langs = [frozenset(norm(x) for x in p.languages if norm(x)) for p in me]
        self.mo_langs = [frozenset(norm(x) for x in p.languages if norm(x)) for p in mo]
        self.me_dept = [norm(p.department) for p in me]
        self.mo_dept = [norm(p.department) for p in mo]
        self.me_sig, self.me_sigs = _codes([_signature(p) for p in me])
        self.mo_sig, self.mo_sigs = _codes([_signature(p) for p in mo])
        self.me_hours_unknown = np.array([s == UNKNOWN for s in self.me_sigs], dtype=bool)[self.me_sig]
        self.mo_hours_unknown = np.array([s == UNKNOWN for s in self.mo_sigs], dtype=bool)[self.mo_sig]
        # S1 x S2 hours per mentee working day: mean, leanest and best week of the program
        self.hours = shared_hours(self.me_sigs, self.mo_sigs, self.inp.period)
        self.multi_week = self.inp.period is not None and (self.inp.period.end - self.inp.period.start).days >= 7
        self.goal: GoalFeatures = build_goal_features([p.text or "" for p in me], [p.text or "" for p in mo])

    def _build_matrices(self, qkeys: list[str]) -> None:
        """``A`` and ``B`` (see the module doc), one named step per component."""
        d = _Design(self.n, self.m)
        self._add_goals(d)
        self._add_skills(d)
        self._add_hours(d)
        self._add_min_shared_hours(d)
        self._add_seniority(d)
        self._add_department(d)
        self._add_languages(d)
        self._add_questions(d, qkeys)
        self.A, self.B = d.matrices()

    def _add_goals(self, d: _Design) -> None:
        if "goals" in self.weights:
            # no usable text on either side: no term in common, so 0 (see the module doc)
            g = self.goal
            d.add_sparse(g.mentees, self.weights["goals"], g.mentors.T.toarray())

    def _add_skills(self, d: _Design) -> None:
        if "skills" not in self.weights:
            return
        tag_codes: dict[str, int] = {}
        offered_any = set().union(*self.mo_offered) if self.mo_offered else set()
        r, c, v = [], [], []
        wanted_n = np.array([len(x) for x in self.me_wanted], dtype=np.float64)
        for i, wanted in enumerate(self.me_wanted):
            for k, _ in wanted:
                if k in offered_any:
                    r.append(i)
                    c.append(tag_codes.setdefault(k, len(tag_codes)))
                    v.append(1.0)
        smo = np.zeros((len(tag_codes), self.m), dtype=np.float32)
        for j, off in enumerate(self.mo_offered):
            for k in off:
                t = tag_codes.get(k)
                if t is not None:
                    smo[t, j] = 1.0
        sme = sp.csr_matrix((v, (r, c)), shape=(self.n, len(tag_codes)))
        d.add_sparse(sme, skills_score(self.weights["skills"], wanted_n), smo)

    def _add_hours(self, d: _Design) -> None:
        if "hours" in self.weights:
            h = self.hours.mean[:, self.mo_sig]  # S1 x m
            d.add_onehot(self.me_sig, self.weights["hours"] * hours_score(h))

    def _add_min_shared_hours(self, d: _Design) -> None:
        """The min_shared_hours threshold (leanest week), in rows of its own: see block_centi(thresholds=False)."""
        self.threshold_features = (d.nfeat, d.nfeat)
        min_h = float(self.rules.min_shared_hours)
        if min_h > 0:
            low = self.hours.low[:, self.mo_sig]
            d.add_onehot(self.me_sig, np.where(low + 1e-9 < min_h, PENALTY, 0.0))
            self.threshold_features = (d.nfeat - len(self.me_sigs), d.nfeat)

    def _add_seniority(self, d: _Design) -> None:
        if "seniority" not in self.weights:
            return
        lv_codes, levels = _codes([p.seniority for p in self.mentees])
        mo_lv = [p.seniority for p in self.mentors]
        pref = int(self.rules.seniority_gap)
        table = np.array([[seniority_score(a, b, pref) for b in mo_lv] for a in levels]) * self.weights["seniority"]
        d.add_onehot(lv_codes, table.reshape(len(levels), self.m))

    def _add_department(self, d: _Design) -> None:
        if "department" not in self.weights:
            return
        d_codes, depts = _codes(self.me_dept)
        rule = self.rules.department
        table = np.array([[_dept_score(a, b, rule) for b in self.mo_dept] for a in depts]) * self.weights["department"]
        d.add_onehot(d_codes, table.reshape(len(depts), self.m))

    def _add_languages(self, d: _Design) -> None:
        """Per distinct mentee language set: the languages component and the hard rule
        (known lists, none in common) as PENALTY. Always computed: the rule applies
        whatever the component's weight."""
        l_codes, lsets = _codes(self.me_langs)
        table = np.zeros((len(lsets), self.m))
        mo_empty = np.array([not x for x in self.mo_langs], dtype=bool)
        self.lang_code = l_codes
        self.lang_ok = np.ones((len(lsets), self.m), dtype=bool)  # mentee language set x mentor
        for a, ls in enumerate(lsets):
            if ls:
                shared = np.array([bool(ls & x) for x in self.mo_langs], dtype=bool)
                self.lang_ok[a] = mo_empty | shared
                table[a] = np.where(
                    self.lang_ok[a], self.weights.get("languages", 0.0) * language_score(shared), PENALTY
                )
        if (table != 0).any():
            d.add_onehot(l_codes, table)

    def _add_questions(self, d: _Design, qkeys: list[str]) -> None:
        """Single-answer questions become one-hot tables; multi-choice ones (Jaccard is not
        linear) keep sparse answer sets that ``block_centi`` scores in an extra pass."""
        self.questions: list[_Question] = []
        for k in qkeys:
            if f"q:{k}" not in self.weights:
                continue
            mode = self.rules.question(k)
            qme = [frozenset(norm(x) for x in p.answers.get(k, ()) if norm(x)) for p in self.mentees]
            qmo = [frozenset(norm(x) for x in p.answers.get(k, ()) if norm(x)) for p in self.mentors]
            linear = max((len(x) for x in qme + qmo), default=0) <= 1
            q = _Question(k, mode, self.weights[f"q:{k}"], linear, qme, qmo)
            self.questions.append(q)
            if linear:
                self._add_single_answers(d, q)
            else:
                self._prepare_multi_answers(q)

    def _add_single_answers(self, d: _Design, q: _Question) -> None:
        """At most one answer per person: a table per distinct mentee answer."""
        codes, answers = _codes(list(q.me))
        table = np.array([[answer_score(a, b, q.mode) for b in q.mo] for a in answers]).reshape(len(answers), self.m)
        d.add_onehot(codes, table * q.weight)

    def _prepare_multi_answers(self, q: _Question) -> None:
        vocab: dict[str, int] = {}
        r, c = [], []
        for i, s in enumerate(q.me):
            for x in sorted(s):
                r.append(i)
                c.append(vocab.setdefault(x, len(vocab)))
        qmo_d = np.zeros((len(vocab), self.m), dtype=np.float32)
        for j, s in enumerate(q.mo):
            for x in s:
                t = vocab.get(x)
                if t is not None:
                    qmo_d[t, j] = 1.0
        q.qme = sp.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=(self.n, len(vocab)))
        q.qmo = qmo_d
        q.a = np.array([len(x) for x in q.me], dtype=np.float32)
        q.b = np.array([len(x) for x in q.mo], dtype=np.float32)

    def _build_exclusions(self) -> None:
        """Pairs invalid whatever their score: manager, same person, forbidden."""
        by_email: dict[str, list[int]] = {}
        for j, p in enumerate(self.mentors):
            by_email.setdefault(norm(p.email), []).append(j)
        pairs: set[tuple[int, int]] = set()
        self.excl_reason: dict[tuple[int, int], str] = {}
        for i, p in enumerate(self.mentees):
            if p.manager_email:
                for j in by_email.get(norm(p.manager_email), ()):
                    pairs.add((i, j))
                    self.excl_reason.setdefault((i, j), "manager")
            if p.email:
                for j in by_email.get(norm(p.email), ()):
                    pairs.add((i, j))
                    self.excl_reason.setdefault((i, j), "self")
            j2 = self.mentor_pos.get(p.id)
            if j2 is not None:
                pairs.add((i, j2))
                self.excl_reason.setdefault((i, j2), "self")
        for a, b in self.inp.forbidden:
            i, j = self.mentee_pos.get(a), self.mentor_pos.get(b)
            if i is not None and j is not None:
                pairs.add((i, j))
                self.excl_reason.setdefault((i, j), "forbidden")
        arr = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
        self.excl_i, self.excl_j = arr[:, 0].copy(), arr[:, 1].copy()
        self.excl_ptr = np.searchsorted(self.excl_i, np.arange(self.n + 1))

    def hard_ok(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-mentor masks for mentee ``i``: language ok, not excluded, hours ok."""
        lang = self.lang_ok[self.lang_code[i]] if self.m else np.zeros(0, bool)
        not_excl = np.ones(self.m, dtype=bool)
        not_excl[self.excl_j[self.excl_ptr[i] : self.excl_ptr[i + 1]]] = False
        min_h = float(self.rules.min_shared_hours)
        if min_h > 0:
            hours = self.hours.low[self.me_sig[i], self.mo_sig] + 1e-9 >= min_h
        else:
            hours = np.ones(self.m, dtype=bool)
        return lang, not_excl, hours

    # ---------------------------------------------------------------- scoring
    def mentor_block(self, cols: np.ndarray | None) -> np.ndarray:
        return self.B if cols is None else np.ascontiguousarray(self.B[:, cols])

    def block_centi(
        self,
        rows: np.ndarray,
        cols: np.ndarray | None = None,
        bcols: np.ndarray | None = None,
        *,
        min_centi: int | None = None,
        thresholds: bool = True,
    ) -> np.ndarray:
        """Integer scores (centi-points) of rows x cols; -1 where the pair is invalid.

        ``cols`` must be sorted ascending (mentor indices); ``bcols`` may pass
        the precomputed ``B[:, cols]``. ``min_centi`` overrides the program's
        minimum score (0 = report every otherwise valid score).
        ``thresholds=False`` drops both thresholds (``min_score`` and
        ``min_shared_hours``) and keeps the hard rules, as for pinned pairs.
        A pair that meets the thresholds gets the same score either way: the
        dropped terms are exact zeros for it.
        """
        rows = np.asarray(rows, dtype=np.int64)
        bc = bcols if bcols is not None else self.mentor_block(cols)
        mc = bc.shape[1]
        if not thresholds:
            min_centi = 0
        if self.B.shape[0]:
            a_rows = self.A[rows]
            lo, hi = self.threshold_features
            if not thresholds and hi > lo:
                a_rows = a_rows.copy()
                a_rows.data[(a_rows.indices >= lo) & (a_rows.indices < hi)] = 0.0
            tot = np.asarray(a_rows @ bc, dtype=np.float32)
        else:
            tot = np.zeros((len(rows), mc), dtype=np.float32)
        for q in self.questions:
            if q.linear:
                continue
            assert q.qme is not None and q.qmo is not None and q.a is not None and q.b is not None
            qmo = q.qmo if cols is None else q.qmo[:, cols]
            bcnt = q.b if cols is None else q.b[cols]
            inter = np.asarray(q.qme[rows] @ qmo, dtype=np.float32)
            a = q.a[rows][:, None]
            union = a + bcnt[None, :] - inter
            with np.errstate(divide="ignore", invalid="ignore"):
                jac = inter / union
            if q.mode == "different":
                jac = 1.0 - jac
            jac = np.where((a == 0) | (bcnt[None, :] == 0), np.float32(0.0), jac)  # unanswered: 0
            tot += np.float32(q.weight) * jac.astype(np.float32)
        tot *= np.float32(10000.0)
        np.rint(tot, out=tot)
        centi = tot.astype(np.int32)
        centi[centi < (self.min_centi if min_centi is None else min_centi)] = -1
        np.minimum(centi, 10000, out=centi)
        # per-pair exclusions of these rows
        starts, ends = self.excl_ptr[rows], self.excl_ptr[rows + 1]
        counts = ends - starts
        tot_n = int(counts.sum())
        if tot_n:
            rr = np.repeat(np.arange(len(rows)), counts)
            offs = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
            jj = self.excl_j[offs + np.arange(tot_n)]
            if cols is None:
                centi[rr, jj] = -1
            else:
                pos = np.searchsorted(cols, jj)
                ok = pos < len(cols)
                ok[ok] = cols[pos[ok]] == jj[ok]
                centi[rr[ok], pos[ok]] = -1
        return centi

    def pair_centi(self, ii: np.ndarray, jj: np.ndarray, *, thresholds: bool = True) -> np.ndarray:
        """Scores of explicit pairs, via the same block arithmetic (grouped by mentee)."""
        out = np.empty(len(ii), dtype=np.int32)
        order = np.lexsort((jj, ii))
        ii_s, jj_s = ii[order], jj[order]
        bounds = np.flatnonzero(np.diff(ii_s)) + 1
        for seg in np.split(np.arange(len(ii_s)), bounds):
            if len(seg) == 0:
                continue
            cols = np.unique(jj_s[seg])
            c = self.block_centi(np.array([ii_s[seg[0]]]), cols, thresholds=thresholds)[0]
            out[order[seg]] = c[np.searchsorted(cols, jj_s[seg])]
        return out

    def iter_blocks(
        self,
        rows: np.ndarray,
        cols: np.ndarray | None,
        reduce: Callable[[np.ndarray, np.ndarray], Any],
        on_chunk: Callable[[np.ndarray, Any], None],
        tick: Callable[[], None] | None = None,
        budget: int = 4_000_000,
    ) -> None:
        """Score ``rows x cols`` in row chunks of about ``budget`` pairs.

        ``reduce(rows, centi)`` runs in a worker thread and should shrink the
        block (e.g. to top-K); ``on_chunk(rows, reduced)`` then runs in the
        caller's thread, in chunk order (so results are deterministic).
        Two workers: the sparse product and numpy ufuncs release the GIL, so
        both cores are used. ``tick`` is called after each chunk (progress /
        cancellation hook).
        """
        from concurrent.futures import ThreadPoolExecutor

        if cols is not None and len(cols) == self.m:
            cols = None  # all mentors: avoid copying B
        bc = self.mentor_block(cols)
        mc = max(bc.shape[1], 1)
        step = max(1, budget // mc)
        chunks = [rows[s : s + step] for s in range(0, len(rows), step)]
        if not chunks:
            return

        def work(ch: np.ndarray) -> Any:
            return reduce(ch, self.block_centi(ch, cols, bc))

        with ThreadPoolExecutor(max_workers=2) as pool:
            futs = [pool.submit(work, ch) for ch in chunks[:2]]
            for k, ch in enumerate(chunks):
                res = futs[k].result()
                futs[k] = None  # type: ignore[call-overload]  # drop the reference early
                if k + 2 < len(chunks):
                    futs.append(pool.submit(work, chunks[k + 2]))
                on_chunk(ch, res)
                if tick is not None:
                    tick()

    # ---------------------------------------------------------------- details
    def pair_info(self, ii: np.ndarray, jj: np.ndarray) -> list[tuple[dict[str, float], dict[str, Any]]]:
        """Components (0..1, active ones only) and explanation facts for pairs.

        ``details["missing"]`` lists, for the active components, what either side
        has not filled in yet ("mentee:goals", "mentor:expertise", "mentee:skills",
        "mentor:skills", "…:languages", "…:hours", "…:seniority", "…:department",
        "…:q:<key>"); ``shared_hours_range`` gives the leanest and the best week
        when daylight saving changes the overlap; ``below_min_shared_hours`` is set
        when the pair misses that threshold (possible only for a pinned pair).
        """
        ii = np.asarray(ii, dtype=np.int64)
        jj = np.asarray(jj, dtype=np.int64)
        cos, terms = pair_overlaps(self.goal, ii, jj)
        out = []
        pref = int(self.rules.seniority_gap)
        active = self.weights
        min_h = float(self.rules.min_shared_hours)
        missing: list[str] = []

        def lack(side: str, what: str, component: str, is_missing: bool) -> None:
            if is_missing and component in active:
                missing.append(f"{side}:{what}")

        for k, (i, j) in enumerate(zip(ii.tolist(), jj.tolist(), strict=True)):
            me, mo = self.mentees[i], self.mentors[j]
            comps: dict[str, float] = {}
            det: dict[str, Any] = {}
            missing.clear()

            no_goals, no_expertise = bool(self.goal.mentee_empty[i]), bool(self.goal.mentor_empty[j])
            comps["goals"] = float(min(max(cos[k], 0.0), 1.0))
            det["goal_terms"] = terms[k]
            lack("mentee", "goals", "goals", no_goals)
            lack("mentor", "expertise", "goals", no_expertise)
            wanted = self.me_wanted[i]
            matched = [disp for key, disp in wanted if key in self.mo_offered[j]]
            comps["skills"] = float(skills_score(len(matched), len(wanted)))
            det["matched_skills"] = matched
            det["wanted_count"] = len(wanted)
            lack("mentee", "skills", "skills", not wanted)
            lack("mentor", "skills", "skills", not self.mo_offered[j])
            shared = sorted(self.me_langs[i] & self.mo_langs[j])
            comps["languages"] = float(language_score(bool(shared)))
            det["shared_languages"] = shared
            lack("mentee", "languages", "languages", not self.me_langs[i])
            lack("mentor", "languages", "languages", not self.mo_langs[j])
            si, sj = self.me_sig[i], self.mo_sig[j]
            h = float(self.hours.mean[si, sj])
            lo, hi = float(self.hours.low[si, sj]), float(self.hours.high[si, sj])
            comps["hours"] = float(hours_score(h))
            det["shared_hours"] = round(h, 1)
            if round(lo, 1) != round(hi, 1):
                det["shared_hours_range"] = [round(lo, 1), round(hi, 1)]
            if min_h > 0 and lo + 1e-9 < min_h:
                det["below_min_shared_hours"] = min_h
            if "hours" in active or min_h > 0:
                missing += ["mentee:hours"] * bool(self.me_hours_unknown[i])
                missing += ["mentor:hours"] * bool(self.mo_hours_unknown[j])
            comps["seniority"] = seniority_score(me.seniority, mo.seniority, pref)
            det["seniority_gap"] = (
                None if me.seniority is None or mo.seniority is None else int(mo.seniority - me.seniority)
            )
            lack("mentee", "seniority", "seniority", me.seniority is None)
            lack("mentor", "seniority", "seniority", mo.seniority is None)
            a, b = self.me_dept[i], self.mo_dept[j]
            det["same_department"] = None if not a or not b else a == b
            comps["department"] = _dept_score(a, b, self.rules.department)
            lack("mentee", "department", "department", not a)
            lack("mentor", "department", "department", not b)
            answers: dict[str, list[str]] = {}
            for q in self.questions:
                sa, sb = q.me[i], q.mo[j]
                comps[f"q:{q.key}"] = answer_score(sa, sb, q.mode)
                answers[q.key] = sorted(sa & sb)
                lack("mentee", f"q:{q.key}", f"q:{q.key}", not sa)
                lack("mentor", f"q:{q.key}", f"q:{q.key}", not sb)
            if answers:
                det["answers"] = answers
            if missing:
                det["missing"] = list(missing)
            out.append(({c: round(v, 4) for c, v in comps.items() if c in active}, det))
        return out
