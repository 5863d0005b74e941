"""The notification service: subject, text and HTML from templates, absolute links, and
calendar invitations as a text/calendar alternative plus an .ics attachment."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.test import override_settings

from turazo.core.notifications import CalendarPart, absolute_url, notification_build, notification_send

TEMPLATES = {
    "emails/test/hello_subject.txt": "Hello {{ name }}\n  from   {{ org }}\n",
    "emails/test/hello.txt": "Dear {{ name }}, open {{ site_url }}/x/ (for {{ recipient }}).",
    "emails/test/hello.html": "<p>Dear {{ name }}</p>",
    "emails/test/plain_subject.txt": "Plain",
    "emails/test/plain.txt": "Only text.",
}
LOCMEM = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", TEMPLATES)]},
    }
]
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


@pytest.fixture(autouse=True)
def _templates():
    with override_settings(TEMPLATES=LOCMEM, SITE_URL="https://turazo.example"):
        yield


def test_subject_text_and_html_come_from_the_templates_and_text_is_not_escaped():
    message = notification_build(
        template="test/hello", context={"name": "Robert \"Bob\" O'Brien & co", "org": "Acme"}, to="bob@example.org",
        recipient="Bob",
    )  # fmt: skip
    assert message.subject == 'Hello Robert "Bob" O\'Brien & co from Acme'
    assert message.body == 'Dear Robert "Bob" O\'Brien & co, open https://turazo.example/x/ (for Bob).'
    assert message.to == ["bob@example.org"]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert html == "<p>Dear Robert &quot;Bob&quot; O&#x27;Brien &amp; co</p>"


def test_the_html_part_is_optional():
    message = notification_build(template="test/plain", context={}, to=["a@example.org", "b@example.org"])
    assert message.alternatives == []
    assert message.to == ["a@example.org", "b@example.org"]


def test_a_calendar_part_is_an_alternative_with_its_method_and_an_ics_attachment():
    assert notification_send(
        template="test/hello", context={"name": "Zoë", "org": "Acme"}, to="zoe@example.org",
        calendar=CalendarPart("REQUEST", ICS),
    ) == 1  # fmt: skip
    parsed = message_from_bytes(mail.outbox[0].message().as_bytes(), policy=policy.default)
    calendar = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert len(calendar) == 1
    assert calendar[0].get_param("method") == "REQUEST"
    assert calendar[0].get_content_charset() == "utf-8"
    assert calendar[0].get_content().replace("\r\n", "\n") == ICS.decode().replace("\r\n", "\n")
    assert calendar[0].get_content_disposition() is None  # inline alternative, not an attachment
    alternative = next(p for p in parsed.walk() if p.get_content_type() == "multipart/alternative")
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html", "text/calendar"]
    attachment = next(p for p in parsed.walk() if p.get_filename() == "invite.ics")
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_content() == ICS


def test_calendar_methods_are_checked():
    with pytest.raises(ValueError, match="REQUEST, CANCEL, PUBLISH"):
        CalendarPart("REPLY", ICS)


def test_absolute_urls_use_site_url():
    assert absolute_url("/sessions/1/") == "https://turazo.example/sessions/1/"
    assert absolute_url("sessions/1/") == "https://turazo.example/sessions/1/"
    assert absolute_url("https://elsewhere.example/") == "https://elsewhere.example/"
