"""Match runs: queued → running → done in the background, progress, cancel, failure, loading rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from matching import selectors, services
from matching.models import MatchProposal, MatchRun, UnmatchedMentee
from matching.services import runs
from mentoring.models import Mentorship, Participant
from tests.matching import cohort
from tests.matching.factories import MatchRunFactory, PairRuleFactory
from tests.mentoring.factories import ParticipantFactory
from turazo.core.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db


def _run(program, hr_admin, capture, **kw) -> MatchRun:
    with capture(execute=True):
        run = services.match_run_create(program=program, actor=hr_admin, **kw)
    run.refresh_from_db()
    return run


def test_a_run_is_queued_with_a_snapshot_of_the_settings_and_executed_after_commit(
    program, hr_admin, django_capture_on_commit_callbacks
):
    cohort.cohort(program)
    program.weights = {"skills": 4.0}
    program.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.match_run_create(program=program, actor=hr_admin)
    assert run.status == MatchRun.Status.QUEUED
    assert run.weights["skills"] == 4.0 and run.weights["goals"] == 1.0
    assert run.rules["department"] == "different"
    assert MatchProposal.objects.count() == 0
    for callback in callbacks:
        callback()
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE
    assert (run.stage, run.progress) == ("", 100)
    assert run.started_at <= run.finished_at
    assert set(run.timings) >= {"loading", "scoring", "assigning", "saving", "total"}


def test_a_done_run_has_one_proposal_per_matched_mentee_with_an_explanation_and_statistics(
    program, hr_admin, django_capture_on_commit_callbacks
):
    mentees, mentors = cohort.cohort(program, mentees=6, mentors=3, capacity=2)
    run = _run(program, hr_admin, django_capture_on_commit_callbacks)
    proposals = list(run.proposals.all())
    assert len(proposals) == 6
    assert {p.mentee_id for p in proposals} == {m.pk for m in mentees}
    assert all(p.explanation and "shared working hours" in p.explanation for p in proposals)
    assert max(sum(p.mentor_id == m.pk for p in proposals) for m in mentors) <= 2
    scores = [p.score for p in proposals]
    assert run.stats["matched"] == 6 and run.stats["unmatched"] == 0
    assert run.stats["min_score"] == min(scores)
    assert run.stats["total_score"] == pytest.approx(sum(scores), abs=0.01)
    assert sum(run.stats["histogram"]) == 6


def test_every_unmatched_mentee_gets_a_reason(program, hr_admin, django_capture_on_commit_callbacks):
    cohort.cohort(program, mentees=4, mentors=1, capacity=2)
    loner = cohort.mentee(program, 9, languages=["japanese"])
    run = _run(program, hr_admin, django_capture_on_commit_callbacks)
    unmatched = {u.mentee_id: u for u in run.unmatched.all()}
    assert run.stats["matched"] == 2 and len(unmatched) == 3
    assert unmatched[loner.pk].code == "no_language"
    assert unmatched[loner.pk].reason == "no mentor shares a language: Japanese"
    assert all(u.reason for u in unmatched.values())
    assert {u.code for u in unmatched.values() if u.mentee_id != loner.pk} == {"capacity"}


def test_only_active_people_take_part_and_existing_mentorships_use_capacity(program):
    mentees, mentors = cohort.cohort(program, mentees=3, mentors=2, capacity=2)
    ParticipantFactory(program=program, role="mentee", status=Participant.Status.INVITED)
    ParticipantFactory(program=program, role="mentor", status=Participant.Status.REMOVED)
    Mentorship.objects.create(
        organization=program.organization, program=program, mentor=mentors[0], mentee=mentees[0], source="admin"
    )
    loaded = selectors.match_input_for_program(program, weights={}, rules={})
    assert [p.id for p in loaded.input.mentees] == [mentees[1].pk, mentees[2].pk]
    assert {p.id: p.capacity for p in loaded.input.mentors} == {mentors[0].pk: 1, mentors[1].pk: 2}


def test_program_weights_and_question_rules_reach_the_engine():
    weights = selectors.engine_weights({"skills": 3, "q:format": 2})
    rules = selectors.engine_rules({"min_score": 40, "department": "same", "q:format": "different"})
    assert (weights.skills, weights.goals, dict(weights.questions)) == (3.0, 1.0, {"format": 2.0})
    assert (rules.min_score, rules.department, dict(rules.questions)) == (40.0, "same", {"format": "different"})


def test_progress_is_reported_by_stage_and_only_moves_forward(program, hr_admin, monkeypatch):
    cohort.cohort(program)
    run = services.match_run_create(program=program, actor=hr_admin)  # on_commit never fires here
    seen: list[tuple[str, int]] = []
    monkeypatch.setattr(runs, "PROGRESS_EVERY_S", 0.0)
    real_progress = runs._Reporter.progress

    def record(self, stage, fraction):
        real_progress(self, stage, fraction)
        row = MatchRun.objects.values_list("stage", "progress").get(pk=run.pk)
        seen.append(row)

    monkeypatch.setattr(runs._Reporter, "progress", record)
    services.match_run_execute(run_id=run.pk)
    stages = [s for s, _ in seen]
    assert stages[0] == "loading"
    assert "scoring" in stages
    assert "assigning" in stages
    assert stages[-1] == "saving"
    percents = [p for _, p in seen]
    assert percents == sorted(percents)
    assert percents[-1] >= 90


def test_cancelling_a_queued_run_stops_it_before_it_starts(program, hr_admin):
    cohort.cohort(program)
    run = services.match_run_create(program=program, actor=hr_admin)
    services.match_run_cancel(run=run)
    assert services.match_run_execute(run_id=run.pk) is None
    run.refresh_from_db()
    assert run.status == MatchRun.Status.CANCELLED
    assert MatchProposal.objects.count() == 0


def test_a_running_run_that_is_cancelled_stops_and_saves_no_proposals(program, hr_admin, monkeypatch):
    cohort.cohort(program)
    run = services.match_run_create(program=program, actor=hr_admin)
    load = selectors.match_input_for_program

    def load_then_cancel(*args, **kwargs):
        loaded = load(*args, **kwargs)
        services.match_run_cancel(run=MatchRun.objects.get(pk=run.pk))  # the admin clicks Cancel meanwhile
        return loaded

    monkeypatch.setattr(selectors, "match_input_for_program", load_then_cancel)
    monkeypatch.setattr(runs, "CANCEL_POLL_EVERY_S", 0.0)
    services.match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.CANCELLED
    assert run.finished_at is not None
    assert MatchProposal.objects.count() == 0 and UnmatchedMentee.objects.count() == 0


def test_cancelling_a_finished_run_is_a_conflict(program, hr_admin, django_capture_on_commit_callbacks):
    cohort.cohort(program)
    run = _run(program, hr_admin, django_capture_on_commit_callbacks)
    with pytest.raises(Conflict, match="already done"):
        services.match_run_cancel(run=run)


def test_a_run_with_an_impossible_pin_fails_with_its_error_and_no_proposals(
    program, hr_admin, django_capture_on_commit_callbacks
):
    mentees, mentors = cohort.cohort(program)
    loner = cohort.mentee(program, 9, languages=["japanese"])
    PairRuleFactory(program=program, mentee=loner, mentor=mentors[0], kind="pin")
    run = _run(program, hr_admin, django_capture_on_commit_callbacks)
    assert run.status == MatchRun.Status.FAILED
    assert "breaks a hard rule: no shared language" in run.error
    assert run.error.endswith("Fix it and run again.")
    assert MatchProposal.objects.count() == 0


def test_a_failure_while_saving_leaves_no_half_written_proposals(program, hr_admin, monkeypatch):
    cohort.cohort(program, mentees=5, mentors=1, capacity=2)
    run = services.match_run_create(program=program, actor=hr_admin)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(UnmatchedMentee.objects, "bulk_create", broken)
    services.match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert run.error == "Unexpected error (RuntimeError): disk full"
    assert MatchProposal.objects.filter(run=run).count() == 0


def test_executing_a_run_twice_does_nothing_the_second_time(program, hr_admin, django_capture_on_commit_callbacks):
    cohort.cohort(program)
    run = _run(program, hr_admin, django_capture_on_commit_callbacks)
    assert services.match_run_execute(run_id=run.pk) is None
    assert MatchProposal.objects.filter(run=run).count() == 6


def test_a_second_run_cannot_start_while_one_is_queued(program, hr_admin):
    services.match_run_create(program=program, actor=hr_admin)
    with pytest.raises(Conflict, match="already queued or running"):
        services.match_run_create(program=program, actor=hr_admin)
    assert MatchRun.objects.count() == 1


def test_an_unknown_algorithm_is_rejected(program, hr_admin):
    with pytest.raises(ValidationFailed, match="Unknown algorithm"):
        services.match_run_create(program=program, actor=hr_admin, algorithm="random")
    assert MatchRun.objects.count() == 0


def test_the_stable_algorithm_runs_too(program, hr_admin, django_capture_on_commit_callbacks):
    cohort.cohort(program)
    run = _run(program, hr_admin, django_capture_on_commit_callbacks, algorithm="stable")
    assert (run.status, run.algorithm, run.stats["matched"]) == ("done", "stable", 6)


def test_the_command_runs_matching_and_prints_the_statistics(program, capsys):
    cohort.cohort(program)
    call_command("run_matching", str(program.pk), "--algorithm", "stable")
    out = capsys.readouterr().out
    assert "(Stable (nobody would rather swap)) done in" in out
    assert "matched:     6" in out and "unmatched:   0" in out and "histogram:" in out
    assert MatchRun.objects.get().status == "done"


def test_the_command_can_publish(program, capsys):
    cohort.cohort(program)
    call_command("run_matching", str(program.pk), "--publish")
    assert "Published 6 mentorships" in capsys.readouterr().out
    assert Mentorship.objects.filter(source="matching").count() == 6


def test_the_command_names_an_unknown_program(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no program with id 999"):
        call_command("run_matching", "999")


# --- pages -------------------------------------------------------------------------------------


def test_the_admin_starts_a_run_from_the_settings_page_and_lands_on_it(
    client, program, hr_admin, django_capture_on_commit_callbacks
):
    cohort.cohort(program)
    client.force_login(hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matchrun-list", args=[program.pk]), {"algorithm": "optimal"})
    run = MatchRun.objects.get()
    assert response.url == reverse("matchrun-detail", args=[run.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    assert b"Matched mentees" in page.content and b"Proposed pairs" in page.content


def test_the_progress_partial_polls_while_running_and_asks_for_a_reload_when_done(
    client, program, hr_admin, django_capture_on_commit_callbacks
):
    cohort.cohort(program)
    client.force_login(hr_admin)
    run = services.match_run_create(program=program, actor=hr_admin)
    MatchRun.objects.filter(pk=run.pk).update(status="running", stage="scoring", progress=30)
    url = reverse("matchrun-detail", args=[run.pk]) + "?part=progress"
    partial = client.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert b'aria-valuenow="30"' in partial.content and b"Scoring pairs" in partial.content
    assert b'hx-trigger="every 1s"' in partial.content
    MatchRun.objects.filter(pk=run.pk).update(status="done", progress=100)
    done = client.get(url, headers={"HX-Request": "true"})
    assert (done.status_code, done["HX-Refresh"]) == (204, "true")


def test_a_failed_run_shows_its_error(client, program, hr_admin):
    run = MatchRunFactory(program=program, status="failed", error="The run cannot start: x.")
    client.force_login(hr_admin)
    page = client.get(reverse("matchrun-detail", args=[run.pk]))
    assert b"This run failed." in page.content
    assert b"The run cannot start: x." in page.content


def test_the_admin_cancels_a_run_from_its_page(client, program, hr_admin):
    run = services.match_run_create(program=program, actor=hr_admin)
    client.force_login(hr_admin)
    client.post(reverse("matchrun-cancel", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == "cancelled"


def test_the_run_page_keeps_a_fixed_number_of_queries(
    client, program, hr_admin, django_capture_on_commit_callbacks, django_assert_num_queries
):
    cohort.cohort(program, mentees=4, mentors=2)
    small = _run(program, hr_admin, django_capture_on_commit_callbacks)
    client.force_login(hr_admin)
    client.get(reverse("matchrun-detail", args=[small.pk]))  # warm the session
    with django_assert_num_queries(10) as ctx:
        client.get(reverse("matchrun-detail", args=[small.pk]))
    n_small = len(ctx.captured_queries)
    for i in range(10, 30):
        cohort.mentee(program, i)
    cohort.mentor(program, 7, capacity=20)
    big = _run(program, hr_admin, django_capture_on_commit_callbacks)
    with django_assert_num_queries(n_small):
        client.get(reverse("matchrun-detail", args=[big.pk]))


def test_an_admin_of_another_organization_gets_404_on_runs(client, program, hr_admin, outsider):
    run = services.match_run_create(program=program, actor=hr_admin)
    client.force_login(outsider)
    for name in ("matchrun-detail", "matchrun-cancel", "matchrun-rerun", "matchrun-publish"):
        method = client.get if name == "matchrun-detail" else client.post
        assert method(reverse(name, args=[run.pk])).status_code == 404, name
    assert client.get(reverse("matching-settings", args=[program.pk])).status_code == 404
    assert client.post(reverse("matchrun-list", args=[program.pk]), {"algorithm": "optimal"}).status_code == 404
    run.refresh_from_db()
    assert run.status == "queued" and MatchRun.objects.count() == 1


def test_mentors_and_mentees_get_403_on_matching_pages(client, program, hr_admin, mentor, mentee):
    run = services.match_run_create(program=program, actor=hr_admin)
    for user in (mentor, mentee):
        client.force_login(user)
        assert client.get(reverse("matching-settings", args=[program.pk])).status_code == 403
        assert client.get(reverse("matchrun-detail", args=[run.pk])).status_code == 403
        assert client.post(reverse("matchrun-cancel", args=[run.pk])).status_code == 403
    run.refresh_from_db()
    assert run.status == "queued"


# --- what the engine sees: program dates, blank profile fields, pins below a threshold ------------


def _new_york_and_london(program) -> tuple[Participant, Participant]:
    common = {"work_start": dt.time(9), "work_end": dt.time(17), "work_days": [0, 1, 2, 3, 4]}
    return (
        cohort.mentee(program, 1, timezone="America/New_York", **common),
        cohort.mentor(program, 1, timezone="Europe/London", **common),
    )


@pytest.mark.parametrize(
    ("start", "end", "hours", "sentence"),
    [
        (dt.date(2025, 1, 6), dt.date(2025, 1, 31), 3.0, "3 h shared working hours"),
        (dt.date(2025, 3, 10), dt.date(2025, 3, 28), 4.0, "4 h shared working hours"),
        (
            dt.date(2025, 3, 3),
            dt.date(2025, 4, 6),
            3.6,
            "3.6 h shared working hours (3–4 h: changes with daylight saving)",
        ),
    ],
)
def test_shared_hours_follow_the_program_dates_across_daylight_saving(
    program, hr_admin, django_capture_on_commit_callbacks, start, end, hours, sentence
):
    program.start_date, program.end_date = start, end
    program.save()
    mentee, mentor = _new_york_and_london(program)
    run = _run(program, hr_admin, django_capture_on_commit_callbacks)
    proposal = run.proposals.get()
    assert proposal.details["shared_hours"] == hours
    assert sentence in proposal.explanation


def test_blank_profile_fields_reach_the_engine_as_unknown_not_as_defaults(program):
    blank = ParticipantFactory(
        program=program, role="mentor", status="active", timezone="", languages=[], work_start=None, work_end=None
    )
    hours_without_days = cohort.mentor(program, 2, work_days=[])
    loaded = selectors.match_input_for_program(program, weights={}, rules={})
    people = {p.id: p for p in loaded.input.mentors}
    assert (people[blank.pk].timezone, people[blank.pk].work_start, people[blank.pk].work_end) == ("", None, None)
    assert people[hours_without_days.pk].work_days == ()
    assert loaded.input.period.start == program.start_date
    assert loaded.input.period.end == program.end_date


def test_a_mentor_with_a_blank_profile_never_outranks_a_relevant_one(
    program, hr_admin, django_capture_on_commit_callbacks
):
    mentee = cohort.mentee(program, 1, goals="I want to get better at kubernetes observability", skills_wanted=[])
    blank = cohort.mentor(program, 1, expertise="", skills_offered=[], capacity=1)
    relevant = cohort.mentor(
        program, 2, expertise="kubernetes, prometheus, observability", skills_offered=[], capacity=1
    )
    Participant.objects.filter(pk__in=[blank.pk, relevant.pk]).update(department="engineering", seniority=4)
    run = _run(program, hr_admin, django_capture_on_commit_callbacks)
    assert run.proposals.get().mentor_id == relevant.pk
    (alternative,) = services.proposal_alternatives(proposal=run.proposals.get())
    assert alternative.mentor.pk == blank.pk
    assert alternative.delta < 0
    assert "no expertise written yet" in alternative.explanation
    assert mentee.pk == run.proposals.get().mentee_id


def test_a_pin_below_the_minimum_shared_hours_is_kept_by_a_run_and_marked(
    program, hr_admin, django_capture_on_commit_callbacks
):
    program.start_date, program.end_date = dt.date(2025, 3, 3), dt.date(2025, 4, 6)
    program.save()
    mentee, mentor = _new_york_and_london(program)
    PairRuleFactory(program=program, mentee=mentee, mentor=mentor, kind="pin")
    run = _run(program, hr_admin, django_capture_on_commit_callbacks, rules={"min_shared_hours": 4, "min_score": 90})
    assert (run.status, run.error) == ("done", "")
    kept = run.proposals.get()
    assert (kept.mentee_id, kept.mentor_id, kept.pinned) == (mentee.pk, mentor.pk, True)
    assert kept.explanation.startswith(
        "pinned by an organiser · below the minimum score of 90 · below the minimum of 4 h shared working hours · "
    )
