"""participant_update_profile: validation with per-field messages, normalization,
completeness and who may edit."""

from __future__ import annotations

import datetime as dt

import pytest

from mentoring.models import Participant, Question, Skill
from mentoring.services.profiles import participant_update_profile
from tests.mentoring.factories import QuestionFactory, SkillFactory
from turazo.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentee_p(mentee) -> Participant:
    return Participant.objects.select_related("program", "user").get(user=mentee)


@pytest.fixture
def mentor_p(mentor) -> Participant:
    return Participant.objects.select_related("program", "user").get(user=mentor)


@pytest.fixture
def format_q(program) -> Question:
    return QuestionFactory(program=program, key="format", label="Preferred format", choices=["Video", "In person"])


FULL_MENTEE = {
    "full_name": "Tom Mentee",
    "job_title": "Analyst",
    "department": "Finance",
    "manager_email": "boss@acme.test",
    "seniority": 2,
    "location": "Lisbon",
    "timezone": "Europe/Lisbon",
    "languages": "English, Portuguese",
    "work_start": "09:00",
    "work_end": "17:30",
    "work_days": [0, 1, 2, 3, 4],
    "goals": "Get better at negotiation.",
    "skills_wanted": "SQL, negotiation",
}


def _errors(participant, actor, data) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        participant_update_profile(participant=participant, actor=actor, data=data)
    return caught.value.fields


def test_mentee_fills_the_whole_profile_and_reaches_100_percent(mentee, mentee_p, format_q):
    participant_update_profile(participant=mentee_p, actor=mentee, data={**FULL_MENTEE, "answers": {"format": "video"}})

    mentee_p.refresh_from_db()
    assert mentee_p.completeness == 100
    assert mentee_p.languages == ["english", "portuguese"]
    assert mentee_p.work_start == dt.time(9, 0)
    assert mentee_p.work_end == dt.time(17, 30)
    assert mentee_p.work_days == [0, 1, 2, 3, 4]
    assert mentee_p.skills_wanted == ["SQL", "negotiation"]
    assert mentee_p.answers == {"format": ["Video"]}
    assert mentee_p.manager_email == "boss@acme.test"


def test_completeness_counts_the_fields_of_the_role_and_the_applicable_required_questions(mentee, mentee_p, program):
    QuestionFactory(program=program, key="format", audience=Question.Audience.MENTEE, required=True)
    QuestionFactory(program=program, key="mentor-only", audience=Question.Audience.MENTOR, required=True)
    QuestionFactory(program=program, key="optional", audience=Question.Audience.BOTH, required=False)
    # Filled by the factory: full name, time zone, languages. Counted: 7 common + goals, skills + 1 question = 10.
    participant_update_profile(participant=mentee_p, actor=mentee, data={"goals": "Public speaking"})
    mentee_p.refresh_from_db()
    assert mentee_p.completeness == 40


def test_an_optional_question_left_blank_keeps_a_full_profile_at_100(mentee, mentee_p, program):
    QuestionFactory(program=program, key="hobbies", kind="text", choices=[], required=False)
    participant_update_profile(participant=mentee_p, actor=mentee, data=FULL_MENTEE)
    mentee_p.refresh_from_db()
    assert mentee_p.answers == {}
    assert mentee_p.completeness == 100


def test_a_required_question_left_blank_keeps_the_profile_below_100(mentee, mentee_p, program):
    QuestionFactory(program=program, key="format", required=True)
    participant_update_profile(participant=mentee_p, actor=mentee, data=FULL_MENTEE)
    mentee_p.refresh_from_db()
    assert mentee_p.completeness == 90


def test_skills_take_the_organizations_spelling_and_new_ones_are_kept(mentee, mentee_p, organization):
    SkillFactory(organization=organization, name="Public speaking")
    participant_update_profile(
        participant=mentee_p,
        actor=mentee,
        data={"skills_wanted": ["  public  SPEAKING", "Data   viz", "PUBLIC speaking"]},
    )
    mentee_p.refresh_from_db()
    assert mentee_p.skills_wanted == ["Public speaking", "Data viz"]
    # Free entries stay on the profile; the admin-curated list is not extended.
    assert list(Skill.objects.for_organization(organization).values_list("name", flat=True)) == ["Public speaking"]


def test_another_organizations_skill_list_does_not_spell_our_skills(mentee, mentee_p, other_organization):
    SkillFactory(organization=other_organization, name="Public Speaking")
    participant_update_profile(participant=mentee_p, actor=mentee, data={"skills_wanted": "public speaking"})
    mentee_p.refresh_from_db()
    assert mentee_p.skills_wanted == ["public speaking"]


