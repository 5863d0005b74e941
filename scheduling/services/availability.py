"""Availability: weekly rules and date overrides in the person's own time zone.

Nobody starts empty: the first read creates an availability from the profile's working
hours (working days × start–end, in the profile's time zone), or Monday to Friday
09:00–17:00 when the profile has none. A mentee's availability starts switched off
(``applies=False``): until they turn it on, only the mentor's limits the slots.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import dateformat, dates
from django.utils.translation import gettext as _

from mentoring.models import Participant
from mentoring.services.profiles import clean_timezone
from scheduling import slots
from scheduling.models import Availability, AvailabilityOverride, AvailabilityRule
from turazo.core.errors import ValidationFailed
from turazo.core.models import save_existing

WEEKDAYS = tuple(dates.WEEKDAYS[day] for day in range(7))  # Monday first, in the active language
MAX_INTERVALS_PER_DAY = 8
DEFAULT_HOURS = (time(9), time(17))
DEFAULT_DAYS = (0, 1, 2, 3, 4)

Interval = tuple[time, time]


def participant_zone(participant: Participant, fallback: str = "UTC") -> str:
    """The zone a participant's times are in: their availability's, else the profile's,
    else their account's, else ``fallback``."""
    availability = getattr(participant, "_availability_cache", None)
    if availability is None:
        try:
            availability = participant.availability
        except Availability.DoesNotExist:
            availability = None
    if availability is not None and availability.timezone:
        return availability.timezone
    user = participant.user if participant.user_id else None
    return participant.timezone or (user.timezone if user is not None else "") or fallback


def _default_rules(participant: Participant) -> list[tuple[int, time, time]]:
    if participant.work_start and participant.work_end and participant.work_start != participant.work_end:
        hours = (
            participant.work_start.replace(second=0, microsecond=0),
            participant.work_end.replace(second=0, microsecond=0),
        )
    else:
        hours = DEFAULT_HOURS
    days = sorted({d for d in (participant.work_days or []) if isinstance(d, int) and 0 <= d <= 6}) or DEFAULT_DAYS
    return [(day, *hours) for day in days]


def availability_get_or_create(*, participant: Participant, fallback_zone: str = "UTC") -> Availability:
    """The participant's availability, created from their working hours on first use."""
    try:
        return Availability.objects.prefetch_related("rules", "overrides").get(participant=participant)
    except Availability.DoesNotExist:
        pass
    zone = participant_zone(participant, fallback_zone)
    try:
        slots.Availability(zone)
    except slots.InvalidInput:
        zone = "UTC"
    try:
        with transaction.atomic():
            availability = Availability.objects.create(
                organization_id=participant.organization_id,
                participant=participant,
                timezone=zone,
                applies=participant.role == Participant.Role.MENTOR,
            )
            AvailabilityRule.objects.bulk_create(
                AvailabilityRule(
                    organization_id=participant.organization_id,
                    availability=availability,
                    weekday=day,
                    start=start,
                    end=end,
                )
                for day, start, end in _default_rules(participant)
            )
    except IntegrityError:  # created meanwhile by another request
        pass
    return Availability.objects.prefetch_related("rules", "overrides").get(participant=participant)


# --- Validation -----------------------------------------------------------------------------


def _seconds(start: time, end: time) -> tuple[int, int]:
    s = start.hour * 3600 + start.minute * 60
    e = end.hour * 3600 + end.minute * 60
    return s, e + 86_400 if e <= s else e


def _fmt(t: time) -> str:
    return f"{t:%H:%M}"


def clean_intervals(intervals: Iterable[Sequence[Any]], where: str) -> list[Interval]:
    """Intervals of one day, sorted; ValidationFailed naming the day and the problem.

    An end not after the start runs past midnight (22:00–02:00); 00:00–00:00 is the
    whole day; other equal times, seconds and overlaps are refused."""
    out: list[Interval] = []
    for item in intervals:
        try:
            start, end = item
        except (TypeError, ValueError):
            raise ValidationFailed(_("%(day)s: each interval needs a start and an end time.") % {"day": where})
        if not isinstance(start, time) or not isinstance(end, time):
            raise ValidationFailed(_("%(day)s: give times as HH:MM, for example 09:00–12:30.") % {"day": where})
        if start.second or start.microsecond or end.second or end.microsecond:
            raise ValidationFailed(_("%(day)s: times are whole minutes (HH:MM).") % {"day": where})
        if start == end and start != time(0):
            raise ValidationFailed(
                _(
                    "%(day)s: %(start)s–%(end)s starts and ends at the same time. Give an end time (after midnight "
                    "for a night interval), or 00:00–00:00 for the whole day."
                )
                % {"day": where, "start": _fmt(start), "end": _fmt(end)}
            )
        out.append((start, end))
    out.sort()
    if len(out) > MAX_INTERVALS_PER_DAY:
        raise ValidationFailed(
            _("%(day)s: at most %(max)s intervals per day.") % {"day": where, "max": MAX_INTERVALS_PER_DAY}
        )
    for (a_start, a_end), (b_start, b_end) in zip(out, out[1:], strict=False):
        if _seconds(b_start, b_end)[0] < _seconds(a_start, a_end)[1]:
            raise ValidationFailed(
                _("%(day)s: %(first)s and %(second)s overlap. Join them into one interval or change one of them.")
                % {"day": where, "first": f"{_fmt(a_start)}–{_fmt(a_end)}", "second": f"{_fmt(b_start)}–{_fmt(b_end)}"}
            )
    return out


# --- Changes --------------------------------------------------------------------------------


