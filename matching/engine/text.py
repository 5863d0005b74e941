"""Goals similarity: TF-IDF cosine between mentee goals and mentor expertise."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer


@dataclass
class GoalFeatures:
    """L2-normalised TF-IDF rows, restricted to terms used on both sides.

    Dropping terms that appear only among mentees (or only among mentors)
    changes no cosine: such terms multiply by zero in every dot product. It
    keeps the dense mentor-side matrix small.
    """

    mentees: sp.csr_matrix  # n x V' float32
    mentors: sp.csr_matrix  # m x V' float32
    terms: np.ndarray  # V' term strings
    mentee_empty: np.ndarray  # bool n: no usable term -> goals 0, reported as missing
    mentor_empty: np.ndarray  # bool m


def build_goal_features(mentee_texts: list[str], mentor_texts: list[str]) -> GoalFeatures:
    n, m = len(mentee_texts), len(mentor_texts)
    vec = TfidfVectorizer(stop_words="english", sublinear_tf=True, dtype=np.float32)
    try:
        x = vec.fit_transform(mentee_texts + mentor_texts).tocsr()
        terms = vec.get_feature_names_out()
    except ValueError:  # empty vocabulary: nobody wrote anything usable
        x = sp.csr_matrix((n + m, 0), dtype=np.float32)
        terms = np.array([], dtype=object)
    xe, xo = x[:n], x[n:]
    mentee_empty = np.diff(xe.indptr) == 0
    mentor_empty = np.diff(xo.indptr) == 0
    used = (xe.getnnz(axis=0) > 0) & (xo.getnnz(axis=0) > 0)
    cols = np.flatnonzero(used)
    return GoalFeatures(
        mentees=xe[:, cols].tocsr(),
        mentors=xo[:, cols].tocsr(),
        terms=terms[cols],
        mentee_empty=mentee_empty,
        mentor_empty=mentor_empty,
    )


def pair_overlaps(gf: GoalFeatures, ii: np.ndarray, jj: np.ndarray, top: int = 3) -> tuple[np.ndarray, list[list[str]]]:
    """Cosine and the top overlapping terms (by contribution to the cosine) per pair."""
    if len(ii) == 0:
        return np.zeros(0), []
    prod = gf.mentees[ii].multiply(gf.mentors[jj]).tocsr()
    cos = np.asarray(prod.sum(axis=1), dtype=np.float64).ravel()
    out: list[list[str]] = []
    for r in range(prod.shape[0]):
        s, e = prod.indptr[r], prod.indptr[r + 1]
        if s == e:
            out.append([])
            continue
        data = prod.data[s:e]
        idx = prod.indices[s:e]
        # highest contribution first; ties by term order so output is stable
        order = np.lexsort((idx, -data))[:top]
        out.append([str(gf.terms[idx[o]]) for o in order])
    return cos, out
