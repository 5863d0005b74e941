"""The CSV reader and row checker on their own: no database, plain data in and out."""

from __future__ import annotations

import datetime as dt

import pytest

from mentoring.csv_import import decode_csv, parse_participants, template_header
from mentoring.models import Question
from turazo.core.errors import ValidationFailed

QUESTIONS = [
    Question(key="track", kind="single", choices=["Engineering", "Sales"], audience="both"),
    Question(key="topics", kind="multiple", choices=["Hiring", "Negotiation", "SQL"], audience="both"),
    Question(key="why", kind="text", audience="mentee"),
]


def parse(text: str, *, existing=None, known_skills=None, max_rows: int = 100):
    return parse_participants(
        text, questions=QUESTIONS, known_skills=known_skills or {}, existing=existing or {}, max_rows=max_rows
    )


def problems(result) -> list[tuple[int, str, str]]:
    return [(p["line"], p["column"], p["message"]) for p in result.problems]


def test_a_complete_row_becomes_normalized_values():
    text = (
        "email,role,full_name,job_title,department,manager_email,seniority,location,timezone,languages,"
        "work_start,work_end,work_days,goals,skills_wanted,expertise,skills_offered,capacity,q:track,q:topics\n"
        "Ann@Example.COM,Mentor,Ann Lee,CTO,Tech,Boss@Example.com,6,Lisbon,europe/lisbon,English; Portuguese,"
        '9:00,17:30,Mon-Fri,,  public   speaking;SQL,Databases,sql,3,engineering,"hiring, SQL"\n'
    )
    result = parse(text, known_skills={"sql": "SQL"})
    assert result.problems == []
    [row] = result.rows
    assert (row.line, row.email, row.role, row.action) == (2, "ann@example.com", "mentor", "create")
    assert row.values == {
        "full_name": "Ann Lee",
        "job_title": "CTO",
        "department": "Tech",
        "manager_email": "boss@example.com",
        "seniority": 6,
        "location": "Lisbon",
        "timezone": "Europe/Lisbon",
        "languages": ["english", "portuguese"],
        "work_start": dt.time(9, 0),
        "work_end": dt.time(17, 30),
        "work_days": [0, 1, 2, 3, 4],
        "skills_wanted": ["public speaking", "SQL"],
        "expertise": "Databases",
        "skills_offered": ["SQL"],
        "capacity": 3,
    }
    assert row.answers == {"track": "Engineering", "topics": ["Hiring", "SQL"]}


def test_headers_match_ignoring_case_spaces_and_aliases():
    result = parse(
        "E-Mail,ROLE,Name,Time Zone,Job Title,Dept,Level,Working days\nx@y.com,mentee,X,UTC,Dev,IT,2,Sat-Mon\n"
    )
    assert result.problems == []
    assert result.columns == [
        "email",
        "role",
        "full_name",
        "timezone",
        "job_title",
        "department",
        "seniority",
        "work_days",
    ]
    assert result.rows[0].values["work_days"] == [0, 5, 6]


def test_unknown_columns_are_reported_not_dropped_silently():
    result = parse("email,role,Favourite colour,q:nope\nx@y.com,mentee,red,1\n")
    assert result.unknown_columns == ["Favourite colour", "q:nope"]
    assert result.report()["unknown_columns"] == ["Favourite colour", "q:nope"]


def test_every_row_problem_names_its_line_column_and_what_to_do():
    text = (
        "Email,Role,Time zone,seniority,work_start,work_days,capacity,manager_email,q:track,q:why\n"
        "ok@x.com,mentee,UTC,1,09:00,Mon,,,Sales,\n"  # line 2: fine
        "bob@,coach,Mars/Base,7,25:00,Funday,,,Marketing,\n"  # line 3
        "ok@x.com,mentee,,,,,,,,\n"  # line 4: duplicate
        ",,,,,,,,,\n"  # blank: skipped
        "m@x.com,mentor,,,,,0,m@x.com,,Because\n"  # line 6
        "n@x.com,mentee,,,,,2,,,\n"  # line 7: capacity on a mentee
    )
    result = parse(text)
    assert problems(result) == [
        (3, "Email", "'bob@' is not a valid email address."),
        (3, "Role", "'coach' is not a role; write mentor or mentee."),
        (
            3,
            "Time zone",
            "'Mars/Base' is not a known time zone; use a name like Europe/Lisbon or America/New_York "
            "(see the 'TZ identifier' column of the tz database list).",
        ),
        (3, "seniority", "'7' is not a seniority level; write a whole number from 1 (junior) to 6 (executive)."),
        (3, "work_start", "'25:00' is not a time; write it as HH:MM on a 24-hour clock, e.g. 09:00 or 17:30."),
        (3, "work_days", "'Funday' in 'Funday' is not a weekday; write days like Mon-Fri or Mon,Tue,Thu."),
        (3, "q:track", "'Marketing' is not one of the choices for this question: Engineering, Sales."),
        (4, "Email", "ok@x.com is already on line 2; list each person once."),
        (6, "capacity", "'0' is not a capacity; write how many mentees, a whole number from 1 to 50."),
        (6, "manager_email", "A person cannot be their own manager; leave the manager empty or fix the email."),
        (6, "q:why", "This question is for mentees only; leave it empty for a mentor."),
        (7, "capacity", "Capacity is for mentors only; leave it empty for mentees."),
    ]
    assert [r.line for r in result.rows] == [2]
    assert result.row_count == 5  # the blank line is not a row


