"""The program health API: the dashboard's figures, nudges (list, send, the weekly limit) and
the organization overview; HR admins only, other organizations 404."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from insights import selectors
from insights.models import Nudge
from tests.insights.cohort import build_cohort
from tests.insights.test_nudges import incomplete_person, make_pair


@pytest.fixture
def api(hr_admin):
    client = APIClient()
    client.force_authenticate(hr_admin)
    return client


def test_dashboard_figures_match_the_selectors(api, organization):
    cohort = build_cohort(organization, people=30, now=timezone.now(), seed=4)
    response = api.get(
        reverse("api-program-dashboard", args=[cohort.program.pk]),
        {"start": "2026-09-07", "end": "2026-11-29", "timezone": "America/New_York"},
    )
    body = response.json()
    assert response.status_code == 200
    assert body["period"] == {"start": "2026-09-07", "end": "2026-11-29", "timezone": "America/New_York"}
    assert [s["total"] for s in body["funnel"]] == [s.total for s in selectors.funnel(cohort.program)]
    assert len(body["weeks"]) == 12


def test_a_backwards_period_is_a_400(api, program):
    response = api.get(
        reverse("api-program-dashboard", args=[program.pk]), {"start": "2027-02-01", "end": "2027-01-01"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"end": ["The end is before the start."]}


def test_an_unknown_zone_is_a_400(api, program):
    response = api.get(reverse("api-program-dashboard", args=[program.pk]), {"timezone": "Mars/Olympus"})
    assert response.status_code == 400


def test_nudging_through_the_api(api, program, hr_admin, django_capture_on_commit_callbacks):
    person = incomplete_person(program)
    url = reverse("api-program-nudges", args=[program.pk])

    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(url, {"kind": "profile", "participants": [person.pk]}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        second = api.post(url, {"kind": "profile", "participants": [person.pk]}, format="json")

    assert first.status_code == 201
    assert [n["participant"] for n in first.json()["sent"]] == [person.pk]
    assert first.json()["sent"][0]["sent_by"] == hr_admin.pk
    assert second.json() == {"sent": [], "already_nudged": [person.pk]}
    assert len(mail.outbox) == 1


def test_nudge_list(api, program, hr_admin, django_capture_on_commit_callbacks):
    pair = make_pair(program, started_days_ago=60)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            reverse("api-program-nudges", args=[program.pk]),
            {"kind": "quiet_pair", "mentorships": [pair.pk]},
            format="json",
        )
    body = api.get(reverse("api-program-nudges", args=[program.pk])).json()
    assert body["count"] == 2
    assert {n["kind"] for n in body["results"]} == {"quiet_pair"}


def test_a_pair_that_needs_no_nudge_is_a_400(api, program):
    fresh = make_pair(program, started_days_ago=1)
    response = api.post(
        reverse("api-program-nudges", args=[program.pk]),
        {"kind": "quiet_pair", "mentorships": [fresh.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert Nudge.objects.count() == 0


def test_overview(api, organization, program):
    body = api.get(reverse("api-program-health")).json()
    assert [p["id"] for p in body] == [program.pk]


@pytest.mark.parametrize("name", ["api-program-dashboard", "api-program-nudges"])
def test_outsider_gets_404(outsider, program, name):
    client = APIClient()
    client.force_authenticate(outsider)
    assert client.get(reverse(name, args=[program.pk])).status_code == 404


def test_outsider_cannot_nudge(outsider, program):
    person = incomplete_person(program)
    client = APIClient()
    client.force_authenticate(outsider)
    response = client.post(
        reverse("api-program-nudges", args=[program.pk]),
        {"kind": "profile", "participants": [person.pk]},
        format="json",
    )
    assert response.status_code == 404
    assert Nudge.objects.count() == 0


def test_a_mentee_is_refused(mentee, program):
    client = APIClient()
    client.force_authenticate(mentee)
    assert client.get(reverse("api-program-dashboard", args=[program.pk])).status_code == 403


def test_overview_of_an_outsider_lists_nothing_of_ours(outsider, program):
    client = APIClient()
    client.force_authenticate(outsider)
    assert client.get(reverse("api-program-health")).json() == []
