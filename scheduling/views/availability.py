"""The availability editor: weekly hours per weekday (htmx, one day at a time), dates with
other hours or days off, and the zone the hours are in."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mentoring.models import Participant
from mentoring.profiles import timezone_names
from mentoring.services.profiles import get_participant_for_profile
from scheduling import selectors
from scheduling.forms import AvailabilitySettingsForm, OverrideForm
from scheduling.models import Availability
from scheduling.services import availability as services
from turazo.core.errors import NotFound, ValidationFailed
from turazo.core.tenancy import tenant_view

WEEKDAYS = services.WEEKDAYS
MAX_ROWS = services.MAX_INTERVALS_PER_DAY


def _availability(request: HttpRequest, pk: int) -> tuple[Participant, Availability]:
    try:
        participant = get_participant_for_profile(membership=request.membership, pk=pk)
    except NotFound as e:
        raise Http404(e.message)
    return participant, services.availability_get_or_create(
        participant=participant, fallback_zone=request.timezone_name
    )


def _next_date(weekday: int, zone: ZoneInfo) -> date:
    today = timezone.now().astimezone(zone).date()
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _in_viewer_zone(availability: Availability, weekday: int, start: time, end: time, viewer: str) -> str | None:
    """The interval on the next such weekday, on the viewer's clock, when their zone differs."""
    if viewer == availability.timezone:
        return None
    zone, other = ZoneInfo(availability.timezone), ZoneInfo(viewer)
    day = _next_date(weekday, zone)
    a = datetime.combine(day, start, tzinfo=zone).astimezone(other)
    b_day = day if end > start else day + timedelta(days=1)
    b = datetime.combine(b_day, end, tzinfo=zone).astimezone(other)
    plus = f" (+{(b.date() - a.date()).days}d)" if b.date() != a.date() else ""
    return f"{a:%a %H:%M}–{b:%H:%M}{plus}"


def _day_context(availability: Availability, weekday: int, viewer: str, rows=None, error: str | None = None) -> dict:
    if rows is None:
        rows = [(r.start, r.end) for r in availability.rules.all() if r.weekday == weekday]
    shown = [
        {
            "start": s,
            "end": e,
            "index": i,
            "viewer": _in_viewer_zone(availability, weekday, s, e, viewer) if s and e else None,
            "overnight": bool(s and e and e <= s and e != time(0)),
        }
        for i, (s, e) in enumerate(rows)
    ]
    return {
        "weekday": weekday,
        "weekday_name": WEEKDAYS[weekday],
        "rows": shown,
        "error": error,
        "availability": availability,
        "can_add": len(rows) < MAX_ROWS,
        "viewer_zone": viewer,
    }


def _posted_rows(request: HttpRequest) -> tuple[list[tuple[time | None, time | None]], list[str]]:
    starts, ends = request.POST.getlist("start"), request.POST.getlist("end")
    rows, problems = [], []
    for i, (s, e) in enumerate(zip(starts, ends, strict=False)):
        if not s and not e:
            continue
        try:
            rows.append((time.fromisoformat(s) if s else None, time.fromisoformat(e) if e else None))
        except ValueError:
            problems.append(_("Interval %(number)s: give times as HH:MM.") % {"number": i + 1})
    return rows, problems


@tenant_view()
def availability_list(request: HttpRequest) -> HttpResponse:
    """The person's programs, each with a link to its availability (one program: straight there)."""
    participations = list(
        selectors.participations_for_availability(user=request.user, organization=request.organization)
    )
    if len(participations) == 1:
        return redirect("availability-edit", pk=participations[0].pk)
    return render(request, "scheduling/availability_list.html", {"participations": participations})


