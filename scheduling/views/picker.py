"""The slot picker shared by booking, rescheduling and the reschedule link from the email."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone

from mentoring.models import Mentorship, Participant
from mentoring.profiles import timezone_names
from scheduling import slots
from scheduling.models import Session
from scheduling.services.availability import participant_zone
from scheduling.services.free_time import pair_query
from scheduling.week import build_week, parse_start, slot_view, viewer_zone


def zone_options(*first: str) -> tuple[list[str], list[str]]:
    """(the zones that matter here, every zone) for the zone switcher."""
    common = list(dict.fromkeys(z for z in (*first, "UTC") if z))
    return common, [z for z in timezone_names() if z not in common]


def picker_context(
    request: HttpRequest,
    *,
    mentorship: Mentorship,
    other: Participant,
    action_url: str,
    exclude_session: Session | None = None,
) -> dict:
    """Context for scheduling/includes/picker.html: the week in the viewer's zone and, when
    ``?start=`` names a time, that time to confirm (or why it cannot be booked)."""
    zone = viewer_zone(request)
    other_zone = participant_zone(other)
    exclude_id = exclude_session.pk if exclude_session is not None else None
    start = parse_start(request.POST.get("start") if request.method == "POST" else request.GET.get("start"))
    chosen = problem = None
    if start is not None:
        length = timedelta(minutes=mentorship.program.session_length_minutes)
        pair = pair_query(mentorship=mentorship, lo=start, hi=start + length, exclude_session_id=exclude_id)
        found = slots.check_slot(pair.query, now=timezone.now(), start=start)
        if found is None:
            chosen = slot_view(slots.Slot(start, start + length), ZoneInfo(zone), ZoneInfo(other_zone))
        else:
            problem = found.message
    week_param = request.GET.get("week")
    if not week_param and start is not None:
        week_param = start.astimezone(ZoneInfo(zone)).date().isoformat()
    week = build_week(
        mentorship=mentorship,
        zone_name=zone,
        other_zone_name=other_zone,
        week=week_param,
        exclude_session_id=exclude_id,
    )
    common, others = zone_options(zone, getattr(request, "timezone_name", ""), other_zone)
    return {
        "week": week,
        "zone": zone,
        "other_zone": other_zone,
        "zone_common": common,
        "zone_all": others,
        "chosen": chosen,
        "chosen_problem": problem,
        "action_url": action_url,
        "length_minutes": mentorship.program.session_length_minutes,
        "mentorship": mentorship,
    }
