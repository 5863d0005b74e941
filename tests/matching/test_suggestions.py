"""Self-selection suggestions: top mentors with capacity, debounced background refresh, the mentee's page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import Suggestion
from mentoring.models import Mentorship, Participant, Program
from tests.matching import cohort
from tests.matching.factories import PairRuleFactory
from turazo.core.models import Job

pytestmark = pytest.mark.django_db


def test_each_mentee_gets_ranked_mentors_with_free_capacity_and_explanations(program):
    mentees, mentors = cohort.cohort(program, mentees=3, mentors=4)
    Participant.objects.filter(pk=mentors[3].pk).update(capacity=0)
    assert services.suggestions_refresh(program_id=program.pk) == 9
    rows = list(Suggestion.objects.filter(mentee=mentees[0]).order_by("rank"))
    assert [r.rank for r in rows] == [1, 2, 3]
    assert mentors[3].pk not in {r.mentor_id for r in rows}
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    assert all(r.explanation and r.components for r in rows)


def test_forbidden_pairs_are_never_suggested(program):
    mentees, mentors = cohort.cohort(program, mentees=1, mentors=2)
    PairRuleFactory(program=program, mentee=mentees[0], mentor=mentors[0], kind="forbid")
    services.suggestions_refresh(program_id=program.pk)
    assert list(Suggestion.objects.values_list("mentor_id", flat=True)) == [mentors[1].pk]


def test_a_refresh_replaces_the_old_suggestions(program):
    mentees, mentors = cohort.cohort(program, mentees=2, mentors=2)
    services.suggestions_refresh(program_id=program.pk)
    Participant.objects.filter(pk=mentors[0].pk).update(status=Participant.Status.REMOVED)
    services.suggestions_refresh(program_id=program.pk)
    assert set(Suggestion.objects.values_list("mentor_id", flat=True)) == {mentors[1].pk}
    assert Suggestion.objects.count() == 2


def test_programs_where_admins_match_get_no_suggestions(program):
    cohort.cohort(program, mentees=2, mentors=2)
    Program.objects.filter(pk=program.pk).update(matching_mode=Program.MatchingMode.ADMIN)
    assert services.suggestions_refresh(program_id=program.pk) == 0
    assert Suggestion.objects.count() == 0


def _refresh_jobs(program) -> list[Job]:
    return list(Job.objects.filter(task="matching.suggestions_refresh", args=[program.pk], started_at__isnull=True))


def _workers_took_every_job() -> None:
    Job.objects.update(dispatched_at=timezone.now(), started_at=timezone.now())


def test_a_burst_of_profile_saves_schedules_one_refresh(program, django_capture_on_commit_callbacks):
    mentees, mentors = cohort.cohort(program, mentees=3, mentors=2)
    _workers_took_every_job()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for person in [*mentees, *mentors]:
            person.goals = person.goals + " and hiring"
            person.save()
        Mentorship.objects.create(
            organization=program.organization, program=program, mentor=mentors[0], mentee=mentees[0], source="admin"
        )
    (job,) = _refresh_jobs(program)
    assert len(callbacks) == 1
    assert job.dedupe_key == f"matching.suggestions:{program.pk}"
    assert (job.not_before - job.created_at).total_seconds() == services.SUGGESTIONS_DEBOUNCE_S


def test_a_change_after_the_refresh_started_schedules_the_next_one(program):
    mentee = cohort.mentee(program, 1)
    _workers_took_every_job()
    mentee.goals = "negotiation"
    mentee.save()
    assert len(_refresh_jobs(program)) == 1


def test_nothing_is_scheduled_when_the_transaction_rolls_back(program, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        cohort.mentee(program, 1)
        raise RuntimeError("import failed")
    assert Job.objects.count() == 0
    assert Suggestion.objects.count() == 0


def test_saving_matching_settings_schedules_a_refresh(program, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.matching_settings_update(program=program, weights={"skills": 3}, rules={})
    assert len(_refresh_jobs(program)) == 1


def test_the_refresh_task_computes_after_the_countdown(program, django_capture_on_commit_callbacks):
    cohort.cohort(program, mentees=2, mentors=2)
    _workers_took_every_job()
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestions_schedule_refresh(program_id=program.pk)  # eager in tests: runs at once
    assert Suggestion.objects.count() == 4
    assert Job.objects.filter(task="matching.suggestions_refresh", started_at__isnull=True).count() == 0


def test_the_mentee_sees_their_ranked_mentors(client, program, mentee):
    me = Participant.objects.get(user=mentee)
    me.goals, me.skills_wanted = "learn sql", ["SQL"]
    me.save()
    mentors = [cohort.mentor(program, i) for i in range(2)]
    services.suggestions_refresh(program_id=program.pk)
    client.force_login(mentee)
    page = client.get(reverse("my-suggestions")).content.decode()
    assert "Mentors for you" in page and program.name in page
    assert all(m.display_name in page for m in mentors)
    first = Suggestion.objects.filter(mentee=me).order_by("rank").first()
    assert first.explanation in page.replace("&#x27;", "'")


def test_a_mentee_never_sees_another_mentees_suggestions(client, program, mentee, outsider):
    other = cohort.mentee(program, 5)
    cohort.mentor(program, 1)
    services.suggestions_refresh(program_id=program.pk)
    assert Suggestion.objects.filter(mentee=other).exists()
    client.force_login(outsider)
    page = client.get(reverse("my-suggestions")).content.decode()
    assert "Mentor 01" not in page and "not a mentee in any active program" in page


def test_a_mentee_with_a_published_match_sees_their_mentor_and_why(client, program, mentee):
    me = Participant.objects.get(user=mentee)
    chosen = cohort.mentor(program, 1)
    Mentorship.objects.create(
        organization=program.organization,
        program=program,
        mentor=chosen,
        mentee=me,
        source="matching",
        explanation="1 of 1 wanted skill: SQL",
    )
    client.force_login(mentee)
    page = client.get(reverse("my-suggestions")).content.decode()
    assert f"Your mentor is <strong>{chosen.display_name}</strong>" in page
    assert "Why you were matched:</span> 1 of 1 wanted skill: SQL" in page
