"""Accept and decline from the mentor's email: GET and HEAD show the request and change
nothing; POST acts once; expired, used, withdrawn and foreign links each get their page;
the token is never stored or logged in clear."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from matching.models import MentorshipRequest
from matching.services.requests import request_withdraw
from mentoring.models import Mentorship
from tests.matching.requesting import ask, mentee, mentor
from turazo.core.models import ActionLink, Job
from turazo.core.redaction import RedactSecretsFilter

pytestmark = pytest.mark.django_db(transaction=True)
LINK = re.compile(r"https?://[^/\s]+(/links/[^/\s]+/)")


def _links(message) -> tuple[str, str]:
    """The accept and decline paths of a request email, in that order."""
    accept, decline = LINK.findall(message.body)
    return accept, decline


@pytest.fixture
def req(program):
    return ask(mentee(program, 1, full_name="Priya Patel"), mentor(program, 1), "Please mentor me on SQL.")


@pytest.fixture
def paths(req):
    return _links(mail.outbox[-1])


def test_get_and_head_show_the_request_and_change_nothing(req, paths):
    signed_out = Client()
    for path in paths:
        page = signed_out.get(path)
        assert page.status_code == 200
        assert "Priya Patel" in page.content.decode()
        assert "Please mentor me on SQL." in page.content.decode()
        assert signed_out.head(path).status_code == 200
    req.refresh_from_db()
    assert req.status == "pending"
    assert Mentorship.objects.count() == 0
    assert ActionLink.objects.filter(used_at__isnull=False).count() == 0


def test_accept_page_asks_to_confirm_with_the_score_and_reasons(req, paths):
    html = Client().get(paths[0]).content.decode()
    assert "Mentor Priya Patel?" in html
    assert "Accept and start mentoring Priya Patel" in html
    assert f">{req.score:.0f}<" in html
    assert req.explanation in html


def test_post_accepts_once_and_a_second_click_says_what_happened(req, paths):
    client = Client()
    done = client.post(paths[0])
    assert done.status_code == 200
    assert re.search(r"You accepted Priya Patel&#x27;s request on \d+ \w+\.", done.content.decode())
    assert Mentorship.objects.filter(mentee=req.mentee, mentor=req.mentor, source="request").count() == 1
    again = client.post(paths[0])
    assert again.status_code == 410
    assert re.search(r"You accepted Priya Patel&#x27;s request on \d+ \w+\.", again.content.decode())
    assert Mentorship.objects.count() == 1
    # the decline link of the same email now says the same
    other = client.get(paths[1])
    assert other.status_code == 410
    assert "You accepted Priya Patel&#x27;s request" in other.content.decode()


def test_decline_with_a_reason_from_the_email(req, paths):
    done = Client().post(paths[1], {"reason": "Fully booked this quarter."})
    assert done.status_code == 200
    assert "You declined Priya Patel&#x27;s request" in done.content.decode()
    req.refresh_from_db()
    assert (req.status, req.decline_reason) == ("declined", "Fully booked this quarter.")
    assert mail.outbox[-1].to == [req.mentee.user.email]
    assert "Fully booked this quarter." in mail.outbox[-1].body


def test_an_expired_link_says_so_and_does_nothing(req, paths):
    past = timezone.now() - dt.timedelta(minutes=1)
    MentorshipRequest.objects.filter(pk=req.pk).update(expires_at=past)
    ActionLink.objects.filter(target_id=req.pk).update(expires_at=past)
    page = Client().post(paths[0])
    assert page.status_code == 410
    assert "This link expired on" in page.content.decode()
    req.refresh_from_db()
    assert req.status == "pending"
    assert Mentorship.objects.count() == 0


def test_a_withdrawn_request_says_it_was_withdrawn(req, paths):
    request_withdraw(request=req, actor=req.mentee.user)
    page = Client().post(paths[0])
    assert page.status_code == 410
    assert "Priya Patel withdrew this request on" in page.content.decode()
    assert Mentorship.objects.count() == 0


def test_a_link_for_someone_else_or_made_up_is_refused(req, paths):
    # a link issued to another person for this request (as if forwarded from a stale mentor)
    other = mentor(req.program, 2)
    link = ActionLink.objects.filter(target_id=req.pk, purpose="request.accept").first()
    ActionLink.objects.filter(pk=link.pk).update(recipient=other.user)
    page = Client().post(paths[0])
    assert page.status_code == 410
    assert "This link is not valid for this request any more." in page.content.decode()
    assert Client().get("/links/not-a-real-token-at-all/").status_code == 404
    req.refresh_from_db()
    assert req.status == "pending"


def test_the_token_is_never_stored_or_logged_in_clear(req, paths, caplog):
    tokens = [p.strip("/").rsplit("/", 1)[1] for p in paths]
    # the database: link rows keep hashes; the email jobs keep ids
    with connection.cursor() as cursor:
        cursor.execute("SELECT token_hash, purpose, outcome FROM core_actionlink")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    jobs = " ".join(str(j.args) + str(j.kwargs) for j in Job.objects.all())
    for token in tokens:
        assert token not in stored
        assert token not in jobs
    # the logs: Django logs every 4xx path; the redaction filter on every handler hides it
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Collect()
    handler.addFilter(RedactSecretsFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client = Client()
        client.post(paths[0])
        client.post(paths[0])  # 410: logged as "Gone: /links/..."
        client.get(paths[1][:-1] + "x/")  # a mistyped token: 404
    finally:
        logger.removeHandler(handler)
    assert records
    for token in tokens:
        assert all(token not in line for line in records)
