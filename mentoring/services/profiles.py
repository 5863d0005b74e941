"""Participant profiles: the intake a mentee or mentor fills in, edited by the person
or by an HR admin, through the page and the API alike.

Decisions worth knowing:

* Working hours are local times in the person's time zone. ``work_end`` must be
  after ``work_start``; a night shift that crosses midnight (22:00–06:00) is
  accepted only when ``works_overnight`` is true, so a typo like 17:00–09:00 is
  caught instead of silently becoming a 16-hour night.
* Skills are free entry. A skill the organization lists takes the list's spelling
  ("  public  SPEAKING" becomes "Public speaking"); an unlisted one is kept as
  typed (spaces folded) and is not added to the list: the HR admin curates it.
* Every field is optional except the name, which cannot be blanked; the
  completeness figure tells people what is missing. Required program questions
  are checked whenever answers are submitted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Membership, User
from mentoring.models import Participant, Program, Question
from mentoring.profiles import (
    ANSWER_MAX,
    CAPACITY_MAX,
    CAPACITY_MIN,
    FIELDS,
    LANGUAGE_LENGTH_MAX,
    MENTEE_ONLY,
    MENTOR_ONLY,
    TAG_LENGTH_MAX,
    TAGS_MAX,
    TEXT_LIMITS,
    NotAChoice,
    capacity_allowed,
    choice_answers,
    find_timezone,
    normalize_languages,
    normalize_tags,
    profile_completeness,
    seniority_allowed,
    split_list,
)
from mentoring.services.skills import skill_map
from mentoring.services.writable import program_writable
from turazo.core.errors import NotFound, PermissionDenied, ValidationFailed
from turazo.core.models import save_existing

# The rules themselves live in mentoring/profiles.py.
# What a profile write may send: the profile fields, the overnight flag and the answers.
PROFILE_FIELDS = {*FIELDS, "works_overnight", "answers"}


def clean_timezone(value: str) -> str:
    """The IANA name for ``value`` (case-insensitive), or ValueError with a message a person can act on."""
    name = (value or "").strip()
    if not name:
        return ""
    found = find_timezone(name)
    if found is None:
        raise ValueError(
            _("“%(name)s” is not a time zone we know. Pick one from the list, for example Europe/Lisbon.")
            % {"name": name}
        )
    return found


# --- Who may see and edit a profile ------------------------------------------------


# What the API answers for every id an outsider may not see (as for any other 404).
NOT_FOUND = gettext_lazy("Not found.")


def get_participant_for_profile(*, membership: Membership | None, pk: Any) -> Participant:
    """The participant whose profile ``membership``'s user may edit: their own, or any
    participant of the organization for an HR admin. NotFound for everyone else."""
    if membership is None:
        raise NotFound(NOT_FOUND)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(NOT_FOUND)
    participant = (
        Participant.objects.for_organization(membership.organization)
        .select_related("program", "user")
        .filter(pk=pk)
        .first()
    )
    if participant is None or not (membership.is_admin or participant.user_id == membership.user_id):
        raise NotFound(NOT_FOUND)
    return participant


def participant_can_edit_profile(*, participant: Participant, user: User) -> bool:
    if participant.user_id is not None and participant.user_id == user.pk:
        return True
    return Membership.objects.filter(user=user, organization_id=participant.organization_id, is_admin=True).exists()


# --- Cleaning ----------------------------------------------------------------------


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return split_list(value)
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return [str(v) for v in value if v is not None and str(v).strip()]
    raise TypeError


def _as_time(value: Any) -> dt.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, str):
        return dt.time.fromisoformat(value.strip()).replace(second=0, microsecond=0, tzinfo=None)
    raise TypeError


def _as_optional_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, float) and not value.is_integer():
        raise ValueError
    return int(value)


def _clean_tags(field: str, value: Any, known: Mapping[str, str], errors: _Errors) -> list[str]:
    try:
        tags = normalize_tags(_as_list(value), known)
    except TypeError:
        errors.add(field, _("Give a list of skills, or one text separated by commas."))
        return []
    too_long = [t for t in tags if len(t) > TAG_LENGTH_MAX]
    if too_long:
        errors.add(
            field,
            _("Keep each skill to %(max)s characters; shorten “%(skill)s…”.")
            % {"max": TAG_LENGTH_MAX, "skill": too_long[0][:30]},
        )
    if len(tags) > TAGS_MAX:
        errors.add(
            field,
            _("List at most %(max)s skills (you gave %(count)s); keep the ones that matter most.")
            % {"max": TAGS_MAX, "count": len(tags)},
        )
    return tags


def clean_answers(
    *, questions: Sequence[Question], role: str, answers: Any, current: Mapping[str, list[str]] | None = None
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Validate submitted answers ``{key: value or [values]}`` against the program's questions.

    Returns (answers merged over ``current``, errors keyed ``answers.<key>``). Keys not
    submitted keep their current answer; required questions must end up answered.
    """
    errors = _Errors()
    merged = {k: list(v) for k, v in (current or {}).items()}
    if not isinstance(answers, Mapping):
        errors.add("answers", _("Send the answers as an object: {question key: answer}."))
        return merged, errors.fields
    by_key = {q.key: q for q in questions}
    for key, raw in answers.items():
        field = f"answers.{key}"
        question = by_key.get(key)
        if question is None:
            errors.add(field, _("This program has no question “%(key)s”.") % {"key": key})
            continue
        if not question.applies_to(role):
            errors.add(
                field,
                _("This question is for %(audience)s only.") % {"audience": question.get_audience_display().lower()},
            )
            continue
        try:
            values = [v.strip() for v in ([raw] if isinstance(raw, str) else _as_list(raw)) if v.strip()]
        except TypeError:
            errors.add(field, _("Give the answer as text or a list of texts."))
            continue
        if question.kind == Question.Kind.TEXT:
            text = " ".join(values)
            if len(text) > ANSWER_MAX:
                errors.add(
                    field,
                    _("Keep the answer to %(max)s characters (it has %(count)s).")
                    % {"max": ANSWER_MAX, "count": len(text)},
                )
                continue
            values = [text] if text else []
        else:
            try:
                values = choice_answers(question, values)
            except NotAChoice as e:
                errors.add(
                    field,
                    _("“%(answer)s” is not one of the choices: %(choices)s.")
                    % {"answer": e.value, "choices": ", ".join(question.choices)},
                )
                continue
            if question.kind == Question.Kind.SINGLE and len(values) > 1:
                errors.add(field, _("Pick only one answer."))
                continue
        if values:
            merged[key] = values
        else:
            merged.pop(key, None)
    for question in questions:
        field = f"answers.{question.key}"
        if (
            question.required
            and question.applies_to(role)
            and not merged.get(question.key)
            and field not in errors.fields
        ):
            errors.add(f"answers.{question.key}", _("Please answer this question; it is required."))
    return merged, errors.fields


