"""Reading and checking a participants CSV, without touching the database.

``decode_csv`` turns the uploaded bytes into text (strict UTF-8, BOM or not) and
``parse_participants`` checks every row against the program's questions, the
organization's skills and the participants already in the program, and says
what would be created or updated. Both are pure: the caller loads what they need
(three small queries) and decides what to write. The same code checks the
preview and, again, the confirmed import against the state at that moment.

Whatever the file holds, checking it takes time and memory in proportion to its
size: headers are matched through one dictionary, at most ``MAX_COLUMNS``
columns are read, at most ``PROBLEMS_KEPT`` problems are kept (the rest are
counted), and a cell quoted in a message is shortened to ``SHOWN_MAX``
characters. Quoting is read strictly: a quote left open would otherwise swallow
the following rows into one cell and import wrong data without a word.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentoring.profiles import (
    ANSWER_MAX,
    CAPACITY_MAX,
    CAPACITY_MIN,
    EMAIL_MAX,
    FIELDS,
    SENIORITY_LEVELS,
    TEXT_LIMITS,
    NotAChoice,
    capacity_allowed,
    choice_answers,
    find_timezone,
    normalize_languages,
    normalize_tags,
    seniority_allowed,
    split_list,
    timezones_by_folded_name,
)
from turazo.core.errors import ValidationFailed

if TYPE_CHECKING:
    from mentoring.models import Question

# The columns, in the template's order: email and role (required), then the profile fields.
COLUMNS = ("email", "role", *FIELDS)
REQUIRED = ("email", "role")
# HR systems export the name in parts; they are joined, in this order, into full_name.
NAME_PARTS = ("first_name", "middle_name", "last_name")

# Other headers people put in spreadsheets. Headers are compared after folding
# case and turning "_", "-" and runs of spaces into one space.
ALIASES = {
    "e mail": "email",
    "email address": "email",
    "e mail address": "email",
    "mail": "email",
    "work email": "email",
    "name": "full_name",
    "full name": "full_name",
    "first name": "first_name",
    "firstname": "first_name",
    "given name": "first_name",
    "given names": "first_name",
    "forename": "first_name",
    "legal first name": "first_name",
    "middle name": "middle_name",
    "middlename": "middle_name",
    "middle names": "middle_name",
    "last name": "last_name",
    "lastname": "last_name",
    "surname": "last_name",
    "family name": "last_name",
    "legal last name": "last_name",
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

# The longest cell read: the limit Python's csv module has always applied, so no
# file that imported before is refused now.
CELL_MAX = 131_072
# A header wider than this is not a participants list (the template has 18 columns
# plus the program's questions; HR exports have a few dozen).
MAX_COLUMNS = 300
# Problems listed in the report; the rest are counted. 200 lines of a table show
# every pattern of mistakes and keep the preview page and the job row small.
PROBLEMS_KEPT = 200
# Characters of a cell or header quoted back in a message.
SHOWN_MAX = 60

# The template's example rows use these addresses; a file that still holds one was
# uploaded before the examples were replaced.
EXAMPLE_EMAILS = ("ana.mentor@example.com", "ben.mentee@example.com")

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
# A whole number as int() reads it without fuss: ASCII digits ("²".isdigit() is true), not 100,000 of them.
_WHOLE = re.compile(r"^[0-9]{1,9}$")
_RANGE = re.compile(r"^\s*([A-Za-z]+)\s*[-–]\s*([A-Za-z]+)\s*$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_EXCEL_HINT = gettext_lazy(
    "In Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'; in Google Sheets use File > Download > CSV."
)


def fold_header(header: str) -> str:
    return _FOLD.sub(" ", header.strip().casefold()).strip()


# Every spelling a header may take, folded, to its canonical column: one dictionary
# look-up per header cell, however many columns and aliases there are.
_HEADERS: dict[str, str] = {
    **{fold_header(name): name for name in (*COLUMNS, *NAME_PARTS)},
    **ALIASES,
}


def canonical_column(header: str) -> str | None:
    return _HEADERS.get(fold_header(header))


def shown(text: str, limit: int = SHOWN_MAX) -> str:
    """A cell or header as quoted in a message: shortened, so no message outgrows a line."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def human_size(size: int) -> str:
    """A file size as a person reads it: 820 bytes, 96 KB, 7.3 MB."""
    if size < 1024:
        return ngettext("%(size)s byte", "%(size)s bytes", size) % {"size": f"{size:,}"}
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"


