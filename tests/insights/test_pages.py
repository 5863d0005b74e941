"""The dashboard, final report, CSV downloads, nudges page and overview as an HR admin sees
them; mentors, mentees and other organizations get nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from insights.models import Nudge
from journal.models import Goal
from mentoring.models import Mentorship, Program
from tests.insights.cohort import build_cohort
from tests.journal.factories import GoalFactory
from tests.mentoring.factories import ParticipantFactory, UserFactory


@pytest.fixture
def cohort(organization):
    return build_cohort(organization, people=40, now=timezone.now(), seed=3)


def new_pair(program) -> Mentorship:
    """A fresh active pair without sessions, both people with accounts."""
    mentor = ParticipantFactory(program=program, role="mentor", status="active", user=UserFactory())
    mentee = ParticipantFactory(program=program, role="mentee", status="active", user=UserFactory())
    return Mentorship.objects.create(
        organization=program.organization, program=program, mentor=mentor, mentee=mentee, source="admin"
    )


@pytest.fixture
def admin_client(client, hr_admin):
    client.force_login(hr_admin)
    return client


def test_dashboard_shows_every_section(admin_client, cohort):
    response = admin_client.get(reverse("program-dashboard", args=[cohort.program.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    for heading in ("Funnel", "Sessions per week", "Match scores", "Feedback", "Mentorship requests", "Quiet pairs"):
        assert heading in body, heading
    assert 'id="dashboard-data"' in body
    assert "<script>" not in body  # CSP: data only, drawn by static/js/dashboard.js


def test_dashboard_accepts_a_period_and_refuses_a_backwards_one(admin_client, cohort):
    url = reverse("program-dashboard", args=[cohort.program.pk])
    ok = admin_client.get(url, {"start": "2027-01-04", "end": "2027-02-28"})
    backwards = admin_client.get(url, {"start": "2027-02-28", "end": "2027-01-04"})
    assert ok.context["d"].period.start.isoformat() == "2027-01-04"
    assert "The end is before the start." in backwards.content.decode()
    assert backwards.context["d"].period.end == timezone.localdate()


@pytest.mark.parametrize("figure", ["funnel", "sessions", "scores", "ratings", "requests", "quiet"])
def test_each_figure_downloads_as_csv_with_the_page_numbers(admin_client, cohort, figure):
    response = admin_client.get(reverse("dashboard-csv", args=[cohort.program.pk]), {"figure": figure})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert len(rows) >= 2


def test_sessions_csv_rows_match_the_chart_data(admin_client, cohort):
    url = reverse("program-dashboard", args=[cohort.program.pk])
    page = admin_client.get(url)
    data = page.context["chart_data"]["sessions"]
    rows = list(
        csv.reader(
            io.StringIO(
                admin_client.get(
                    reverse("dashboard-csv", args=[cohort.program.pk]), {"figure": "sessions"}
                ).content.decode()
            )
        )
    )
    weeks = page.context["d"].weeks
    assert [r[0] for r in rows[1:]] == [w.week.isoformat() for w in weeks]  # the CSV: ISO dates
    assert data["labels"] == [date_format(w.week, "j M") for w in weeks]  # the chart: "12 Oct", as the table
    assert [int(r[1]) for r in rows[1:]] == data["series"][0]["data"]


def test_final_report_of_a_closed_program_covers_the_whole_program(admin_client, cohort):
    program = cohort.program
    Program.objects.filter(pk=program.pk).update(status=Program.Status.CLOSED)
    response = admin_client.get(reverse("program-report", args=[program.pk]))
    body = response.content.decode()
    assert "final report" in body
    assert response.context["d"].period.start == program.start_date
    assert response.context["d"].period.end == program.end_date
    assert "Quiet pairs" not in body  # nobody to nudge in a closed program


def test_final_report_counts_goals_done(admin_client, cohort):
    program = cohort.program
    pairs = list(Mentorship.objects.filter(program=program)[:2])
    GoalFactory(mentorship=pairs[0], status=Goal.Status.DONE, done_at=timezone.now())
    GoalFactory(mentorship=pairs[0], status=Goal.Status.OPEN)
    GoalFactory(mentorship=pairs[1], status=Goal.Status.DONE, done_at=timezone.now())
    Program.objects.filter(pk=program.pk).update(status=Program.Status.CLOSED)
    response = admin_client.get(reverse("program-report", args=[program.pk]))
    goals = response.context["goals"]
    assert (goals.done, goals.total, goals.mentorships_with_goals) == (2, 3, 2)
    assert "of 3 goals done" in response.content.decode()


def test_report_csv_downloads(admin_client, cohort):
    response = admin_client.get(reverse("report-csv", args=[cohort.program.pk]), {"figure": "ratings"})
    assert response.status_code == 200


def test_program_list_leads_active_programs_to_their_dashboard(admin_client, cohort):
    body = admin_client.get(reverse("program-list")).content.decode()
    assert reverse("program-dashboard", args=[cohort.program.pk]) in body


def test_manage_page_stays_reachable_from_the_dashboard(admin_client, cohort):
    body = admin_client.get(reverse("program-dashboard", args=[cohort.program.pk])).content.decode()
    assert reverse("program-detail", args=[cohort.program.pk]) in body


def test_overview_lists_each_program(admin_client, cohort, organization):
    other = Program.objects.create(
        organization=organization, name="Second", start_date=cohort.program.start_date, end_date=cohort.program.end_date
    )
    response = admin_client.get(reverse("organization-overview"))
    names = [p.name for p in response.context["programs"]]
    assert sorted(names) == sorted([cohort.program.name, other.name])


def test_nudge_page_offers_the_three_kinds(admin_client, cohort):
    response = admin_client.get(reverse("program-nudges", args=[cohort.program.pk]))
    assert response.status_code == 200
    assert "?kind=quiet_pair" in response.content.decode()


def test_nudging_from_the_page_records_who_sent_it(
    admin_client, cohort, hr_admin, mailoutbox, django_capture_on_commit_callbacks
):
    program = cohort.program
    pair = new_pair(program)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("program-nudges", args=[program.pk]),
            {"kind": "no_session", "mentorships": [pair.pk], "message": "Hello! Time to meet."},
        )
    nudges = list(Nudge.objects.filter(program=program))
    assert response.status_code == 302
    assert {n.participant_id for n in nudges} == {pair.mentor_id, pair.mentee_id}
    assert {n.sent_by_id for n in nudges} == {hr_admin.pk}
    assert len(mailoutbox) == 2
    assert "Hello! Time to meet." in mailoutbox[0].body
    assert f"/mentorships/{pair.pk}/book/" in mailoutbox[0].body


@pytest.mark.parametrize("name", ["program-dashboard", "program-report", "dashboard-csv", "program-nudges"])
def test_a_mentor_is_refused(client, program, mentor, name):
    client.force_login(mentor)
    assert client.get(reverse(name, args=[program.pk])).status_code == 403


@pytest.mark.parametrize(
    "name", ["program-dashboard", "program-report", "dashboard-csv", "report-csv", "program-nudges"]
)
def test_outsider_gets_404(client, program, outsider, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[program.pk])).status_code == 404


def test_outsider_cannot_nudge(client, cohort, outsider):
    pair = Mentorship.objects.filter(program=cohort.program, status="active").first()
    client.force_login(outsider)
    response = client.post(
        reverse("program-nudges", args=[cohort.program.pk]),
        {"kind": "quiet_pair", "mentorships": [pair.pk], "message": "x"},
    )
    assert response.status_code == 404
    assert Nudge.objects.count() == 0


def test_overview_shows_no_program_of_another_organization(client, cohort, outsider):
    client.force_login(outsider)
    assert client.get(reverse("organization-overview")).context["programs"] == []


def test_dashboard_weeks_use_the_viewers_zone(admin_client, hr_admin, cohort):
    hr_admin.timezone = "Asia/Tokyo"
    hr_admin.save()
    response = admin_client.get(reverse("program-dashboard", args=[cohort.program.pk]))
    assert str(response.context["d"].period.zone) == "Asia/Tokyo"
