"""The mentorship lifecycle: an admin adds a pair by hand (the engine's hard rules, the one
capacity lock) or rematches an unmatched mentee; every new mentorship introduces both people
once; either person or an admin ends it with a reason, the other side is told and the pair's
future sessions are cancelled with a CANCEL invite."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from matching.models import PairRule
from matching.services import mentorships as services
from matching.tasks import mentorship_ended_notify_task, mentorships_introduce_task
from mentoring.models import Mentorship, Participant, Program
from mentoring.services.mentorships import mentorship_create
from scheduling.models import Session
from scheduling.services.sessions import session_book
from tests.matching import cohort
from tests.mentoring.factories import MembershipFactory, UserFactory
from tests.scheduling.helpers import make_pair
from tests.scheduling.test_invites import upcoming_tuesday_9_berlin
from turazo.core.errors import Conflict, PermissionDenied, ValidationFailed


@pytest.fixture
def people(program):
    program.status = Program.Status.ACTIVE
    program.save(update_fields=["status"])
    mentees = [cohort.mentee(program, i, languages=["english"]) for i in range(3)]
    mentors = [cohort.mentor(program, i, capacity=1, languages=["english"]) for i in range(2)]
    return mentees, mentors


def _add(program, mentor, mentee, actor, capture):
    with capture(execute=True):
        return services.mentorship_add_pair(program=program, mentor_id=mentor.pk, mentee_id=mentee.pk, actor=actor)


# --- adding a pair by hand ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_adds_a_pair_and_both_get_one_introduction(
    program, people, hr_admin, django_capture_on_commit_callbacks
):
    (mentee, *_), (mentor, _) = people
    m = _add(program, mentor, mentee, hr_admin, django_capture_on_commit_callbacks)
    assert m.source == Mentorship.Source.ADMIN
    assert m.created_by == hr_admin
    assert m.score is not None
    assert m.explanation
    assert sorted(e.to[0] for e in mail.outbox) == sorted([mentee.email, mentor.email])
    to_mentee = next(e for e in mail.outbox if e.to == [mentee.email])
    assert to_mentee.subject == f"Your mentor in {program.name}: {mentor.display_name}"
    assert "Book your first session" in to_mentee.alternatives[0][0]
    assert f"/mentorships/{m.pk}/book/" in to_mentee.body
    assert mentor.expertise[:20] in to_mentee.body  # the other person's profile summary
    assert m.explanation in to_mentee.body  # why they were matched


@pytest.mark.django_db
def test_an_introduction_is_sent_once_even_when_the_task_runs_twice(
    program, people, hr_admin, django_capture_on_commit_callbacks
):
    (mentee, *_), (mentor, _) = people
    m = _add(program, mentor, mentee, hr_admin, django_capture_on_commit_callbacks)
    assert mentorships_introduce_task([m.pk]) == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_pair_without_a_shared_language_is_refused_with_the_reason(program, people, hr_admin):
    (mentee, *_), (mentor, _) = people
    Participant.objects.filter(pk=mentor.pk).update(languages=["german"])
    with pytest.raises(ValidationFailed) as e:
        services.mentorship_add_pair(program=program, mentor_id=mentor.pk, mentee_id=mentee.pk, actor=hr_admin)
    assert e.value.message == f"{mentor.display_name} and {mentee.display_name} share no language."
    assert Mentorship.objects.count() == 0


@pytest.mark.django_db
def test_a_mentee_cannot_be_paired_with_their_own_manager(program, people, hr_admin):
    (mentee, *_), (mentor, _) = people
    Participant.objects.filter(pk=mentee.pk).update(manager_email=mentor.email)
    with pytest.raises(ValidationFailed) as e:
        services.mentorship_add_pair(program=program, mentor_id=mentor.pk, mentee_id=mentee.pk, actor=hr_admin)
    assert e.value.message == (
        f"{mentor.display_name} is {mentee.display_name}'s manager: a mentee cannot be mentored by their own manager."
    )
    assert Mentorship.objects.count() == 0


@pytest.mark.django_db
def test_a_forbidden_pair_cannot_be_added(program, people, hr_admin):
    (mentee, *_), (mentor, _) = people
    PairRule.objects.create(
        organization=program.organization, program=program, mentee=mentee, mentor=mentor, kind=PairRule.Kind.FORBID
    )
    with pytest.raises(ValidationFailed) as e:
        services.mentorship_add_pair(program=program, mentor_id=mentor.pk, mentee_id=mentee.pk, actor=hr_admin)
    assert e.value.message == (
        f"An admin forbade the pair {mentor.display_name} → {mentee.display_name} on the matching page; "
        "remove that rule first."
    )
    assert Mentorship.objects.count() == 0


@pytest.mark.django_db
def test_a_full_mentor_is_a_conflict(program, people, hr_admin, django_capture_on_commit_callbacks):
    (first, second, _), (mentor, _) = people
    _add(program, mentor, first, hr_admin, django_capture_on_commit_callbacks)
    with pytest.raises(Conflict) as e:
        services.mentorship_add_pair(program=program, mentor_id=mentor.pk, mentee_id=second.pk, actor=hr_admin)
    assert e.value.message == f"{mentor.display_name} has no free place left."
    assert Mentorship.objects.count() == 1


@pytest.mark.django_db
def test_a_mentee_with_a_mentor_is_a_conflict_that_names_the_mentor(
    program, people, hr_admin, django_capture_on_commit_callbacks
):
    (mentee, *_), (mentor, other) = people
    _add(program, mentor, mentee, hr_admin, django_capture_on_commit_callbacks)
    with pytest.raises(Conflict) as e:
        services.mentorship_add_pair(program=program, mentor_id=other.pk, mentee_id=mentee.pk, actor=hr_admin)
    assert e.value.message == (
        f"{mentee.display_name} already has a mentor ({mentor.display_name}); end that mentorship first."
    )


@pytest.mark.django_db
def test_someone_not_active_in_the_role_is_refused(program, people, hr_admin):
    (mentee, *_), (mentor, _) = people
    with pytest.raises(ValidationFailed) as e:
        services.mentorship_add_pair(program=program, mentor_id=mentee.pk, mentee_id=mentor.pk, actor=hr_admin)
    assert e.value.message == f"Choose an active mentor of {program.name}."
    Participant.objects.filter(pk=mentee.pk).update(status=Participant.Status.INVITED)
    with pytest.raises(ValidationFailed) as e:
        services.mentorship_add_pair(program=program, mentor_id=mentor.pk, mentee_id=mentee.pk, actor=hr_admin)
    assert e.value.message == f"Choose an active mentee of {program.name}."
    assert Mentorship.objects.count() == 0


@pytest.mark.django_db
def test_a_closed_program_takes_no_new_pairs(program, people, hr_admin):
    (mentee, *_), (mentor, _) = people
    Program.objects.filter(pk=program.pk).update(status=Program.Status.CLOSED)
    program.refresh_from_db()
    with pytest.raises(Conflict) as e:
        services.mentorship_add_pair(program=program, mentor_id=mentor.pk, mentee_id=mentee.pk, actor=hr_admin)
    assert e.value.message == (
        f"{program.name} is closed: pairs can be added while it is enrolling, matching or active."
    )


@pytest.mark.django_db
def test_rematch_lists_only_valid_mentors_with_a_free_place_best_first(
    program, people, hr_admin, django_capture_on_commit_callbacks
):
    (first, second, _), (full, free) = people
    _add(program, full, first, hr_admin, django_capture_on_commit_callbacks)
    candidates = services.rematch_candidates(program=program, mentee=second)
    assert [c.mentor.pk for c in candidates] == [free.pk]
    assert candidates[0].free == 1
    assert candidates[0].explanation


# --- ending --------------------------------------------------------------------------------


@pytest.fixture
def pair(program, mentor, mentee):
    return make_pair(
        program, mentor_user=mentor, mentee_user=mentee, mentor_zone="Europe/Berlin", mentee_zone="America/New_York"
    )


@pytest.mark.django_db
def test_the_mentee_ends_with_a_reason_and_only_the_mentor_is_told(
    pair, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_end_by(mentorship=pair, actor=mentee, admin=False, reason="Changed teams")
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ENDED
    assert pair.end_reason == "Changed teams"
    assert pair.ended_by == mentee
    assert [e.to for e in mail.outbox] == [[pair.mentor.user.email]]
    assert mail.outbox[0].subject == (
        f"Your mentorship with {pair.mentee.display_name} in {pair.program.name} has ended"
    )
    assert "Reason: Changed teams" in mail.outbox[0].body
    assert mentorship_ended_notify_task(pair.pk) == 0  # never twice
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_admin_ending_tells_both(pair, hr_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_end_by(mentorship=pair, actor=hr_admin, admin=True, reason="Program restructured")
    assert sorted(e.to[0] for e in mail.outbox) == sorted([pair.mentor.user.email, pair.mentee.user.email])
    assert "Your HR team (Helen HR) ended your mentorship" in mail.outbox[0].body


@pytest.mark.django_db
def test_someone_else_cannot_end_it_and_nothing_changes(pair, program):
    stranger = UserFactory()
    MembershipFactory(user=stranger, organization=program.organization)
    with pytest.raises(PermissionDenied):
        services.mentorship_end_by(mentorship=pair, actor=stranger, admin=False, reason="x")
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ACTIVE


@pytest.mark.django_db
def test_ending_twice_says_when_it_ended(pair, mentee):
    services.mentorship_end_by(mentorship=pair, actor=mentee, admin=False)
    with pytest.raises(Conflict) as e:
        services.mentorship_end_by(mentorship=pair, actor=mentee, admin=False)
    assert e.value.message.startswith("This mentorship already ended on ")


@pytest.mark.django_db
def test_ending_cancels_future_sessions_and_sends_cancel_invites(pair, mentee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        session = session_book(mentorship=pair, start=upcoming_tuesday_9_berlin(), actor=mentee)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_end_by(mentorship=pair, actor=mentee, admin=False, reason="Moving on")
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.cancel_reason == "The mentorship ended. Moving on"
    invites = [e for e in mail.outbox if "text/calendar; method=CANCEL" in [a[1] for a in e.alternatives]]
    assert sorted(e.to[0] for e in invites) == sorted([pair.mentor.user.email, pair.mentee.user.email])


@pytest.mark.django_db
def test_an_admin_ending_also_cancels_sessions(pair, mentee, hr_admin, django_capture_on_commit_callbacks):
    session = session_book(mentorship=pair, start=upcoming_tuesday_9_berlin(), actor=mentee)
    services.mentorship_end_by(mentorship=pair, actor=hr_admin, admin=True)
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.cancelled_by == hr_admin


# --- concurrency (Postgres) ----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_adding_the_last_place_get_one_mentorship(program, hr_admin):
    program.status = Program.Status.ACTIVE
    program.save(update_fields=["status"])
    mentees = [cohort.mentee(program, i, languages=["english"]) for i in range(2)]
    mentor = cohort.mentor(program, 0, capacity=1, languages=["english"])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def add(mentee: Participant) -> None:
        try:
            barrier.wait()
            services.mentorship_add_pair(program=program, mentor_id=mentor.pk, mentee_id=mentee.pk, actor=hr_admin)
            outcomes.append("created")
        except Conflict as e:
            outcomes.append(e.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(m,)) for m in mentees]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == sorted(["created", f"{mentor.display_name} has no free place left."])
    assert Mentorship.objects.filter(mentor=mentor, status="active").count() == 1


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def admin(client, hr_admin):
    client.force_login(hr_admin)
    return client


@pytest.mark.django_db
def test_the_admin_adds_a_pair_from_the_page_and_sees_it_listed(
    admin, program, people, django_capture_on_commit_callbacks
):
    (mentee, *_), (mentor, _) = people
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("program-mentorship-add", args=[program.pk]), {"mentor": mentor.pk, "mentee": mentee.pk}
        )
    assert response.status_code == 302
    page = admin.get(reverse("program-mentorships", args=[program.pk]))
    assert mentee.display_name in page.content.decode()
    assert "Added by an admin" in page.content.decode()


@pytest.mark.django_db
def test_a_refused_pair_on_the_page_shows_the_reason_and_saves_nothing(admin, program, people):
    (mentee, *_), (mentor, _) = people
    Participant.objects.filter(pk=mentor.pk).update(languages=["german"])
    response = admin.post(
        reverse("program-mentorship-add", args=[program.pk]), {"mentor": mentor.pk, "mentee": mentee.pk}
    )
    assert response.status_code == 400
    assert "share no language" in response.content.decode()
    assert Mentorship.objects.count() == 0


@pytest.mark.django_db
def test_rematch_page_lists_candidates_for_an_unmatched_mentee(admin, program, people):
    (mentee, *_), (mentor, other) = people
    response = admin.get(reverse("program-mentorship-add", args=[program.pk]) + f"?mentee={mentee.pk}")
    assert response.status_code == 200
    assert {c.mentor.pk for c in response.context["candidates"]} == {mentor.pk, other.pk}
    assert f"Find a mentor for {mentee.display_name}" in response.content.decode()


@pytest.mark.django_db
def test_the_unmatched_filter_lists_mentees_without_a_mentor(
    admin, program, people, hr_admin, django_capture_on_commit_callbacks
):
    (first, second, third), (mentor, _) = people
    _add(program, mentor, first, hr_admin, django_capture_on_commit_callbacks)
    response = admin.get(reverse("program-mentorships", args=[program.pk]) + "?show=unmatched")
    assert [p.pk for p in response.context["page"].object_list] == [second.pk, third.pk]
    assert response.context["counts"].matched == 1


@pytest.mark.django_db
def test_the_admin_ends_a_mentorship_from_the_page(admin, pair, django_capture_on_commit_callbacks):
    url = reverse("program-mentorship-end", args=[pair.program_id, pair.pk])
    assert admin.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, {"reason": "Left the company"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.end_reason == "Left the company"
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_mentee_ends_from_their_page(client, pair, mentee, django_capture_on_commit_callbacks):
    client.force_login(mentee)
    url = reverse("mentorship-end", args=[pair.pk])
    page = client.get(url)
    assert f"End your mentorship with {pair.mentor.display_name}?" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Goals reached"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ENDED


@pytest.mark.django_db
def test_a_colleague_gets_404_on_someone_elses_end_page_and_nothing_changes(client, pair, program):
    colleague = UserFactory()
    MembershipFactory(user=colleague, organization=program.organization)
    client.force_login(colleague)
    assert client.get(reverse("mentorship-end", args=[pair.pk])).status_code == 404
    assert client.post(reverse("mentorship-end", args=[pair.pk]), {"reason": "x"}).status_code == 404
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ACTIVE


@pytest.mark.django_db
def test_a_pair_of_another_program_is_404_under_this_program(admin, pair, organization):
    other = Program.objects.create(
        organization=organization, name="Other", start_date=pair.program.start_date, end_date=pair.program.end_date
    )
    url = reverse("program-mentorship-end", args=[other.pk, pair.pk])
    assert admin.get(url).status_code == 404
    assert admin.post(url, {"reason": "x"}).status_code == 404
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ACTIVE


@pytest.mark.django_db
def test_the_csv_export_is_formula_safe(admin, program, people, hr_admin):
    (mentee, *_), (mentor, _) = people
    Participant.objects.filter(pk=mentee.pk).update(full_name="=HYPERLINK(1)")
    mentorship_create(program=program, mentor=mentor, mentee=mentee, source="admin", actor=hr_admin)
    response = admin.get(reverse("program-mentorships-export", args=[program.pk]))
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(1)" in body
    assert body.splitlines()[0].lstrip("\ufeff").startswith("mentor,mentor_email,mentee")


@pytest.mark.django_db
def test_the_participants_table_filters_matched_and_shows_the_mentor(admin, program, people, hr_admin):
    (mentee, other, _), (mentor, _) = people
    mentorship_create(program=program, mentor=mentor, mentee=mentee, source="admin", actor=hr_admin)
    response = admin.get(reverse("participant-list", args=[program.pk]) + "?matched=unmatched&role=mentee")
    shown = [p.pk for p in response.context["page"].object_list]
    assert mentee.pk not in shown
    assert other.pk in shown
    matched = admin.get(reverse("participant-list", args=[program.pk]) + "?matched=matched&role=mentee")
    (row,) = matched.context["page"].object_list
    assert row.current_mentor == mentor.full_name


def _grow(program, hr_admin, n: int) -> None:
    start = Participant.objects.filter(program=program).count()
    for i in range(start, start + n):
        me = cohort.mentee(program, 100 + i, languages=["english"])
        mo = cohort.mentor(program, 100 + i, capacity=1, languages=["english"])
        mentorship_create(program=program, mentor=mo, mentee=me, source="admin", actor=hr_admin)
        cohort.mentee(program, 500 + i, languages=["english"])  # one unmatched


@pytest.mark.django_db
@pytest.mark.parametrize("show", ["matched", "unmatched", "ended"])
def test_the_mentorships_page_runs_a_fixed_number_of_queries(
    admin, program, hr_admin, show
):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    _grow(program, hr_admin, 2)
    url = reverse("program-mentorships", args=[program.pk]) + f"?show={show}"
    with CaptureQueriesContext(conn) as small:
        assert admin.get(url).status_code == 200
    _grow(program, hr_admin, 10)
    with CaptureQueriesContext(conn) as big:
        assert admin.get(url).status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)
