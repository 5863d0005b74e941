"""Unit tests of the matching engine's score components, rules and sentences."""

from __future__ import annotations

import pytest

from matching.engine import (
    InvalidInput,
    MatchCancelled,
    MatchInput,
    Person,
    Proposal,
    Rules,
    Weights,
    explain,
    run,
    score_pairs,
)
from matching.engine.hours import overlap_hours
from matching.engine.scoring import seniority_score

ONLY = {"goals": 0.0, "skills": 0.0, "hours": 0.0, "languages": 0.0, "seniority": 0.0, "department": 0.0}


def w(**kw: float) -> Weights:
    return Weights(**{**ONLY, **kw})


def me(i: int = 1, **kw) -> Person:
    return Person(id=i, email=f"mentee{i}@x.org", **kw)


def mo(i: int = 100, **kw) -> Person:
    return Person(id=i, email=f"mentor{i}@x.org", **kw)


def one(mentee: Person, mentor: Person, weights: Weights, rules: Rules | None = None) -> Proposal | None:
    res = score_pairs(MatchInput([mentee], [mentor], weights, rules or Rules()), mentee.id)
    return res[0] if res else None


# ---------------------------------------------------------------- components
def test_skills_fraction_and_details() -> None:
    p = one(me(skills=("SQL", "public speaking", "Hiring")), mo(skills=("sql", "hiring", "python")), w(skills=1))
    assert p is not None
    assert p.components == {"skills": pytest.approx(2 / 3, abs=1e-4)}
    assert p.score == 66.67
    assert p.details["matched_skills"] == ["SQL", "Hiring"]
    assert p.details["wanted_count"] == 3


def test_skills_score_zero_when_either_side_lists_none_and_the_details_say_so() -> None:
    p = one(me(), mo(skills=("sql",)), w(skills=1))
    assert p is not None
    assert (p.components["skills"], p.score) == (0.0, 0.0)
    assert p.details["missing"] == ["mentee:skills"]
    p = one(me(skills=("sql",)), mo(), w(skills=1))
    assert p is not None
    assert (p.components["skills"], p.score) == (0.0, 0.0)
    assert p.details["missing"] == ["mentor:skills"]


def test_goals_tfidf_cosine_and_terms() -> None:
    mentees = [me(1, text="negotiation and hiring for a new manager"), me(2, text="gardening")]
    mentors = [mo(100, text="I coach negotiation, hiring and budgeting"), mo(101, text="astronomy")]
    res = score_pairs(MatchInput(mentees, mentors, w(goals=1), Rules()), 1)
    assert [p.mentor_id for p in res] == [100, 101]
    best = res[0]
    assert 0 < best.components["goals"] < 1
    assert set(best.details["goal_terms"]) == {"negotiation", "hiring"}
    assert res[1].components["goals"] == 0.0 and res[1].details["goal_terms"] == []


def test_goals_score_zero_without_usable_text_and_the_details_say_so() -> None:
    p = one(me(text=""), mo(text="negotiation"), w(goals=1))
    assert p is not None
    assert p.components["goals"] == 0.0
    assert p.details["missing"] == ["mentee:goals"]
    p = one(me(text="negotiation"), mo(text="the and of it is"), w(goals=1))  # only stop words
    assert p is not None
    assert p.components["goals"] == 0.0
    assert p.details["missing"] == ["mentor:expertise"]


def test_hours_same_zone_and_across_zones() -> None:
    assert overlap_hours([("UTC", 540, 1020, (0, 1, 2, 3, 4))], [("UTC", 540, 1020, (0, 1, 2, 3, 4))])[0, 0] == 8.0
    # Lisbon 9-17 (UTC+0 in January) vs Berlin 9-17 (UTC+1): 7 h per day
    h = overlap_hours([("Europe/Lisbon", 540, 1020, (0, 1, 2, 3, 4))], [("Europe/Berlin", 540, 1020, (0, 1, 2, 3, 4))])
    assert h[0, 0] == 7.0
    # New York vs Tokyo office hours: none
    h = overlap_hours([("America/New_York", 540, 1020, (0, 1, 2, 3, 4))], [("Asia/Tokyo", 540, 1020, (0, 1, 2, 3, 4))])
    assert h[0, 0] == 0.0
    # night shift Mon-Fri 22:00-06:00 vs Mon-Fri 05:00-13:00: 05-06 on Tue..Fri = 4 h / 5 days
    h = overlap_hours([("UTC", 1320, 360, (0, 1, 2, 3, 4))], [("UTC", 300, 780, (0, 1, 2, 3, 4))])
    assert h[0, 0] == pytest.approx(0.8)
    # only one common weekday out of the mentee's five
    h = overlap_hours([("UTC", 540, 1020, (0, 1, 2, 3, 4))], [("UTC", 540, 1020, (4, 5))])
    assert h[0, 0] == pytest.approx(8 / 5)


