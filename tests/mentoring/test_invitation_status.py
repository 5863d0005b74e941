"""One status model for where a participant stands (Participant.InvitationStatus), the same
word on the invitations page, in the participants table, in the program's counts, in the
CSV export and in the API, for every combination of participant and invitation state."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from mentoring import selectors
from mentoring.models import Invitation, Participant, Program
from tests.mentoring.factories import InvitationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

PAST = timezone.now() - dt.timedelta(days=1)

# name -> (participant status, [invitation statuses, oldest first, optional expiry], expected status)
CAST = {
    "Nora Never": ("invited", [], "not_invited"),
    "Pia Pending": ("invited", ["pending"], "pending"),
    "Sam Sent": ("invited", ["revoked", "sent"], "sent"),
    "Fay Failed": ("invited", ["failed"], "failed"),
    "Otto Overdue": ("invited", [("sent", PAST)], "expired"),
    "Eve Expired": ("invited", ["expired"], "expired"),
    "Rita Revoked": ("invited", ["revoked"], "revoked"),
    "Ann Accepted": ("active", ["accepted"], "joined"),
    "Sid Seeded": ("active", [], "joined"),
    "Dan Declined": ("declined", ["declined"], "declined"),
    "Rex Removed": ("removed", ["sent"], "removed"),
}
LABELS = {code: str(label) for code, label in Participant.InvitationStatus.choices}


@pytest.fixture
def cast(program) -> dict[str, Participant]:
    people = {}
    for name, (status, invitations, _) in CAST.items():
        person = ParticipantFactory(program=program, full_name=name, status=status)
        for n, invitation in enumerate(invitations):
            state, expires = invitation if isinstance(invitation, tuple) else (invitation, None)
            extra = {"expires_at": expires} if expires else {}
            InvitationFactory(participant=person, status=state, **extra)
            # The latest invitation is the newest one.
            Invitation.objects.filter(participant=person, status=state).update(
                created_at=timezone.now() - dt.timedelta(hours=10 - n)
            )
        people[name] = person
    return people


def _row(html: str, name: str) -> str:
    return re.search(rf"{name}.*?</tr>", html, re.S).group(0)


def test_the_invitations_page_shows_each_persons_status(client, hr_admin, program, cast):
    client.force_login(hr_admin)
    html = client.get(reverse("invitation-list", args=[program.pk])).content.decode()
    for name, (_, _, expected) in CAST.items():
        if expected == "removed":
            assert name not in html
            continue
        row = _row(html, name)
        assert LABELS[expected] in row, (name, expected)
        others = {label for code, label in LABELS.items() if code != expected and label != LABELS[expected]}
        assert not [label for label in others if f">{label}<" in row], name


def test_the_participants_table_shows_the_same_status(client, hr_admin, program, cast):
    client.force_login(hr_admin)
    html = client.get(reverse("participant-list", args=[program.pk]), {"status": "all"}).content.decode()
    for name, (_, _, expected) in CAST.items():
        assert f">{LABELS[expected]}<" in _row(html, name), (name, expected)
    assert ">Active<" not in html


def test_the_participants_table_filters_by_that_status(client, hr_admin, program, cast):
    client.force_login(hr_admin)
    for status in ("joined", "expired", "not_invited"):
        response = client.get(reverse("participant-list", args=[program.pk]), {"status": status})
        shown = {p.full_name for p in response.context["page"].object_list}
        assert shown == {name for name, (_, _, expected) in CAST.items() if expected == status}


def test_the_csv_export_has_the_same_status(client, hr_admin, program, cast):
    client.force_login(hr_admin)
    response = client.get(reverse("participant-export", args=[program.pk]), {"status": "all"})
    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    assert {row["full_name"]: row["invitation"] for row in rows} == {
        name: expected for name, (_, _, expected) in CAST.items()
    }


def test_the_api_has_the_same_status(hr_admin, program, cast):
    api = APIClient()
    api.force_authenticate(hr_admin)
    body = api.get(f"/api/programs/{program.pk}/participants/", {"status": "all"}).json()
    assert {p["full_name"]: p["invitation_status"] for p in body["results"]} == {
        name: expected for name, (_, _, expected) in CAST.items()
    }


def test_the_program_counts_use_the_same_status(client, hr_admin, program, cast):
    client.force_login(hr_admin)
    page = client.get(reverse("program-detail", args=[program.pk]))
    counted = page.context["program"]
    assert (counted.not_invited_count, counted.waiting_count, counted.joined_count) == (1, 2, 2)
    html = page.content.decode()
    assert re.search(r'stat-value[^>]*>2</span><span class="stat-label[^>]*>Joined<', html)
    assert "Accepted" not in html
    api = APIClient()
    api.force_authenticate(hr_admin)
    body = api.get(f"/api/programs/{program.pk}/").json()
    assert (body["not_invited_count"], body["waiting_count"], body["joined_count"]) == (1, 2, 2)


def test_one_derivation_gives_every_status(program, cast):
    derived = dict(
        selectors.with_invitation_status(Participant.objects.filter(program=program)).values_list(
            "full_name", "invitation_status"
        )
    )
    assert derived == {name: expected for name, (_, _, expected) in CAST.items()}
    assert set(derived.values()) == set(Participant.InvitationStatus.values)


def test_seeded_demo_people_have_joined_everywhere(client):
    call_command("seed_demo")
    program = Program.objects.get(name="2027 Growth Mentoring")
    admin = program.created_by
    people = Participant.objects.filter(program=program)
    assert people.count() == 42
    assert Invitation.objects.filter(participant__in=people, status="accepted", responded_at__isnull=False).count() == 42

    client.force_login(admin)
    invitations = client.get(reverse("invitation-list", args=[program.pk]))
    assert {p.invitation_status for p in invitations.context["participants"]} == {"joined"}
    assert '<span class="text-body-secondary">Not invited</span>' not in invitations.content.decode()
    assert invitations.content.decode().count(">Joined</span>") == 42
    table = client.get(reverse("participant-list", args=[program.pk]))
    assert {p.invitation_status for p in table.context["page"].object_list} == {"joined"}
    export = client.get(reverse("participant-export", args=[program.pk]))
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert {row["invitation"] for row in rows} == {"joined"}
    counted = client.get(reverse("program-detail", args=[program.pk])).context["program"]
    assert (counted.not_invited_count, counted.waiting_count, counted.joined_count) == (0, 0, 42)


def test_the_program_counts_stay_subqueries_not_a_grouped_join(organization):
    """A JOIN + GROUP BY would evaluate the per-participant invitation subquery once per
    joined row (minutes for a cohort of 20,000); each count is its own subquery instead."""
    sql = str(selectors.programs_with_counts(organization).query).upper()
    assert " JOIN " not in sql
    assert sql.count("GROUP BY") == 6  # one inside each count's subquery, none outside
