"""A closed program is read-only: every service that changes its data refuses, one test per
service, with the one message of ``program_writable`` (409, code ``program_closed``), and
nothing changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from journal.models import Goal, Note
from journal.services import goals, notes
from matching import services as matching
from matching.models import MatchProposal, MatchRun, PairRule
from mentoring.models import ImportJob, Invitation, Mentorship, Participant, Program, Question
from mentoring.services import imports, invitations, mentorships, profiles, programs, questions
from mentoring.services.writable import ProgramClosed
from scheduling.models import Feedback, SchedulingPolicy, Session
from scheduling.services import feedback as feedback_services
from scheduling.services import sessions
from scheduling.services.policy import policy_for, policy_update
from tests.journal.conftest import make_session
from tests.journal.factories import GoalFactory, NoteFactory
from tests.mentoring.factories import UserFactory


@dataclass
class World:
    program: Program
    admin: object
    mentor: object
    mentee: object
    pair: Mentorship
    free_mentor: Participant
    free_mentee: Participant
    invited: Participant
    invitation: Invitation
    token: str
    question: Question
    job: ImportJob
    run: MatchRun
    proposal: MatchProposal
    rule: PairRule
    session: Session
    past_session: Session
    goal: Goal
    note: Note

    def fresh(self, model, pk):
        return model.objects.get(pk=pk)


def _snapshot() -> dict:
    return {
        "participants": sorted(Participant.objects.values_list("pk", "status", "full_name")),
        "invitations": sorted(Invitation.objects.values_list("pk", "status")),
        "questions": sorted(Question.objects.values_list("pk", "label", "position")),
        "imports": sorted(ImportJob.objects.values_list("pk", "status")),
        "runs": sorted(MatchRun.objects.values_list("pk", "status", "published_at")),
        "proposals": sorted(MatchProposal.objects.values_list("pk", "mentor_id", "pinned")),
        "rules": sorted(PairRule.objects.values_list("pk", "kind")),
        "mentorships": sorted(Mentorship.objects.values_list("pk", "status")),
        "sessions": sorted(Session.objects.values_list("pk", "status", "start")),
        "feedback": Feedback.objects.count(),
        "policy": sorted(SchedulingPolicy.objects.values_list("pk", "horizon_days")),
        "goals": sorted(Goal.objects.values_list("pk", "title", "status")),
        "notes": sorted(Note.objects.values_list("pk", "body")),
        "program": list(Program.objects.values_list("name", "weights", "status")),
    }


@pytest.fixture
def world(program, hr_admin, mentor, mentee, pair) -> World:
    free_mentor = Participant.objects.create(
        organization=program.organization, program=program, email="free-mentor@acme.test", role="mentor",
        status="active", user=UserFactory(email="free-mentor@acme.test"),
    )  # fmt: skip
    free_mentee = Participant.objects.create(
        organization=program.organization, program=program, email="free-mentee@acme.test", role="mentee",
        status="active", user=UserFactory(email="free-mentee@acme.test"),
    )  # fmt: skip
    invited = Participant.objects.create(
        organization=program.organization, program=program, email="new@acme.test", role="mentee"
    )
    Participant.objects.create(
        organization=program.organization, program=program, email="not-yet@acme.test", role="mentee"
    )  # never invited: the bulk invite would pick them
    token, token_hash = invitations.token_new()
    invitation = Invitation.objects.create(
        organization=program.organization, participant=invited, token_hash=token_hash, status="sent",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )  # fmt: skip
    question = Question.objects.create(
        organization=program.organization, program=program, key="q", label="Q", kind="text"
    )
    Question.objects.create(
        organization=program.organization, program=program, key="q2", label="Q2", kind="text", position=1
    )
    job = imports.import_preview(
        program=program, uploaded_by=hr_admin, filename="a.csv", data=b"email,role\nx@acme.test,mentee\n"
    )
    run = MatchRun.objects.create(organization=program.organization, program=program, status="done", stats={})
    proposal = MatchProposal.objects.create(
        organization=program.organization, run=run, mentee=free_mentee, mentor=free_mentor, score=50
    )
    rule = PairRule.objects.create(
        organization=program.organization, program=program, mentee=free_mentee, mentor=free_mentor, kind="forbid"
    )
    policy_for(program)
    session = make_session(pair)
    past = make_session(pair, start="2026-01-05T09:00Z", end="2026-01-05T10:00Z", status="completed")
    goal = GoalFactory(mentorship=pair)
    note = NoteFactory(mentorship=pair, author=mentee)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.CLOSED)
    return World(
        program=Program.objects.get(pk=program.pk), admin=hr_admin, mentor=mentor, mentee=mentee,
        pair=Mentorship.objects.get(pk=pair.pk), free_mentor=free_mentor, free_mentee=free_mentee,
        invited=invited, invitation=invitation, token=token, question=question, job=job, run=run,
        proposal=proposal, rule=rule, session=session, past_session=past, goal=goal, note=note,
    )  # fmt: skip


def _p(w: World) -> Program:
    return Program.objects.get(pk=w.program.pk)


WRITES = {
    # mentoring: the program and its participants
    "program_update": lambda w: programs.program_update(program=_p(w), name="Renamed"),
    "participant_add": lambda w: programs.participant_add(
        program=_p(w), actor=w.admin, email="z@acme.test", role="mentee"
    ),
    "participant_remove_bulk": lambda w: programs.participant_remove_bulk(
        program=_p(w), participant_ids=[w.invited.pk]
    ),
    "participant_update_profile": lambda w: profiles.participant_update_profile(
        participant=w.fresh(Participant, w.free_mentee.pk), actor=w.admin, data={"full_name": "New name"}
    ),
    # imports
    "import_preview": lambda w: imports.import_preview(
        program=_p(w), uploaded_by=w.admin, filename="b.csv", data=b"email,role\ny@acme.test,mentee\n"
    ),
    "import_submit": lambda w: imports.import_submit(
        program=_p(w), uploaded_by=w.admin, filename="b.csv", data=b"email,role\ny@acme.test,mentee\n"
    ),
    "import_confirm": lambda w: imports.import_confirm(job=w.fresh(ImportJob, w.job.pk), actor=w.admin),
    "import_retry": lambda w: imports.import_retry(job=w.fresh(ImportJob, w.job.pk), actor=w.admin),
    # invitations
    "invitation_issue_bulk": lambda w: invitations.invitation_issue_bulk(
        participants=[w.fresh(Participant, w.invited.pk), Participant.objects.get(email="not-yet@acme.test")],
        invited_by=w.admin,
    ),
    "invitation_resend": lambda w: invitations.invitation_resend(
        participant=w.fresh(Participant, w.invited.pk), actor=w.admin
    ),
    "invitation_resend_bulk": lambda w: invitations.invitation_resend_bulk(program=_p(w), actor=w.admin),
    "invitation_revoke": lambda w: invitations.invitation_revoke(
        invitation=w.fresh(Invitation, w.invitation.pk), actor=w.admin
    ),
    "invitation_accept": lambda w: invitations.invitation_accept(
        token=w.token, user=UserFactory(email="new@acme.test")
    ),
    "invitation_accept_with_signup": lambda w: invitations.invitation_accept_with_signup(
        token=w.token, full_name="New Person", password="a-long-enough-password-1"
    ),
    # questions
    "question_create": lambda w: questions.question_create(program=_p(w), label="New?", kind="text"),
    "question_update": lambda w: questions.question_update(
        question=w.fresh(Question, w.question.pk), label="Changed", kind="text", audience="both", required=False
    ),
    "question_delete": lambda w: questions.question_delete(question=w.fresh(Question, w.question.pk)),
    "question_reorder": lambda w: questions.question_reorder(
        program=_p(w), order=list(reversed(Question.objects.values_list("pk", flat=True)))
    ),
    "question_move": lambda w: questions.question_move(question=w.fresh(Question, w.question.pk), direction="down"),
    # matching
    "matching_settings_update": lambda w: matching.matching_settings_update(program=_p(w), weights={}, rules={}),
    "match_run_create": lambda w: matching.match_run_create(program=_p(w), actor=w.admin),
    "match_run_rerun": lambda w: matching.match_run_rerun(run=w.fresh(MatchRun, w.run.pk), actor=w.admin),
    "proposal_pin": lambda w: matching.proposal_pin(proposal=w.fresh(MatchProposal, w.proposal.pk), actor=w.admin),
    "proposal_unpin": lambda w: matching.proposal_unpin(proposal=w.fresh(MatchProposal, w.proposal.pk)),
    "proposal_forbid": lambda w: matching.proposal_forbid(
        proposal=w.fresh(MatchProposal, w.proposal.pk), actor=w.admin
    ),
    "proposal_swap": lambda w: matching.proposal_swap(
        proposal=w.fresh(MatchProposal, w.proposal.pk), mentor_id=w.pair.mentor_id, actor=w.admin
    ),
    "pair_rule_delete": lambda w: matching.pair_rule_delete(rule=w.fresh(PairRule, w.rule.pk)),
    "match_run_publish": lambda w: matching.match_run_publish(run=w.fresh(MatchRun, w.run.pk), actor=w.admin),
    # mentorships: publishing, accepted requests and offers, pairs added by hand all go through here
    "mentorship_create": lambda w: mentorships.mentorship_create(
        program=_p(w), mentor=w.free_mentor, mentee=w.free_mentee, source="admin", actor=w.admin
    ),
    # scheduling
    "session_book": lambda w: sessions.session_book(
        mentorship=Mentorship.objects.select_related("program", "mentor", "mentee").get(pk=w.pair.pk),
        start=dt.datetime(2099, 2, 2, 9, tzinfo=dt.UTC),
        actor=w.mentee,
    ),
    "session_reschedule": lambda w: sessions.session_reschedule(
        session=w.fresh(Session, w.session.pk), start=dt.datetime(2099, 2, 2, 9, tzinfo=dt.UTC), actor=w.mentee
    ),
    "session_cancel": lambda w: sessions.session_cancel(session=w.fresh(Session, w.session.pk), actor=w.mentee),
    "session_report_no_show": lambda w: sessions.session_report_no_show(
        session=w.fresh(Session, w.past_session.pk), actor=w.mentee
    ),
    "feedback_submit": lambda w: feedback_services.feedback_submit(
        session=w.fresh(Session, w.past_session.pk), actor=w.mentee, rating=5
    ),
    "policy_update": lambda w: policy_update(
        policy=SchedulingPolicy.objects.get(program=w.program), data={"horizon_days": 30}
    ),
    # goals and notes
    "goal_create": lambda w: goals.goal_create(mentorship=w.fresh(Mentorship, w.pair.pk), actor=w.mentee, title="New"),
    "goal_update": lambda w: goals.goal_update(goal=w.fresh(Goal, w.goal.pk), actor=w.mentee, status="done"),
    "goal_delete": lambda w: goals.goal_delete(goal=w.fresh(Goal, w.goal.pk), actor=w.mentee),
    "note_create": lambda w: notes.note_create(mentorship=w.fresh(Mentorship, w.pair.pk), actor=w.mentee, body="New"),
    "note_update": lambda w: notes.note_update(note=w.fresh(Note, w.note.pk), actor=w.mentee, body="Changed"),
    "note_delete": lambda w: notes.note_delete(note=w.fresh(Note, w.note.pk), actor=w.mentee),
}


@pytest.mark.parametrize("service", sorted(WRITES), ids=sorted(WRITES))
def test_every_write_service_refuses_on_a_closed_program(world, service):
    if service == "import_retry":
        ImportJob.objects.filter(pk=world.job.pk).update(status="failed", queued_at=timezone.now())
    before = _snapshot()
    with pytest.raises(ProgramClosed, match="Acme Mentoring 2027 is closed, so it is read-only") as e:
        WRITES[service](world)
    assert e.value.status_code == 409
    assert e.value.code == "program_closed"
    assert _snapshot() == before


def test_an_import_confirmed_before_closing_fails_in_the_worker_with_the_reason(program, hr_admin):
    job = imports.import_preview(
        program=program, uploaded_by=hr_admin, filename="a.csv", data=b"email,role\nx@acme.test,mentee\n"
    )
    ImportJob.objects.filter(pk=job.pk).update(status="queued", queued_at=timezone.now())
    Program.objects.filter(pk=program.pk).update(status=Program.Status.CLOSED)
    job = imports.import_apply(job_id=job.pk)
    assert job.status == "failed"
    assert (
        job.error
        == "Acme Mentoring 2027 is closed, so it is read-only: nothing in it can be changed any more. Nothing was imported."
    )
    assert not Participant.objects.filter(email="x@acme.test").exists()


def test_the_api_answers_409_with_the_code(client, hr_admin, program):
    from rest_framework.test import APIClient

    Program.objects.filter(pk=program.pk).update(status=Program.Status.CLOSED)
    api = APIClient()
    api.force_authenticate(hr_admin)
    response = api.patch(f"/api/programs/{program.pk}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "program_closed"
