"""The OpenAPI schema says what the API does: every error status in one shape, the limits
the services enforce, times as the API writes them. Schemathesis (test_api_schemathesis.py)
checks real responses against it; these pin the documented parts themselves."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from mentoring.models import Program
from tests.mentoring.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

ERROR_STATUSES = {"400", "401", "403", "404", "409", "429"}
ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


@pytest.fixture
def admin_api(hr_admin) -> APIClient:
    api = APIClient()
    api.force_authenticate(hr_admin)
    return api


def test_every_operation_documents_every_error_status_in_the_error_shape(schema):
    missing = {
        name: sorted(ERROR_STATUSES - set(op["responses"]))
        for name, op in _operations(schema)
        if ERROR_STATUSES - set(op["responses"])
    }
    assert missing == {}
    for name, op in _operations(schema):
        for status in ERROR_STATUSES - {"400"}:
            assert op["responses"][status]["content"]["application/json"]["schema"] == ERROR_REF, (name, status)
    assert "Retry-After" in schema["paths"]["/api/skills/"]["get"]["responses"]["429"]["headers"]


def test_operations_with_a_body_document_415(schema):
    assert "415" in schema["paths"]["/api/skills/"]["post"]["responses"]
    assert "415" not in schema["paths"]["/api/skills/"]["get"]["responses"]


def test_the_error_shape_is_a_component(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "fields"]
    assert error["properties"]["error"]["properties"]["fields"]["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }


def test_an_operations_own_error_description_is_kept(schema):
    resend = schema["paths"]["/api/invitations/{id}/resend/"]["post"]["responses"]
    assert resend["409"]["description"] == "The invitation's state forbids this (e.g. already accepted)."
    assert resend["409"]["content"]["application/json"]["schema"] == ERROR_REF
    csv_400 = schema["paths"]["/api/programs/{program_id}/participants/import/"]["post"]["responses"]["400"]
    assert csv_400["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ImportError"}


def test_no_time_in_the_schema_claims_an_rfc3339_offset(schema):
    assert [n for n in _walk(schema) if n.get("format") == "time"] == []
    work_start = schema["components"]["schemas"]["Participant"]["properties"]["work_start"]
    assert work_start["pattern"] == r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def test_every_path_id_is_an_integer(schema):
    for name, op in _operations(schema):
        for parameter in op.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"]["type"] == "integer", (name, parameter)


@pytest.mark.parametrize(
    ("component", "field", "limits"),
    [
        ("PatchedProfileUpdateRequest", "full_name", {"maxLength": 150}),
        ("PatchedProfileUpdateRequest", "goals", {"maxLength": 4000}),
        ("PatchedProfileUpdateRequest", "capacity", {"minimum": 1, "maximum": 20}),
        ("PatchedProfileUpdateRequest", "skills_wanted", {"maxItems": 20}),
        ("QuestionRequest", "label", {"maxLength": 200}),
        ("QuestionRequest", "key", {"maxLength": 40}),
        ("QuestionRequest", "choices", {"maxItems": 30}),
        ("SkillRequest", "name", {"maxLength": 60}),
        ("ProgramRequest", "session_length_minutes", {"minimum": 15, "maximum": 240}),
        ("ProgramRequest", "default_capacity", {"minimum": 1}),
        ("ProgramRequest", "cadence_days", {"minimum": 1}),
        ("ParticipantCreateRequest", "full_name", {"maxLength": 150}),
    ],
)
def test_the_services_limits_are_in_the_schema(schema, component, field, limits):
    documented = schema["components"]["schemas"][component]["properties"][field]
    assert {k: documented.get(k) for k in limits} == limits


def test_matching_weights_are_documented_from_0_to_10(schema):
    weights = schema["components"]["schemas"]["MatchingSettingsRequest"]["properties"]["weights"]
    assert weights["additionalProperties"] == {"type": "number", "format": "double", "minimum": 0, "maximum": 10}


def test_times_come_back_as_hh_mm_everywhere(admin_api, program):
    participant = ParticipantFactory(program=program, work_start=dt.time(9), work_end=dt.time(17, 30))
    listed = admin_api.get(f"/api/programs/{program.pk}/participants/{participant.pk}/").json()
    profile = admin_api.get(f"/api/participants/{participant.pk}/profile/").json()
    assert (listed["work_start"], listed["work_end"]) == ("09:00", "17:30")
    assert (profile["work_start"], profile["work_end"]) == ("09:00", "17:30")


def test_nested_field_errors_come_back_flat_and_dotted(admin_api, program):
    settings = admin_api.put(
        f"/api/programs/{program.pk}/matching-settings/", {"weights": {"goals": 11}, "rules": {}}, format="json"
    )
    question = admin_api.post(
        f"/api/programs/{program.pk}/questions/",
        {"label": "Format", "kind": "single", "choices": ["Video", "x" * 101]},
        format="json",
    )
    assert settings.status_code == 400
    assert settings.json()["error"] == {
        "code": "validation_failed",
        "message": "Some fields are invalid: weights.goals.",
        "fields": {"weights.goals": ["Use a weight from 0 to 10."]},
    }
    assert question.status_code == 400
    assert question.json()["error"]["fields"] == {"choices.1": ["Keep each choice to 100 characters."]}


def test_me_rejects_an_unknown_time_zone(admin_api, hr_admin):
    response = admin_api.patch("/api/me/", {"timezone": "Mars/Olympus"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "timezone": ["“Mars/Olympus” is not a time zone we know. Pick one from the list, for example Europe/Lisbon."]
    }
    hr_admin.refresh_from_db()
    assert hr_admin.timezone == ""
    assert admin_api.patch("/api/me/", {"timezone": "europe/lisbon"}, format="json").json()["timezone"] == (
        "Europe/Lisbon"
    )


def _api_routes(patterns=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from _api_routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name and (prefix + str(p.pattern)).startswith("api/"):
            route = prefix + str(p.pattern)
            if "format" not in route:
                yield p.name, tuple(sorted(re.findall(r"<(?:\w+:)?(\w+)>", route)))


API_ROUTES = sorted(set(_api_routes()))


@pytest.mark.parametrize(("name", "kwargs"), API_ROUTES, ids=[n for n, _ in API_ROUTES])
def test_options_answers_on_every_api_route(admin_api, program, name, kwargs):
    """DRF's OPTIONS describes the PUT/POST body and asks the view for its object: a view
    whose get_object does not fit its URL answered 500 here."""
    assert Program.objects.filter(pk=program.pk).exists()
    url = reverse(name, kwargs=dict.fromkeys(kwargs, program.pk))
    assert admin_api.options(url).status_code in (200, 404)


def test_the_schema_builds_without_a_single_generator_warning(tmp_path):
    """`check --deploy` (CI, production) fails on any drf-spectacular warning, e.g. two enums
    of different apps both named after a field called "status": catch it in the suite."""
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml"))
