"""English: day before month, the year always written, a 24-hour clock.

7 Dec 2026 · 7 Dec 2026, 22:45 · 22:45 · 7 Dec · December 2026. Unambiguous for readers on
both sides of the Atlantic, and short enough for tables. Input formats stay Django's."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
