from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import Membership
from mentoring.models import Participant, Program

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_clickable_cohort_once(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    program = Program.objects.get(name="2027 Growth Mentoring")
    assert program.status == "enrolling"
    assert Participant.objects.filter(program=program, role="mentor").count() == 12
    assert Participant.objects.filter(program=program, role="mentee").count() == 30
    assert Membership.objects.filter(is_admin=True).count() == 1
    assert set(Participant.objects.filter(program=program).values_list("completeness", flat=True)) == {100}
    assert "hr@northwind.example" in capsys.readouterr().out


def test_seed_demo_has_a_running_program_with_weeks_of_sessions():
    from insights import selectors
    from scheduling.models import Feedback, Session

    call_command("seed_demo")
    running = Program.objects.get(name="2026 Leadership Circle")
    statuses = set(Session.objects.filter(program=running).values_list("status", flat=True))
    assert running.status == "active"
    assert {"completed", "scheduled"} <= statuses
    assert Feedback.objects.filter(session__program=running).exclude(comment="").exists()
    assert selectors.quiet_pairs(running).count() == 3


def test_demo_admin_can_sign_in(client):
    call_command("seed_demo")
    response = client.post("/accounts/login/", {"login": "hr@northwind.example", "password": "turazo-demo-2026"})
    assert response["Location"] == "/dashboard/"


def test_the_running_programs_people_and_sessions_look_like_a_real_company():
    """What the landing page's screenshots show (bin/screenshots): titles that fit the
    department, reasons that name the skills, sessions on weekdays in working hours, and
    nobody in two sessions at once."""
    from mentoring.models import Mentorship
    from scheduling.models import Session

    call_command("seed_demo")
    running = Program.objects.get(name="2026 Leadership Circle")
    people = Participant.objects.filter(program=running)
    assert all(p.job_title for p in people)
    assert {p.job_title for p in people.filter(department="Finance", role="mentor")} <= {"Finance Director"}
    for pair in Mentorship.objects.filter(program=running).select_related("mentor", "mentee"):
        shared = [s for s in pair.mentee.skills_wanted if s in pair.mentor.skills_offered]
        assert len(shared) == 2
        assert pair.explanation.startswith(f"2 of 3 wanted skills: {shared[0]}, {shared[1]}")
    sessions = list(Session.objects.filter(program=running))
    assert all(s.start.weekday() < 5 and 8 <= s.start.hour <= 16 for s in sessions)
    for person in ("mentor_id", "mentee_id"):
        by_person = {}
        for s in sessions:
            by_person.setdefault(getattr(s, person), []).append(s)
        for theirs in by_person.values():
            theirs.sort(key=lambda s: s.start)
            assert all(a.end <= b.start for a, b in zip(theirs, theirs[1:], strict=False))
