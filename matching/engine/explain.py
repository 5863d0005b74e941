"""Human sentences: why a pair was proposed, why a mentee stayed unmatched."""

from __future__ import annotations

from typing import Any

import numpy as np

from .scoring import Scorer
from .types import Proposal, Unmatched

_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def fmt_num(x: float) -> str:
    """31.0 -> "31", 31.5 -> "31.5", 31.25 -> "31.25"."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _count_word(n: int) -> str:
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


# What each side has not filled in yet (``details["missing"]``), per field:
# (mentee only, mentor only, both). Field order is the order in the sentence.
_MISSING: dict[str, tuple[str, str, str]] = {
    "goals": ("no goals written yet", "no expertise written yet", "no goals or expertise written yet"),
    "skills": ("no wanted skills listed yet", "no offered skills listed yet", "no skills listed yet"),
    "languages": ("mentee lists no languages yet", "mentor lists no languages yet", "no languages listed yet"),
    "hours": (
        "mentee's working hours not given yet",
        "mentor's working hours not given yet",
        "working hours not given yet",
    ),
    "seniority": (
        "mentee's seniority level not given yet",
        "mentor's seniority level not given yet",
        "seniority levels not given yet",
    ),
    "department": (
        "mentee's department not given yet",
        "mentor's department not given yet",
        "departments not given yet",
    ),
}
_FIELD_OF = {"expertise": "goals"}  # the mentor's side of the goals component
_ORDER = {field: n for n, field in enumerate(_MISSING)}  # questions come last, by key


def missing_phrases(missing: list[str]) -> list[str]:
    """``["mentee:goals", "mentor:expertise", "mentor:q:format"]`` ->
    ``["no goals or expertise written yet", "mentor has not answered “format” yet"]``."""
    sides: dict[str, set[str]] = {}
    for item in missing:
        side, _, what = item.partition(":")
        sides.setdefault(_FIELD_OF.get(what, what), set()).add(side)
    out: list[str] = []
    for field, who in sorted(sides.items(), key=lambda kv: (_ORDER.get(kv[0], len(_ORDER)), kv[0])):
        k = 2 if len(who) == 2 else (0 if "mentee" in who else 1)
        if field in _MISSING:
            out.append(_MISSING[field][k])
        elif field.startswith("q:"):
            key = field[2:]
            out.append(
                (
                    f"mentee has not answered “{key}” yet",
                    f"mentor has not answered “{key}” yet",
                    f"“{key}” not answered yet",
                )[k]
            )
    return out


def explain(p: Proposal) -> str:
    """One line, facts joined by " · ", e.g.

    "2 of 3 wanted skills: SQL, public speaking · 5 h shared working hours ·
    goals overlap: negotiation, hiring · mentor two levels senior ·
    different departments"

    then what is missing ("no expertise written yet"); a pinned pair starts with
    "pinned by an organiser" and says which threshold it is below.
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
        text = f"{fmt_num(h)} h shared working hours" if h > 0 else "no shared working hours"
        span = d.get("shared_hours_range")
        if span:
            text += f" ({fmt_num(span[0])}–{fmt_num(span[1])} h: changes with daylight saving)"
        parts.append(text)
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
    parts += missing_phrases(list(d.get("missing") or []))
    below: list[str] = []
    if d.get("below_min_score") is not None:
        below.append(f"below the minimum score of {fmt_num(float(d['below_min_score']))}")
    if d.get("below_min_shared_hours") is not None:
        below.append(f"below the minimum of {fmt_num(float(d['below_min_shared_hours']))} h shared working hours")
    if p.pinned:
        below.insert(0, "pinned by an organiser")
    parts = below + parts
    return " · ".join(parts) if parts else "no specific overlap"


def _excluded_reason(n: int, counts: dict[str, int]) -> str:
    """Why every language-compatible mentor is excluded, in correct English for any count."""
    single = {
        "forbidden": "forbidden by an organiser",
        "manager": "the mentee's manager",
        "self": "the mentee themself",
    }
    if n == 1:
        (why,) = counts
        return f"the only language-compatible mentor is excluded ({single.get(why, why)})"

    def part(why: str, c: int) -> str:
        if why == "forbidden":
            return f"{c} forbidden by an organiser"
        return f"{c} {'is' if c == 1 else 'are'} {single.get(why, why)}"

    return (
        f"all {n} language-compatible mentors are excluded ({', '.join(part(k, c) for k, c in sorted(counts.items()))})"
    )


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
            n = int(lang.sum())
            out.append(Unmatched(p.id, "all_forbidden", _excluded_reason(n, counts), {"excluded": counts}))
            continue
        ok = compat & hours
        if not ok.any():
            details: dict[str, Any] = {"rule": "min_shared_hours", "minimum": min_h}
            if scorer.me_hours_unknown[i]:
                reason = (
                    f"the mentee's working hours are not given yet, and the program needs at least "
                    f"{fmt_num(min_h)} h shared working hours"
                )
                details |= {"best_hours": 0.0, "missing": ["mentee:hours"]}
            else:
                best_h = float(scorer.hours.low[scorer.me_sig[i], scorer.mo_sig[compat]].max())
                every = " in every week of the program" if scorer.multi_week else ""
                reason = f"no compatible mentor shares at least {fmt_num(min_h)} h working hours{every} (best {best_h:.1f} h)"
                details["best_hours"] = round(best_h, 1)
            out.append(Unmatched(p.id, "below_min_score", reason, details))
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
        reason = (
            "the only compatible mentor is at capacity" if n == 1 else f"all {n} compatible mentors are at capacity"
        )
        out.append(Unmatched(p.id, "capacity", reason, {"compatible": n}))
    return out