def test_hours_component_and_details() -> None:
    p = one(me(timezone="Europe/Lisbon"), mo(timezone="Europe/Berlin"), w(hours=1))
    assert p is not None
    assert p.details["shared_hours"] == 7.0 and p.components["hours"] == 1.0
    p = one(me(work_start=540, work_end=660), mo(), w(hours=1))  # 2 h overlap -> 0.5
    assert p is not None and p.components["hours"] == 0.5


def test_min_shared_hours_is_hard_when_positive() -> None:
    rules = Rules(min_shared_hours=3)
    assert one(me(work_start=540, work_end=660), mo(), w(hours=1), rules) is None
    assert one(me(), mo(), w(hours=1), rules) is not None


def test_seniority() -> None:
    assert seniority_score(2, 3, 1) == 1.0
    assert seniority_score(2, 4, 1) == 0.5
    assert seniority_score(2, 2, 1) == 0.0
    assert seniority_score(3, 2, 1) == 0.0
    assert seniority_score(None, 2, 1) == 0.0  # unknown: never above a known level
    assert seniority_score(2, None, 0) == 0.0
    assert seniority_score(1, 3, 2) == 1.0
    p = one(me(seniority=1), mo(seniority=3), w(seniority=1))
    assert p is not None and p.details["seniority_gap"] == 2 and p.components["seniority"] == 0.5


@pytest.mark.parametrize(
    ("rule", "a", "b", "expected"),
    [
        ("different", "sales", "legal", 1.0),
        ("different", "sales", "Sales", 0.0),
        ("same", "sales", "sales", 1.0),
        ("same", "a", "b", 0.0),
        ("different", "", "b", 0.0),
        ("same", "a", "", 0.0),
    ],
)
def test_department(rule: str, a: str, b: str, expected: float) -> None:
    p = one(me(department=a), mo(department=b), w(department=1), Rules(department=rule))  # type: ignore[arg-type]
    assert p is not None and p.components["department"] == expected


def test_department_ignore_drops_component() -> None:
    p = one(
        me(department="a", skills=("x", "y")),
        mo(department="a", skills=("x",)),
        w(department=1, skills=1),
        Rules(department="ignore"),
    )
    assert p is not None and "department" not in p.components and p.score == 50.0


def test_questions_jaccard_same_and_different() -> None:
    a = me(answers={"topics": ("x", "y")})
    b = mo(answers={"topics": ("y", "z")})
    p = one(a, b, w(questions={"topics": 1}), Rules(questions={"topics": "same"}))
    assert p is not None and p.components["q:topics"] == pytest.approx(1 / 3, abs=1e-4)
    assert p.score == 33.33
    p = one(a, b, w(questions={"topics": 1}), Rules(questions={"topics": "different"}))
    assert p is not None and p.components["q:topics"] == pytest.approx(2 / 3, abs=1e-4)
    # single-choice answers use the linear path
    p = one(
        me(answers={"f": ("remote",)}),
        mo(answers={"f": ("remote",)}),
        w(questions={"f": 2}),
        Rules(questions={"f": "same"}),
    )
    assert p is not None and p.components["q:f"] == 1.0 and p.score == 100.0
    p = one(me(), mo(answers={"f": ("remote",)}), w(questions={"f": 2}), Rules(questions={"f": "same"}))
    assert p is not None
    assert p.components["q:f"] == 0.0  # unanswered: never above an answer
    assert p.details["missing"] == ["mentee:q:f"]
    p = one(me(answers={"t": ("x", "y")}), mo(), w(questions={"t": 1}), Rules(questions={"t": "different"}))
    assert p is not None
    assert p.components["q:t"] == 0.0
    assert p.details["missing"] == ["mentor:q:t"]


def test_weighted_total() -> None:
    # skills 1 (w=1), seniority 0 (w=3) -> 100 * 1/4 = 25
    p = one(me(skills=("a",), seniority=3), mo(skills=("a",), seniority=2), w(skills=1, seniority=3))
    assert p is not None and p.score == 25.0


# ---------------------------------------------------------------- hard rules
def test_language_rule() -> None:
    assert one(me(languages=("portuguese",)), mo(languages=("english",)), w(skills=1)) is None
    assert one(me(languages=("portuguese", "english")), mo(languages=("English",)), w(skills=1)) is not None
    assert one(me(languages=()), mo(languages=("english",)), w(skills=1)) is not None  # unknown: compatible
    assert one(me(languages=("german",)), mo(languages=()), w(skills=1)) is not None


