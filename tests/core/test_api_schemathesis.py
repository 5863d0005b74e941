"""Schemathesis against ``/api/schema/``: every operation of the API, called as an HR admin
with generated valid and invalid input, must answer without a server error, with a status
code, content type and body the schema documents.

The schema is loaded from the running Django app (WSGI, no server). One organization is
seeded with an object of every kind under the same primary key (``ID``) and every path id
is fixed to it, so the calls reach real objects rather than 404s. Bounded and deterministic
(fixed seed, a fixed number of examples per operation), so it runs in CI through
``make test`` within a couple of minutes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

from journal.models import Goal, Note
from matching.models import MatchProposal, MatchRun, MentorshipRequest, PairRule, UnmatchedMentee
from mentoring.models import ImportJob, Invitation, Mentorship, Participant, Question, Skill
from mentoring.services.imports import import_preview
from scheduling.models import Session
from tests.accounts.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.mentoring.factories import ProgramFactory

ID = 4242
EXAMPLES_PER_OPERATION = 30
SEED = 20270101

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
        "parameters": {"id": ID, "program_id": ID, "run_id": ID},
        "generation": {"max-examples": EXAMPLES_PER_OPERATION, "deterministic": True},
        "checks": {
            "enabled": False,
            "not_a_server_error": {"enabled": True},
            "status_code_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)


@pytest.fixture
def admin_token(db) -> str:
    """An HR admin's API token, in an organization with one object of every kind, each with pk ID."""
    org = OrganizationFactory(pk=ID, name="Acme")
    admin = UserFactory(email="hr@acme.test")
    MembershipFactory(user=admin, organization=org, is_admin=True)
    program = ProgramFactory(pk=ID, organization=org, name="Acme Mentoring")
    mentee = Participant.objects.create(
        pk=ID,
        organization=org,
        program=program,
        email="mentee@acme.test",
        role="mentee",
        status="active",
        full_name="Tom Mentee",
        timezone="Europe/Lisbon",
        languages=["english"],
        work_start=dt.time(9),
        work_end=dt.time(17),
        goals="negotiation and hiring",
        skills_wanted=["SQL"],
    )
    mentor = Participant.objects.create(
        organization=org,
        program=program,
        email="mentor@acme.test",
        role="mentor",
        status="active",
        full_name="Maria Mentor",
        timezone="Europe/Berlin",
        languages=["english"],
        work_start=dt.time(8),
        work_end=dt.time(16),
        expertise="hiring, negotiation",
        skills_offered=["SQL"],
    )
    invited = Participant.objects.create(organization=org, program=program, email="nina@acme.test", role="mentee")
    Invitation.objects.create(
        pk=ID,
        organization=org,
        participant=invited,
        token_hash="a" * 64,
        status="sent",
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=14),
    )
    Question.objects.create(
        pk=ID, organization=org, program=program, key="format", label="Format", choices=["Video", "Chat"]
    )
    Skill.objects.create(pk=ID, organization=org, name="SQL", slug="sql")
    job = import_preview(
        program=program, uploaded_by=admin, filename="a.csv", data=b"email,role\nx@acme.test,mentee\n"
    )
    ImportJob.objects.filter(pk=job.pk).update(id=ID)
    run = MatchRun.objects.create(pk=ID, organization=org, program=program, status="done", stats={"matched": 1})
    MatchProposal.objects.create(pk=ID, organization=org, run=run, mentee=mentee, mentor=mentor, score=50)
    UnmatchedMentee.objects.create(organization=org, run=run, mentee=invited, code="no_mentors", reason="none")
    PairRule.objects.create(organization=org, program=program, mentee=mentee, mentor=mentor, kind="pin")
    pair = Mentorship.objects.create(
        pk=ID, organization=org, program=program, mentee=mentee, mentor=mentor, source="admin"
    )
    MentorshipRequest.objects.create(
        pk=ID, organization=org, program=program, mentee=mentee, mentor=mentor, message="Hello",
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=7),
    )  # fmt: skip
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=3)
    Session.objects.create(
        pk=ID, organization=org, program=program, mentorship=pair, mentor=mentor, mentee=mentee, start=start,
        end=start + dt.timedelta(minutes=45), video_url="https://meet.jit.si/x", video_room="x", calendar_uid="s@test",
    )  # fmt: skip
    Goal.objects.create(pk=ID, organization=org, mentorship=pair, title="Lead a meeting")
    # The admin is not in the pair: goals and notes answer 404 (the pair's only), as documented.
    Note.objects.create(pk=ID, organization=org, mentorship=pair, author=admin, body="**Plan**: one step a week")
    return Token.objects.create(user=admin).key


@pytest.fixture
def unthrottled(monkeypatch, settings):
    """Thousands of requests a minute are the point here; throttling has its own tests."""
    no_limit = defaultdict(lambda: None)  # a scope without a rate is not throttled
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": no_limit}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", no_limit)


@pytest.fixture
def one_connection():
    """The test's transaction lives on one connection: Django's WSGI handler would close it
    after every request (as Django's own test client also prevents)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_schema(case, admin_token, unthrottled, one_connection):
    case.call_and_validate(headers={"Authorization": f"Token {admin_token}"})
