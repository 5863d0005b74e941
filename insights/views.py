"""HR admin pages: a program's dashboard (and a closed program's final report), CSV
downloads of its figures, nudges, and the organization's overview of its programs."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from insights import selectors
from insights.exports import FIGURES, figure_csv
from insights.forms import HealthSettingsForm, NudgeForm, PeriodForm
from insights.models import Nudge
from insights.services import nudges as nudge_services
from journal import selectors as journal_selectors
from mentoring.models import Program
from turazo.core.errors import DomainError
from turazo.core.tenancy import get_for_org, tenant_view


def viewer_zone(request: HttpRequest) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(getattr(request, "timezone_name", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _period(request: HttpRequest, program: Program, *, whole: bool = False) -> tuple[selectors.Period, PeriodForm]:
    """The period of the query string (?start=&end=), else the program's default one."""
    zone = viewer_zone(request)
    if whole:
        default = selectors.Period(start=program.start_date, end=program.end_date, zone=zone)
    else:
        default = selectors.Period.default_for(program, zone)
    form = PeriodForm(
        request.GET if "start" in request.GET else None, initial={"start": default.start, "end": default.end}
    )
    if form.is_bound and form.is_valid():
        return selectors.Period(start=form.cleaned_data["start"], end=form.cleaned_data["end"], zone=zone), form
    if not form.is_bound:
        form = PeriodForm(initial={"start": default.start, "end": default.end})
    return default, form


def _chart_data(d: selectors.Dashboard) -> dict:
    """What static/js/dashboard.js draws; the page's tables show the same numbers."""
    weeks = [date_format(w.week, "MONTH_DAY_FORMAT") for w in d.weeks]  # "12 Oct", as the tables say
    return {
        "sessions": {
            "labels": weeks,
            "series": [
                {"key": "held", "label": _("Held"), "data": [w.held for w in d.weeks]},
                {"key": "cancelled", "label": _("Cancelled"), "data": [w.cancelled for w in d.weeks]},
                {"key": "no_show", "label": _("No-show"), "data": [w.no_show for w in d.weeks]},
            ],
        },
        "scores": {"labels": [b.label for b in d.scores], "data": [b.count for b in d.scores]},
        "ratings": {
            "labels": [date_format(r.week, "MONTH_DAY_FORMAT") for r in d.ratings],
            "data": [r.average for r in d.ratings],
        },
    }


def _dashboard_context(request: HttpRequest, program: Program, *, report: bool) -> dict:
    period, period_form = _period(request, program, whole=report)
    d = selectors.dashboard(program, period)
    query = request.GET.urlencode()
    return {
        "program": program,
        "d": d,
        "report": report,
        "closed": program.status == Program.Status.CLOSED,
        "period_form": period_form,
        "chart_data": _chart_data(d),
        "query": query,
        "max_score_bucket": max([b.count for b in d.scores] or [0]),
        "totals": d.session_totals,
        "incomplete_step": "complete",
        "csv_url": reverse("report-csv" if report else "dashboard-csv", args=[program.pk]),
        "goals": journal_selectors.program_goal_progress(program=program) if report else None,
        "survey": journal_selectors.survey_summary(program=program) if report else None,
    }


@tenant_view(admin=True)
def program_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """The program's landing page for admins: is it working, and who needs a push?"""
    program = get_for_org(Program, request.organization, pk=pk)
    return render(request, "insights/dashboard.html", _dashboard_context(request, program, report=False))