def _clean(participant: Participant, data: Mapping[str, Any], questions: Sequence[Question]) -> dict[str, Any]:
    """The model values of a profile write, or ValidationFailed naming every field at once."""
    errors = _Errors()
    cleaned: dict[str, Any] = {}
    _check_allowed_fields(participant, data, errors)
    _clean_texts(data, cleaned, errors)
    _clean_manager_email(participant, data, cleaned, errors)
    _clean_seniority(data, cleaned, errors)
    _clean_timezone_and_languages(data, cleaned, errors)
    _clean_working_hours(participant, data, cleaned, errors)
    _clean_work_days(data, cleaned, errors)
    _clean_skills(participant, data, cleaned, errors)
    _clean_capacity(participant, data, cleaned, errors)
    if "answers" in data:
        answers, answer_errors = clean_answers(
            questions=questions, role=participant.role, answers=data["answers"], current=participant.answers or {}
        )
        for field, messages in answer_errors.items():
            for message in messages:
                errors.add(field, message)
        cleaned["answers"] = answers
    if errors.fields:
        count = len(errors.fields)
        raise ValidationFailed(
            ngettext(
                "Please correct this field: %(fields)s.", "Please correct these %(count)s fields: %(fields)s.", count
            )
            % {"count": count, "fields": ", ".join(errors.fields)},
            fields=errors.fields,
        )
    return cleaned


