"""An update racing a delete of the same row answers 404 with a message, never a 500.

Each test holds the updating request after its view has read the row and before the
service writes, deletes the row from another thread (its own connection, committed),
then lets the update go on: exactly the window in which Django would raise "Save with
update_fields did not affect any rows" or DoesNotExist. Real threads on Postgres."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from matching import services as matching_services
from matching.models import MatchProposal, MatchRun, PairRule, UnmatchedMentee
from mentoring.models import Participant, Question, Skill
from mentoring.services import profiles as profile_services
from mentoring.services import questions as question_services
from mentoring.services import skills as skill_services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(monkeypatch, *, module, service: str, update, delete) -> tuple[object, object]:
    """Run ``update()`` and ``delete()`` in two threads: ``update`` is paused inside
    ``module.service`` (after its view read the row) until ``delete`` has committed."""
    entered, deleted = threading.Event(), threading.Event()
    original = getattr(module, service)

    def paused(**kwargs):
        entered.set()
        assert deleted.wait(timeout=30), "the delete never finished"
        return original(**kwargs)

    monkeypatch.setattr(module, service, paused)
    results: dict[str, object] = {}

    def run(name: str, work, before=None, after=None) -> None:
        try:
            if before is not None:
                assert before.wait(timeout=30), "the update never reached its service"
            results[name] = work()
        except Exception as e:  # noqa: BLE001 - asserted by the caller
            results[name] = e
        finally:
            if after is not None:
                after.set()
            connection.close()

    threads = [
        threading.Thread(target=run, args=("update", update)),
        threading.Thread(target=run, args=("delete", delete, entered, deleted)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results["update"], results["delete"]


@pytest.fixture
def api(hr_admin):
    def client() -> APIClient:
        c = APIClient()
        c.force_authenticate(hr_admin)
        return c

    return client


@pytest.fixture
def proposal(program):
    org = program.organization
    mentee = Participant.objects.create(
        organization=org, program=program, email="mentee@acme.test", role="mentee", status="active"
    )
    mentor = Participant.objects.create(
        organization=org, program=program, email="mentor@acme.test", role="mentor", status="active"
    )
    Participant.objects.create(
        organization=org, program=program, email="other@acme.test", role="mentor", status="active"
    )
    run = MatchRun.objects.create(organization=org, program=program, status="done", stats={"matched": 1})
    return MatchProposal.objects.create(organization=org, run=run, mentee=mentee, mentor=mentor, score=50)


def test_renaming_a_skill_that_is_deleted_meanwhile_is_a_404(monkeypatch, api, organization):
    skill = Skill.objects.create(organization=organization, name="SQL", slug="sql")
    url = f"/api/skills/{skill.pk}/"

    update, delete = _race(
        monkeypatch,
        module=skill_services,
        service="skill_rename",
        update=lambda: api().patch(url, {"name": "Postgres"}, format="json"),
        delete=lambda: api().delete(url),
    )

    assert delete.status_code == 204
    assert update.status_code == 404
    assert update.json() == {
        "error": {
            "code": "not_found",
            "message": "This skill was deleted meanwhile; reload the skill list.",
            "fields": {},
        }
    }
    assert not Skill.objects.exists()


def test_editing_a_question_that_is_deleted_meanwhile_is_a_404(monkeypatch, api, program):
    question = Question.objects.create(
        organization=program.organization, program=program, key="format", label="Format", kind="text"
    )
    url = f"/api/programs/{program.pk}/questions/{question.pk}/"

    update, delete = _race(
        monkeypatch,
        module=question_services,
        service="question_update",
        update=lambda: api().patch(url, {"label": "Session format"}, format="json"),
        delete=lambda: api().delete(url),
    )

    assert delete.status_code == 204
    assert update.status_code == 404
    assert update.json()["error"]["message"] == "This question was deleted meanwhile; reload the program's questions."
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("service", "action", "body"),
    [
        ("proposal_pin", "pin", None),
        ("proposal_unpin", "unpin", None),
        ("proposal_swap", "swap", "other mentor"),
        ("proposal_forbid", "forbid", None),
    ],
)
def test_changing_a_pair_that_is_forbidden_meanwhile_is_a_404(monkeypatch, api, proposal, service, action, body):
    base = f"/api/match-runs/{proposal.run_id}/proposals/{proposal.pk}"
    data = {"mentor": Participant.objects.get(email="other@acme.test").pk} if body else {}
    forbid = matching_services.proposal_forbid  # the real one, whichever service is paused

    update, delete = _race(
        monkeypatch,
        module=matching_services,
        service=service,
        update=lambda: api().post(f"{base}/{action}/", data, format="json"),
        delete=lambda: forbid(proposal=proposal, actor=None),
    )

    assert isinstance(delete, UnmatchedMentee)
    assert update.status_code == 404
    assert update.json()["error"]["message"] == matching_services.PROPOSAL_GONE
    assert not MatchProposal.objects.exists()
    assert UnmatchedMentee.objects.filter(run=proposal.run, mentee=proposal.mentee).count() == 1
    assert list(PairRule.objects.values_list("kind", flat=True)) == ["forbid"]


def test_a_profile_saved_while_the_participant_is_deleted_is_a_404(monkeypatch, api, program):
    participant = Participant.objects.create(
        organization=program.organization, program=program, email="nina@acme.test", role="mentee"
    )

    update, delete = _race(
        monkeypatch,
        module=profile_services,
        service="participant_update_profile",
        update=lambda: api().patch(f"/api/participants/{participant.pk}/profile/", {"job_title": "QA"}, format="json"),
        delete=lambda: Participant.objects.filter(pk=participant.pk).delete(),
    )

    assert delete[0] == 1
    assert update.status_code == 404
    assert update.json()["error"]["message"] == "This participant was deleted meanwhile; nothing was saved."


APP_DIRS = ["accounts", "matching", "mentoring", "scheduling", "turazo"]


def test_no_service_saves_update_fields_without_checking_the_row_still_exists():
    """The whole class: a raw ``save(update_fields=...)`` raises a 500 when the row was deleted
    meanwhile; writes go through ``turazo.core.models.save_existing``, which answers 404."""
    base = Path(settings.BASE_DIR)
    offenders = [
        f"{path.relative_to(base)}:{n}"
        for app in APP_DIRS
        for path in sorted((base / app).rglob("*.py"))
        if "migrations" not in path.parts and path != base / "turazo/core/models.py"
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\.save\(\s*update_fields", line)
    ]
    assert offenders == []
