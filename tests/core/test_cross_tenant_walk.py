"""Walks every URL of the project that takes an id: an HR admin of another
organization gets 404 on all of them, by GET and by POST, pages and API alike.

Every object of Acme is created with the same primary key, so each id in each URL
points at a real Acme object of the right kind; the admin of Acme reaching the
same URLs proves the ids are meaningful, so a 404 for the outsider is not vacuous."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from accounts.models import Membership, Photo, User
from journal.models import Goal, Note, SurveyAnswer
from matching.models import MatchProposal, MatchRun, MentorshipRequest, PairRule, Suggestion, UnmatchedMentee
from mentoring.models import ImportJob, Invitation, Mentorship, Participant, Question, Skill
from mentoring.services.imports import import_preview
from scheduling.models import Feedback, Session

ID = 777
SKIP_PREFIXES = ("admin/", "accounts/", "dev/", "api/schema", "api/docs", "api/redoc")
# Organizations are the tenants themselves; tests/core/test_tenancy.py covers them.
SKIP_NAMES = {"organization-detail"}


def _routes(patterns=None, prefix="", namespace=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern), namespace)
        elif isinstance(p, URLPattern) and p.name:
            route = prefix + str(p.pattern)
            kwargs = set(p.pattern.regex.groupindex) | set(re.findall(r"<(?:\w+:)?(\w+)>", route))
            if p.name in SKIP_NAMES:
                continue
            if kwargs and "format" not in kwargs and "token" not in kwargs and not route.startswith(SKIP_PREFIXES):
                yield p.name, tuple(sorted(kwargs))


ROUTES = sorted(set(_routes()))


@pytest.fixture
def acme(program, hr_admin):
    """One Acme object of every kind, each with primary key ID."""
    org = program.organization
    program.delete()
    program.pk = ID
    program.save()
    # The admin is also the mentee of the pair: goals and notes answer only to the pair (admins get 404).
    mentee = Participant.objects.create(
        pk=ID, organization=org, program=program, email="m@acme.test", role="mentee", user=hr_admin
    )
    mentor = Participant.objects.create(
        pk=ID + 1, organization=org, program=program, email="o@acme.test", role="mentor"
    )
    Invitation.objects.create(
        pk=ID, organization=org, participant=mentee, token_hash="a" * 64, expires_at="2099-01-01T00:00Z"
    )
    Question.objects.create(pk=ID, organization=org, program=program, key="q", label="Q", kind="text")
    Skill.objects.create(pk=ID, organization=org, name="SQL", slug="sql")
    job = import_preview(
        program=program, uploaded_by=hr_admin, filename="a.csv", data=b"email,role\nx@acme.test,mentee\n"
    )
    ImportJob.objects.filter(pk=job.pk).update(id=ID)
    run = MatchRun.objects.create(pk=ID, organization=org, program=program, status="done", stats={"matched": 1})
    MatchProposal.objects.create(pk=ID, organization=org, run=run, mentee=mentee, mentor=mentor, score=50)
    UnmatchedMentee.objects.create(pk=ID, organization=org, run=run, mentee=mentor, code="no_mentors", reason="x")
    PairRule.objects.create(pk=ID, organization=org, program=program, mentee=mentee, mentor=mentor, kind="pin")
    Suggestion.objects.create(pk=ID, organization=org, program=program, mentee=mentee, mentor=mentor, rank=1, score=50)
    pair = Mentorship.objects.create(
        pk=ID, organization=org, program=program, mentee=mentee, mentor=mentor, source="admin"
    )
    MentorshipRequest.objects.create(
        pk=ID, organization=org, program=program, mentee=mentee, mentor=mentor, expires_at="2099-01-01T00:00Z"
    )
    session = Session.objects.create(
        pk=ID, organization=org, program=program, mentorship=pair, mentor=mentor, mentee=mentee,
        start="2099-01-05T09:00Z", end="2099-01-05T10:00Z", video_url="https://meet.jit.si/x",
        video_room="x", calendar_uid="walk@test",
    )  # fmt: skip
    Feedback.objects.create(organization=org, session=session, author=hr_admin, role="mentee", rating=5)
    Goal.objects.create(pk=ID, organization=org, mentorship=pair, title="Goal")
    Note.objects.create(pk=ID, organization=org, mentorship=pair, author=hr_admin, body="Note")
    SurveyAnswer.objects.create(pk=ID, organization=org, program=program, participant=mentee, user=hr_admin)
    # A member of Acme with a photo (people/<user_id>/photo/: Acme's HR admin sees it).
    member = User.objects.create_user(pk=ID, email="p@acme.test", photo_version="v1")
    Membership.objects.create(user=member, organization=org)
    Photo.objects.create(user=member, image=b"RIFF....WEBP")
    return program


def test_the_walk_covers_pages_and_api():
    names = {name for name, _ in ROUTES}
    assert {"program-detail", "profile-edit", "matchrun-detail", "import-detail", "api-program-detail"} <= names
    assert {"mentor-directory", "request-detail", "request-accept", "request-withdraw", "api-request-detail"} <= names
    assert len(ROUTES) > 40


@pytest.mark.parametrize(("name", "kwargs"), ROUTES, ids=[name for name, _ in ROUTES])
def test_outsider_gets_404_on_every_url_with_an_id(acme, hr_admin, outsider, name, kwargs):
    url = reverse(name, kwargs=dict.fromkeys(kwargs, ID))
    owner, stranger = APIClient(), APIClient()
    owner.force_login(hr_admin)
    stranger.force_login(outsider)

    owner_status = owner.get(url).status_code
    assert owner_status != 404, f"{url}: the owner gets 404 too, so this walk proves nothing for it"
    assert stranger.get(url).status_code in (404, 405), url
    assert stranger.post(url, {}).status_code in (404, 405), url
    assert stranger.patch(url, {}, format="json").status_code in (404, 405), url
    assert stranger.delete(url).status_code in (404, 405), url