def test_missing_email_and_role_cells_are_problems():
    result = parse("email,role,name\n,,Ann\nx@y.com,,\n")
    assert problems(result) == [
        (2, "email", "The email is empty; every row needs the person's email address."),
        (2, "role", "The role is empty; write mentor or mentee."),
        (3, "role", "The role is empty; write mentor or mentee."),
    ]


def test_line_numbers_count_lines_of_the_file_even_with_multiline_cells():
    text = 'email,role,goals\na@x.com,mentee,"grow\ninto\nlead"\nbad,mentee,\n'
    result = parse(text)
    assert problems(result) == [(5, "email", "'bad' is not a valid email address.")]


def test_existing_participants_are_classed_update_or_unchanged_and_a_role_change_is_refused():
    existing = {
        "same@x.com": {"role": "mentee", "answers": {}, "full_name": "Same", "timezone": "UTC"},
        "new@x.com": {"role": "mentee", "answers": {"track": "Sales"}, "full_name": "Old name", "timezone": ""},
        "flip@x.com": {"role": "mentor", "answers": {}, "full_name": "", "timezone": ""},
    }
    text = "email,role,name,timezone,q:track\nsame@x.com,mentee,Same,,\nNEW@x.com,mentee,New name,,sales\nfresh@x.com,mentor,,,\nflip@x.com,mentee,,,\n"
    result = parse(text, existing=existing)
    assert [(r.email, r.action) for r in result.rows] == [
        ("same@x.com", "unchanged"),
        ("new@x.com", "update"),
        ("fresh@x.com", "create"),
    ]
    assert problems(result) == [
        (
            5,
            "role",
            "flip@x.com is already a mentor in this program. Fix the role in the file, "
            "or remove the participant from the program first.",
        )
    ]
    report = result.report()
    assert (report["creates"], report["updates"], report["unchanged"]) == (1, 1, 1)


def test_semicolon_separated_files_from_european_spreadsheets_are_read():
    result = parse("email;role;languages\nx@y.com;mentee;English, German\n")
    assert result.problems == []
    assert result.rows[0].values["languages"] == ["english", "german"]


def test_a_row_with_more_cells_than_the_header_is_a_problem():
    result = parse("email,role\nx@y.com,mentee,oops\n")
    assert problems(result) == [(2, "", "This row has 3 cells but the header has 2 columns; check for a stray comma.")]


@pytest.mark.parametrize(
    "text, message",
    [
        ("\n\n", "The file has no header row. Download the template and keep its first line."),
        ("name,role\nx,mentee\n", "Line 1: the header has no email column (found: 'name', 'role')."),
        ("email,e-mail,role\n", "Line 1: the columns 'email' and 'e-mail' both mean 'email'. Keep one of them."),
    ],
)
def test_a_file_without_a_usable_header_is_rejected(text, message):
    with pytest.raises(ValidationFailed) as e:
        parse(text)
    assert e.value.message.startswith(message)


def test_more_rows_than_the_limit_are_rejected_whole():
    with pytest.raises(ValidationFailed, match="more than 2 rows; the limit is 2"):
        parse("email,role\na@x.com,mentee\nb@x.com,mentee\nc@x.com,mentee\n", max_rows=2)
    assert len(parse("email,role\na@x.com,mentee\nb@x.com,mentee\n\n", max_rows=2).rows) == 2


def test_utf8_with_and_without_bom_decodes_the_same():
    text = "email,role,name\nzoe@x.com,mentee,Zoë Ñúñez\n"
    assert decode_csv(text.encode("utf-8"), max_bytes=1000) == text
    assert decode_csv(text.encode("utf-8-sig"), max_bytes=1000) == text


@pytest.mark.parametrize(
    "encoding, start",
    [
        ("utf-16", "The file is encoded as UTF-16; Turazo reads UTF-8 only."),
        ("utf-16-le", "The file contains NUL bytes, which usually means it is UTF-16 without a byte-order mark"),
        ("cp1252", "The file is not UTF-8: byte 0xEB on line 2 is not valid UTF-8"),
    ],
)
def test_other_encodings_are_rejected_with_a_message_saying_so(encoding, start):
    data = "email,role,name\nzoe@x.com,mentee,Zoë\n".encode(encoding)
    with pytest.raises(ValidationFailed) as e:
        decode_csv(data, max_bytes=1000)
    assert e.value.message.startswith(start)
    assert "CSV UTF-8" in e.value.message


def test_size_limit_is_exact():
    data = b"email,role\n" + b"a" * 89
    assert len(data) == 100
    assert decode_csv(data, max_bytes=100)
    with pytest.raises(ValidationFailed, match="The file is 101 bytes; the limit is 100 bytes"):
        decode_csv(data + b"\n", max_bytes=100)


def test_template_lists_every_column_then_the_questions():
    assert template_header(QUESTIONS)[:2] == ["email", "role"]
    assert template_header(QUESTIONS)[-3:] == ["q:track", "q:topics", "q:why"]
