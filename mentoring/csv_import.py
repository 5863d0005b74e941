"""Reading and checking a participants CSV, without touching the database.

``decode_csv`` turns the uploaded bytes into text (strict UTF-8, BOM or not) and
``parse_participants`` checks every row against the program's questions, the
organization's skills and the participants already in the program, and says
what would be created or updated. Both are pure: the caller loads what they need
(three small queries) and decides what to write. The same code checks the
preview and, again, the confirmed import against the state at that moment.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from mentoring.profiles import normalize_languages, normalize_tags, split_list
from turazo.core.errors import ValidationFailed

if TYPE_CHECKING:
    from mentoring.models import Question

# The columns, in the template's order. email and role are required.
COLUMNS = (
    "email",
    "role",
    "full_name",
    "job_title",
    "department",
    "manager_email",
    "seniority",
    "location",
    "timezone",
    "languages",
    "work_start",
    "work_end",
    "work_days",
    "goals",
    "skills_wanted",
    "expertise",
    "skills_offered",
    "capacity",
)
REQUIRED = ("email", "role")

# Other headers people put in spreadsheets. Headers are compared after folding
# case and turning "_", "-" and runs of spaces into one space.
ALIASES = {
    "e mail": "email",
    "email address": "email",
    "e mail address": "email",
    "mail": "email",
    "name": "full_name",
    "full name": "full_name",
    "title": "job_title",
    "job": "job_title",
    "position": "job_title",
    "dept": "department",
    "team": "department",
    "manager": "manager_email",
    "manager e mail": "manager_email",
    "level": "seniority",
    "office": "location",
    "city": "location",
    "time zone": "timezone",
    "tz": "timezone",
    "language": "languages",
    "start": "work_start",
    "start time": "work_start",
    "working hours start": "work_start",
    "end": "work_end",
    "end time": "work_end",
    "working hours end": "work_end",
    "days": "work_days",
    "working days": "work_days",
    "goal": "goals",
    "skills wanted": "skills_wanted",
    "wanted skills": "skills_wanted",
    "skills offered": "skills_offered",
    "offered skills": "skills_offered",
    "max mentees": "capacity",
}

TEXT_LIMITS = {"full_name": 150, "job_title": 150, "department": 100, "location": 100}
EMAIL_MAX = 254
CAPACITY_MAX = 50
ANSWER_MAX = 500

WEEKDAYS = {
    "mon": 0,
    "monday": 0,
    "mo": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "tu": 1,
    "wed": 2,
    "weds": 2,
    "wednesday": 2,
    "we": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "th": 3,
    "fri": 4,
    "friday": 4,
    "fr": 4,
    "sat": 5,
    "saturday": 5,
    "sa": 5,
    "sun": 6,
    "sunday": 6,
    "su": 6,
}

_FOLD = re.compile(r"[\s_\-]+")
_TIME = re.compile(r"^(\d{1,2})[:.h](\d{2})$")
_RANGE = re.compile(r"^\s*([A-Za-z]+)\s*[-–]\s*([A-Za-z]+)\s*$")
_EXCEL_HINT = "In Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'; in Google Sheets use File > Download > CSV."


@cache
def _timezones() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def fold_header(header: str) -> str:
    return _FOLD.sub(" ", header.strip().casefold()).strip()


def canonical_column(header: str) -> str | None:
    folded = fold_header(header)
    for name in COLUMNS:
        if folded == fold_header(name):
            return name
    return ALIASES.get(folded)


# --- Decoding ------------------------------------------------------------------------


def decode_csv(data: bytes, *, max_bytes: int) -> str:
    """The file as text, or ValidationFailed saying what is wrong with it and how to fix it."""
    if len(data) > max_bytes:
        raise _rejected(
            f"The file is {len(data):,} bytes; the limit is {max_bytes:,} bytes ({max_bytes / 1024 / 1024:g} MB). "
            "Split it into smaller files and import them one after another."
        )
    if not data.strip():
        raise _rejected("The file is empty. Download the template, fill in one row per person and upload it.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _rejected(f"The file is encoded as UTF-16; Turazo reads UTF-8 only. {_EXCEL_HINT}")
    if b"\x00" in data:
        raise _rejected(
            f"The file contains NUL bytes, which usually means it is UTF-16 without a byte-order mark; "
            f"Turazo reads UTF-8 only. {_EXCEL_HINT}"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise _rejected(
            f"The file is not UTF-8: byte 0x{data[e.start]:02X} on line {line} is not valid UTF-8 "
            f"(files saved as 'CSV (Comma delimited)' in Excel are Windows-1252). {_EXCEL_HINT}"
        )
    return text


def _rejected(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"file": [message]}, code="invalid_file")


# --- Parsing -------------------------------------------------------------------------


@dataclass
class ParsedRow:
    line: int
    email: str
    role: str
    values: dict[str, Any]  # model fields from non-empty cells, already normalized
    answers: dict[str, Any]  # q:<key> cells, canonical choice spelling
    action: str = "create"  # create | update | unchanged


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    row_count: int = 0  # non-blank data rows, valid or not

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def report(self, *, sample: int = 20) -> dict[str, Any]:
        """JSON-ready summary for the preview page, the job row and the API."""
        return {
            "rows": self.row_count,
            "columns": self.columns,
            "unknown_columns": self.unknown_columns,
            "problems": self.problems,
            "creates": self.count("create"),
            "updates": self.count("update"),
            "unchanged": self.count("unchanged"),
            "create_emails": [r.email for r in self.rows if r.action == "create"][:sample],
            "update_emails": [r.email for r in self.rows if r.action == "update"][:sample],
        }


def _delimiter(text: str) -> str:
    """Comma, or the semicolon / tab some spreadsheet locales write, judged by the header line."""
    first = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first.count) if first else ","


def parse_participants(
    text: str,
    *,
    questions: Sequence[Question],
    known_skills: Mapping[str, str],
    existing: Mapping[str, Mapping[str, Any]],
    max_rows: int,
) -> ParseResult:
    """Check every row; collect every problem with its line, column and an actionable message.

    ``existing`` maps a lower-cased email to the current values of that participant
    (the model fields plus ``answers``) so each row is classed create/update/unchanged.
    File-level faults (no header, missing required columns, too many rows, broken
    quoting) raise ValidationFailed; row faults are collected in ``problems``.
    """
    result = ParseResult()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    questions_by_key = {q.key.casefold(): q for q in questions}
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if header is None:
            raise _rejected("The file has no header row. Download the template and keep its first line.")
        header_line = reader.line_num
        columns = _map_columns(header, header_line, questions_by_key, result)
        seen: dict[str, int] = {}
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(cell.strip() for cell in cells):
                continue
            if result.row_count >= max_rows:
                raise _rejected(
                    f"The file has more than {max_rows:,} rows; the limit is {max_rows:,}. "
                    "Split it into smaller files and import them one after another."
                )
            result.row_count += 1
            _parse_row(line, cells, header, columns, questions_by_key, known_skills, existing, seen, result)
    except csv.Error as e:
        raise _rejected(f"Line {reader.line_num}: the CSV is malformed ({e}). Check for an unclosed quote.")
    return result


def _map_columns(
    header: list[str], line: int, questions_by_key: Mapping[str, Question], result: ParseResult
) -> list[tuple[str, str] | None]:
    """For each header cell: ("field", name), ("question", key) or None for an unknown column."""
    columns: list[tuple[str, str] | None] = []
    used: dict[tuple[str, str], str] = {}
    for raw in header:
        title = raw.strip()
        target: tuple[str, str] | None = None
        if fold_header(title).startswith("q:"):
            key = title.split(":", 1)[1].strip().casefold()
            if key in questions_by_key:
                target = ("question", questions_by_key[key].key)
        elif (name := canonical_column(title)) is not None:
            target = ("field", name)
        if target is None:
            if title:
                result.unknown_columns.append(title)
        elif target in used:
            raise _rejected(
                f"Line {line}: the columns '{used[target]}' and '{title}' both mean '{target[1]}'. Keep one of them."
            )
        else:
            used[target] = title
            result.columns.append(target[1] if target[0] == "field" else f"q:{target[1]}")
        columns.append(target)
    missing = [name for name in REQUIRED if ("field", name) not in used]
    if missing:
        found = ", ".join(f"'{h.strip()}'" for h in header if h.strip())
        raise _rejected(
            f"Line {line}: the header has no {' or '.join(missing)} column (found: {found}). "
            "Every file needs the columns email and role; download the template to start from."
        )
    return columns


def _parse_row(
    line: int,
    cells: list[str],
    header: list[str],
    columns: list[tuple[str, str] | None],
    questions_by_key: Mapping[str, Question],
    known_skills: Mapping[str, str],
    existing: Mapping[str, Mapping[str, Any]],
    seen: dict[str, int],
    result: ParseResult,
) -> None:
    problems: list[dict[str, Any]] = []

    def problem(column: str, message: str) -> None:
        problems.append({"line": line, "column": column, "message": message})

    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        problem(
            "", f"This row has {len(cells)} cells but the header has {len(header)} columns; check for a stray comma."
        )

    raw: dict[str, tuple[str, str]] = {}  # field -> (header title, cell)
    raw_answers: dict[str, tuple[str, str]] = {}
    for index, target in enumerate(columns):
        if target is None:
            continue
        cell = cells[index].strip() if index < len(cells) else ""
        (raw if target[0] == "field" else raw_answers)[target[1]] = (header[index].strip(), cell)

    title_of = {name: title for name, (title, _) in raw.items()}
    email_title, email = raw["email"][0], raw["email"][1].lower()
    role_title, role_cell = raw["role"]
    role = role_cell.casefold()

    if not email:
        problem(email_title, "The email is empty; every row needs the person's email address.")
    elif len(email) > EMAIL_MAX or not _is_email(email):
        problem(email_title, f"'{raw['email'][1]}' is not a valid email address.")
    elif email in seen:
        problem(email_title, f"{email} is already on line {seen[email]}; list each person once.")
    else:
        seen[email] = line
    if not role:
        problem(role_title, "The role is empty; write mentor or mentee.")
    elif role not in ("mentor", "mentee"):
        problem(role_title, f"'{role_cell}' is not a role; write mentor or mentee.")

    values: dict[str, Any] = {}
    for name, (title, cell) in raw.items():
        if name in ("email", "role") or not cell:
            continue
        try:
            values[name] = _clean_field(name, cell, email=email, role=role, known_skills=known_skills)
        except ValueError as e:
            problem(title, str(e))

    answers: dict[str, Any] = {}
    for key, (title, cell) in raw_answers.items():
        if not cell:
            continue
        question = questions_by_key[key.casefold()]
        if role in ("mentor", "mentee") and not question.applies_to(role):
            problem(
                title,
                f"This question is for {question.get_audience_display().lower()} only; leave it empty for a {role}.",
            )
            continue
        try:
            answers[key] = _clean_answer(question, cell)
        except ValueError as e:
            problem(title, str(e))

    current = existing.get(email)
    if current is not None and role in ("mentor", "mentee") and current["role"] != role:
        problem(
            role_title,
            f"{email} is already a {current['role']} in this program. Fix the role in the file, "
            "or remove the participant from the program first.",
        )
    if "capacity" in values and role == "mentee":
        problem(title_of["capacity"], "Capacity is for mentors only; leave it empty for mentees.")

    if problems:
        result.problems.extend(problems)
        return
    row = ParsedRow(line=line, email=email, role=role, values=values, answers=answers)
    if current is not None:
        changed = any(current.get(k) != v for k, v in values.items()) or any(
            current["answers"].get(k) != v for k, v in answers.items()
        )
        row.action = "update" if changed else "unchanged"
    result.rows.append(row)


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _clean_field(name: str, cell: str, *, email: str, role: str, known_skills: Mapping[str, str]) -> Any:
    """The model value for one non-empty cell, or ValueError with a message a person can act on."""
    if name in TEXT_LIMITS:
        if len(cell) > TEXT_LIMITS[name]:
            raise ValueError(f"This is {len(cell)} characters long; the limit is {TEXT_LIMITS[name]}.")
        return cell
    if name == "manager_email":
        value = cell.lower()
        if len(value) > EMAIL_MAX or not _is_email(value):
            raise ValueError(f"'{cell}' is not a valid email address.")
        if value == email:
            raise ValueError("A person cannot be their own manager; leave the manager empty or fix the email.")
        return value
    if name == "seniority":
        if not cell.isdigit() or not 1 <= int(cell) <= 6:
            raise ValueError(
                f"'{cell}' is not a seniority level; write a whole number from 1 (junior) to 6 (executive)."
            )
        return int(cell)
    if name == "timezone":
        zone = _timezones().get(cell.casefold())
        if zone is None:
            raise ValueError(
                f"'{cell}' is not a known time zone; use a name like Europe/Lisbon or America/New_York "
                "(see the 'TZ identifier' column of the tz database list)."
            )
        return zone
    if name == "languages":
        return normalize_languages(split_list(cell))
    if name in ("work_start", "work_end"):
        return _clean_time(cell)
    if name == "work_days":
        return _clean_days(cell)
    if name in ("skills_wanted", "skills_offered"):
        return normalize_tags(split_list(cell), known_skills)
    if name == "capacity":
        if not cell.isdigit() or not 1 <= int(cell) <= CAPACITY_MAX:
            raise ValueError(
                f"'{cell}' is not a capacity; write how many mentees, a whole number from 1 to {CAPACITY_MAX}."
            )
        return int(cell)
    return cell  # goals, expertise: free text


def _clean_time(cell: str) -> dt.time:
    match = _TIME.match(cell)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"'{cell}' is not a time; write it as HH:MM on a 24-hour clock, e.g. 09:00 or 17:30.")
    return dt.time(int(match[1]), int(match[2]))


def _day(name: str, cell: str) -> int:
    day = WEEKDAYS.get(name.strip().casefold())
    if day is None:
        raise ValueError(f"'{name.strip()}' in '{cell}' is not a weekday; write days like Mon-Fri or Mon,Tue,Thu.")
    return day


def _clean_days(cell: str) -> list[int]:
    days: set[int] = set()
    for part in split_list(cell.replace("/", ",")):
        range_match = _RANGE.match(part)
        if range_match:
            first, last = _day(range_match[1], cell), _day(range_match[2], cell)
            day = first
            while True:  # a range may wrap around the week: Sat-Mon
                days.add(day)
                if day == last:
                    break
                day = (day + 1) % 7
        else:
            for word in part.split():
                days.add(_day(word, cell))
    return sorted(days)


def _clean_answer(question: Question, cell: str) -> Any:
    if question.kind == "text":
        if len(cell) > ANSWER_MAX:
            raise ValueError(f"This answer is {len(cell)} characters long; the limit is {ANSWER_MAX}.")
        return cell
    choices = {str(c).casefold(): str(c) for c in question.choices}
    allowed = ", ".join(str(c) for c in question.choices)
    if question.kind == "single":
        if cell.casefold() not in choices:
            raise ValueError(f"'{cell}' is not one of the choices for this question: {allowed}.")
        return choices[cell.casefold()]
    picked: list[str] = []
    for item in split_list(cell):
        if item.casefold() not in choices:
            raise ValueError(f"'{item}' is not one of the choices for this question: {allowed}.")
        if choices[item.casefold()] not in picked:
            picked.append(choices[item.casefold()])
    return picked


def template_header(questions: Sequence[Question]) -> list[str]:
    return [*COLUMNS, *(f"q:{q.key}" for q in questions)]