@tenant_view(admin=True)
def program_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The final report: the dashboard over the program's whole span (a closed program's
    record; for a running one, the report so far)."""
    program = get_for_org(Program, request.organization, pk=pk)
    return render(request, "insights/dashboard.html", _dashboard_context(request, program, report=True))


def _csv_response(request: HttpRequest, program: Program, *, report: bool) -> HttpResponse:
    figure = request.GET.get("figure") or "funnel"
    if figure not in FIGURES:
        figure = "funnel"
    period, _form = _period(request, program, whole=report)
    d = selectors.dashboard(program, period)
    name = f"{slugify(program.name) or 'program'}-{figure}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response = HttpResponse(figure_csv(d, figure), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@tenant_view(admin=True)
def dashboard_csv(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    return _csv_response(request, program, report=False)


@tenant_view(admin=True)
def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    return _csv_response(request, program, report=True)


# --- Nudges ------------------------------------------------------------------------------------


def _candidates(program: Program, kind: str) -> tuple[list, list]:
    """(participants, mentorships) a nudge of ``kind`` can go to, with who was nudged this week."""
    if kind == Nudge.Kind.PROFILE_INCOMPLETE:
        return list(selectors.profile_incomplete(program)[: nudge_services.BULK_MAX]), []
    source = selectors.matched_no_session(program) if kind == Nudge.Kind.NO_SESSION else selectors.quiet_pairs(program)
    return [], list(source[: nudge_services.BULK_MAX])


@tenant_view(admin=True)
@require_http_methods(["GET", "HEAD", "POST"])
def program_nudges(request: HttpRequest, pk: int) -> HttpResponse:
    """Compose and send a nudge (``?kind=`` with the chosen people or pairs preselected), the
    automatic quiet-pair setting, and the nudges sent so far."""
    program = get_for_org(Program, request.organization, pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    kind = data.get("kind", "")
    settings = nudge_services.health_settings_for(program)
    settings_form = HealthSettingsForm(
        initial={
            "auto_nudge_quiet_pairs": settings.auto_nudge_quiet_pairs,
            "quiet_pair_message": settings.quiet_pair_message,
        }
    )
    if request.method == "POST" and request.POST.get("form") == "settings":
        settings_form = HealthSettingsForm(request.POST)
        if settings_form.is_valid():
            try:
                nudge_services.health_settings_update(program=program, **settings_form.cleaned_data)
            except DomainError as e:
                messages.error(request, e.message)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("program-nudges", pk=program.pk)
    nudged = selectors.nudged_this_week(program, kind) if kind in Nudge.Kind.values else set()
    people, pairs = _candidates(program, kind) if kind in Nudge.Kind.values else ([], [])
    form = None
    if kind in Nudge.Kind.values:
        form = NudgeForm(
            initial={
                "kind": kind,
                "message": nudge_services.default_message(kind, program),
                "participants": [int(v) for v in request.GET.getlist("participants") if v.isdigit()],
                "mentorships": [int(v) for v in request.GET.getlist("mentorships") if v.isdigit()],
            },
            participant_choices=[(p.pk, p.display_name) for p in people],
            mentorship_choices=[(m.pk, str(m.pk)) for m in pairs],
        )
        if request.method == "POST" and request.POST.get("form") != "settings":
            form = NudgeForm(
                request.POST,
                participant_choices=[(p.pk, p.display_name) for p in people],
                mentorship_choices=[(m.pk, str(m.pk)) for m in pairs],
            )
            if form.is_valid():
                try:
                    result = nudge_services.nudges_send(
                        program=program,
                        kind=kind,
                        actor=request.user,
                        message=form.cleaned_data["message"],
                        participant_ids=form.cleaned_data["participants"],
                        mentorship_ids=form.cleaned_data["mentorships"],
                    )
                except DomainError as e:
                    form.add_error(None, e.message)
                else:
                    text = ngettext(
                        "%(n)d email is on its way.", "%(n)d emails are on their way.", result.sent_count
                    ) % {"n": result.sent_count}
                    if result.already:
                        text += " " + ngettext(
                            "%(n)d person was already nudged about this this week and was skipped.",
                            "%(n)d people were already nudged about this this week and were skipped.",
                            len(result.already),
                        ) % {"n": len(result.already)}
                    messages.success(request, text)
                    return redirect(reverse("program-nudges", args=[program.pk]))
    context = {
        "program": program,
        "kind": kind,
        "kind_label": Nudge.Kind(kind).label if kind in Nudge.Kind.values else "",
        "form": form,
        "people": people,
        "pairs": pairs,
        "nudged": nudged,
        "now": timezone.now(),
        "settings_form": settings_form,
        "nudges": selectors.recent_nudges(program, limit=50),
        "closed": program.status == Program.Status.CLOSED,
    }
    status = 400 if (form is not None and form.errors) or settings_form.errors else 200
    return render(request, "insights/nudges.html", context, status=status)


# --- Organization overview ---------------------------------------------------------------------


@tenant_view(admin=True)
def organization_overview(request: HttpRequest) -> HttpResponse:
    programs = selectors.organization_overview(request.organization)
    return render(request, "insights/overview.html", {"programs": programs})