def test_time_zone_is_matched_regardless_of_case(mentee, mentee_p):
    participant_update_profile(participant=mentee_p, actor=mentee, data={"timezone": " america/new_york "})
    mentee_p.refresh_from_db()
    assert mentee_p.timezone == "America/New_York"


def test_night_shift_crossing_midnight_is_accepted_when_declared(mentor, mentor_p):
    participant_update_profile(
        participant=mentor_p, actor=mentor, data={"work_start": "22:00", "work_end": "06:00", "works_overnight": True}
    )
    mentor_p.refresh_from_db()
    assert (mentor_p.work_start, mentor_p.work_end) == (dt.time(22, 0), dt.time(6, 0))
    # Changing only the start keeps the declared night shift.
    participant_update_profile(participant=mentor_p, actor=mentor, data={"work_start": "21:00"})
    mentor_p.refresh_from_db()
    assert mentor_p.work_start == dt.time(21, 0)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"timezone": "Europe/Lisbn"},
            {
                "timezone": [
                    "“Europe/Lisbn” is not a time zone we know. Pick one from the list, for example Europe/Lisbon."
                ]
            },
        ),
        (
            {"work_start": "17:00", "work_end": "09:00"},
            {
                "work_end": [
                    "The end (09:00) is before the start (17:00). If your working day crosses midnight, "
                    "tick “My working day crosses midnight”."
                ]
            },
        ),
        (
            {"work_start": "09:00", "work_end": "17:00", "works_overnight": True},
            {"works_overnight": ["09:00–17:00 does not cross midnight; untick this or correct the times."]},
        ),
        (
            {"work_start": "09:00", "work_end": "09:00"},
            {"work_end": ["The working day ends when it starts; enter a later end time."]},
        ),
        (
            {"work_start": "09:00", "work_end": None},
            {"work_end": ["Give both the start and the end of your working day, or neither."]},
        ),
        ({"work_start": "9 o'clock"}, {"work_start": ["Enter a time like 09:00."]}),
        ({"seniority": 7}, {"seniority": ["Choose a seniority level from 1 (junior) to 6 (executive)."]}),
        ({"seniority": "senior"}, {"seniority": ["Choose a seniority level from 1 (junior) to 6 (executive)."]}),
        (
            {"manager_email": "Mentee@Acme.test"},
            {"manager_email": ["This is your own email address; enter your manager's instead."]},
        ),
        (
            {"manager_email": "boss-at-acme"},
            {"manager_email": ["“boss-at-acme” is not an email address; use the form name@company.com."]},
        ),
        ({"full_name": "   "}, {"full_name": ["Tell us your name; mentors and mentees see it."]}),
        ({"job_title": "x" * 151}, {"job_title": ["Keep this to 150 characters (it has 151)."]}),
        ({"work_days": [0, 7]}, {"work_days": ["Working days are numbers from 0 (Monday) to 6 (Sunday)."]}),
        ({"email": "new@acme.test"}, {"email": ["This field cannot be changed here."]}),
        (
            {"capacity": 2},
            {"capacity": ["Only mentors fill this in; you take part as a mentee."]},
        ),
        (
            {"skills_wanted": [f"skill {n}" for n in range(21)]},
            {"skills_wanted": ["List at most 20 skills (you gave 21); keep the ones that matter most."]},
        ),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else None,
)
def test_invalid_profile_values_get_a_message_on_their_field_and_nothing_is_saved(mentee, mentee_p, data, expected):
    before = Participant.objects.filter(pk=mentee_p.pk).values().get()
    assert _errors(mentee_p, mentee, data) == expected
    assert Participant.objects.filter(pk=mentee_p.pk).values().get() == before


@pytest.mark.parametrize(
    ("capacity", "message"),
    [
        (0, "Take between 1 and 20 mentees, or leave it empty for the program's default (2)."),
        (21, "Take between 1 and 20 mentees, or leave it empty for the program's default (2)."),
        ("lots", "Enter the number of mentees you can take, e.g. 2."),
    ],
)
def test_mentor_capacity_must_be_between_1_and_20(mentor, mentor_p, capacity, message):
    assert _errors(mentor_p, mentor, {"capacity": capacity}) == {"capacity": [message]}


def test_mentor_capacity_can_be_left_to_the_programs_default(mentor, mentor_p):
    participant_update_profile(participant=mentor_p, actor=mentor, data={"capacity": 3})
    participant_update_profile(participant=mentor_p, actor=mentor, data={"capacity": ""})
    mentor_p.refresh_from_db()
    assert mentor_p.capacity is None
    assert mentor_p.effective_capacity == 2


