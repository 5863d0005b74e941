"""Free-slot calculator: plain Python, no Django, plain data in and out.

Public API::

    Availability(zone, weekly={weekday: [(time, time), ...]}, overrides={date: [(time, time), ...]})
    SlotRules(length, buffer_before, buffer_after, min_notice, horizon, grid_minutes, max_per_week)
    SlotQuery(mentor, rules, mentee=None, mentor_busy=(), mentee_busy=(), cap_sessions=None)
    free_slots(query, now=, after=None, before=None, limit=None) -> tuple[Slot, ...]
    next_free_slots(query, now=, after=, count=) -> tuple[Slot, ...]
    check_slot(query, now=, start=) -> SlotProblem | None     (is_bookable: the same as a bool)
    availability_utc(availability, start=, end=) -> tuple[(start, end), ...]
    Slot(start, end), SlotProblem (with .message), InvalidInput (a ValueError)

All datetimes in and out are time-zone aware; results are in UTC, earliest first.

The rules
=========

**Wall clock.** A person's availability is a set of wall-clock intervals in their own
IANA time zone. A person is available at an instant when the clock on their wall shows,
at that instant, a date and time that one of their intervals covers. Nothing else is
assumed, so the rules below follow from this one and hold for every zone and every offset
change in the tz database (whole-hour DST, 30-minute DST on Australia/Lord_Howe,
+05:30 Asia/Kolkata, +05:45 Asia/Kathmandu, +12:45/+13:45 Pacific/Chatham, changes at
local midnight as in America/Santiago).

**Weekly rules and overrides.** Weekly intervals are keyed by weekday, 0 = Monday to
6 = Sunday. An interval belongs to the local date it starts on. An interval whose end is
not after its start (``end <= start``) crosses midnight and ends at ``end`` on the next local
date: ``(22:00, 02:00)`` is 22:00 to 02:00 the next morning, ``(22:00, 00:00)`` is 22:00 to
midnight, ``(09:00, 09:00)`` is 24 hours. An override for a local date replaces that date's
weekly intervals (an empty list is a day off); an interval that started the evening before
and crosses midnight still runs into an overridden date (to free a night, override the
date the night starts on). Intervals that touch or overlap join up: a slot may span
``Mon 22:00-24:00`` and ``Tue 00:00-02:00``.

A weekly rule "Mon 09:00-12:00 Europe/Berlin" is therefore 09:00-12:00 on the Berlin clock
on every Monday: 08:00-11:00 UTC in winter, 07:00-10:00 UTC in summer.

**Spring gap** (clocks jump forward; wall times that do not exist). Wall times that never
show cover no instant: an interval that reaches into the gap loses the part inside it. On
29 March 2026 in Europe/Berlin (02:00 CET jumps to 03:00 CEST) the interval 01:30-03:30 is
01:30-02:00 CET plus 03:00-03:30 CEST, one real hour (00:30-01:30 UTC); 02:00-03:00 is
empty; 02:30-04:00 starts at 03:00 CEST.

**Autumn fold** (clocks go back; wall times that occur twice). Wall times that show twice
are covered both times. On 25 October 2026 in Europe/Berlin (03:00 CEST falls back to
02:00 CET) the interval 01:00-03:00 runs from 01:00 CEST to 03:00 CET, three real hours
(23:00-02:00 UTC). An interval that starts or ends inside the fold covers only the instants
whose wall time it contains: 02:30-04:00 is 02:30-03:00 CEST and 02:30-04:00 CET
(00:30-01:00 and 01:30-03:00 UTC); 00:00-02:30 is 00:00-02:30 CEST and 02:00-02:30 CET.

**Sessions are elapsed time.** A slot is ``[start, start + length)`` in real time: a
60-minute session that starts at 01:30 CET on the spring night ends at 03:30 CEST.

**Free.** A slot is free when it lies entirely within the mentor's availability and, if
the mentee's is given, within the mentee's; and for every existing session ``[s, e)`` of
either person (in any program and any organization): ``slot end + buffer_after <= s`` or
``e + buffer_before <= slot start``. Buffers only keep time between sessions; they need not
lie within anyone's availability. A session that ends when the next one starts does not
overlap it.

**Notice and horizon.** ``now + min_notice <= start < now + horizon``.

**Grid.** Slot starts sit on the grid of the *mentor's* wall clock: the time since local
midnight is a multiple of ``grid_minutes``, which must divide 24 hours (5, 10, 15, 20, 30,
60, 90, 120 ...). With a 30-minute grid starts are at local :00 and :30. Elsewhere they
fall wherever the mentor's offset puts them: with a 60-minute grid a mentor in
Asia/Kolkata (+05:30) offers local 10:00 = 04:30 UTC (a mentee in America/Los_Angeles sees
:30 times); in Asia/Kathmandu (+05:45) and Pacific/Chatham (+12:45/+13:45) local :00 is :15
UTC; on Australia/Lord_Howe local :00 is :00 UTC in summer (+11:00) and :30 UTC in winter
(+10:30). Grid times that do not exist (spring gap) are not offered; grid times that occur
twice (autumn fold) are offered twice, once per occurrence, if free.

**Weekly cap.** With ``max_per_week = n``, a week of the mentor's wall clock (Monday 00:00
to the next Monday 00:00, local) that already holds ``n`` counted sessions offers no slot.
A session belongs to the week of its start, and so does a new slot. Counted sessions are
``SlotQuery.cap_sessions`` (the booking service passes the mentor's sessions in the
program), or all of ``mentor_busy`` when it is None.

**Precision.** Times are whole seconds. Busy sessions given to the microsecond are widened
to whole seconds (never hiding an overlap).

Performance: one mentor, 60-day horizon, 200 sessions runs in about a millisecond (see
``bench/scheduling.py`` and docs/performance.md).
"""

from .calculator import (
    availability_utc,
    check_slot,
    free_slots,
    is_bookable,
    next_free_slots,
)
from .errors import InvalidInput
from .types import Availability, Slot, SlotProblem, SlotQuery, SlotRules

__all__ = [
    "Availability",
    "InvalidInput",
    "Slot",
    "SlotProblem",
    "SlotQuery",
    "SlotRules",
    "availability_utc",
    "check_slot",
    "free_slots",
    "is_bookable",
    "next_free_slots",
]