def test_manager_self_forbidden_and_min_score() -> None:
    assert one(me(manager_email="mentor100@x.org"), mo(), w(skills=1)) is None
    assert one(me(1), Person(id=1, email="other@x.org"), w(skills=1)) is None  # same id
    assert one(me(1), Person(id=5, email="mentee1@x.org"), w(skills=1)) is None  # same email
    inp = MatchInput([me()], [mo()], w(skills=1), Rules(), forbidden=frozenset({(1, 100)}))
    assert score_pairs(inp, 1) == []
    half = me(skills=("a", "b")), mo(skills=("a",))  # 50 points
    assert one(*half, w(skills=1), Rules(min_score=60)) is None
    assert one(*half, w(skills=1), Rules(min_score=50)) is not None


def test_score_pairs_sorted_with_ties_by_id() -> None:
    mentors = [mo(103, skills=("a",)), mo(101), mo(102, skills=("a",))]
    res = score_pairs(MatchInput([me(skills=("a",))], mentors, w(skills=1), Rules()), 1)
    assert [p.mentor_id for p in res] == [102, 103, 101]
    sub = score_pairs(MatchInput([me(skills=("a",))], mentors, w(skills=1), Rules()), 1, [101, 103])
    assert [p.mentor_id for p in sub] == [103, 101]


# ---------------------------------------------------------------- pins
def test_pins_are_kept_and_consume_capacity() -> None:
    mentees = [me(1, skills=("a",)), me(2, skills=("a",))]
    mentors = [mo(100, skills=("a",)), mo(101)]
    inp = MatchInput(mentees, mentors, w(skills=1), Rules(), pinned=frozenset({(2, 100)}))
    res = run(inp, algorithm="optimal")
    pairs = {(p.mentee_id, p.mentor_id): p.pinned for p in res.proposals}
    assert pairs == {(2, 100): True, (1, 101): False}


def test_pinned_pair_below_min_score_is_kept_and_says_so() -> None:
    pair = me(skills=("a", "b")), mo(skills=("a",))
    inp = MatchInput(pair[:1], pair[1:], w(skills=1), Rules(min_score=90), pinned=frozenset({(1, 100)}))
    res = run(inp, algorithm="optimal")
    assert [(p.mentee_id, p.mentor_id, p.score, p.pinned) for p in res.proposals] == [(1, 100, 50.0, True)]
    assert explain(res.proposals[0]) == (
        "pinned by an organiser · below the minimum score of 90 · 1 of 2 wanted skills: a · 8 h shared working hours"
    )


def test_invalid_pin_without_shared_language() -> None:
    inp = MatchInput([me(languages=("portuguese",))], [mo(languages=("english",))], pinned=frozenset({(1, 100)}))
    with pytest.raises(InvalidInput, match=r"mentee1@x.org -> mentor100@x.org.*no shared language"):
        run(inp, algorithm="optimal")


def test_invalid_pins_over_capacity_twice_and_forbidden() -> None:
    with pytest.raises(InvalidInput, match="mentor100@x.org has 2 pinned mentees but capacity 1"):
        run(MatchInput([me(1), me(2)], [mo()], pinned=frozenset({(1, 100), (2, 100)})), algorithm="stable")
    with pytest.raises(InvalidInput, match="pinned twice"):
        run(MatchInput([me(1)], [mo(100), mo(101)], pinned=frozenset({(1, 100), (1, 101)})), algorithm="optimal")
    with pytest.raises(InvalidInput, match="forbidden"):
        run(
            MatchInput([me()], [mo()], pinned=frozenset({(1, 100)}), forbidden=frozenset({(1, 100)})),
            algorithm="optimal",
        )
    with pytest.raises(InvalidInput, match="manager"):
        run(
            MatchInput([me(manager_email="mentor100@x.org")], [mo()], pinned=frozenset({(1, 100)})), algorithm="optimal"
        )
    with pytest.raises(InvalidInput, match="unknown mentor"):
        run(MatchInput([me()], [mo()], pinned=frozenset({(1, 999)})), algorithm="optimal")
    with pytest.raises(InvalidInput, match="duplicate mentee id 1"):
        run(MatchInput([me(1), me(1)], [mo()]), algorithm="optimal")


# ---------------------------------------------------------------- unmatched reasons
def test_unmatched_reasons_in_priority_order() -> None:
    mentees = [
        me(1, languages=("portuguese",)),
        me(2, manager_email="mentor100@x.org"),
        me(3, seniority=4, skills=("a", "b", "c", "d")),  # (0.25 + 0.5) / 2 -> 37.5
        me(4, skills=("a",), seniority=5),  # 100: takes the only slot
        me(5, skills=("a",)),
    ]
    mentors = [
        mo(100, languages=("english",), skills=("a",), seniority=6, capacity=1),
    ]
    res = run(
        MatchInput(mentees, mentors, w(skills=1, seniority=1), Rules(min_score=40), forbidden=frozenset()),
        algorithm="optimal",
    )
    got = {u.mentee_id: (u.code, u.reason) for u in res.unmatched}
    assert got[1] == ("no_language", "no mentor shares a language: Portuguese")
    assert got[2] == ("all_forbidden", "the only language-compatible mentor is excluded (the mentee's manager)")
    assert got[3] == ("below_min_score", "best score 37.5 below the minimum 40")
    assert [p.mentee_id for p in res.proposals] == [4]
    assert got[5] == ("capacity", "the only compatible mentor is at capacity")
    assert res.stats["matched"] == 1 and res.stats["unmatched"] == 4


