"""Every id in a URL is an ``<int:...>``: a junk id ("abc", "1.5", "-1") is a 404 before any
view runs, on pages and in the API alike. New routes are covered automatically: the walk
finds every pattern that captures an id."""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from matching.models import MatchProposal, MatchRun
from mentoring.models import Participant

# Captured values that are not ids: the emailed token, the outbox message id, DRF's ".json" suffix.
NOT_IDS = {"token", "message_id", "format"}
# Django admin (operators) and allauth (its keys are tokens) are not ours.
THIRD_PARTY = ("admin/", "accounts/")
JUNK = ["abc", "1.5", "-1", "1e3", "%20"]


def _patterns(patterns=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            route = prefix + str(p.pattern)
            kwargs = set(p.pattern.regex.groupindex) | set(re.findall(r"<(?:\w+:)?(\w+)>", route))
            ids = sorted(kwargs - NOT_IDS)
            if ids and not route.startswith(THIRD_PARTY):
                yield p.name, route, tuple(ids)


ROUTES = sorted(set(_patterns()))


def test_the_walk_sees_page_and_api_routes_with_ids():
    names = {name for name, _, _ in ROUTES}
    assert {"program-detail", "api-proposal-pin", "api-participant-detail", "api-question-detail"} <= names


@pytest.mark.parametrize(("name", "route", "ids"), ROUTES, ids=[f"{n}:{r}" for n, r, _ in ROUTES])
def test_every_id_in_a_url_is_an_integer(name, route, ids):
    for kwarg in ids:
        for junk in JUNK:
            with pytest.raises(NoReverseMatch):
                reverse(name, kwargs={k: (junk if k == kwarg else 1) for k in ids})


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["pin", "unpin", "forbid", "swap", "alternatives"])
@pytest.mark.parametrize("junk", ["abc", "1.5", "%20"])
def test_a_junk_proposal_id_is_a_json_404_not_a_500(hr_admin, program, action, junk):
    org = program.organization
    mentee = Participant.objects.create(organization=org, program=program, email="m@acme.test", role="mentee")
    mentor = Participant.objects.create(organization=org, program=program, email="o@acme.test", role="mentor")
    run = MatchRun.objects.create(organization=org, program=program, status="done")
    MatchProposal.objects.create(organization=org, run=run, mentee=mentee, mentor=mentor, score=50)
    api = APIClient()
    api.force_authenticate(hr_admin)
    url = f"/api/match-runs/{run.pk}/proposals/{junk}/{action}/"

    response = api.get(url) if action == "alternatives" else api.post(url, {"mentor": mentor.pk}, format="json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"
    assert MatchProposal.objects.filter(run=run, pinned=False).count() == 1


@pytest.mark.django_db
def test_an_unknown_api_address_answers_the_json_error(hr_admin):
    api = APIClient()
    api.force_authenticate(hr_admin)
    response = api.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "not_found",
            "message": "No API endpoint at this address. Ids in URLs are whole numbers; "
            "the endpoints are listed at /api/docs/.",
            "fields": {},
        }
    }


@pytest.mark.django_db
def test_an_api_address_without_its_trailing_slash_is_redirected_or_explained(hr_admin):
    api = APIClient()
    api.force_authenticate(hr_admin)
    get = api.get("/api/skills?page=2")
    assert get.status_code == 301
    assert get["Location"] == "/api/skills/?page=2"
    post = api.post("/api/skills", {"name": "SQL"}, format="json")
    assert post.status_code == 404
    assert post.json()["error"]["message"] == "No API endpoint at this address; add the trailing slash: /api/skills/"
