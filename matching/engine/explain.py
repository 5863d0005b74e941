"""Human sentences: why a pair was proposed, why a mentee stayed unmatched."""

from __future__ import annotations

from typing import Any

import numpy as np

from .scoring import Scorer
from .translation import _, gettext_noop, ngettext
from .types import Proposal, Unmatched

_WORDS = [
    gettext_noop("zero"), gettext_noop("one"), gettext_noop("two"), gettext_noop("three"), gettext_noop("four"),
    gettext_noop("five"), gettext_noop("six"), gettext_noop("seven"), gettext_noop("eight"), gettext_noop("nine"),
    gettext_noop("ten"),
]  # fmt: skip


def fmt_num(x: float) -> str:
    """31.0 -> "31", 31.5 -> "31.5", 31.25 -> "31.25"."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _count_word(n: int) -> str:
    return _(_WORDS[n]) if 0 <= n < len(_WORDS) else str(n)


# What each side has not filled in yet (``details["missing"]``), per field:
# (mentee only, mentor only, both). Field order is the order in the sentence.
_MISSING: dict[str, tuple[str, str, str]] = {
    "goals": (
        gettext_noop("no goals written yet"),
        gettext_noop("no expertise written yet"),
        gettext_noop("no goals or expertise written yet"),
    ),
    "skills": (
        gettext_noop("no wanted skills listed yet"),
        gettext_noop("no offered skills listed yet"),
        gettext_noop("no skills listed yet"),
    ),
    "languages": (
        gettext_noop("mentee lists no languages yet"),
        gettext_noop("mentor lists no languages yet"),
        gettext_noop("no languages listed yet"),
    ),
    "hours": (
        gettext_noop("mentee's working hours not given yet"),
        gettext_noop("mentor's working hours not given yet"),
        gettext_noop("working hours not given yet"),
    ),
    "seniority": (
        gettext_noop("mentee's seniority level not given yet"),
        gettext_noop("mentor's seniority level not given yet"),
        gettext_noop("seniority levels not given yet"),
    ),
    "department": (
        gettext_noop("mentee's department not given yet"),
        gettext_noop("mentor's department not given yet"),
        gettext_noop("departments not given yet"),
    ),
}
_FIELD_OF = {"expertise": "goals"}  # the mentor's side of the goals component
_ORDER = {field: n for n, field in enumerate(_MISSING)}  # questions come last, by key


def missing_phrases(missing: list[str]) -> list[str]:
    """``["mentee:goals", "mentor:expertise", "mentor:q:format"]`` ->
    ``["no goals or expertise written yet", "mentor has not answered “format” yet"]``."""
    sides: dict[str, set[str]] = {}
    for item in missing:
        side, _sep, what = item.partition(":")
        sides.setdefault(_FIELD_OF.get(what, what), set()).add(side)
    out: list[str] = []
    for field, who in sorted(sides.items(), key=lambda kv: (_ORDER.get(kv[0], len(_ORDER)), kv[0])):
        k = 2 if len(who) == 2 else (0 if "mentee" in who else 1)
        if field in _MISSING:
            out.append(_(_MISSING[field][k]))
        elif field.startswith("q:"):
            unanswered = (
                gettext_noop("mentee has not answered “%(question)s” yet"),
                gettext_noop("mentor has not answered “%(question)s” yet"),
                gettext_noop("“%(question)s” not answered yet"),
            )[k]
            out.append(_(unanswered) % {"question": field[2:]})
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
        s = ngettext("%(matched)s of %(wanted)s wanted skill", "%(matched)s of %(wanted)s wanted skills", wanted) % {
            "matched": len(matched),
            "wanted": wanted,
        }
        parts.append(s + (": " + ", ".join(matched) if matched else ""))
    if "shared_hours" in d:
        h = float(d["shared_hours"])
        text = _("%(hours)s h shared working hours") % {"hours": fmt_num(h)} if h > 0 else _("no shared working hours")
        span = d.get("shared_hours_range")
        if span:
            text += _(" (%(low)s–%(high)s h: changes with daylight saving)") % {
                "low": fmt_num(span[0]),
                "high": fmt_num(span[1]),
            }
        parts.append(text)
    terms = d.get("goal_terms") or []
    if terms:
        parts.append(_("goals overlap: %(terms)s") % {"terms": ", ".join(terms)})
    gap = d.get("seniority_gap")
    if gap is not None:
        if gap > 0:
            parts.append(
                ngettext("mentor %(count)s level senior", "mentor %(count)s levels senior", gap)
                % {"count": _count_word(gap)}
            )
        elif gap == 0:
            parts.append(_("same seniority level"))
        else:
            parts.append(
                ngettext("mentor %(count)s level junior", "mentor %(count)s levels junior", -gap)
                % {"count": _count_word(-gap)}
            )
    same = d.get("same_department")
    if same is not None:
        parts.append(_("same department") if same else _("different departments"))
    for key, vals in (d.get("answers") or {}).items():
        if vals:
            parts.append(_("same %(question)s: %(answers)s") % {"question": key, "answers": ", ".join(vals)})
    parts += missing_phrases(list(d.get("missing") or []))
    below: list[str] = []
    if d.get("below_min_score") is not None:
        below.append(_("below the minimum score of %(score)s") % {"score": fmt_num(float(d["below_min_score"]))})
    if d.get("below_min_shared_hours") is not None:
        below.append(
            _("below the minimum of %(hours)s h shared working hours")
            % {"hours": fmt_num(float(d["below_min_shared_hours"]))}
        )
    if p.pinned:
        below.insert(0, _("pinned by an organiser"))
    parts = below + parts
    return " · ".join(parts) if parts else _("no specific overlap")


def _excluded_reason(n: int, counts: dict[str, int]) -> str:
    """Why every language-compatible mentor is excluded, in correct English for any count."""
    single = {
        "forbidden": gettext_noop("forbidden by an organiser"),
        "manager": gettext_noop("the mentee's manager"),
        "self": gettext_noop("the mentee themself"),
    }
    if n == 1:
        (why,) = counts
        return _("the only language-compatible mentor is excluded (%(why)s)") % {"why": _(single.get(why, why))}

    def part(why: str, c: int) -> str:
        if why == "forbidden":
            return _("%(count)s forbidden by an organiser") % {"count": c}
        return ngettext("%(count)s is %(why)s", "%(count)s are %(why)s", c) % {
            "count": c,
            "why": _(single.get(why, why)),
        }

    return ngettext(
        "all %(count)s language-compatible mentor is excluded (%(reasons)s)",
        "all %(count)s language-compatible mentors are excluded (%(reasons)s)",
        n,
    ) % {"count": n, "reasons": ", ".join(part(k, c) for k, c in sorted(counts.items()))}


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
            out.append(Unmatched(p.id, "no_mentors", _("there are no mentors in this program"), {}))
            continue
        lang, not_excl, hours = scorer.hard_ok(i)
        if not lang.any():
            names = ", ".join(x.strip().title() for x in p.languages if x.strip())
            out.append(
                Unmatched(
                    p.id,
                    "no_language",
                    _("no mentor shares a language: %(languages)s") % {"languages": names},
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
                reason = _(
                    "the mentee's working hours are not given yet, and the program needs at least "
                    "%(hours)s h shared working hours"
                ) % {"hours": fmt_num(min_h)}
                details |= {"best_hours": 0.0, "missing": ["mentee:hours"]}
            else:
                best_h = float(scorer.hours.low[scorer.me_sig[i], scorer.mo_sig[compat]].max())
                if scorer.multi_week:
                    reason = _(
                        "no compatible mentor shares at least %(hours)s h working hours in every week of the program "
                        "(best %(best)s h)"
                    )
                else:
                    reason = _("no compatible mentor shares at least %(hours)s h working hours (best %(best)s h)")
                reason %= {"hours": fmt_num(min_h), "best": f"{best_h:.1f}"}
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
                    _("best score %(best)s below the minimum %(minimum)s")
                    % {"best": fmt_num(best / 100), "minimum": fmt_num(min_score)},
                    {"rule": "min_score", "best_score": best / 100, "minimum": min_score},
                )
            )
            continue
        n = int((raw >= scorer.min_centi).sum())
        reason = ngettext(
            "the only compatible mentor is at capacity", "all %(count)s compatible mentors are at capacity", n
        ) % {"count": n}
        out.append(Unmatched(p.id, "capacity", reason, {"compatible": n}))
    return out