def test_unmatched_no_mentors_and_hours_rule() -> None:
    res = run(MatchInput([me()], []), algorithm="stable")
    assert [(u.code, u.reason) for u in res.unmatched] == [("no_mentors", "there are no mentors in this program")]
    res = run(
        MatchInput([me(timezone="America/New_York")], [mo(timezone="Asia/Tokyo")], rules=Rules(min_shared_hours=2)),
        algorithm="optimal",
    )
    u = res.unmatched[0]
    assert u.code == "below_min_score" and u.details["rule"] == "min_shared_hours"
    assert u.reason == "no compatible mentor shares at least 2 h working hours (best 0.0 h)"


def test_capacity_reason_counts_mentors() -> None:
    mentees = [me(i, skills=("a",)) for i in range(1, 5)]
    mentors = [mo(100, skills=("a",)), mo(101, skills=("a",))]
    res = run(MatchInput(mentees, mentors, w(skills=1)), algorithm="stable")
    assert {u.reason for u in res.unmatched} == {"all 2 compatible mentors are at capacity"}


# ---------------------------------------------------------------- explanations
def test_explain_sentence() -> None:
    p = Proposal(
        1,
        2,
        80.0,
        {},
        {
            "matched_skills": ["SQL", "public speaking"],
            "wanted_count": 3,
            "shared_hours": 5.0,
            "goal_terms": ["negotiation", "hiring"],
            "seniority_gap": 2,
            "same_department": False,
        },
    )
    assert explain(p) == (
        "2 of 3 wanted skills: SQL, public speaking · 5 h shared working hours · "
        "goals overlap: negotiation, hiring · mentor two levels senior · different departments"
    )
    q = Proposal(
        1,
        2,
        10.0,
        {},
        {"wanted_count": 1, "matched_skills": [], "shared_hours": 0.0, "seniority_gap": 1, "same_department": True},
        pinned=True,
    )
    assert (
        explain(q)
        == "pinned by an organiser · 0 of 1 wanted skill · no shared working hours · mentor one level senior · same department"
    )
    assert explain(Proposal(1, 2, 0.0, {}, {})) == "no specific overlap"


def test_explain_from_engine_output() -> None:
    p = one(
        me(skills=("SQL",), seniority=1, department="a"), mo(skills=("sql",), seniority=3, department="b"), Weights()
    )
    assert p is not None
    assert explain(p) == (
        "1 of 1 wanted skill: SQL · 8 h shared working hours · mentor two levels senior · different departments"
        " · no goals or expertise written yet · no languages listed yet"
    )


# ---------------------------------------------------------------- run() plumbing
def test_suggestions_top_k_with_capacity() -> None:
    mentees = [me(1, skills=("a", "b")), me(2)]
    mentors = [mo(100, skills=("a",)), mo(101, skills=("a", "b")), mo(102, skills=("a", "b"), capacity=0)]
    res = run(MatchInput(mentees, mentors, w(skills=1)), algorithm="suggestions", k=2)
    assert res.proposals == []
    assert [p.mentor_id for p in res.suggestions[1]] == [101, 100]
    assert [p.mentor_id for p in res.suggestions[2]] == [100, 101]


def test_progress_and_cancel() -> None:
    seen: list[tuple[str, float]] = []
    inp = MatchInput([me(1), me(2)], [mo()], w(skills=1))
    run(inp, algorithm="optimal", progress=lambda s, f: seen.append((s, f)))
    stages = [s for s, _ in seen]
    assert "scoring" in stages and "assigning" in stages
    assert all(0.0 <= f <= 1.0 for _, f in seen)
    assert ("assigning", 1.0) in seen
    with pytest.raises(MatchCancelled):
        run(inp, algorithm="optimal", should_cancel=lambda: True)


def test_stats_histogram() -> None:
    mentees = [me(1, skills=("a",)), me(2, skills=("a", "b"))]
    mentors = [mo(100, skills=("a",), capacity=2)]
    res = run(MatchInput(mentees, mentors, w(skills=1)), algorithm="optimal")
    assert res.stats["histogram"] == [0, 0, 0, 0, 0, 1, 0, 0, 0, 1]
    assert res.stats["total_score"] == 150.0 and res.stats["mean_score"] == 75.0
    assert res.stats["min_score"] == 50.0 and res.stats["max_score"] == 100.0
    assert set(res.timings) >= {"scoring", "assigning", "total"}
