"""Every page that shows people shows their photos: with a photo for everyone in the demo,
no avatar on the main pages of any role falls back to initials, and no page needs a query
more than without photos (avatars read the account the page already joined; see
``Participant.photo_url``)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Photo, User
from matching.models import MentorshipRequest
from matching.services import match_run_create, match_run_execute
from mentoring.models import Mentorship, Participant, Program
from scheduling.models import Session
from tests.accounts.images import image_bytes

pytestmark = pytest.mark.django_db

AVATAR = re.compile(r'<span class="avatar [^"]*" aria-hidden="true">(.*?)</span>')


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    enrolling = Program.objects.get(name="2027 Growth Mentoring")
    run = match_run_create(program=enrolling, actor=User.objects.get(email="hr@northwind.example"), algorithm="optimal")
    match_run_execute(run_id=run.pk)
    active = Program.objects.get(name="2026 Leadership Circle")
    learner = Participant.objects.get(program=active, email="learner1@northwind.example")
    return {
        "enrolling": enrolling,
        "run": run,
        "active": active,
        "learner": learner,
        "mentorship": Mentorship.objects.get(mentee=learner),
        "session": Session.objects.filter(mentee=learner).order_by("start").first(),
        "request": MentorshipRequest.objects.get(mentee__email="learner13@northwind.example"),
    }


def _pages(demo) -> dict[str, list[str]]:
    e, a = demo["enrolling"].pk, demo["active"].pk
    return {
        "hr@northwind.example": [
            "/dashboard/", f"/programs/{e}/participants/", f"/programs/{e}/invitations/",
            f"/matching/runs/{demo['run'].pk}/", f"/programs/{a}/mentorships/", f"/programs/{a}/requests/",
            f"/programs/{a}/sessions/", f"/programs/{a}/journal/", f"/programs/{a}/dashboard/",
            f"/programs/{a}/mentorships/add/", f"/sessions/{demo['session'].pk}/",
            f"/matching/runs/{demo['run'].pk}/proposals/{demo['run'].proposals.first().pk}/swap/",
        ],
        "learner1@northwind.example": [
            "/dashboard/", "/sessions/", f"/sessions/{demo['session'].pk}/", "/journal/", "/me/requests/",
            f"/programs/{a}/mentors/", "/me/suggestions/", f"/participations/{demo['learner'].pk}/profile/",
        ],
        "coach2@northwind.example": ["/dashboard/", "/requests/", f"/requests/{demo['request'].pk}/", "/sessions/"],
        "mentee1@northwind.example": ["/dashboard/", "/me/suggestions/", f"/programs/{e}/mentors/"],
    }  # fmt: skip


def _walk(client, demo) -> dict[str, tuple[int, list[str]]]:
    """For each page: its number of queries and its avatars' contents."""
    seen = {}
    for email, urls in _pages(demo).items():
        client.force_login(User.objects.get(email=email))
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (email, url)
            seen[f"{email} {url}"] = (len(queries), AVATAR.findall(response.content.decode()))
    return seen


def test_with_photos_every_avatar_is_a_photo_at_no_extra_query(client, demo):
    before = _walk(client, demo)
    webp = image_bytes("WEBP", size=(256, 256))
    users = list(User.objects.all())
    Photo.objects.bulk_create(Photo(user=u, image=webp) for u in users)
    User.objects.update(photo_version="0123456789abcdef")
    after = _walk(client, demo)

    assert {page: n for page, (n, _) in after.items()} == {page: n for page, (n, _) in before.items()}
    initials = {page: [a for a in avatars if not a.startswith("<img ")] for page, (_, avatars) in after.items()}
    assert {page: found for page, found in initials.items() if found} == {}
    assert all(avatars for _, avatars in after.values())  # every page does show people
