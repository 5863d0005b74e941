"""HR admin pages: a program's intake questions (list, add, edit, delete, reorder)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentoring.models import Program, Question
from mentoring.profile_forms import QuestionForm
from mentoring.services import questions as services
from turazo.core.errors import ValidationFailed
from turazo.core.forms import apply_service_errors
from turazo.core.tenancy import get_for_org, tenant_view


def _question(request: HttpRequest, pk: int, question_pk: int) -> Question:
    return get_for_org(Question.objects.select_related("program"), request.organization, pk=question_pk, program_id=pk)


def _list_context(program: Program, form: QuestionForm | None = None) -> dict:
    return {"program": program, "questions": list(program.questions.all()), "form": form or QuestionForm()}


@tenant_view(admin=True)
def question_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The list with an add form; POST adds a question."""
    program = get_for_org(Program, request.organization, pk=pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_create(program=program, **form.service_kwargs())
        except ValidationFailed as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, _("Question “%(label)s” added.") % {"label": question.label})
            return redirect("question-list", pk=program.pk)
    return render(
        request, "mentoring/questions/list.html", _list_context(program, form), status=400 if form.errors else 200
    )


@tenant_view(admin=True)
def question_edit(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = _question(request, pk, question_pk)
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, **form.service_kwargs())
        except ValidationFailed as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, _("Question “%(label)s” saved.") % {"label": question.label})
            return redirect("question-list", pk=question.program_id)
    return render(
        request,
        "mentoring/questions/edit.html",
        {"program": question.program, "question": question, "form": form},
        status=400 if form.errors else 200,
    )


def _after_change(request: HttpRequest, program: Program, note: str) -> HttpResponse:
    """htmx swaps the list in place (with a status message); without JavaScript, back to the page."""
    if request.htmx:
        return render(request, "mentoring/questions/_list.html", {**_list_context(program), "note": note})
    messages.success(request, note)
    return redirect("question-list", pk=program.pk)


@require_POST
@tenant_view(admin=True)
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = _question(request, pk, question_pk)
    program, label = question.program, question.label
    services.question_delete(question=question)
    return _after_change(request, program, _("Question “%(label)s” and its answers deleted.") % {"label": label})


@require_POST
@tenant_view(admin=True)
def question_move(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = _question(request, pk, question_pk)
    direction = request.POST.get("direction", "")
    try:
        services.question_move(question=question, direction=direction)
    except ValidationFailed as e:
        messages.error(request, e.message)
        return redirect("question-list", pk=question.program_id)
    return _after_change(request, question.program, (_("Moved “%(label)s” up.") if direction == "up" else _("Moved “%(label)s” down.")) % {"label": question.label})
