"""Pages of the journal app: a pair's goals and notes, the HR admin's overview (counts,
never note contents), closing a program, and the closing survey."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from journal import selectors
from journal.exports import survey_csv
from journal.forms import GoalForm, NoteForm, SurveyForm
from journal.services import closing, goals, notes, survey
from mentoring.models import Mentorship, Program
from scheduling.models import Session
from turazo.core.errors import DomainError
from turazo.core.tenancy import get_for_org, tenant_view

# --- A pair's page ---------------------------------------------------------------------------


def _role(mentorship: Mentorship, user) -> str:
    return "mentee" if mentorship.mentee.user_id == user.pk else "mentor"


def _session_choice(request: HttpRequest, mentorship: Mentorship, raw) -> Session | None:
    try:
        pk = int(raw or 0)
    except (TypeError, ValueError):
        return None
    if not pk:
        return None
    return Session.objects.filter(pk=pk, mentorship=mentorship).first()


def _journal_context(request: HttpRequest, mentorship: Mentorship, **extra) -> dict:
    role = _role(mentorship, request.user)
    session = _session_choice(request, mentorship, request.GET.get("session"))
    note_list = list(selectors.notes_visible(mentorship=mentorship, user=request.user))
    context = {
        "mentorship": mentorship,
        "program": mentorship.program,
        "role": role,
        "other": mentorship.mentor if role == "mentee" else mentorship.mentee,
        "goals": list(selectors.goals_of(mentorship)),
        "notes": note_list,
        "goal_form": GoalForm(),
        "note_form": NoteForm(initial={"session": session.pk if session else None}),
        "for_session": session,
        "sessions": list(
            Session.objects.filter(mentorship=mentorship)
            .exclude(status=Session.Status.CANCELLED)
            .order_by("-start")[:20]
        ),
        "writable": mentorship.program.status != Program.Status.CLOSED,
        "can_set_goals": role == "mentee" and mentorship.program.status != Program.Status.CLOSED,
        "max_goals": goals.MAX_GOALS,
    }
    context.update(extra)
    return context


@tenant_view()
def my_journal(request: HttpRequest) -> HttpResponse:
    """The signed-in person's mentorships, each linking to its goals and notes."""
    mentorships = selectors.mentorships_of(request.user, request.membership).order_by("status", "-created_at")
    context = {
        "mentorships": [(m, _role(m, request.user)) for m in mentorships],
        "surveys": list(selectors.pending_surveys_of(request.user, request.membership)),
    }
    return render(request, "journal/my_journal.html", context)


