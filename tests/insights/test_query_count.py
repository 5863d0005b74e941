"""The dashboard, its final report, CSV, the API figures and the overview run a fixed number of
SQL queries whether the program has 10 or 5,000 participants: the database aggregates."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from insights.models import Nudge
from insights.selectors import Period, dashboard, quiet_pairs
from insights.services.nudges import nudges_send
from tests.insights.cohort import build_cohort

# Reads (SELECT / WITH): quiet pairs 1 + their people 1 + who was nudged this week 1, ratings
# per week 1, funnel 1, sessions per week 1, scores 1, comments 1, requests (counts, oldest
# pending, median) 3, recent nudges 1. On PostgreSQL they run in one transaction without JIT.
DASHBOARD_READS = 12
URL_NAMES = ["program-dashboard", "program-report", "dashboard-csv", "report-csv", "api-program-dashboard"]


def _count(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), [q["sql"][:80] for q in ctx.captured_queries]


def test_the_same_number_of_queries_for_10_and_5000_participants(organization, hr_admin):
    now = timezone.now()
    small = build_cohort(organization, people=10, now=now, seed=1)
    big = build_cohort(organization, people=5000, now=now, seed=2)
    for cohort in (small, big):  # a nudge in each, so "recent nudges" lists rows too
        pair = quiet_pairs(cohort.program, now).first()
        if pair is not None:
            nudges_send(program=cohort.program, kind=Nudge.Kind.QUIET_PAIR, actor=hr_admin, mentorship_ids=[pair.pk])
    client = APIClient()
    client.force_login(hr_admin)

    for name in URL_NAMES:
        few, few_sql = _count(client, reverse(name, args=[small.program.pk]))
        many, many_sql = _count(client, reverse(name, args=[big.program.pk]))
        assert few == many, (name, few_sql, many_sql)

    with CaptureQueriesContext(connection) as ctx:
        dashboard(big.program, Period.default_for(big.program, timezone.get_current_timezone()))
    reads = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(reads) == DASHBOARD_READS, [sql[:80] for sql in reads]

    overview_one, _ = _count(client, reverse("organization-overview"))
    build_cohort(organization, people=300, now=now, seed=9)
    overview_three, _ = _count(client, reverse("organization-overview"))
    assert overview_one == overview_three
