"""The private calendar feed: a secret URL stored hashed, only the person's sessions, 304 on a
matching ETag or Last-Modified, 404 after regenerating or revoking; and email preferences."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from scheduling.models import CalendarFeed, NotificationPreference
from scheduling.services.personal import calendar_feed_create
from scheduling.services.sessions import session_book, session_cancel
from tests.accounts.factories import UserFactory
from tests.scheduling.helpers import NOW, another_program, make_pair

TUE_9 = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def pair(program, mentor, mentee):
    return make_pair(program, mentor_user=mentor, mentee_user=mentee)


def feed_url(client) -> str:
    response = client.post("/sessions/settings/feed/")
    assert response.status_code == 200
    return re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', response.content.decode()).group(1)


def test_creating_a_feed_shows_the_url_once_and_stores_only_its_hash(client, mentee, pair):
    client.force_login(mentee)
    url = feed_url(client)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=mentee)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token.encode() not in client.get("/sessions/settings/").content


def test_the_feed_holds_only_the_persons_live_sessions(client, mentee, pair, program, organization):
    first = session_book(mentorship=pair, start=TUE_9, actor=mentee, now=NOW)
    cancelled = session_book(mentorship=pair, start=TUE_9 + timedelta(days=1), actor=mentee, now=NOW)
    session_cancel(session=cancelled, actor=mentee, now=NOW)
    strangers = make_pair(another_program(organization))
    session_book(mentorship=strangers, start=TUE_9, actor=strangers.mentee.user, now=NOW)
    client.force_login(mentee)
    url = feed_url(client)
    client.logout()
    response = client.get(url)  # no login needed
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    assert "METHOD" not in cal
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [first.calendar_uid]
    assert "ORGANIZER" not in cal.walk("VEVENT")[0]


def test_a_matching_etag_or_date_answers_304_and_a_change_a_new_body(client, mentee, pair):
    client.force_login(mentee)
    url = feed_url(client)
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    session_book(mentorship=pair, start=TUE_9, actor=mentee, now=NOW)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_regenerating_or_revoking_kills_the_old_url(client, mentee, pair):
    client.force_login(mentee)
    old = feed_url(client)
    new = feed_url(client)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.post("/sessions/settings/feed/revoke/").status_code == 302
    assert client.get(new).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_an_unknown_feed_is_404(client, db):
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    assert client.get(f"/calendar/{'x' * 150}.ics").status_code == 404


def test_feeds_are_per_person_and_organization(mentee, organization, other_organization):
    calendar_feed_create(user=mentee, organization=organization)
    calendar_feed_create(user=mentee, organization=other_organization)
    calendar_feed_create(user=UserFactory(), organization=organization)
    assert CalendarFeed.objects.count() == 3


def test_email_preferences_are_saved(client, mentee, pair, organization):
    client.force_login(mentee)
    response = client.post("/sessions/settings/", {"remind_1h": "on"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=mentee, organization=organization)
    assert (pref.remind_24h, pref.remind_1h, pref.feedback_requests) == (False, True, False)
    page = client.get("/sessions/settings/").content.decode()
    boxes = {
        name: tag
        for tag, name in re.findall(r'(<input[^>]*name="(remind_24h|remind_1h|feedback_requests)"[^>]*>)', page)
    }
    assert "checked" in boxes["remind_1h"]
    assert "checked" not in boxes["remind_24h"]
    assert "checked" not in boxes["feedback_requests"]
