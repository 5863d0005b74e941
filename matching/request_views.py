"""Request pages: the mentor directory, a mentee's requests, a mentor's inbox, one request.

Thin: parse, call a service in matching/services/requests.py, render. Every object is
fetched inside the current organization (404 otherwise); who may act is the service's rule.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching import request_selectors as rs
from matching.models import MentorshipRequest
from matching.request_forms import DeclineForm, DirectoryFilterForm, RequestForm
from matching.services import requests as services
from mentoring.models import Participant, Program
from turazo.core.errors import DomainError
from turazo.core.tenancy import get_for_org, tenant_view


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _my_mentee(request: HttpRequest, program: Program) -> Participant | None:
    return (
        Participant.objects.for_organization(request.organization)
        .filter(program=program, user=request.user, role=Participant.Role.MENTEE, status=Participant.Status.ACTIVE)
        .select_related("program")
        .first()
    )


@tenant_view()
def mentor_directory(request: HttpRequest, pk: int) -> HttpResponse:
    """All mentors of a program a mentee may ask, best fit first, with filters; HR admins
    see the same list without scores."""
    program = get_for_org(Program, request.organization, pk=pk)
    mentee = _my_mentee(request, program)
    if mentee is None and not request.membership.is_admin:
        raise Http404("You are not a mentee of this program.")
    current = mentee and mentee.mentorships_as_mentee.filter(status="active").select_related("mentor").first()
    skills, languages = rs.directory_choices(program)
    filters = DirectoryFilterForm(request.GET or None, skills=skills, languages=languages)
    data = filters.cleaned_data if filters.is_valid() else {}
    entries = rs.mentor_directory(
        program,
        mentee=None if current else mentee,  # a matched mentee sees the list without scores
        q=data.get("q") or "",
        skill=data.get("skill") or "",
        language=data.get("language") or "",
        min_hours=data.get("min_hours"),
        free_only=bool(data.get("free")),
    )
    state = rs.request_states([mentee])[mentee.pk] if mentee else None
    context = {
        "program": program,
        "mentee": mentee,
        "entries": entries,
        "filters": filters,
        "state": state,
        "mentorship": current,
        "next": request.get_full_path(),
    }
    return render(request, "matching/requests/directory.html", context)


@require_POST
@tenant_view()
def request_create(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(request, "my-suggestions")
    mentor = get_for_org(
        Participant.objects.select_related("program"), request.organization, pk=form.cleaned_data["mentor"]
    )
    mentee = _my_mentee(request, mentor.program)
    if mentee is None:
        raise Http404("You are not a mentee of this program.")
    try:
        req = services.request_create(
            mentee=mentee, mentor_id=mentor.pk, message=form.cleaned_data["message"], actor=request.user
        )
    except DomainError as e:
        messages.error(request, e.message)
        return _back(request, "my-suggestions")
    messages.success(
        request,
        _("Request sent to %(name)s. They have until %(date)s to answer; you get an email either way.")
        % {"name": req.mentor.display_name, "date": date_format(timezone.localtime(req.expires_at), "DATETIME_FORMAT")},
    )
    return redirect("my-requests")


@tenant_view()
def my_requests(request: HttpRequest) -> HttpResponse:
    rows = list(rs.requests_made_by(request.user, request.organization)[:200])
    pending = [r for r in rows if r.status == MentorshipRequest.Status.PENDING]
    closed = [r for r in rows if r.status != MentorshipRequest.Status.PENDING]
    return render(request, "matching/requests/mine.html", {"pending": pending, "closed": closed})


@require_POST
@tenant_view()
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_for_org(rs.requests_queryset(), request.organization, pk=pk, mentee__user=request.user)
    try:
        services.request_withdraw(request=req, actor=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request,
            _("You withdrew your request to %(name)s; they have been told.") % {"name": req.mentor.display_name},
        )
    return _back(request, "my-requests")


@tenant_view()
def requests_inbox(request: HttpRequest) -> HttpResponse:
    """The mentor's requests and offers: open ones first with their age, then the last answered."""
    rows = list(rs.requests_received_by(request.user, request.organization)[:200])
    pending = [r for r in rows if r.status == MentorshipRequest.Status.PENDING]
    closed = [r for r in rows if r.status != MentorshipRequest.Status.PENDING][:50]
    return render(
        request, "matching/requests/inbox.html", {"pending": pending, "closed": closed, "decline_form": DeclineForm()}
    )


def _visible(request: HttpRequest, pk: int) -> MentorshipRequest:
    return get_for_org(rs.requests_visible_to(request.user, request.membership), request.organization, pk=pk)


@tenant_view()
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = _visible(request, pk)
    context = {
        "req": req,
        "is_mentor": req.mentor.user_id == request.user.pk,
        "is_mentee": req.mentee.user_id == request.user.pk,
        "closed_sentence": services.request_closed_sentence(req, viewer=request.user),
        "decline_form": DeclineForm(),
    }
    return render(request, "matching/requests/detail.html", context)


@require_POST
@tenant_view()
def request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    req = _visible(request, pk)
    try:
        req = services.request_accept(request=req, actor=request.user)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("request-detail", pk=req.pk)
    messages.success(
        request, _("You are now %(name)s's mentor; they have been told.") % {"name": req.mentee.display_name}
    )
    return _back(request, "requests-inbox")


@require_POST
@tenant_view()
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    req = _visible(request, pk)
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else request.POST.get("reason", "")
    try:
        services.request_decline(request=req, actor=request.user, reason=reason)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("request-detail", pk=req.pk)
    messages.success(
        request, _("You declined %(name)s's request; they have been told.") % {"name": req.mentee.display_name}
    )
    return _back(request, "requests-inbox")
