"""Program questions an HR admin adds to the intake (single choice, multiple choice,
short text). Answers live on ``Participant.answers`` as ``{key: [values]}``; when a
question changes or goes, the answers it no longer accepts go with it, and the
completeness figures follow."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.models import Participant, Program, Question
from mentoring.services.profiles import program_recompute_completeness
from mentoring.services.writable import program_writable
from turazo.core.errors import ValidationFailed
from turazo.core.models import save_existing

KEY_MAX = 40
LABEL_MAX = 200
CHOICE_MAX = 100
CHOICES_MAX = 30
QUESTION_GONE = gettext_lazy("This question was deleted meanwhile; reload the program's questions.")


def _fail(fields: dict[str, list[str]]) -> ValidationFailed:
    return ValidationFailed(
        _("Please correct the question: %(fields)s.") % {"fields": ", ".join(fields)}, fields=fields
    )


def _clean(
    *,
    program: Program,
    label: Any,
    kind: Any,
    choices: Any,
    audience: Any,
    key: Any = None,
    exclude_pk: int | None = None,
) -> dict[str, Any]:
    fields: dict[str, list[str]] = {}
    label = " ".join(str(label or "").split())
    if not label:
        fields["label"] = [_("Write the question people will see.")]
    elif len(label) > LABEL_MAX:
        fields["label"] = [
            _("Keep the question to %(max)s characters (it has %(count)s).") % {"max": LABEL_MAX, "count": len(label)}
        ]
    if kind not in Question.Kind.values:
        fields["kind"] = [_("Choose single choice, multiple choice or short text.")]
    if audience not in Question.Audience.values:
        fields["audience"] = [_("Choose who answers: mentors and mentees, mentors, or mentees.")]

    cleaned_choices: list[str] = []
    if isinstance(choices, str):
        choices = [line for line in choices.splitlines()]
    if not isinstance(choices, list | tuple) or any(not isinstance(c, str) for c in choices):
        fields["choices"] = [_("Give the choices as a list of texts, one per line.")]
    elif kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        seen: set[str] = set()
        for choice in (" ".join(c.split()) for c in choices):
            if choice and choice.casefold() not in seen:
                seen.add(choice.casefold())
                cleaned_choices.append(choice)
        if len(cleaned_choices) < 2:
            fields["choices"] = [_("A choice question needs at least two different choices, one per line.")]
        elif len(cleaned_choices) > CHOICES_MAX:
            fields["choices"] = [
                _("Offer at most %(max)s choices (there are %(count)s).")
                % {"max": CHOICES_MAX, "count": len(cleaned_choices)}
            ]
        elif any(len(c) > CHOICE_MAX for c in cleaned_choices):
            fields["choices"] = [_("Keep each choice to %(max)s characters.") % {"max": CHOICE_MAX}]

    cleaned: dict[str, Any] = {"label": label, "kind": kind, "choices": cleaned_choices, "audience": audience}
    if key is not None or exclude_pk is None:
        slug = slugify(str(key or "") or label)[:KEY_MAX].strip("-")
        if not slug:
            fields["key"] = [_("Give the question a short key of letters, digits and dashes, e.g. preferred-format.")]
        else:
            clash = program.questions.filter(key=slug)
            if exclude_pk is not None:
                clash = clash.exclude(pk=exclude_pk)
            if clash.exists():
                fields["key"] = [
                    _("This program already has a question with the key “%(key)s”; choose another key.") % {"key": slug}
                ]
        cleaned["key"] = slug
    if fields:
        raise _fail(fields)
    return cleaned


@transaction.atomic
def question_create(
    *,
    program: Program,
    label: str,
    kind: str = Question.Kind.SINGLE,
    choices: Sequence[str] | str = (),
    audience: str = Question.Audience.BOTH,
    required: bool = False,
    key: str = "",
) -> Question:
    """Add a question at the end of the program's list. The key defaults to a slug of the label."""
    program_writable(program)
    cleaned = _clean(
        program=program,
        label=label,
        kind=kind,
        choices=list(choices) if not isinstance(choices, str) else choices,
        audience=audience,
        key=key,
    )
    position = (program.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            question = Question.objects.create(
                organization_id=program.organization_id,
                program=program,
                required=bool(required),
                position=position,
                **cleaned,
            )
    except IntegrityError:  # a concurrent create took the key
        raise _fail(
            {
                "key": [
                    _("This program already has a question with the key “%(key)s”; choose another key.")
                    % {"key": cleaned["key"]}
                ]
            }
        )
    program_recompute_completeness(program=program)
    return question


@transaction.atomic
def question_update(
    *,
    question: Question,
    label: str,
    kind: str,
    choices: Sequence[str] | str = (),
    audience: str,
    required: bool,
) -> Question:
    """Change a question. Its key stays (it names the CSV column and the stored answers).
    Answers the new version no longer accepts (a removed choice, another audience,
    a changed kind) are dropped."""
    program_writable(question.program)
    program = question.program
    cleaned = _clean(
        program=program,
        label=label,
        kind=kind,
        choices=list(choices) if not isinstance(choices, str) else choices,
        audience=audience,
        exclude_pk=question.pk,
    )
    for field, value in cleaned.items():
        setattr(question, field, value)
    question.required = bool(required)
    save_existing(question, update_fields=[*cleaned, "required", "updated_at"], gone=QUESTION_GONE)
    _prune_answers(question=question)
    program_recompute_completeness(program=program)
    return question


def _kept_values(question: Question, role: str, values: list[str]) -> list[str]:
    if not question.applies_to(role):
        return []
    if question.kind == Question.Kind.TEXT:
        text = ", ".join(values)[:500]
        return [text] if text else []
    allowed = {c.casefold(): c for c in question.choices}
    kept = [allowed[v.casefold()] for v in values if v.casefold() in allowed]
    return kept[:1] if question.kind == Question.Kind.SINGLE else kept


def _prune_answers(*, question: Question) -> None:
    changed = []
    for participant in Participant.objects.filter(program_id=question.program_id).only("pk", "role", "answers"):
        values = (participant.answers or {}).get(question.key)
        if values is None:
            continue
        kept = _kept_values(question, participant.role, list(values))
        if kept != values:
            if kept:
                participant.answers[question.key] = kept
            else:
                del participant.answers[question.key]
            changed.append(participant)
    Participant.objects.bulk_update(changed, ["answers"], batch_size=500)


@transaction.atomic
def question_delete(*, question: Question) -> None:
    """Delete a question and every answer given to it."""
    program_writable(question.program)
    program, key = question.program, question.key
    changed = []
    for participant in Participant.objects.filter(program=program).only("pk", "answers"):
        if key in (participant.answers or {}):
            del participant.answers[key]
            changed.append(participant)
    Participant.objects.bulk_update(changed, ["answers"], batch_size=500)
    question.delete()
    _renumber(program, list(program.questions.all()))
    program_recompute_completeness(program=program)


def _renumber(program: Program, ordered: list[Question]) -> None:
    for position, question in enumerate(ordered, start=1):
        question.position = position
    Question.objects.bulk_update(ordered, ["position"])


@transaction.atomic
def question_reorder(*, program: Program, order: Sequence[int]) -> list[Question]:
    """Put the program's questions in the order of ``order`` (every question id, once)."""
    program_writable(program)
    questions = {q.pk: q for q in program.questions.select_for_update()}
    try:
        ids = [int(pk) for pk in order]
    except (TypeError, ValueError):
        ids = []
    if sorted(ids) != sorted(questions):
        raise ValidationFailed(
            _("List every question of the program exactly once, in the new order."),
            fields={"order": [_("Expected the ids %(ids)s in some order.") % {"ids": sorted(questions)}]},
        )
    ordered = [questions[pk] for pk in ids]
    _renumber(program, ordered)
    return ordered


def question_move(*, question: Question, direction: str) -> list[Question]:
    """Move a question one place up or down; at either end nothing changes."""
    program_writable(question.program)
    if direction not in ("up", "down"):
        raise ValidationFailed(_("Move a question up or down."), fields={"direction": [_("Use “up” or “down”.")]})
    ids = list(question.program.questions.values_list("pk", flat=True))
    index = ids.index(question.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return question_reorder(program=question.program, order=ids)
