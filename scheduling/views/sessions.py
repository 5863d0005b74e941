"""Booking a session, the session page, rescheduling, cancelling, feedback and no-shows."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from scheduling import selectors
from scheduling.emails import session_event
from scheduling.forms import BookForm, CancelForm, FeedbackForm, RescheduleForm
from scheduling.ics import content_type, feed
from scheduling.models import Feedback, Session
from scheduling.services import feedback as feedback_services
from scheduling.services import sessions as services
from scheduling.services.availability import participant_zone
from scheduling.views.picker import picker_context
from scheduling.week import human, parse_start, viewer_zone
from turazo.core.errors import DomainError, ValidationFailed
from turazo.core.tenancy import tenant_view


def _picker_response(request: HttpRequest, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    if request.htmx and request.method == "GET":
        return render(request, "scheduling/includes/picker.html", context, status=status)
    return render(request, template, context, status=status)


@tenant_view()
@require_http_methods(["GET", "HEAD", "POST"])
def session_book(request: HttpRequest, pk: int) -> HttpResponse:
    """The week of free slots (in the viewer's zone), then the chosen time with an agenda to confirm."""
    mentorship = selectors.mentorship_for_booking(user=request.user, membership=request.membership, pk=pk)
    other = mentorship.mentee if mentorship.mentor.user_id == request.user.pk else mentorship.mentor
    form = BookForm(request.POST or None)
    error: DomainError | None = None
    status = 200
    if request.method == "POST":
        start = parse_start(request.POST.get("start"))
        if start is None:
            error, status = ValidationFailed(_("Pick one of the free times first.")), 400
        elif form.is_valid():
            try:
                session = services.session_book(
                    mentorship=mentorship, start=start, actor=request.user, agenda=form.cleaned_data["agenda"]
                )
            except DomainError as e:
                error, status = e, e.status_code
            else:
                messages.success(
                    request,
                    _("Booked: %(when)s with %(name)s. You both get a calendar invite by email.")
                    % {"when": human(session.start, viewer_zone(request)), "name": other.display_name},
                )
                return redirect("session-detail", pk=session.pk)
        else:
            status = 400
    context = picker_context(request, mentorship=mentorship, other=other, action_url=request.path)
    context.update({"other": other, "form": form, "error": error, "mode": "book"})
    return _picker_response(request, "scheduling/book.html", context, status=status)


@tenant_view()
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for_viewer(user=request.user, membership=request.membership, pk=pk)
    role = session.role_of(request.user)
    now = timezone.now()
    feedback = list(session.feedback.all())
    mine = next((f for f in feedback if f.author_id == request.user.pk), None)
    shared = [f for f in feedback if f.shared and f.author_id != request.user.pk]
    other = session.other(request.user) if role else None
    context = {
        "session": session,
        "role": role,
        "other": other,
        "other_zone": participant_zone(other) if other else None,
        "mentor_zone": participant_zone(session.mentor),
        "mentee_zone": participant_zone(session.mentee),
        "join_state": session.join_state(now),
        "can_change": session.can_change(request.user, now),
        "can_give_feedback": session.can_give_feedback(request.user, now),
        "can_report_no_show": session.can_report_no_show(request.user, now),
        "my_feedback": mine,
        "shared_feedback": shared,
        "all_feedback": feedback if role is None else [],
        "now": now,
    }
    return render(request, "scheduling/session_detail.html", context)


@tenant_view()
@require_http_methods(["GET", "HEAD", "POST"])
def session_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for_participant(
        user=request.user, membership=request.membership, pk=pk, verb="reschedule"
    )
    if not session.can_change(request.user):
        messages.error(request, _("This session can no longer be rescheduled: it was cancelled or has started."))
        return redirect("session-detail", pk=session.pk)
    other = session.other(request.user)
    form = RescheduleForm(request.POST or None)
    error: DomainError | None = None
    status = 200
    if request.method == "POST":
        start = parse_start(request.POST.get("start"))
        if start is None:
            error, status = ValidationFailed(_("Pick one of the free times first.")), 400
        elif form.is_valid():
            try:
                session = services.session_reschedule(
                    session=session, start=start, actor=request.user, note=form.cleaned_data["note"]
                )
            except DomainError as e:
                error, status = e, e.status_code
            else:
                messages.success(
                    request,
                    _("Moved to %(when)s. %(name)s gets an updated calendar invite.")
                    % {"when": human(session.start, viewer_zone(request)), "name": other.display_name},
                )
                return redirect("session-detail", pk=session.pk)
        else:
            status = 400
    context = picker_context(
        request, mentorship=session.mentorship, other=other, exclude_session=session, action_url=request.path
    )
    context.update(
        {
            "session": session,
            "other": other,
            "form": form,
            "error": error,
            "mode": "reschedule",
        }
    )
    return _picker_response(request, "scheduling/reschedule.html", context, status=status)


@tenant_view()
@require_http_methods(["GET", "HEAD", "POST"])
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for_participant(user=request.user, membership=request.membership, pk=pk, verb="cancel")
    form = CancelForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_cancel(session=session, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as e:
            error = e
        else:
            if session.late_cancellation:
                cancelled = _(
                    "Cancelled. %(name)s has been told by email. It was inside the notice period, so it is marked as late."
                )
            else:
                cancelled = _("Cancelled. %(name)s has been told by email.")
            messages.success(request, cancelled % {"name": session.other(request.user).display_name})
            return redirect("session-detail", pk=session.pk)
    elif not session.can_change(request.user):
        messages.error(request, _("This session can no longer be cancelled: it was cancelled already or has started."))
        return redirect("session-detail", pk=session.pk)
    policy_notice = (
        session.program.scheduling_policy.min_notice_hours if hasattr(session.program, "scheduling_policy") else 0
    )
    context = {
        "session": session,
        "other": session.other(request.user),
        "form": form,
        "error": error,
        "late": (session.start - timezone.now()).total_seconds() < policy_notice * 3600,
        "notice_hours": policy_notice,
    }
    status = error.status_code if error else (400 if form.errors else 200)
    return render(request, "scheduling/cancel.html", context, status=status)


@tenant_view()
@require_http_methods(["GET", "HEAD", "POST"])
def session_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for_participant(
        user=request.user, membership=request.membership, pk=pk, verb="give feedback on"
    )
    existing = Feedback.objects.filter(session=session, author=request.user).first()
    initial = (
        {
            "rating": existing.rating,
            "comment": existing.comment,
            "private_note": existing.private_note,
            "shared": existing.shared,
        }
        if existing
        else None
    )
    form = FeedbackForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            feedback_services.feedback_submit(session=session, actor=request.user, **form.cleaned_data)
        except DomainError as e:
            error = e
        else:
            messages.success(request, _("Thank you! Your feedback is saved."))
            return redirect("session-detail", pk=session.pk)
    context = {
        "session": session,
        "other": session.other(request.user),
        "form": form,
        "error": error,
        "existing": existing,
        "can_give_feedback": session.can_give_feedback(request.user),
        "can_report_no_show": session.can_report_no_show(request.user),
    }
    status = error.status_code if error else (400 if form.errors else 200)
    return render(request, "scheduling/feedback.html", context, status=status)


@require_POST
@tenant_view()
def session_no_show(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for_participant(
        user=request.user, membership=request.membership, pk=pk, verb="report a no-show for"
    )
    try:
        session = services.session_report_no_show(session=session, actor=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.info(
            request,
            _("Recorded that %(name)s did not come. The program admin sees it.")
            % {"name": session.other(request.user).display_name},
        )
    return redirect("session-detail", pk=session.pk)


@tenant_view()
def session_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The session as an .ics file, to add it by hand (the emails carry the same event)."""
    session = selectors.session_for_participant(
        user=request.user, membership=request.membership, pk=pk, verb="download"
    )
    if session.status == Session.Status.CANCELLED:
        messages.error(request, _("This session was cancelled, so there is nothing to add to a calendar."))
        return redirect("session-detail", pk=session.pk)
    body = feed([session_event(session)], name=_("Turazo session"), stamp=session.updated_at)
    response = HttpResponse(body, content_type=content_type(None))
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response


@tenant_view()
def session_list(request: HttpRequest) -> HttpResponse:
    """All of the person's sessions in this organization: upcoming first, then the past."""
    now = timezone.now()
    mine = selectors.sessions_visible(request.user, request.membership).involving(request.user)
    upcoming = list(mine.filter(status=Session.Status.SCHEDULED, end__gt=now).order_by("start"))
    past = list(mine.exclude(pk__in=[s.pk for s in upcoming]).order_by("-start")[:100])
    home = selectors.home_sessions(user=request.user, organization=request.organization, now=now)
    context = {"upcoming": upcoming, "past": past, "mentorships": home.mentorships, "now": now}
    return render(request, "scheduling/session_list.html", context)
