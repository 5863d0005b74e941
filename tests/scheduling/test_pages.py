"""The scheduling pages with the Django test client: booking in the viewer's zone, the session
page, rescheduling, cancelling, feedback, no-shows, the home, and who may open what."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core import mail
from django.utils import timezone

from scheduling.models import Feedback, Reminder, Session
from scheduling.services.free_time import next_slots
from scheduling.services.sessions import session_book
from tests.accounts.factories import UserFactory
from tests.scheduling.helpers import make_pair, participant_for


@pytest.fixture
def pair(program, mentor, mentee):
    return make_pair(
        program, mentor_user=mentor, mentee_user=mentee, mentor_zone="Europe/Berlin", mentee_zone="America/New_York"
    )


def first_free(pair, **kw):
    return next_slots(mentorship=pair, after=timezone.now(), count=1, **kw)[0]


def booked(pair, nth: int = 0):
    slot = next_slots(mentorship=pair, after=timezone.now(), count=nth + 1)[nth]
    return session_book(mentorship=pair, start=slot.start, actor=pair.mentee.user)


def slot_links(html: str) -> list[str]:
    return [
        unquote(m)
        for m in re.findall(r'class="btn btn-sm btn-outline-primary slot" href="[^"?]*\?start=([^&"]+)', html)
    ]


def test_the_booking_page_shows_free_times_in_the_viewers_zone(client, pair, mentee):
    client.force_login(mentee)
    response = client.get(f"/mentorships/{pair.pk}/book/?tz=America/New_York")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Book a session with {pair.mentor.display_name}" in html
    starts = slot_links(html)
    assert starts, "no free slot shown this week"
    slot = first_free(pair)
    local = slot.start.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    if slot.start.isoformat() in starts:
        assert f">{local:%H:%M}</a>" in html
    assert '<option value="America/New_York" selected>' in html


def test_switching_the_zone_relabels_the_same_times(client, pair, mentee):
    client.force_login(mentee)
    ny = client.get(f"/mentorships/{pair.pk}/book/?tz=America/New_York").content.decode()
    tokyo = client.get(f"/mentorships/{pair.pk}/book/?tz=Asia/Tokyo").content.decode()
    assert "Times in America/New_York" in ny
    assert "Times in Asia/Tokyo" in tokyo


def test_htmx_week_navigation_returns_the_picker_only(client, pair, mentee):
    client.force_login(mentee)
    response = client.get(f"/mentorships/{pair.pk}/book/?tz=UTC&week=2099-01-01", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="slot-picker"')
    assert "<html" not in html


def test_booking_from_the_page_confirms_then_creates_the_session(
    client, pair, mentee, django_capture_on_commit_callbacks
):
    client.force_login(mentee)
    slot = first_free(pair)
    confirm = client.get(f"/mentorships/{pair.pk}/book/", {"start": slot.start.isoformat(), "tz": "America/New_York"})
    assert confirm.status_code == 200
    assert b"Book this session" in confirm.content
    assert Session.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/mentorships/{pair.pk}/book/",
            {"start": slot.start.isoformat(), "tz": "America/New_York", "agenda": "Negotiation"},
        )
    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/{session.pk}/"
    assert (session.start, session.agenda, session.booked_by) == (slot.start, "Negotiation", mentee)
    assert len(mail.outbox) == 2


def test_a_slot_taken_meanwhile_answers_409_with_the_next_times(client, pair, mentee):
    client.force_login(mentee)
    slot = first_free(pair)
    session_book(mentorship=pair, start=slot.start, actor=pair.mentor.user)
    response = client.post(f"/mentorships/{pair.pk}/book/", {"start": slot.start.isoformat(), "tz": "UTC"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "That time was just taken" in html
    assert "Next free times" in html
    assert Session.objects.count() == 1


def test_a_post_without_a_time_is_400(client, pair, mentee):
    client.force_login(mentee)
    response = client.post(f"/mentorships/{pair.pk}/book/", {"agenda": "x"})
    assert response.status_code == 400
    assert b"Pick one of the free times first." in response.content


def test_an_outsider_and_another_mentee_get_404_and_the_admin_403(client, pair, outsider, hr_admin, program):
    stranger = UserFactory()
    participant_for(stranger, program, "mentee")
    session = booked(pair)
    for user, expected in ((outsider, 404), (stranger, 404), (hr_admin, 403)):
        client.force_login(user)
        assert client.get(f"/mentorships/{pair.pk}/book/").status_code == expected
        assert client.post(f"/sessions/{session.pk}/cancel/").status_code == expected
        assert client.get(f"/sessions/{session.pk}/reschedule/").status_code == expected
        assert client.post(f"/sessions/{session.pk}/feedback/", {"rating": 5}).status_code == expected
    client.force_login(stranger)
    assert client.get(f"/sessions/{session.pk}/").status_code == 404
    client.force_login(hr_admin)
    assert client.get(f"/sessions/{session.pk}/").status_code == 200
    session.refresh_from_db()
    assert session.status == "scheduled"


def test_the_session_page_shows_both_zones_and_the_video_link(client, pair, mentee):
    session = booked(pair)
    client.force_login(mentee)
    client.cookies["turazo_tz"] = "America/New_York"
    response = client.get(f"/sessions/{session.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert session.video_url in html
    assert f"For {pair.mentor.display_name}:" in html
    assert "(Europe/Berlin)" in html
    assert "Reschedule" in html
    assert "The button lights up 10 minutes before the start." in html


def test_the_join_button_is_prominent_ten_minutes_before(client, pair, mentee):
    session = booked(pair)
    Session.objects.filter(pk=session.pk).update(
        start=timezone.now() + timedelta(minutes=9), end=timezone.now() + timedelta(minutes=54)
    )
    client.force_login(mentee)
    html = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "btn-success join-open" in html
    assert "The room is open." in html


def test_rescheduling_from_the_app(client, pair, mentor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        session = booked(pair)
    mail.outbox.clear()
    client.force_login(mentor)
    assert client.get(f"/sessions/{session.pk}/reschedule/").status_code == 200
    new = next_slots(mentorship=pair, after=session.end + timedelta(days=1), count=1, exclude_session_id=session.pk)[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/sessions/{session.pk}/reschedule/", {"start": new.start.isoformat(), "note": "Travel"}
        )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.start, session.sequence, session.change_note) == (new.start, 1, "Travel")
    assert len(mail.outbox) == 2
    assert all(m.subject.startswith("Session moved to ") for m in mail.outbox)


def test_cancelling_from_the_app_and_the_late_warning(client, pair, mentee, django_capture_on_commit_callbacks):
    session = booked(pair)
    Session.objects.filter(pk=session.pk).update(
        start=timezone.now() + timedelta(hours=2), end=timezone.now() + timedelta(hours=2, minutes=45)
    )
    client.force_login(mentee)
    page = client.get(f"/sessions/{session.pk}/cancel/")
    assert b"marked as a late cancellation" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/sessions/{session.pk}/cancel/", {"reason": "Ill"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.late_cancellation, session.cancel_reason) == ("cancelled", True, "Ill")
    again = client.get(f"/sessions/{session.pk}/cancel/", follow=True)
    assert b"can no longer be cancelled" in again.content


def test_feedback_after_the_session_and_what_each_person_sees(client, pair, mentor, mentee, hr_admin):
    session = booked(pair)
    client.force_login(mentee)
    early = client.get(f"/sessions/{session.pk}/feedback/")
    assert b"Feedback opens when the session has ended." in early.content
    Session.objects.filter(pk=session.pk).update(
        start=timezone.now() - timedelta(hours=2), end=timezone.now() - timedelta(hours=1)
    )
    response = client.post(
        f"/sessions/{session.pk}/feedback/",
        {"rating": "4", "comment": "Clear next steps", "private_note": "Mentor was late", "shared": "on"},
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.role, feedback.shared) == (4, "mentee", True)
    assert Reminder.objects.get(session=session, recipient=mentee, kind="feedback").status == "cancelled"

    client.force_login(mentor)
    mentor_view = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "rated it <strong>4/5</strong>" in mentor_view
    assert "Clear next steps" in mentor_view
    assert "Mentor was late" not in mentor_view

    client.force_login(hr_admin)
    admin_view = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Mentor was late" in admin_view


def test_unshared_feedback_stays_hidden_from_the_other_person(client, pair, mentor, mentee):
    session = booked(pair)
    Session.objects.filter(pk=session.pk).update(
        start=timezone.now() - timedelta(hours=2), end=timezone.now() - timedelta(hours=1)
    )
    client.force_login(mentee)
    client.post(f"/sessions/{session.pk}/feedback/", {"rating": "2", "comment": "Too rushed"})
    client.force_login(mentor)
    assert b"Too rushed" not in client.get(f"/sessions/{session.pk}/").content


def test_a_bad_rating_is_400_with_the_field(client, pair, mentee):
    session = booked(pair)
    Session.objects.filter(pk=session.pk).update(
        start=timezone.now() - timedelta(hours=2), end=timezone.now() - timedelta(hours=1)
    )
    client.force_login(mentee)
    response = client.post(f"/sessions/{session.pk}/feedback/", {"rating": "9"})
    assert response.status_code == 400
    assert Feedback.objects.count() == 0


def test_reporting_a_no_show(client, pair, mentor):
    session = booked(pair)
    Session.objects.filter(pk=session.pk).update(
        start=timezone.now() - timedelta(minutes=20), end=timezone.now() + timedelta(minutes=25)
    )
    client.force_login(mentor)
    response = client.post(f"/sessions/{session.pk}/no-show/", follow=True)
    assert b"did not come" in response.content
    session.refresh_from_db()
    assert (session.status, session.no_show_role) == ("no_show", "mentee")


def test_the_home_lists_sessions_with_book_and_join(client, pair, mentee):
    session = booked(pair)
    client.force_login(mentee)
    html = client.get("/dashboard/").content.decode()
    assert f'href="/mentorships/{pair.pk}/book/"' in html
    assert f'href="/sessions/{session.pk}/"' in html
    assert "Join" in html


def test_the_home_asks_for_feedback_after_a_session(client, pair, mentor):
    session = booked(pair)
    Session.objects.filter(pk=session.pk).update(
        start=timezone.now() - timedelta(hours=2), end=timezone.now() - timedelta(hours=1)
    )
    client.force_login(mentor)
    html = client.get("/dashboard/").content.decode()
    assert f'href="/sessions/{session.pk}/feedback/"' in html


def test_the_session_list_and_the_ics_download(client, pair, mentee):
    session = booked(pair)
    client.force_login(mentee)
    assert client.get("/sessions/").status_code == 200
    ics = client.get(f"/sessions/{session.pk}/session.ics")
    assert ics["Content-Type"] == "text/calendar; charset=utf-8"
    assert session.calendar_uid.encode() in ics.content


def test_the_admin_sees_the_programs_sessions_and_rules(client, pair, hr_admin, program, mentee):
    session = booked(pair)
    client.force_login(hr_admin)
    listing = client.get(f"/programs/{program.pk}/sessions/")
    assert listing.status_code == 200
    assert f"/sessions/{session.pk}/".encode() in listing.content
    late = client.get(f"/programs/{program.pk}/sessions/?status=late")
    assert f"/sessions/{session.pk}/".encode() not in late.content
    rules = client.post(
        f"/programs/{program.pk}/scheduling/",
        {
            "form": "policy", "buffer_before_minutes": "5", "buffer_after_minutes": "15", "min_notice_hours": "24",
            "horizon_days": "30", "grid_minutes": "15", "max_sessions_per_week": "2", "remind_1h": "on",
        },
    )  # fmt: skip
    assert rules.status_code == 302
    policy = program.scheduling_policy
    policy.refresh_from_db()
    assert (policy.buffer_after_minutes, policy.grid_minutes, policy.max_sessions_per_week) == (15, 15, 2)
    assert (policy.remind_24h, policy.remind_1h, policy.feedback_requests) == (False, True, False)
    client.force_login(mentee)
    assert client.get(f"/programs/{program.pk}/sessions/").status_code == 403


def test_the_video_template_is_checked(client, hr_admin, program, organization):
    client.force_login(hr_admin)
    bad = client.post(f"/programs/{program.pk}/scheduling/", {"form": "video", "video_url_template": "zoom.us/{who}"})
    assert bad.status_code == 400
    assert b"https://" in bad.content
    good = client.post(
        f"/programs/{program.pk}/scheduling/", {"form": "video", "video_url_template": "https://zoom.us/j/{room}"}
    )
    assert good.status_code == 302
    organization.refresh_from_db()
    assert organization.video_url_template == "https://zoom.us/j/{room}"