@tenant_view()
def journal_page(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_for_member(user=request.user, membership=request.membership, pk=pk)
    return render(request, "journal/journal.html", _journal_context(request, mentorship))


def _goals_response(request: HttpRequest, mentorship: Mentorship, *, status: int = 200, **extra) -> HttpResponse:
    if request.htmx:
        return render(request, "journal/_goals.html", _journal_context(request, mentorship, **extra), status=status)
    if status >= 400:
        return render(request, "journal/journal.html", _journal_context(request, mentorship, **extra), status=status)
    return redirect(reverse("journal-mentorship", args=[mentorship.pk]) + "#goals")


def _notes_response(request: HttpRequest, mentorship: Mentorship, *, status: int = 200, **extra) -> HttpResponse:
    if request.htmx:
        return render(request, "journal/_notes.html", _journal_context(request, mentorship, **extra), status=status)
    if status >= 400:
        return render(request, "journal/journal.html", _journal_context(request, mentorship, **extra), status=status)
    return redirect(reverse("journal-mentorship", args=[mentorship.pk]) + "#notes")


@require_POST
@tenant_view()
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_for_member(user=request.user, membership=request.membership, pk=pk)
    form = GoalForm(request.POST)
    if not form.is_valid():
        return _goals_response(request, mentorship, status=400, goal_form=form)
    try:
        goals.goal_create(mentorship=mentorship, actor=request.user, **form.cleaned_data)
    except DomainError as e:
        return _goals_response(request, mentorship, status=e.status_code, goal_form=form, goal_error=e)
    if not request.htmx:
        messages.success(request, _("Goal added."))
    return _goals_response(request, mentorship)


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view()
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = selectors.goal_for_viewer(user=request.user, membership=request.membership, pk=pk)
    mentorship = goal.mentorship
    if mentorship.mentee.user_id != request.user.pk:
        raise PermissionDenied(_("Only the mentee sets the goals of this mentorship; the mentor can read them."))
    form = GoalForm(
        request.POST or None, initial={"title": goal.title, "status": goal.status, "target_date": goal.target_date}
    )
    error = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                goals.goal_update(goal=goal, actor=request.user, **form.cleaned_data)
            except DomainError as e:
                error, status = e, e.status_code
            else:
                if not request.htmx:
                    messages.success(request, _("Goal saved."))
                return _goals_response(request, mentorship)
        else:
            status = 400
    template = "journal/_goal_form.html" if request.htmx else "journal/goal_edit.html"
    return render(
        request, template, {"goal": goal, "form": form, "error": error, "mentorship": mentorship}, status=status
    )


@require_POST
@tenant_view()
def goal_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One click moves a goal along (open → in progress → done), from the goals list."""
    goal = selectors.goal_for_viewer(user=request.user, membership=request.membership, pk=pk)
    try:
        goals.goal_update(goal=goal, actor=request.user, status=request.POST.get("status", ""))
    except DomainError as e:
        return _goals_response(request, goal.mentorship, status=e.status_code, goal_error=e)
    return _goals_response(request, goal.mentorship)


@require_POST
@tenant_view()
def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    goal = selectors.goal_for_viewer(user=request.user, membership=request.membership, pk=pk)
    try:
        goals.goal_delete(goal=goal, actor=request.user)
    except DomainError as e:
        return _goals_response(request, goal.mentorship, status=e.status_code, goal_error=e)
    if not request.htmx:
        messages.success(request, _("Goal deleted."))
    return _goals_response(request, goal.mentorship)


@require_POST
@tenant_view()
def note_create(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_for_member(user=request.user, membership=request.membership, pk=pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _notes_response(request, mentorship, status=400, note_form=form)
    session = None
    if form.cleaned_data.get("session"):
        session = _session_choice(request, mentorship, form.cleaned_data["session"])
        if session is None:
            raise Http404("No such session.")
    try:
        notes.note_create(
            mentorship=mentorship,
            actor=request.user,
            body=form.cleaned_data["body"],
            visibility=form.cleaned_data["visibility"],
            session=session,
        )
    except DomainError as e:
        return _notes_response(request, mentorship, status=e.status_code, note_form=form, note_error=e)
    if not request.htmx:
        messages.success(request, _("Note saved."))
    return _notes_response(request, mentorship)


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view()
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    note = selectors.note_for_viewer(user=request.user, membership=request.membership, pk=pk)
    if note.author_id != request.user.pk:
        raise PermissionDenied(_("Only the person who wrote this note can change or delete it."))
    form = NoteForm(request.POST or None, initial={"body": note.body, "visibility": note.visibility})
    error = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                notes.note_update(
                    note=note,
                    actor=request.user,
                    body=form.cleaned_data["body"],
                    visibility=form.cleaned_data["visibility"],
                )
            except DomainError as e:
                error, status = e, e.status_code
            else:
                if not request.htmx:
                    messages.success(request, _("Note saved."))
                return _notes_response(request, note.mentorship)
        else:
            status = 400
    return render(request, "journal/note_edit.html", {"note": note, "form": form, "error": error}, status=status)


@require_POST
@tenant_view()
def note_delete(request: HttpRequest, pk: int) -> HttpResponse:
    note = selectors.note_for_viewer(user=request.user, membership=request.membership, pk=pk)
    try:
        notes.note_delete(note=note, actor=request.user)
    except DomainError as e:
        return _notes_response(request, note.mentorship, status=e.status_code, note_error=e)
    if not request.htmx:
        messages.success(request, _("Note deleted."))
    return _notes_response(request, note.mentorship)


# --- HR admins -------------------------------------------------------------------------------


@tenant_view(admin=True)
def program_journal(request: HttpRequest, pk: int) -> HttpResponse:
    """Goal progress and note counts per pair — never note contents."""
    program = get_for_org(Program, request.organization, pk=pk)
    page = Paginator(selectors.mentorship_journal_counts(program=program), 50).get_page(request.GET.get("page"))
    context = {
        "program": program,
        "progress": selectors.program_goal_progress(program=program),
        "page": page,
        "survey": selectors.survey_summary(program=program),
        "comments": list(selectors.survey_comments(program=program, limit=20)),
        "closure": selectors.program_closure(program=program),
    }
    return render(request, "journal/program_journal.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view(admin=True)
def program_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation page (what closing will do, in numbers), then the close."""
    program = get_for_org(Program, request.organization, pk=pk)
    if request.method == "POST":
        try:
            result = closing.program_close(program=program, actor=request.user)
        except DomainError as e:
            messages.error(request, e.message)
            return redirect("program-close", pk=program.pk)
        if result.already_closed:
            messages.info(request, _("%(program)s was already closed; nothing changed.") % {"program": program.name})
        else:
            c = result.closure
            messages.success(
                request,
                _(
                    "%(program)s is closed. Mentorships ended: %(ended)d · sessions cancelled: %(cancelled)d · "
                    "closing surveys sent: %(surveys)d."
                )
                % {
                    "program": program.name,
                    "ended": c.mentorships_ended,
                    "cancelled": c.sessions_cancelled,
                    "surveys": c.surveys_sent,
                },
            )
        return redirect("program-journal", pk=program.pk)
    context = {
        "program": program,
        "preview": closing.close_preview(program=program) if program.status != Program.Status.CLOSED else None,
        "closure": selectors.program_closure(program=program),
        "can_close": program.can_move_to(Program.Status.CLOSED),
    }
    return render(request, "journal/program_close.html", context)


@tenant_view(admin=True)
def survey_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    answers = selectors.survey_answers_export(program=program)
    filename = f"{slugify(program.name) or 'program'}-closing-survey-{timezone.localdate():%Y-%m-%d}.csv"
    response = StreamingHttpResponse(survey_csv(answers.iterator(chunk_size=2000)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- The closing survey in the app -------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view()
def survey_answer_page(request: HttpRequest, pk: int) -> HttpResponse:
    answer = selectors.survey_for_user(user=request.user, membership=request.membership, pk=pk)
    form = SurveyForm(request.POST or None)
    error = None
    status = 200
    if request.method == "POST" and answer.answered_at is None:
        if form.is_valid():
            try:
                survey.survey_answer(
                    answer=answer,
                    actor=request.user,
                    rating=form.cleaned_data["rating"],
                    what_changed=form.cleaned_data["what_changed"],
                )
            except DomainError as e:
                error, status = e, e.status_code
            else:
                messages.success(request, _("Thank you: your answer is recorded."))
                return redirect("survey-answer", pk=answer.pk)
        else:
            status = 400
    return render(request, "journal/survey.html", {"answer": answer, "form": form, "error": error}, status=status)