@tenant_view()
@require_http_methods(["GET", "HEAD", "POST"])
def availability_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participant, availability = _availability(request, pk)
    viewer = request.timezone_name
    form = AvailabilitySettingsForm(
        request.POST or None,
        initial={
            "timezone": availability.timezone,
            "applies": availability.applies,
            "video_room_url": availability.video_room_url,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_update_settings(
                availability=availability,
                timezone=form.cleaned_data["timezone"],
                applies=form.cleaned_data["applies"] if participant.role == "mentee" else None,
                video_room_url=form.cleaned_data["video_room_url"] if participant.role == "mentor" else None,
            )
        except ValidationFailed as e:
            for field, errors in e.fields.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Your availability settings are saved."))
            return redirect("availability-edit", pk=participant.pk)
    today = timezone.now().astimezone(ZoneInfo(availability.timezone)).date()
    context = {
        "participant": participant,
        "availability": availability,
        "form": form,
        "override_form": OverrideForm(),
        "days": [_day_context(availability, d, viewer) for d in range(7)],
        "overrides": services.date_overrides(availability, since=today),
        "viewer_zone": viewer,
        "timezones": timezone_names(),
        "is_own": participant.user_id == request.user.pk,
    }
    return render(request, "scheduling/availability_edit.html", context, status=400 if form.errors else 200)


@tenant_view()
@require_POST
def availability_day(request: HttpRequest, pk: int) -> HttpResponse:
    """One weekday's intervals (``weekday`` 0-6 in the form; htmx: the row; otherwise back to the page).

    ``action=save`` saves the posted intervals; ``drop=<n>`` saves without the n-th (not
    "remove": a form control of that name would hide ``form.remove()`` from htmx);
    ``action=add`` shows one more empty interval (saved with the next Save);
    ``action=copy`` saves these intervals on every weekday Monday to Friday."""
    participant, availability = _availability(request, pk)
    raw = request.POST.get("weekday", "")
    if not (raw.isdigit() and 0 <= int(raw) <= 6):
        return HttpResponse(_("Say which weekday to change: 0 (Monday) to 6 (Sunday)."), status=400)
    weekday = int(raw)
    rows, problems = _posted_rows(request)
    action = request.POST.get("action", "save")
    drop = request.POST.get("drop")
    if drop is not None and drop.isdigit() and int(drop) < len(rows):
        rows.pop(int(drop))
        action = "save"
    error, status = None, 200
    if action == "add":
        rows.append((None, None))
    elif problems or any(s is None or e is None for s, e in rows):
        error, status = (problems[0] if problems else _("Give both a start and an end time for every interval.")), 400
    else:
        try:
            if action == "copy":
                for day in range(5):
                    services.availability_set_day(availability=availability, weekday=day, intervals=rows)
            else:
                services.availability_set_day(availability=availability, weekday=weekday, intervals=rows)
        except ValidationFailed as e:
            error, status = e.message, 400
        else:
            availability = services.availability_get_or_create(participant=participant)
            rows = None
            if action == "copy":
                messages.success(request, _("%(day)s's hours now apply Monday to Friday.") % {"day": WEEKDAYS[weekday]})
                if request.htmx:
                    return HttpResponse(status=204, headers={"HX-Refresh": "true"})
                return redirect("availability-edit", pk=participant.pk)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("%(day)s is saved.") % {"day": WEEKDAYS[weekday]})
        return redirect("availability-edit", pk=participant.pk)
    context = _day_context(availability, weekday, request.timezone_name, rows=rows, error=error)
    context["participant"] = participant
    context["saved"] = error is None and action != "add"
    return render(request, "scheduling/includes/availability_day.html", context, status=status)


@tenant_view()
@require_POST
def availability_override(request: HttpRequest, pk: int) -> HttpResponse:
    """Add hours on a date (added to that date's other hours) or mark it as a day off."""
    participant, availability = _availability(request, pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("availability-edit", pk=participant.pk)
    day = form.cleaned_data["date"]
    if day < timezone.now().astimezone(ZoneInfo(availability.timezone)).date():
        messages.error(
            request,
            _("%(date)s is in the past. Pick today or a later date.") % {"date": dateformat.format(day, "d F Y")},
        )
        return redirect("availability-edit", pk=participant.pk)
    try:
        if form.cleaned_data["day_off"]:
            services.availability_set_date(availability=availability, day=day, intervals=[])
            messages.success(request, _("%(date)s is a day off.") % {"date": dateformat.format(day, "l d F Y")})
        else:
            current = services.date_overrides(availability).get(day, [])
            services.availability_set_date(
                availability=availability,
                day=day,
                intervals=[*current, (form.cleaned_data["start"], form.cleaned_data["end"])],
            )
            messages.success(request, _("Hours on %(date)s are saved.") % {"date": dateformat.format(day, "l d F Y")})
    except ValidationFailed as e:
        messages.error(request, e.message)
    return redirect("availability-edit", pk=participant.pk)


@tenant_view()
@require_POST
def availability_override_clear(request: HttpRequest, pk: int) -> HttpResponse:
    participant, availability = _availability(request, pk)
    try:
        day = date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        messages.error(request, _("Pick the date to reset."))
    else:
        services.availability_clear_date(availability=availability, day=day)
        messages.success(
            request, _("%(date)s follows your weekly hours again.") % {"date": dateformat.format(day, "l d F Y")}
        )
    return redirect("availability-edit", pk=participant.pk)
