"""Human sentences: why a pair was proposed, why a mentee stayed unmatched."""

from __future__ import annotations

import numpy as np

from .scoring import Scorer
from .types import Proposal, Unmatched

_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def fmt_num(x: float) -> str:
    """31.0 -> "31", 31.5 -> "31.5", 31.25 -> "31.25"."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _count_word(n: int) -> str:
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


def explain(p: Proposal) -> str:
    """One line, facts joined by " · ", e.g.

    "2 of 3 wanted skills: SQL, public speaking · 5 h shared working hours ·
    goals overlap: negotiation, hiring · mentor two levels senior ·
    different departments"
    """
    d = p.details
    parts: list[str] = []
    wanted = int(d.get("wanted_count") or 0)
    if wanted:
        matched = list(d.get("matched_skills") or [])
        s = f"{len(matched)} of {wanted} wanted skill{'s' if wanted != 1 else ''}"
        parts.append(s + (": " + ", ".join(matched) if matched else ""))
    if "shared_hours" in d:
        h = float(d["shared_hours"])
        parts.append(f"{fmt_num(h)} h shared working hours" if h > 0 else "no shared working hours")
    terms = d.get("goal_terms") or []
    if terms:
        parts.append("goals overlap: " + ", ".join(terms))
    gap = d.get("seniority_gap")
    if gap is not None:
        if gap > 0:
            parts.append(f"mentor {_count_word(gap)} level{'s' if gap != 1 else ''} senior")
        elif gap == 0:
            parts.append("same seniority level")
        else:
            parts.append(f"mentor {_count_word(-gap)} level{'s' if gap != -1 else ''} junior")
    same = d.get("same_department")
    if same is not None:
        parts.append("same department" if same else "different departments")
    for key, vals in (d.get("answers") or {}).items():
        if vals:
            parts.append(f"same {key}: {', '.join(vals)}")
    if p.pinned:
        parts.insert(0, "pinned by an organiser")
    return " · ".join(parts) if parts else "no specific overlap"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def unmatched_reasons(scorer: Scorer, rows: list[int], residual: np.ndarray) -> list[Unmatched]:
    """First applicable reason per mentee index, in the documented priority order.

    no_mentors -> no_language -> all_forbidden -> below_min_score (incl. the
    ``min_shared_hours`` rule, with ``details["rule"]``) -> capacity.
    """
    out: list[Unmatched] = []
    min_h = float(scorer.rules.min_shared_hours)
    min_score = float(scorer.rules.min_score)
    # raw scores (no minimum) of all these rows, computed in a few blocks
    raw_rows: dict[int, np.ndarray] = {}
    if scorer.m and rows:
        step = max(1, 4_000_000 // scorer.m)
        for s in range(0, len(rows), step):
            chunk = np.array(rows[s : s + step], dtype=np.int64)
            block = scorer.block_centi(chunk, min_centi=0)
            raw_rows.update(zip(chunk.tolist(), block, strict=True))
    for i in rows:
        p = scorer.mentees[i]
        if scorer.m == 0:
            out.append(Unmatched(p.id, "no_mentors", "there are no mentors in this program", {}))
            continue
        lang, not_excl, hours = scorer.hard_ok(i)
        if not lang.any():
            names = ", ".join(x.strip().title() for x in p.languages if x.strip())
            out.append(
                Unmatched(
                    p.id,
                    "no_language",
                    f"no mentor shares a language: {names}",
                    {"languages": sorted(scorer.me_langs[i])},
                )
            )
            continue
        compat = lang & not_excl
        if not compat.any():
            counts: dict[str, int] = {}
            for j in np.flatnonzero(lang).tolist():
                why = scorer.excl_reason.get((i, j), "forbidden")
                counts[why] = counts.get(why, 0) + 1
            labels = {"forbidden": "forbidden", "manager": "manager", "self": "same person"}
            what = ", ".join(f"{c} {labels.get(k, k)}" for k, c in sorted(counts.items()))
            n = int(lang.sum())
            out.append(
                Unmatched(
                    p.id,
                    "all_forbidden",
                    f"all {_plural(n, 'language-compatible mentor')} are excluded ({what})",
                    {"excluded": counts},
                )
            )
            continue
        ok = compat & hours
        if not ok.any():
            best_h = float(scorer.hours_table[scorer.me_sig[i], scorer.mo_sig[compat]].max())
            out.append(
                Unmatched(
                    p.id,
                    "below_min_score",
                    f"no compatible mentor shares at least {fmt_num(min_h)} h working hours (best {best_h:.1f} h)",
                    {"rule": "min_shared_hours", "best_hours": round(best_h, 1), "minimum": min_h},
                )
            )
            continue
        raw = raw_rows[i].astype(np.int64)
        raw[~ok] = -1
        best = int(raw.max())
        if best < scorer.min_centi:
            out.append(
                Unmatched(
                    p.id,
                    "below_min_score",
                    f"best score {fmt_num(best / 100)} below the minimum {fmt_num(min_score)}",
                    {"rule": "min_score", "best_score": best / 100, "minimum": min_score},
                )
            )
            continue
        n = int((raw >= scorer.min_centi).sum())
        full = n if n != 1 else 1
        out.append(
            Unmatched(
                p.id,
                "capacity",
                f"all {_plural(full, 'compatible mentor')} {'are' if full != 1 else 'is'} at capacity"
                if full != 1
                else "the only compatible mentor is at capacity",
                {"compatible": n},
            )
        )
    return out