def test_all_problems_are_reported_together(mentee, mentee_p):
    fields = _errors(mentee_p, mentee, {"timezone": "Mars/Olympus", "seniority": 0, "work_days": ["x"]})
    assert sorted(fields) == ["seniority", "timezone", "work_days"]


class TestAnswers:
    @pytest.fixture
    def questions(self, program):
        return [
            QuestionFactory(
                program=program, key="format", label="Format", choices=["Video", "In person"], required=True
            ),
            QuestionFactory(
                program=program, key="topics", kind=Question.Kind.MULTIPLE, choices=["Career", "Leadership", "Craft"]
            ),
            QuestionFactory(program=program, key="hobby", kind=Question.Kind.TEXT, choices=[]),
            QuestionFactory(program=program, key="mentor-years", audience=Question.Audience.MENTOR),
        ]

    def test_answers_are_stored_as_lists_with_the_choices_spelling(self, mentee, mentee_p, questions):
        participant_update_profile(
            participant=mentee_p,
            actor=mentee,
            data={"answers": {"format": "in PERSON", "topics": ["career", "Craft", "career"], "hobby": " chess "}},
        )
        mentee_p.refresh_from_db()
        assert mentee_p.answers == {"format": ["In person"], "topics": ["Career", "Craft"], "hobby": ["chess"]}

    @pytest.mark.parametrize(
        ("answers", "expected"),
        [
            (
                {"format": "Carrier pigeon"},
                {"answers.format": ["“Carrier pigeon” is not one of the choices: Video, In person."]},
            ),
            ({"format": ["Video", "In person"]}, {"answers.format": ["Pick only one answer."]}),
            ({"format": ""}, {"answers.format": ["Please answer this question; it is required."]}),
            ({"topics": ["Career"]}, {"answers.format": ["Please answer this question; it is required."]}),
            (
                {"format": "Video", "shoe-size": "42"},
                {"answers.shoe-size": ["This program has no question “shoe-size”."]},
            ),
            (
                {"format": "Video", "mentor-years": "Video"},
                {"answers.mentor-years": ["This question is for mentors only."]},
            ),
            (
                {"format": "Video", "hobby": "x" * 501},
                {"answers.hobby": ["Keep the answer to 500 characters (it has 501)."]},
            ),
            (
                {"format": "Video", "topics": {"a": 1}},
                {"answers.topics": ["Give the answer as text or a list of texts."]},
            ),
            ("Video", {"answers": ["Send the answers as an object: {question key: answer}."]}),
        ],
        ids=[
            "not-a-choice",
            "two-for-single",
            "required-empty",
            "required-missing",
            "unknown-key",
            "other-audience",
            "text-too-long",
            "bad-type",
            "not-an-object",
        ],
    )
    def test_invalid_answers_get_a_message_per_question(self, mentee, mentee_p, questions, answers, expected):
        assert _errors(mentee_p, mentee, {"answers": answers}) == expected
        mentee_p.refresh_from_db()
        assert mentee_p.answers == {}

    def test_unrelated_edits_do_not_demand_required_answers(self, mentee, mentee_p, questions):
        participant_update_profile(participant=mentee_p, actor=mentee, data={"job_title": "Analyst"})
        mentee_p.refresh_from_db()
        assert mentee_p.job_title == "Analyst"

    def test_submitting_some_answers_keeps_the_others(self, mentee, mentee_p, questions):
        participant_update_profile(
            participant=mentee_p, actor=mentee, data={"answers": {"format": "Video", "hobby": "Chess"}}
        )
        participant_update_profile(participant=mentee_p, actor=mentee, data={"answers": {"hobby": ""}})
        mentee_p.refresh_from_db()
        assert mentee_p.answers == {"format": ["Video"]}


def test_hr_admin_may_edit_a_participants_profile(hr_admin, mentee_p):
    participant_update_profile(participant=mentee_p, actor=hr_admin, data={"department": "Sales"})
    mentee_p.refresh_from_db()
    assert mentee_p.department == "Sales"


def test_another_participant_may_not_edit_a_profile(mentor, mentee_p):
    with pytest.raises(PermissionDenied):
        participant_update_profile(participant=mentee_p, actor=mentor, data={"department": "Sales"})
    mentee_p.refresh_from_db()
    assert mentee_p.department == ""


def test_hr_admin_of_another_organization_may_not_edit_a_profile(outsider, mentee_p):
    with pytest.raises(PermissionDenied):
        participant_update_profile(participant=mentee_p, actor=outsider, data={"department": "Sales"})
