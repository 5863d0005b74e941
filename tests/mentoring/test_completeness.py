"""Optional questions never count against a profile's completeness: not on the profile,
not in the program's "Profiles complete", not in the figures stored before the rule."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from mentoring.models import Participant
from mentoring.profiles import profile_completeness
from mentoring.services.profiles import participant_update_profile
from tests.mentoring.factories import ParticipantFactory, QuestionFactory

pytestmark = pytest.mark.django_db

MIGRATION = "0003_completeness_ignores_optional_questions"

FULL = {
    "job_title": "Analyst",
    "department": "Finance",
    "seniority": 2,
    "timezone": "Europe/Lisbon",
    "languages": ["english"],
    "work_start": dt.time(9),
    "work_end": dt.time(17),
}
FULL_MENTEE = {**FULL, "goals": "Negotiation", "skills_wanted": ["SQL"]}
FULL_MENTOR = {**FULL, "expertise": "Hiring", "skills_offered": ["SQL"]}


def test_the_program_page_counts_full_profiles_complete_despite_an_unanswered_optional_question(
    client, hr_admin, program
):
    QuestionFactory(program=program, key="hobbies", kind="text", choices=[], required=False)
    for n in range(3):
        participant = ParticipantFactory(program=program, role="mentee", status="active")
        data = {**FULL_MENTEE, "work_start": "09:00", "work_end": "17:00", "full_name": f"Mentee {n}"}
        participant_update_profile(participant=participant, actor=hr_admin, data=data)
    ParticipantFactory(program=program, role="mentee", status="active")  # an empty profile
    client.force_login(hr_admin)

    page = client.get(reverse("program-detail", args=[program.pk]))

    assert page.context["program"].complete_count == 3
    assert re.search(r'stat-value[^>]*>3</span><span class="stat-label[^>]*>Profiles complete<', page.content.decode())
    assert sorted(Participant.objects.values_list("completeness", flat=True)) == [0, 100, 100, 100]


def test_the_migration_recomputes_figures_stored_under_the_old_rule(program):
    QuestionFactory(program=program, key="hobbies", kind="text", choices=[], required=False)
    QuestionFactory(program=program, key="track", choices=["A", "B"], required=True, audience="mentor")
    mentee = ParticipantFactory(program=program, role="mentee", completeness=90, **FULL_MENTEE)
    mentor = ParticipantFactory(program=program, role="mentor", completeness=82, **FULL_MENTOR)
    answered = ParticipantFactory(
        program=program, role="mentor", completeness=91, answers={"track": ["A"]}, **FULL_MENTOR
    )
    migration = importlib.import_module(f"mentoring.migrations.{MIGRATION}")
    historical = MigrationExecutor(connection).loader.project_state(("mentoring", MIGRATION)).apps

    migration.recompute(historical, None)

    assert [Participant.objects.get(pk=p.pk).completeness for p in (mentee, mentor, answered)] == [100, 90, 100]


@pytest.mark.parametrize("role", ["mentee", "mentor"])
@pytest.mark.parametrize(
    "profile",
    [{}, FULL, {"job_title": "Analyst", "goals": "x", "expertise": "y"}, {"work_start": dt.time(9)}],
    ids=["empty", "common", "some", "half-hours"],
)
@pytest.mark.parametrize("answers", [{}, {"track": ["A"]}, {"hobbies": ["chess"]}])
def test_the_migration_applies_the_same_rule_as_the_app(program, role, profile, answers):
    questions = [
        QuestionFactory(program=program, key="hobbies", kind="text", choices=[], required=False),
        QuestionFactory(program=program, key="track", choices=["A", "B"], required=True),
        QuestionFactory(program=program, key="mentees", choices=["A", "B"], required=True, audience="mentee"),
    ]
    participant = ParticipantFactory(program=program, role=role, answers=answers, **profile)
    migration = importlib.import_module(f"mentoring.migrations.{MIGRATION}")
    required = [(q.key, q.audience) for q in questions if q.required]
    assert migration.completeness(participant, required) == profile_completeness(participant, questions=questions)