def _rules(availability: Availability, weekday: int, intervals: list[Interval]) -> list[AvailabilityRule]:
    return [
        AvailabilityRule(
            organization_id=availability.organization_id,
            availability=availability,
            weekday=weekday,
            start=start,
            end=end,
        )
        for start, end in intervals
    ]


@transaction.atomic
def availability_set_day(
    *, availability: Availability, weekday: int, intervals: Iterable[Sequence[Any]]
) -> list[AvailabilityRule]:
    """Replace the weekly intervals of one weekday (an empty list: not available that day)."""
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValidationFailed(_("Weekdays are 0 (Monday) to 6 (Sunday)."), fields={"weekday": [_("Pick a weekday.")]})
    cleaned = clean_intervals(intervals, WEEKDAYS[weekday])
    AvailabilityRule.objects.filter(availability=availability, weekday=weekday).delete()
    return AvailabilityRule.objects.bulk_create(_rules(availability, weekday, cleaned))


@transaction.atomic
def availability_set_week(*, availability: Availability, weekly: Mapping[int, Iterable[Sequence[Any]]]) -> None:
    """Replace the whole weekly pattern; weekdays not in ``weekly`` become unavailable."""
    cleaned: dict[int, list[Interval]] = {}
    errors: dict[str, list[str]] = {}
    for weekday, intervals in weekly.items():
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            errors.setdefault("weekly", []).append(
                _("Weekdays are 0 (Monday) to 6 (Sunday), got %(weekday)s.") % {"weekday": repr(weekday)}
            )
            continue
        try:
            cleaned[weekday] = clean_intervals(intervals, WEEKDAYS[weekday])
        except ValidationFailed as e:
            errors.setdefault("weekly", []).append(e.message)
    if errors:
        raise ValidationFailed(
            _("The weekly availability has problems: %(problems)s") % {"problems": " ".join(errors["weekly"])},
            fields=errors,
        )
    AvailabilityRule.objects.filter(availability=availability).delete()
    AvailabilityRule.objects.bulk_create(
        rule for weekday, intervals in sorted(cleaned.items()) for rule in _rules(availability, weekday, intervals)
    )


@transaction.atomic
def availability_set_date(
    *, availability: Availability, day: date, intervals: Iterable[Sequence[Any]]
) -> list[AvailabilityOverride]:
    """Different hours on one date (an empty list: a day off), replacing any earlier override."""
    cleaned = clean_intervals(intervals, dateformat.format(day, "l d F Y"))
    AvailabilityOverride.objects.filter(availability=availability, date=day).delete()
    rows = [
        AvailabilityOverride(
            organization_id=availability.organization_id, availability=availability, date=day, start=s, end=e
        )
        for s, e in cleaned
    ] or [AvailabilityOverride(organization_id=availability.organization_id, availability=availability, date=day)]
    return AvailabilityOverride.objects.bulk_create(rows)


def availability_clear_date(*, availability: Availability, day: date) -> int:
    """Back to the weekly hours on ``day``."""
    return AvailabilityOverride.objects.filter(availability=availability, date=day).delete()[0]


def availability_update_settings(
    *, availability: Availability, timezone: str, applies: bool | None = None, video_room_url: str | None = None
) -> Availability:
    """The zone the hours are in, whether they limit bookings (mentees), the mentor's own room."""
    errors: dict[str, list[str]] = {}
    try:
        zone = clean_timezone(timezone)
    except ValueError as e:
        errors["timezone"] = [str(e)]
    else:
        if not zone:
            errors["timezone"] = [_("Pick the time zone your hours are in, for example Europe/Lisbon.")]
    if video_room_url:
        video_room_url = video_room_url.strip()
        if not video_room_url.startswith("https://"):
            errors["video_room_url"] = [_("Give the full https:// link of your video room, or leave it empty.")]
    if errors:
        raise ValidationFailed(
            _("Some settings are invalid: %(fields)s.") % {"fields": ", ".join(sorted(errors))}, fields=errors
        )
    availability.timezone = zone
    fields = ["timezone", "updated_at"]
    if applies is not None:
        availability.applies = applies if availability.participant.role == Participant.Role.MENTEE else True
        fields.append("applies")
    if video_room_url is not None:
        availability.video_room_url = video_room_url
        fields.append("video_room_url")
    save_existing(
        availability, update_fields=fields, gone=_("This availability no longer exists (the participant was removed).")
    )
    return availability


# --- For the slot calculator --------------------------------------------------------------------


def availability_as_slots(availability: Availability) -> slots.Availability:
    """The plain-data form the calculator takes (rules and overrides prefetched)."""
    weekly: dict[int, list[Interval]] = {}
    for rule in availability.rules.all():
        weekly.setdefault(rule.weekday, []).append((rule.start, rule.end))
    overrides: dict[date, list[Interval]] = {}
    for o in availability.overrides.all():
        day = overrides.setdefault(o.date, [])
        if o.start is not None:
            day.append((o.start, o.end))
    return slots.Availability(availability.timezone, weekly=weekly, overrides=overrides)


def weekly_intervals(availability: Availability) -> dict[int, list[Interval]]:
    """Weekday -> intervals, every weekday present (for editors and the API)."""
    out: dict[int, list[Interval]] = {d: [] for d in range(7)}
    for rule in availability.rules.all():
        out[rule.weekday].append((rule.start, rule.end))
    return out


def date_overrides(availability: Availability, *, since: date | None = None) -> dict[date, list[Interval]]:
    out: dict[date, list[Interval]] = {}
    for o in availability.overrides.all():
        if since is not None and o.date < since:
            continue
        day = out.setdefault(o.date, [])
        if o.start is not None:
            day.append((o.start, o.end))
    return dict(sorted(out.items()))