def _check_allowed_fields(participant: Participant, data: Mapping[str, Any], errors: _Errors) -> None:
    """Only profile fields, and only those of the participant's role."""
    role = participant.role
    for field in sorted(set(data) - PROFILE_FIELDS):
        errors.add(field, _("This field cannot be changed here."))
    for field in sorted(set(data) & set(MENTOR_ONLY if role == Participant.Role.MENTEE else MENTEE_ONLY)):
        if data[field] not in (None, "", []):
            errors.add(
                field,
                _("Only mentors fill this in; you take part as a mentee.")
                if role == Participant.Role.MENTEE
                else _("Only mentees fill this in; you take part as a mentor."),
            )


def _clean_texts(data: Mapping[str, Any], cleaned: dict[str, Any], errors: _Errors) -> None:
    for field, limit in TEXT_LIMITS.items():
        if field not in data or field in errors.fields:
            continue
        value = data[field]
        if value is not None and not isinstance(value, str):
            errors.add(field, _("Give this as text."))
            continue
        text = (value or "").strip()
        if len(text) > limit:
            errors.add(
                field, _("Keep this to %(limit)s characters (it has %(count)s).") % {"limit": limit, "count": len(text)}
            )
        elif field == "full_name" and not text:
            errors.add(field, _("Tell us your name; mentors and mentees see it."))
        else:
            cleaned[field] = text


def _clean_manager_email(
    participant: Participant, data: Mapping[str, Any], cleaned: dict[str, Any], errors: _Errors
) -> None:
    if "manager_email" not in data:
        return
    email = str(data["manager_email"] or "").strip().lower()
    own = {participant.email.lower(), (participant.user.email.lower() if participant.user else "")}
    try:
        if email:
            validate_email(email)
    except ValidationError:
        errors.add(
            "manager_email", _("“%(email)s” is not an email address; use the form name@company.com.") % {"email": email}
        )
    else:
        if email and email in own:
            errors.add("manager_email", _("This is your own email address; enter your manager's instead."))
        else:
            cleaned["manager_email"] = email


def _clean_seniority(data: Mapping[str, Any], cleaned: dict[str, Any], errors: _Errors) -> None:
    if "seniority" not in data:
        return
    try:
        level = _as_optional_int(data["seniority"])
    except (TypeError, ValueError):
        level = 0
    if level is not None and not seniority_allowed(level):
        errors.add("seniority", _("Choose a seniority level from 1 (junior) to 6 (executive)."))
    else:
        cleaned["seniority"] = level


def _clean_timezone_and_languages(data: Mapping[str, Any], cleaned: dict[str, Any], errors: _Errors) -> None:
    if "timezone" in data:
        try:
            cleaned["timezone"] = clean_timezone(str(data["timezone"] or ""))
        except ValueError as e:
            errors.add("timezone", str(e))
    if "languages" in data:
        try:
            cleaned["languages"] = normalize_languages(_as_list(data["languages"]))
        except TypeError:
            errors.add("languages", _("Give a list of languages, or one text separated by commas."))
        else:
            if any(len(lang) > LANGUAGE_LENGTH_MAX for lang in cleaned["languages"]):
                errors.add("languages", _("That doesn't look like a language name; separate languages with commas."))


def _clean_work_days(data: Mapping[str, Any], cleaned: dict[str, Any], errors: _Errors) -> None:
    if "work_days" not in data:
        return
    try:
        days = sorted({int(d) for d in _as_list(data["work_days"])})
    except (TypeError, ValueError):
        days = [-1]
    if any(d not in range(7) for d in days):
        errors.add("work_days", _("Working days are numbers from 0 (Monday) to 6 (Sunday)."))
    else:
        cleaned["work_days"] = days


def _clean_skills(participant: Participant, data: Mapping[str, Any], cleaned: dict[str, Any], errors: _Errors) -> None:
    tag_fields = [f for f in ("skills_wanted", "skills_offered") if f in data and f not in errors.fields]
    if tag_fields:
        known = skill_map(organization=participant.organization)
        for field in tag_fields:
            cleaned[field] = _clean_tags(field, data[field], known, errors)


def _clean_capacity(
    participant: Participant, data: Mapping[str, Any], cleaned: dict[str, Any], errors: _Errors
) -> None:
    if "capacity" not in data or "capacity" in errors.fields:
        return
    try:
        capacity = _as_optional_int(data["capacity"])
    except (TypeError, ValueError):
        errors.add("capacity", _("Enter the number of mentees you can take, e.g. 2."))
        return
    if capacity is not None and not capacity_allowed(capacity):
        errors.add(
            "capacity",
            _("Take between %(min)s and %(max)s mentees, or leave it empty for the program's default (%(default)s).")
            % {"min": CAPACITY_MIN, "max": CAPACITY_MAX, "default": participant.program.default_capacity},
        )
    else:
        cleaned["capacity"] = capacity