# --- Decoding ------------------------------------------------------------------------


def decode_csv(data: bytes, *, max_bytes: int, size: int | None = None) -> str:
    """The file as text, or ValidationFailed saying what is wrong with it and how to fix it.

    ``size`` is the size of the whole upload when ``data`` holds only its beginning
    (the caller reads one byte past the limit, no more)."""
    size = len(data) if size is None else max(size, len(data))
    if size > max_bytes:
        limit, actual = human_size(max_bytes), human_size(size)
        if actual == limit:
            message = _(
                "The file is just over the %(limit)s limit. Split it into smaller files and import them one after "
                "another."
            )
        else:
            message = _(
                "The file is %(actual)s; the limit is %(limit)s. Split it into smaller files and import them one "
                "after another."
            )
        raise _rejected(message % {"actual": actual, "limit": limit})
    if not data.strip():
        raise _rejected(_("The file is empty. Download the template, fill in one row per person and upload it."))
    if (kind := _spreadsheet_kind(data)) is not None:
        raise _rejected(
            _("This is %(kind)s, not a CSV file. Open it and save a copy as CSV. %(excel_hint)s")
            % {"kind": kind, "excel_hint": _EXCEL_HINT}
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise _rejected(
            _("The file is encoded as UTF-16 (Excel calls it 'Unicode Text'); Turazo reads UTF-8 only. %(excel_hint)s")
            % {"excel_hint": _EXCEL_HINT}
        )
    if b"\x00" in data:
        raise _rejected(
            _(
                "This is not a text file (it holds binary data), so it cannot be a CSV file. Export "
                "the list from your spreadsheet as CSV. %(excel_hint)s"
            )
            % {"excel_hint": _EXCEL_HINT}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise _rejected(
            _(
                "The file is not UTF-8: byte 0x%(byte)s on line %(line)s is not valid UTF-8 (files "
                "saved as 'CSV (Comma delimited)' in Excel are Windows-1252). %(excel_hint)s"
            )
            % {"byte": f"{data[e.start]:02X}", "line": line, "excel_hint": _EXCEL_HINT}
        )
    return text


def _spreadsheet_kind(data: bytes) -> str | None:
    """A spreadsheet saved in its own format (often renamed to .csv), by its first bytes."""
    if data.startswith(b"PK\x03\x04"):  # a ZIP archive: .xlsx, .ods, .numbers...
        head = data[:4096]
        if b"opendocument.spreadsheet" in head:
            return _("an OpenDocument spreadsheet (.ods)")
        if b"xl/" in data or b"[Content_Types].xml" in head:
            return _("an Excel workbook (.xlsx)")
        return _("a ZIP archive (for example an Excel or Numbers workbook)")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _("an Excel 97-2003 workbook (.xls)")
    return None


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte-order mark: in a list of names and emails, most of every
    other byte is NUL (the high byte of a Latin letter)."""
    sample = data[:1024]
    if len(sample) < 4:
        return False
    half = len(sample) // 2
    return sample[1::2].count(0) > half * 0.6 or sample[0::2].count(0) > half * 0.6


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
    problems: list[dict[str, Any]] = field(default_factory=list)  # the first PROBLEMS_KEPT
    problem_count: int = 0  # all of them
    columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    row_count: int = 0  # non-blank data rows, valid or not

    @property
    def ok(self) -> bool:
        return not self.problem_count

    def add_problem(self, line: int, column: str, message: object) -> None:
        """Count a problem; keep it only while fewer than PROBLEMS_KEPT are kept. The
        message is turned into text only then, so a costly one (a time zone's
        suggestions) is never built for a problem nobody will see."""
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append({"line": line, "column": shown(column), "message": str(message)})

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def report(self, *, sample: int = 20) -> dict[str, Any]:
        """JSON-ready summary for the preview page, the job row and the API."""
        return {
            "rows": self.row_count,
            "columns": self.columns,
            "unknown_columns": self.unknown_columns,
            "problems": self.problems,
            "problem_count": self.problem_count,
            "creates": self.count("create"),
            "updates": self.count("update"),
            "unchanged": self.count("unchanged"),
            "create_emails": [r.email for r in self.rows if r.action == "create"][:sample],
            "update_emails": [r.email for r in self.rows if r.action == "update"][:sample],
        }


def report_problem_count(report: Mapping[str, Any]) -> int:
    """All the problems of a report, of which ``report["problems"]`` lists the first
    PROBLEMS_KEPT (reports stored before the cap list them all, with no count)."""
    return max(report.get("problem_count", 0), len(report.get("problems", ())))


class _Lines:
    """The file's lines, as the csv reader asks for them, with how far it has read:
    where the record being read starts, for messages about broken quoting."""

    def __init__(self, text: str):
        self._lines = iter(io.StringIO(text, newline=""))
        self.offset = 0  # characters consumed
        self.count = 0  # lines consumed

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.offset += len(line)
        self.count += 1
        return line


def _delimiter(text: str) -> str:
    """Comma, or the semicolon / tab some spreadsheet locales write, judged by the header line."""
    for line in io.StringIO(text, newline=""):
        if line.strip():
            return max((",", ";", "\t"), key=line.count)
    return ","


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
    File-level faults (no header, too many columns, missing required columns, no rows,
    too many rows, broken quoting, a cell too long to read) raise ValidationFailed;
    row faults are collected in ``problems``.
    """
    result = ParseResult()
    delimiter = _delimiter(text)
    lines = _Lines(text)
    # strict: a quote that is never closed is an error, not the rest of the file in one cell.
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    questions_by_key = {q.key.casefold(): q for q in questions}
    header: list[str] | None = None
    file: _File | None = None
    while True:
        start_offset, line = lines.offset, lines.count + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            raise _rejected(_broken_quoting(text, start_offset, line, delimiter, header)) from None
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            if len(cells) > MAX_COLUMNS:
                raise _rejected(
                    _(
                        "Line %(line)s: the header has %(count)s columns; the limit is %(max)s. Keep "
                        "the columns of the template (email, role and the others you fill in), delete the "
                        "rest and upload the file again."
                    )
                    % {"line": line, "count": f"{len(cells):,}", "max": MAX_COLUMNS}
                )
            header = cells
            file = _File(
                header=header,
                columns=_map_columns(header, line, questions_by_key, result),
                delimiter=delimiter,
                questions_by_key=questions_by_key,
                known_skills=known_skills,
                existing=existing,
                result=result,
            )
            continue
        if result.row_count >= max_rows:
            raise _rejected(
                _(
                    "The file has more than %(max)s rows; the limit is %(max)s. Split it into "
                    "smaller files and import them one after another."
                )
                % {"max": f"{max_rows:,}"}
            )
        result.row_count += 1
        assert file is not None
        _parse_row(file, line, cells)
    if header is None:
        raise _rejected(_("The file has no header row. Download the template and keep its first line."))
    if result.row_count == 0:
        raise _rejected(
            _("The file has no rows, only the header line. Add one row per person below it and upload the file again.")
        )
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
                result.unknown_columns.append(shown(title))
        elif target in used:
            raise _rejected(
                _("Line %(line)s: the columns '%(first)s' and '%(second)s' both mean '%(column)s'. Keep one of them.")
                % {"line": line, "first": shown(used[target]), "second": shown(title), "column": target[1]}
            )
        else:
            used[target] = title
            result.columns.append(target[1] if target[0] == "field" else f"q:{target[1]}")
        columns.append(target)
    missing = [name for name in REQUIRED if ("field", name) not in used]
    if missing:
        titles = [f"'{shown(h)}'" for h in header if h.strip()]
        found = ", ".join(titles[:20])
        if len(titles) > 20:
            found = _("%(columns)s and %(count)s more") % {"columns": found, "count": f"{len(titles) - 20:,}"}
        raise _rejected(
            _(
                "Line %(line)s: the header has no %(columns)s column (found: %(found)s). Every file "
                "needs the columns email and role; download the template to start from."
            )
            % {
                "line": line,
                "columns": _("%(first)s or %(second)s") % {"first": missing[0], "second": missing[1]}
                if len(missing) == 2
                else missing[0],
                "found": found,
            }
        )
    return columns


def _line_breaks(text: str) -> int:
    return len(_LINE_BREAK.findall(text))


@dataclass
class _File:
    """What every row of one file is checked against."""

    header: list[str]
    columns: list[tuple[str, str] | None]
    delimiter: str
    questions_by_key: Mapping[str, Question]
    known_skills: Mapping[str, str]
    existing: Mapping[str, Mapping[str, Any]]
    result: ParseResult
    seen: dict[str, int] = field(default_factory=dict)  # email -> the line it was first on


@dataclass
class _Row:
    """One row being checked: its cells by field and question, and its problems so far."""

    line: int
    cells: list[str]
    raw: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (header title, cell)
    raw_answers: dict[str, tuple[str, str]] = field(default_factory=dict)
    too_long: set[str] = field(default_factory=set)
    problems: list[tuple[str, object]] = field(default_factory=list)
    email: str = ""
    role: str = ""

    def problem(self, column: str, message: object) -> None:
        self.problems.append((column, message))


def _parse_row(f: _File, line: int, cells: list[str]) -> None:
    """Check one row; add it to ``f.result`` (create, update or unchanged) or its problems."""
    row = _Row(line=line, cells=cells)
    _read_cells(f, row)
    _check_swallowed(f, row)
    _check_email_and_role(f, row)
    _join_name_parts(row.raw)
    values = _clean_values(f, row)
    answers = _clean_answers(f, row)
    current = f.existing.get(row.email)
    _check_against_current(row, current, values)
    if row.problems:
        for column, message in row.problems:
            f.result.add_problem(line, column, message)
        return
    parsed = ParsedRow(line=line, email=row.email, role=row.role, values=values, answers=answers)
    if current is not None:
        changed = any(current.get(k) != v for k, v in values.items()) or any(
            current["answers"].get(k) != v for k, v in answers.items()
        )
        parsed.action = "update" if changed else "unchanged"
    f.result.rows.append(parsed)


def _read_cells(f: _File, row: _Row) -> None:
    """The row's cells by field and question; a cell too long to hold is a problem."""
    cells, header = row.cells, f.header
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        row.problem(
            "",
            _("This row has %(cells)s cells but the header has %(columns)s columns; check for a stray comma.")
            % {"cells": f"{len(cells):,}", "columns": len(header)},
        )
    for index, target in enumerate(f.columns):
        if target is None:
            continue
        cell = cells[index].strip() if index < len(cells) else ""
        title = header[index].strip()
        if len(cell) > CELL_MAX:
            row.problem(
                title,
                _("This cell is %(count)s characters long; a cell can hold at most %(max)s.")
                % {"count": f"{len(cell):,}", "max": f"{CELL_MAX:,}"},
            )
            row.too_long.add(target[1])
            cell = ""
        (row.raw if target[0] == "field" else row.raw_answers)[target[1]] = (title, cell)


def _check_swallowed(f: _File, row: _Row) -> None:
    if swallowed := _swallowed_row(row.cells[: len(f.header)], f.columns, f.delimiter):
        index, email, offset = swallowed
        opened = row.line + sum(_line_breaks(c) for c in row.cells[:index])
        row.problem(
            f.header[index].strip(),
            _(
                "This cell runs on over the next lines and takes in what looks like another row "
                '(%(email)s on line %(line)s): a quote (") that opens the cell on line %(opened)s '
                "is not closed where the cell should end. Add the closing quote and upload the file "
                "again."
            )
            % {"email": shown(email), "line": opened + offset, "opened": opened},
        )


def _check_email_and_role(f: _File, row: _Row) -> None:
    email_title, email_cell = row.raw["email"]
    role_title, role_cell = row.raw["role"]
    row.email, row.role = email_cell.lower(), role_cell.casefold()
    email, role = row.email, row.role
    if "email" in row.too_long:
        pass
    elif not email:
        row.problem(email_title, _("The email is empty; every row needs the person's email address."))
    elif len(email) > EMAIL_MAX or not _is_email(email):
        row.problem(email_title, _("'%(cell)s' is not a valid email address.") % {"cell": shown(email_cell)})
    elif email in EXAMPLE_EMAILS:
        row.problem(email_title, _("This is the template's example row; replace it with a real person or delete it."))
    elif email in f.seen:
        row.problem(
            email_title,
            _("%(email)s is already on line %(line)s; list each person once.")
            % {"email": email, "line": f.seen[email]},
        )
    else:
        f.seen[email] = row.line
    if "role" in row.too_long:
        pass
    elif not role:
        row.problem(role_title, _("The role is empty; write mentor or mentee."))
    elif role not in ("mentor", "mentee"):
        row.problem(role_title, _("'%(cell)s' is not a role; write mentor or mentee.") % {"cell": shown(role_cell)})


def _clean_values(f: _File, row: _Row) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, (title, cell) in row.raw.items():
        if name in ("email", "role", *NAME_PARTS) or not cell:
            continue
        try:
            values[name] = _clean_field(name, cell, email=row.email, role=row.role, known_skills=f.known_skills)
        except ValueError as e:
            row.problem(title, e)
    return values


def _clean_answers(f: _File, row: _Row) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for key, (title, cell) in row.raw_answers.items():
        if not cell:
            continue
        question = f.questions_by_key[key.casefold()]
        if row.role in ("mentor", "mentee") and not question.applies_to(row.role):
            row.problem(
                title,
                (
                    _("This question is for %(audience)s only; leave it empty for a mentor.")
                    if row.role == "mentor"
                    else _("This question is for %(audience)s only; leave it empty for a mentee.")
                )
                % {"audience": question.get_audience_display().lower()},
            )
            continue
        try:
            answers[key] = _clean_answer(question, cell)
        except ValueError as e:
            row.problem(title, e)
    return answers


def _check_against_current(row: _Row, current: Mapping[str, Any] | None, values: Mapping[str, Any]) -> None:
    """A person keeps their role in a program; capacity is for mentors."""
    if current is not None and row.role in ("mentor", "mentee") and current["role"] != row.role:
        row.problem(
            row.raw["role"][0],
            (
                _(
                    "%(email)s is already a mentor in this program. Fix the role in the file, or "
                    "remove the participant from the program first."
                )
                if current["role"] == "mentor"
                else _(
                    "%(email)s is already a mentee in this program. Fix the role in the file, or "
                    "remove the participant from the program first."
                )
            )
            % {"email": row.email},
        )
    if "capacity" in values and row.role == "mentee":
        row.problem(row.raw["capacity"][0], _("Capacity is for mentors only; leave it empty for mentees."))


def _join_name_parts(raw: dict[str, tuple[str, str]]) -> None:
    """first_name / middle_name / last_name columns become full_name when the row has
    no full name of its own; the joined name is checked like a full name."""
    parts = [raw[p] for p in NAME_PARTS if p in raw]
    if not parts or raw.get("full_name", ("", ""))[1]:
        return
    name = " ".join(cell for _, cell in parts if cell)
    raw["full_name"] = (" + ".join(title for title, _ in parts), name)


def _swallowed_row(
    cells: list[str], columns: list[tuple[str, str] | None], delimiter: str
) -> tuple[int, str, int] | None:
    """A quote opened in a cell and closed only some lines later reads those lines,
    rows of other people, into the cell. Python's csv cannot tell; a line inside a
    cell with an email and a role where the header has them can. Returns the cell's
    index, the email found and how many lines into the cell it is."""
    email_at = columns.index(("field", "email"))
    role_at = columns.index(("field", "role"))
    for index, cell in enumerate(cells):
        if "\n" not in cell and "\r" not in cell:
            continue
        for offset, inner in enumerate(_LINE_BREAK.split(cell)[1:], start=1):
            parts = [p.strip().strip('"').strip() for p in inner.split(delimiter)]
            if len(parts) <= max(email_at, role_at) or parts[role_at].casefold() not in ("mentor", "mentee"):
                continue
            if len(parts[email_at]) <= EMAIL_MAX and _is_email(parts[email_at]):
                return index, parts[email_at], offset
    return None


def _broken_quoting(text: str, start: int, line: int, delimiter: str, header: list[str] | None) -> str:
    """What Python's csv refused in the record starting at ``start`` (its first line is
    ``line``), said with the line and column a person can find in the spreadsheet.

    Walks the record the way the csv reader does: a quote opens a quoted cell only at
    the start of a cell, and inside one a quote is written twice. Each step jumps to
    the next character that matters, so even a 5 MB record is walked at once."""

    def column(index: int) -> str:
        if header is not None and index < len(header) and header[index].strip():
            return _("the '%(column)s' cell") % {"column": shown(header[index])}
        return _("cell %(number)s") % {"number": index + 1}

    def too_long() -> str:
        return _(
            "Line %(line)s, %(cell)s: the cell is %(count)s characters long; a cell can "
            "hold at most %(max)s. Shorten it and upload the file again."
        ) % {"line": opened_at, "cell": column(index), "count": f"{length:,}", "max": f"{CELL_MAX:,}"}

    cell_end = re.compile(f"[{re.escape(delimiter)}\r\n]")
    index = 0  # cell of the record
    length = 0  # characters of the cell so far
    current = opened_at = line  # the line being read; the line where the cell started
    quoted = False  # inside a quoted cell
    position, end = start, len(text)
    while position < end:
        if quoted:
            close = text.find('"', position)
            stop = end if close == -1 else close
            current += _line_breaks(text[position:stop])
            length += stop - position
            if close == -1:
                break
            position = close + 1
            if text.startswith('"', position):  # a doubled quote: one quote of the cell
                position, length = position + 1, length + 1
                continue
            quoted = False
            if position < end and text[position] not in (delimiter, "\r", "\n"):
                if current == opened_at:
                    return _(
                        'Line %(line)s, %(cell)s: a quote (") inside a cell that starts with a quote '
                        'must be written twice (""); as it is, it ends the cell early. Double the quotes '
                        "inside the cell, or remove the quotes around it, and upload the file again."
                    ) % {"line": current, "cell": column(index)}
                return _(
                    'Line %(line)s: the quote (") that opens %(cell)s is not closed where the cell '
                    "ends, so the cell runs on until a quote on line %(end)s. Add the closing quote "
                    "at the end of the cell (or remove the opening one) and upload the file again."
                ) % {"line": opened_at, "cell": column(index), "end": current}
            continue
        if length == 0 and text[position] == '"':
            quoted, position = True, position + 1
            continue
        match = cell_end.search(text, position)
        stop = end if match is None else match.start()
        length += stop - position
        if length > CELL_MAX:
            return too_long()
        if match is None or text[stop] != delimiter:
            return _(
                'Line %(line)s: the file cannot be read as CSV from this line on. Check the quotes (") on this line.'
            ) % {"line": line}
        index, length, opened_at, position = index + 1, 0, current, stop + 1
    if quoted:
        # Lines after the opening one that the cell would swallow (a final line break starts none).
        rest = current - opened_at - (1 if text.endswith(("\n", "\r")) else 0)
        values = {"line": opened_at, "cell": column(index), "first": opened_at + 1, "last": opened_at + rest}
        if rest == 1:
            message = _(
                'Line %(line)s: the quote (") that opens %(cell)s is never closed, so line %(first)s would be read '
                "into that cell. Add the closing quote at the end of the cell (or remove the opening one) and "
                "upload the file again."
            )
        elif rest > 1:
            message = _(
                'Line %(line)s: the quote (") that opens %(cell)s is never closed, so lines %(first)s to %(last)s '
                "would be read into that cell. Add the closing quote at the end of the cell (or remove the "
                "opening one) and upload the file again."
            )
        else:
            message = _(
                'Line %(line)s: the quote (") that opens %(cell)s is never closed. Add the closing quote at the '
                "end of the cell (or remove the opening one) and upload the file again."
            )
        return message % values
    if length > CELL_MAX:
        return too_long()
    return _('Line %(line)s: the file cannot be read as CSV from this line on. Check the quotes (") on this line.') % {
        "line": line
    }


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
            raise ValueError(
                _("This is %(count)s characters long; the limit is %(max)s.")
                % {"count": f"{len(cell):,}", "max": TEXT_LIMITS[name]}
            )
        return cell
    if name == "manager_email":
        value = cell.lower()
        if len(value) > EMAIL_MAX or not _is_email(value):
            raise ValueError(_("'%(cell)s' is not a valid email address.") % {"cell": shown(cell)})
        if value == email:
            raise ValueError(_("A person cannot be their own manager; leave the manager empty or fix the email."))
        return value
    if name == "seniority":
        if not _WHOLE.match(cell) or not seniority_allowed(int(cell)):
            raise ValueError(
                _(
                    "'%(cell)s' is not a seniority level; write a whole number from %(min)s "
                    "(junior) to %(max)s (executive)."
                )
                % {"cell": shown(cell), "min": min(SENIORITY_LEVELS), "max": max(SENIORITY_LEVELS)}
            )
        return int(cell)
    if name == "timezone":
        zone = find_timezone(cell)
        if zone is None:
            raise ValueError(_UnknownZone(cell))
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
        if not _WHOLE.match(cell) or not capacity_allowed(int(cell)):
            raise ValueError(
                _("'%(cell)s' is not a capacity; write how many mentees, a whole number from %(min)s to %(max)s.")
                % {"cell": shown(cell), "min": CAPACITY_MIN, "max": CAPACITY_MAX}
            )
        return int(cell)
    return cell  # goals, expertise: free text


# --- Time zones ----------------------------------------------------------------------------

# Names that are not tz database zones but that spreadsheets and HR systems write:
# abbreviations and Windows zone names, each to the zone most people using it mean.
ZONE_NICKNAMES = {
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pacific time": "America/Los_Angeles",
    "pacific standard time": "America/Los_Angeles",
    "mdt": "America/Denver",
    "mountain time": "America/Denver",
    "mountain standard time": "America/Denver",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "central time": "America/Chicago",
    "central standard time": "America/Chicago",
    "edt": "America/New_York",
    "eastern time": "America/New_York",
    "eastern standard time": "America/New_York",
    "brt": "America/Sao_Paulo",
    "e. south america standard time": "America/Sao_Paulo",
    "bst": "Europe/London",
    "gmt standard time": "Europe/London",
    "cest": "Europe/Berlin",
    "w. europe standard time": "Europe/Berlin",
    "romance standard time": "Europe/Paris",
    "central european standard time": "Europe/Warsaw",
    "central europe standard time": "Europe/Budapest",
    "eest": "Europe/Athens",
    "gtb standard time": "Europe/Bucharest",
    "ist": "Asia/Kolkata",
    "india standard time": "Asia/Kolkata",
    "sgt": "Asia/Singapore",
    "singapore standard time": "Asia/Singapore",
    "china standard time": "Asia/Shanghai",
    "jst": "Asia/Tokyo",
    "tokyo standard time": "Asia/Tokyo",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "aus eastern standard time": "Australia/Sydney",
}
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*[+\-−]\s*\d{1,2}(?::?\d{2})?$")
_REGIONS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/")


@cache
def _suggestable_zones() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Region/City zones (the ones worth suggesting), by folded name and by folded city."""
    zones = {name.casefold(): name for name in timezones_by_folded_name().values() if name.startswith(_REGIONS)}
    zones["utc"] = "UTC"
    by_city: dict[str, list[str]] = {}
    for folded, name in zones.items():
        by_city.setdefault(folded.rsplit("/", 1)[-1], []).append(name)
    return zones, by_city


@lru_cache(maxsize=4096)
def zone_suggestions(value: str) -> tuple[str, ...]:
    """The valid zones closest to a value that is not one: 'Berlin', 'Europe/Berln',
    'CEST' and 'W. Europe Standard Time' all give Europe/Berlin."""
    folded = " ".join(value.split()).casefold()
    if folded in ZONE_NICKNAMES:
        return (ZONE_NICKNAMES[folded],)
    key = folded.replace(" ", "_")
    zones, by_city = _suggestable_zones()
    city = key.rsplit("/", 1)[-1]
    if city in by_city:
        return tuple(sorted(by_city[city]))[:3]
    scored = [
        (difflib.SequenceMatcher(None, key, candidate).ratio(), zones[candidate])
        for candidate in difflib.get_close_matches(key, zones, n=3, cutoff=0.75)
    ]
    scored += [
        (difflib.SequenceMatcher(None, city, candidate).ratio(), name)
        for candidate in difflib.get_close_matches(city, by_city, n=3, cutoff=0.8)
        for name in by_city[candidate]
    ]
    best: dict[str, float] = {}
    for score, name in scored:
        best[name] = max(score, best.get(name, 0.0))
    if not best:
        return ()
    top = max(best.values())
    close = sorted((name for name, score in best.items() if score >= top - 0.05), key=lambda n: (-best[n], n))
    return tuple(close[:3])


class _UnknownZone:
    """The message for a value that is not a time zone, built only when shown."""

    def __init__(self, cell: str):
        self.cell = cell

    def __str__(self) -> str:
        cell = shown(self.cell)
        if _OFFSET.match(self.cell.strip().casefold()):
            return _(
                "'%(cell)s' is an offset from UTC, not a time zone: offsets change with daylight "
                "saving time. Write the zone of the person's city, such as Europe/Berlin or "
                "America/New_York."
            ) % {"cell": cell}
        suggestions = zone_suggestions(self.cell)
        if suggestions:
            names = (
                suggestions[0]
                if len(suggestions) == 1
                else _("%(first)s or %(second)s") % {"first": ", ".join(suggestions[:-1]), "second": suggestions[-1]}
            )
            return _("'%(cell)s' is not a time zone; did you mean %(names)s?") % {"cell": cell, "names": names}
        return _(
            "'%(cell)s' is not a time zone; write the zone of the person's city as Region/City, "
            "such as Europe/Berlin, America/New_York or Asia/Kolkata."
        ) % {"cell": cell}


# --- Times, days, answers --------------------------------------------------------------------


def _clean_time(cell: str) -> dt.time:
    match = _TIME.match(cell)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(
            _("'%(cell)s' is not a time; write it as HH:MM on a 24-hour clock, e.g. 09:00 or 17:30.")
            % {"cell": shown(cell)}
        )
    return dt.time(int(match[1]), int(match[2]))


def _day(name: str, cell: str) -> int:
    day = WEEKDAYS.get(name.strip().casefold())
    if day is None:
        raise ValueError(
            _("'%(name)s' in '%(cell)s' is not a weekday; write days like Mon-Fri or Mon,Tue,Thu.")
            % {"name": shown(name), "cell": shown(cell)}
        )
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
            raise ValueError(
                _("This answer is %(count)s characters long; the limit is %(max)s.")
                % {"count": f"{len(cell):,}", "max": ANSWER_MAX}
            )
        return cell
    try:
        if question.kind == "single":
            return choice_answers(question, [cell])[0]
        return choice_answers(question, split_list(cell))
    except NotAChoice as e:
        allowed = ", ".join(str(c) for c in question.choices)
        raise ValueError(
            _("'%(answer)s' is not one of the choices for this question: %(choices)s.")
            % {"answer": shown(e.value), "choices": allowed}
        )


# --- The template ------------------------------------------------------------------------------


def template_header(questions: Sequence[Question]) -> list[str]:
    return [*COLUMNS, *(f"q:{q.key}" for q in questions)]


_EXAMPLES = {
    "mentor": {
        "email": EXAMPLE_EMAILS[0],
        "role": "mentor",
        "full_name": "Ana Example",
        "job_title": "Engineering Manager",
        "department": "Engineering",
        "seniority": "4",
        "location": "Lisbon",
        "timezone": "Europe/Lisbon",
        "languages": "English; Portuguese",
        "work_start": "09:00",
        "work_end": "17:30",
        "work_days": "Mon-Fri",
        "expertise": "Leading a team through its first year; hiring well",
        "skills_offered": "Hiring; Public speaking",
        "capacity": "2",
    },
    "mentee": {
        "email": EXAMPLE_EMAILS[1],
        "role": "mentee",
        "full_name": "Ben Example",
        "job_title": "Data Analyst",
        "department": "Finance",
        "manager_email": "carla.manager@example.com",
        "seniority": "2",
        "location": "Berlin",
        "timezone": "Europe/Berlin",
        "languages": "English; German",
        "work_start": "08:30",
        "work_end": "17:00",
        "work_days": "Mon-Thu",
        "goals": "Grow into a team lead role within a year",
        "skills_wanted": "SQL; Negotiation",
    },
}


def template_rows(questions: Sequence[Question]) -> list[list[str]]:
    """One example row per role, with an answer to each question that applies to it."""
    rows = []
    for role, example in _EXAMPLES.items():
        row = [example.get(name, "") for name in COLUMNS]
        for question in questions:
            row.append(_example_answer(question) if question.applies_to(role) else "")
        rows.append(row)
    return rows


def _example_answer(question: Question) -> str:
    if question.kind == "text":
        return "A short answer"
    choices = [str(c) for c in question.choices]
    return choices[0] if question.kind == "single" and choices else "; ".join(choices[:2])
