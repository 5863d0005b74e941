"""Deterministic synthetic cohorts for the matching engine (tests and benchmarks).

``cohort(n_mentees, n_mentors, capacity=..., seed=...)`` returns a
``MatchInput`` with realistic-looking data: goals/expertise text drawn
(Zipf-like) from a few thousand words mixed with domain phrases, skills from
a 150-tag taxonomy, 12 time zones, 5 languages, departments, seniority 1-6,
and managers (some mentors manage some mentees). The program runs for most of
2026, so shared hours go through every daylight-saving change of those zones
(the worst case for ``hours.py``). Same arguments -> same cohort, on any
machine (numpy's PCG64 with a fixed seed).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.engine import MatchInput, Period, Person, Rules, Weights

# Monday 5 January .. Friday 18 December 2026: US, European, Australian and
# New Zealand clock changes all fall inside.
PROGRAM = Period(dt.date(2026, 1, 5), dt.date(2026, 12, 18))

AREAS = [
    "data",
    "product",
    "people",
    "sales",
    "marketing",
    "finance",
    "security",
    "cloud",
    "design",
    "research",
    "operations",
    "legal",
    "support",
    "frontend",
    "backend",
]
FACETS = [
    "strategy",
    "analysis",
    "leadership",
    "communication",
    "planning",
    "automation",
    "architecture",
    "negotiation",
    "coaching",
    "metrics",
]
TAGS = [f"{a} {f}" for a in AREAS for f in FACETS]  # 150 tags

DOMAIN_WORDS = [
    "career",
    "growth",
    "promotion",
    "leadership",
    "management",
    "hiring",
    "interviewing",
    "negotiation",
    "public",
    "speaking",
    "presentation",
    "storytelling",
    "feedback",
    "delegation",
    "prioritisation",
    "roadmap",
    "stakeholder",
    "strategy",
    "python",
    "sql",
    "analytics",
    "dashboard",
    "forecasting",
    "budgeting",
    "pricing",
    "customer",
    "onboarding",
    "retention",
    "churn",
    "security",
    "compliance",
    "audit",
    "cloud",
    "kubernetes",
    "architecture",
    "microservices",
    "testing",
    "quality",
    "design",
    "research",
    "usability",
    "accessibility",
    "writing",
    "documentation",
    "mentoring",
    "coaching",
    "confidence",
    "networking",
    "visibility",
    "influence",
    "conflict",
    "resolution",
    "burnout",
    "balance",
    "remote",
    "collaboration",
    "culture",
    "diversity",
    "inclusion",
    "product",
    "discovery",
    "experimentation",
    "metrics",
    "okr",
    "planning",
    "estimation",
    "agile",
    "scrum",
    "machine",
    "learning",
    "statistics",
    "modelling",
    "reporting",
    "finance",
    "accounting",
    "sales",
    "pipeline",
    "marketing",
    "brand",
    "content",
    "campaign",
    "partnerships",
    "operations",
    "logistics",
    "procurement",
    "legal",
    "contracts",
    "privacy",
    "governance",
    "transformation",
    "change",
    "innovation",
    "startup",
    "scaling",
]

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "tor",
    "vel",
    "sa",
    "qui",
    "dar",
    "fen",
    "gil",
    "hu",
    "jor",
    "lex",
    "mon",
    "nar",
    "pol",
    "ris",
    "sten",
    "tav",
    "ul",
    "vor",
    "wen",
    "zed",
]

PHRASES = [
    "improve my public speaking",
    "grow into a leadership role",
    "learn to negotiate salary",
    "build a career plan",
    "get better at stakeholder management",
    "learn sql and analytics",
    "prepare for promotion",
    "manage a remote team",
    "give better feedback",
    "balance work and life",
    "understand product strategy",
    "move into management",
]

ZONES = [
    ("Europe/Lisbon", 0.12),
    ("Europe/Berlin", 0.18),
    ("Europe/London", 0.12),
    ("America/New_York", 0.14),
    ("America/Sao_Paulo", 0.1),
    ("America/Los_Angeles", 0.08),
    ("Asia/Kolkata", 0.08),
    ("Asia/Singapore", 0.05),
    ("Asia/Tokyo", 0.03),
    ("Australia/Sydney", 0.04),
    ("Africa/Lagos", 0.03),
    ("America/Mexico_City", 0.03),
]
LANGS = ["english", "portuguese", "spanish", "german", "french"]
DEPTS = [
    "engineering",
    "sales",
    "marketing",
    "finance",
    "people",
    "legal",
    "operations",
    "product",
    "design",
    "support",
    "data",
    "security",
]


def _vocabulary(rng: np.random.Generator, size: int = 3000) -> list[str]:
    words = list(DOMAIN_WORDS)
    seen = set(words)
    while len(words) < size:
        k = int(rng.integers(2, 4))
        w = "".join(SYLLABLES[int(x)] for x in rng.integers(0, len(SYLLABLES), k))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def _people(
    rng: np.random.Generator,
    count: int,
    first_id: int,
    role: str,
    vocab: list[str],
    capacity: tuple[int, int],
) -> list[Person]:
    zipf_p = 1.0 / np.arange(1, len(vocab) + 1) ** 1.05
    zipf_p /= zipf_p.sum()
    zone_names = [z for z, _ in ZONES]
    zone_p = np.array([p for _, p in ZONES])
    zone_p /= zone_p.sum()
    # draw everything vectorised, then assemble
    n_words = rng.integers(6, 22, count)
    words = rng.choice(len(vocab), size=int(n_words.sum()), p=zipf_p)
    word_off = np.concatenate(([0], np.cumsum(n_words)))
    phrase = rng.integers(0, len(PHRASES), count)
    has_phrase = rng.random(count) < 0.6
    n_skills = rng.integers(0 if role == "mentee" else 2, 6 if role == "mentee" else 9, count)
    area_bias = rng.integers(0, len(AREAS), count)
    zones = rng.choice(len(zone_names), size=count, p=zone_p)
    starts = rng.choice([420, 480, 510, 540, 570, 600], size=count)
    lengths = rng.choice([480, 540, 450], size=count)
    night = rng.random(count) < 0.02
    sunday_week = rng.random(count) < 0.05
    lang2 = rng.random(count)
    second = rng.integers(1, len(LANGS), count)
    solo = rng.integers(1, len(LANGS), count)
    dept = rng.integers(0, len(DEPTS), count)
    sen_base = rng.integers(1, 4, count) if role == "mentee" else rng.integers(3, 7, count)
    sen_unknown = rng.random(count) < 0.05
    fmt = rng.integers(0, 3, count)
    caps = rng.integers(capacity[0], capacity[1] + 1, count)
    out: list[Person] = []
    for k in range(count):
        pid = first_id + k
        text_words = [vocab[int(x)] for x in words[word_off[k] : word_off[k + 1]]]
        if has_phrase[k]:
            text_words = PHRASES[int(phrase[k])].split() + text_words
        # skills cluster around one area, like real people
        tags: list[str] = []
        for s in range(int(n_skills[k])):
            a = int(area_bias[k]) if rng.random() < 0.7 else int(rng.integers(0, len(AREAS)))
            t = AREAS[a] + " " + FACETS[int((k * 7 + s * 3) % len(FACETS))]
            if t not in tags:
                tags.append(t)
        if lang2[k] < 0.75:
            langs: tuple[str, ...] = ("english",)
            if lang2[k] < 0.2:
                langs = ("english", LANGS[int(second[k])])
        elif lang2[k] < 0.97:
            langs = (LANGS[int(solo[k])],)
        else:
            langs = ()
        start = int(starts[k]) if not night[k] else 1320
        end = (start + int(lengths[k])) % 1440
        days = (6, 0, 1, 2, 3) if sunday_week[k] else (0, 1, 2, 3, 4)
        out.append(
            Person(
                id=pid,
                email=f"{role}{pid}@example.com",
                name=f"{role.title()} {pid}",
                languages=langs,
                timezone=zone_names[int(zones[k])],
                work_start=start,
                work_end=end,
                work_days=days,
                seniority=None if sen_unknown[k] else int(sen_base[k]),
                department=DEPTS[int(dept[k])],
                text=" ".join(text_words),
                skills=tuple(tags),
                answers={"format": (("remote", "in person", "hybrid")[int(fmt[k])],)},
                capacity=int(caps[k]),
            )
        )
    return out


def cohort(
    n_mentees: int,
    n_mentors: int,
    *,
    capacity: tuple[int, int] = (5, 5),
    seed: int = 7,
    min_score: float = 0.0,
    period: Period | None = PROGRAM,
) -> MatchInput:
    """A deterministic synthetic program of ``n_mentees`` x ``n_mentors``."""
    rng = np.random.default_rng(seed)
    vocab = _vocabulary(rng)
    mentors = _people(rng, n_mentors, 1_000_000, "mentor", vocab, capacity)
    mentees = _people(rng, n_mentees, 1, "mentee", vocab, (1, 1))
    # ~30% of mentees report to one of the mentors (manager rule must exclude that pair)
    mgr = rng.random(n_mentees) < 0.3
    boss = rng.integers(0, max(n_mentors, 1), n_mentees)
    mentees = [
        Person(
            **{
                **_asdict(p),
                "manager_email": mentors[int(boss[k])].email if mgr[k] and n_mentors else f"boss{k % 97}@example.com",
            }
        )
        for k, p in enumerate(mentees)
    ]
    return MatchInput(
        mentees=mentees,
        mentors=mentors,
        weights=Weights(questions={"format": 0.5}),
        rules=Rules(min_score=min_score, seniority_gap=1, department="different", questions={"format": "same"}),
        period=period,
    )


def _asdict(p: Person) -> dict:
    return {f: getattr(p, f) for f in Person.__slots__}  # type: ignore[attr-defined]


SIZES: dict[str, tuple[int, int, tuple[int, int]]] = {
    "1k": (1_000, 200, (1, 3)),
    "10k": (10_000, 2_000, (5, 5)),
    "50k": (50_000, 10_000, (5, 5)),
}


def sized(name: str, seed: int = 7) -> MatchInput:
    n, m, cap = SIZES[name]
    return cohort(n, m, capacity=cap, seed=seed)