def _clean_working_hours(
    participant: Participant, data: Mapping[str, Any], cleaned: dict[str, Any], errors: _Errors
) -> None:
    times: dict[str, dt.time | None] = {}
    for field in ("work_start", "work_end"):
        if field in data:
            try:
                times[field] = _as_time(data[field])
            except (TypeError, ValueError):
                errors.add(field, _("Enter a time like 09:00."))
        else:
            times[field] = getattr(participant, field)
    if len(times) < 2 or not ({"work_start", "work_end", "works_overnight"} & set(data)):
        return
    start, end = times["work_start"], times["work_end"]
    stored_overnight = bool(
        participant.work_start and participant.work_end and participant.work_end < participant.work_start
    )
    overnight = bool(data.get("works_overnight", stored_overnight))
    if (start is None) != (end is None):
        missing = "work_end" if end is None else "work_start"
        errors.add(missing, _("Give both the start and the end of your working day, or neither."))
        return
    if start is not None and end is not None:
        if start == end:
            errors.add("work_end", _("The working day ends when it starts; enter a later end time."))
            return
        if end < start and not overnight:
            errors.add(
                "work_end",
                _(
                    "The end (%(end)s) is before the start (%(start)s). If your working day crosses "
                    "midnight, tick “My working day crosses midnight”."
                )
                % {"end": f"{end:%H:%M}", "start": f"{start:%H:%M}"},
            )
            return
        if end > start and overnight and "works_overnight" in data:
            errors.add(
                "works_overnight",
                _("%(start)s–%(end)s does not cross midnight; untick this or correct the times.")
                % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"},
            )
            return
    cleaned["work_start"], cleaned["work_end"] = start, end


# --- Writes --------------------------------------------------------------------------


def _program_questions(program: Program) -> list[Question]:
    return list(program.questions.all())


def profile_validate(*, participant: Participant, data: Mapping[str, Any]) -> dict[str, Any]:
    """The cleaned values for ``data``, or ValidationFailed with every problem; saves nothing."""
    return _clean(participant, data, _program_questions(participant.program))


def participant_update_profile(*, participant: Participant, actor: User, data: Mapping[str, Any]) -> Participant:
    """Validate and save (part of) a profile: only the keys in ``data`` change.

    Raises ValidationFailed with a message per field, and saves nothing, when any
    value is wrong; PermissionDenied when ``actor`` is neither the participant nor
    an HR admin of the organization.
    """
    program_writable(participant.program)
    if not isinstance(data, Mapping):
        raise ValidationFailed(_("Send the profile as an object of fields."))
    if not participant_can_edit_profile(participant=participant, user=actor):
        raise PermissionDenied(_("Only the participant and HR admins can edit this profile."))
    questions = _program_questions(participant.program)
    cleaned = _clean(participant, data, questions)
    with transaction.atomic():
        for field, value in cleaned.items():
            setattr(participant, field, value)
        participant.completeness = profile_completeness(participant, questions=questions)
        save_existing(
            participant,
            update_fields=[*cleaned, "completeness", "updated_at"],
            gone=_("This participant was deleted meanwhile; nothing was saved."),
        )
    return participant


def program_recompute_completeness(*, program: Program) -> int:
    """Recompute every participant's completeness after the program's questions
    changed. Returns how many participants changed."""
    questions = _program_questions(program)
    changed = []
    for participant in Participant.objects.filter(program=program).only("pk", "role", "answers", *_COMPLETENESS_FIELDS):
        value = profile_completeness(participant, questions=questions)
        if value != participant.completeness:
            participant.completeness = value
            changed.append(participant)
    Participant.objects.bulk_update(changed, ["completeness"], batch_size=500)
    return len(changed)


_COMPLETENESS_FIELDS = (
    "completeness",
    "full_name",
    "job_title",
    "department",
    "seniority",
    "timezone",
    "languages",
    "work_start",
    "work_end",
    "goals",
    "skills_wanted",
    "expertise",
    "skills_offered",
)
