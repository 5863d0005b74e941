"""The emails of a session's life, re-parsed: REQUEST on booking, a REQUEST with the same UID
and a higher SEQUENCE on every move, CANCEL with the same UID; and the reschedule and cancel
links inside them (GET shows a page, POST acts once, a second click says what happened)."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from scheduling.models import Session, SessionAttendance
from scheduling.services.sessions import session_book, session_cancel, session_reschedule
from scheduling.tasks import session_notify_task
from tests.scheduling.helpers import make_pair, vevent
from turazo.core.models import ActionLink

LINK = re.compile(r"https?://[^\s]+/links/([\w-]+)/")


@pytest.fixture
def pair(program, mentor, mentee):
    return make_pair(
        program, mentor_user=mentor, mentee_user=mentee, mentor_zone="Europe/Berlin", mentee_zone="America/New_York"
    )


def upcoming_tuesday_9_berlin() -> datetime:
    """A Tuesday 09:00 Berlin at least two days ahead (inside Mon-Fri 09-17 Berlin)."""
    zone = ZoneInfo("Europe/Berlin")
    day = (timezone.now() + timedelta(days=2)).astimezone(zone).date()
    while day.weekday() != 1:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=zone).astimezone(UTC)


@pytest.fixture
def booked(pair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        session = session_book(
            mentorship=pair, start=upcoming_tuesday_9_berlin(), actor=pair.mentee.user, agenda="Goals"
        )
    return session


def by_recipient(messages) -> dict[str, object]:
    return {m.to[0]: m for m in messages}


def links_in(message) -> dict[str, str]:
    """{"reschedule": token, "cancel": token} from the plain-text body."""
    out = {}
    for line in message.body.splitlines():
        found = LINK.search(line)
        if found and line.startswith(("Reschedule:", "Cancel:")):
            out[line.split(":")[0].lower()] = found.group(1)
    return out


def test_each_person_gets_a_personal_invite_in_their_own_zone(booked, pair):
    sent = by_recipient(mail.outbox)
    mentor_mail, mentee_mail = sent[pair.mentor.user.email], sent[pair.mentee.user.email]
    assert mentee_mail.subject.startswith("Session booked: Tue ")
    assert "You booked a mentoring session" in mentee_mail.body
    assert "booked a mentoring session with you" in mentor_mail.body
    assert "09:00–09:45 (Europe/Berlin)" in mentor_mail.body
    assert "(America/New_York)" in mentee_mail.body
    assert booked.video_url in mentee_mail.body
    assert links_in(mentor_mail).keys() == {"reschedule", "cancel"}
    assert links_in(mentor_mail) != links_in(mentee_mail)
    # Four links (two each), only their hashes stored, expiring when the session starts.
    assert ActionLink.objects.count() == 4
    assert set(ActionLink.objects.values_list("expires_at", flat=True)) == {booked.start}
    for token in links_in(mentor_mail).values():
        assert not ActionLink.objects.filter(token_hash=token).exists()


def test_the_calendar_follows_the_session_same_uid_rising_sequence_then_cancel(
    booked, pair, django_capture_on_commit_callbacks
):
    first = [vevent(m) for m in mail.outbox]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session_reschedule(session=booked, start=booked.start + timedelta(days=1), actor=pair.mentor.user)
    moved = [vevent(m) for m in mail.outbox]
    mail.outbox.clear()
    booked.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=booked, actor=pair.mentee.user, reason="Conflict, sorry")
    cancelled = [vevent(m) for m in mail.outbox]

    for method, _cal, ev in first:
        assert (method, int(ev["SEQUENCE"]), str(ev["STATUS"])) == ("REQUEST", 0, "CONFIRMED")
    for method, _cal, ev in moved:
        assert (method, int(ev["SEQUENCE"]), str(ev["STATUS"])) == ("REQUEST", 1, "CONFIRMED")
        assert ev.decoded("DTSTART") == booked.start
    for method, cal, ev in cancelled:
        assert (method, str(cal["METHOD"]), int(ev["SEQUENCE"]), str(ev["STATUS"])) == (
            "CANCEL",
            "CANCEL",
            2,
            "CANCELLED",
        )
        assert str(ev["COMMENT"]) == "Conflict, sorry"
    uids = {str(ev["UID"]) for _, _, ev in first + moved + cancelled}
    assert uids == {booked.calendar_uid}
    stamps = [ev.decoded("DTSTAMP") for _, _, ev in first + moved + cancelled]
    assert all(s.utcoffset() == timedelta(0) for s in stamps)


def test_the_notify_task_sends_each_change_once_even_when_run_twice(booked, pair):
    assert len(mail.outbox) == 2
    assert session_notify_task(booked.pk) == 0
    assert len(mail.outbox) == 2
    assert set(SessionAttendance.objects.values_list("notified_sequence", flat=True)) == {0}


def test_someone_never_invited_gets_no_cancellation(pair):
    session = session_book(mentorship=pair, start=upcoming_tuesday_9_berlin(), actor=pair.mentee.user)
    session_cancel(session=session, actor=pair.mentee.user)  # both before any invite went out
    assert session_notify_task(session.pk) == 0
    assert mail.outbox == []


def test_a_failed_send_gives_the_claim_back(booked, pair, monkeypatch):
    mail.outbox.clear()
    session_cancel(session=booked, actor=pair.mentor.user)

    def boom(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", boom)
    with pytest.raises(OSError):
        session_notify_task.run(booked.pk)
    assert set(SessionAttendance.objects.values_list("notified_sequence", flat=True)) == {0}
    monkeypatch.undo()
    assert session_notify_task(booked.pk) == 2
    assert set(SessionAttendance.objects.values_list("notified_sequence", flat=True)) == {1}


# --- The links in the email ------------------------------------------------------------------------


def test_the_cancel_link_shows_a_page_then_cancels_once(client, booked, pair, django_capture_on_commit_callbacks):
    token = links_in(by_recipient(mail.outbox)[pair.mentor.user.email])["cancel"]
    page = client.get(f"/links/{token}/")
    assert page.status_code == 200
    assert b"Cancel your session with" in page.content
    booked.refresh_from_db()
    assert booked.status == "scheduled"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/links/{token}/", {"reason": "Travel"})
    assert done.status_code == 200
    assert b"You cancelled your session with" in done.content
    booked.refresh_from_db()
    assert (booked.status, booked.cancelled_by, booked.cancel_reason) == ("cancelled", pair.mentor.user, "Travel")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pair.mentor.user.email, pair.mentee.user.email])
    second = client.post(f"/links/{token}/")
    assert second.status_code == 410
    assert b"This link was already used: You cancelled your session with" in second.content


def test_the_other_persons_link_says_it_was_already_cancelled(client, booked, pair):
    mentee_token = links_in(by_recipient(mail.outbox)[pair.mentee.user.email])["reschedule"]
    session_cancel(session=booked, actor=pair.mentor.user)
    response = client.get(f"/links/{mentee_token}/")
    assert response.status_code == 410
    assert f"already cancelled by {pair.mentor.user.get_full_name()}".encode() in response.content


def test_the_reschedule_link_picks_a_slot_and_moves_the_session(
    client, booked, pair, django_capture_on_commit_callbacks
):
    token = links_in(by_recipient(mail.outbox)[pair.mentor.user.email])["reschedule"]
    page = client.get(f"/links/{token}/?tz=Europe/Berlin")
    assert page.status_code == 200
    assert b"Reschedule your session with" in page.content
    assert b'class="btn btn-sm btn-outline-primary slot"' in page.content
    new_start = booked.start + timedelta(days=1, hours=2)
    confirm = client.get(f"/links/{token}/", {"start": new_start.isoformat(), "tz": "Europe/Berlin"})
    assert b"Move the session here" in confirm.content
    booked.refresh_from_db()
    assert booked.sequence == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/links/{token}/", {"start": new_start.isoformat(), "tz": "Europe/Berlin", "note": "Sorry"})
    assert done.status_code == 200
    assert b"You moved your session with" in done.content
    assert b"11:00 (Europe/Berlin)" in done.content
    booked.refresh_from_db()
    assert (booked.start, booked.sequence, booked.change_note) == (new_start, 1, "Sorry")
    assert all(m.subject.startswith("Session moved to") for m in mail.outbox)
    assert client.get(f"/links/{token}/").status_code == 410


def test_a_taken_time_through_the_link_keeps_the_link_usable(client, booked, pair):
    token = links_in(by_recipient(mail.outbox)[pair.mentor.user.email])["reschedule"]
    other_time = booked.start + timedelta(days=1)
    session_book(mentorship=pair, start=other_time, actor=pair.mentee.user)
    response = client.post(f"/links/{token}/", {"start": other_time.isoformat(), "tz": "UTC"})
    assert response.status_code == 409
    assert b"That time was just taken" in response.content
    assert ActionLink.objects.filter(used_at__isnull=False).count() == 0


def test_links_close_when_the_session_starts(client, booked, pair):
    token = links_in(by_recipient(mail.outbox)[pair.mentee.user.email])["cancel"]
    Session.objects.filter(pk=booked.pk).update(
        start=timezone.now() - timedelta(minutes=1), end=timezone.now() + timedelta(minutes=44)
    )
    response = client.post(f"/links/{token}/")
    assert response.status_code == 410
    assert b"already started" in response.content
    booked.refresh_from_db()
    assert booked.status == "scheduled"


def test_the_invite_check_every_test_runs_would_catch_a_bad_invite(booked):
    from tests.scheduling.conftest import check_invite

    good = mail.outbox[0]
    assert check_invite(good)[0] == "REQUEST"
    bad = copy.copy(good)
    bad.attachments = []
    bad.alternatives = []
    for content, mimetype in good.alternatives:
        if mimetype.startswith("text/calendar"):
            content = content.replace(booked.calendar_uid.encode(), b"")
        bad.attach_alternative(content, mimetype)
    with pytest.raises(AssertionError):
        check_invite(bad)
