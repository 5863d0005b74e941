"""Invitation pages: the link a participant opens (by token), the sign-up that
accepts it, and the HR admin's list with resend and revoke."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.middleware import SESSION_KEY
from mentoring.models import Invitation, Participant, Program
from mentoring.services import invitations as services
from turazo.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from turazo.core.forms import apply_service_errors
from turazo.core.tenancy import get_for_org, tenant_exempt, tenant_view

EXEMPT_REASON = "token-authorized invitation page"
PER_PAGE = 100
# The list leaves removed people out, so "Removed" is no filter here.
STATUS_FILTERS = [("", gettext_lazy("Any status"))] + [
    (s.value, s.label) for s in Participant.InvitationStatus if s != Participant.InvitationStatus.REMOVED
]


# --- The invited person's pages --------------------------------------------------------


class InvitationSignupForm(forms.Form):
    email = forms.EmailField(
        disabled=True, label=gettext_lazy("Email"), help_text=gettext_lazy("The address your invitation was sent to.")
    )
    full_name = forms.CharField(max_length=150, label=gettext_lazy("Your name"))
    password1 = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ. Type the same password twice."))
        return data


def _profile_url(participant: Participant) -> str:
    try:
        return reverse("profile-edit", args=[participant.pk])
    except NoReverseMatch:
        return reverse("dashboard")


def _invalid(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "mentoring/invitations/closed.html", {"message": message, "unknown": True}, status=404)


def _closed(request: HttpRequest, invitation: Invitation, message: str, *, status: int = 410) -> HttpResponse:
    context = {"message": message, "invitation": invitation, "program": invitation.participant.program}
    return render(request, "mentoring/invitations/closed.html", context, status=status)


def _answer_error(request: HttpRequest, token: str, error: DomainError) -> HttpResponse:
    """A Conflict while answering: say what happened to the invitation (410), or why not (409)."""
    try:
        invitation = services.invitation_lookup(token=token)
    except NotFound as e:
        return _invalid(request, e.message)
    closed = services.invitation_closed_message(invitation)
    return _closed(request, invitation, closed or error.message, status=410 if closed else 409)


def _joined(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    request.session[SESSION_KEY] = invitation.organization_id
    program = invitation.participant.program
    messages.success(
        request,
        _("Welcome to %(program)s! Tell us a little about yourself so we can find the right match.")
        % {"program": program.name},
    )
    return redirect(_profile_url(invitation.participant))


@tenant_exempt(EXEMPT_REASON)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_detail(request: HttpRequest, token: str) -> HttpResponse:
    """GET/HEAD only show the invitation (mail scanners open links); POST answers it."""
    try:
        invitation = services.invitation_lookup(token=token)
    except NotFound as e:
        return _invalid(request, e.message)
    closed = services.invitation_closed_message(invitation)
    if closed:
        return _closed(request, invitation, closed)
    user = request.user
    wrong_account = user.is_authenticated and not services.invitation_email_matches(invitation=invitation, user=user)
    status, error = 200, None

    if request.method == "POST":
        action = request.POST.get("action")
        if action == "decline":
            try:
                invitation = services.invitation_decline(token=token, user=user if user.is_authenticated else None)
            except PermissionDenied as e:
                status, error = 403, e.message
            except Conflict as e:
                return _answer_error(request, token, e)
            else:
                return render(request, "mentoring/invitations/declined.html", {"invitation": invitation})
        elif action != "accept":
            status, error = 400, _("Choose Accept or Decline.")
        elif not user.is_authenticated:
            if services.invitation_account_unclaimed(invitation=invitation):
                return redirect("invitation-signup", token=token)
            if services.invitation_account_exists(invitation=invitation):
                services.invitation_prove_mailbox(token=token)
                messages.info(
                    request,
                    _("You already have an account as %(email)s: sign in to accept.")
                    % {"email": invitation.participant.email},
                )
                here = reverse("invitation-detail", args=[token])
                return redirect(f"{reverse('account_login')}?{urlencode({'next': here})}")
            return redirect("invitation-signup", token=token)
        else:
            try:
                invitation = services.invitation_accept(token=token, user=user)
            except PermissionDenied as e:
                status, error = 403, e.message
            except Conflict as e:
                return _answer_error(request, token, e)
            else:
                return _joined(request, invitation)

    context = {
        "invitation": invitation,
        "participant": invitation.participant,
        "program": invitation.participant.program,
        "wrong_account": wrong_account,
        "error": error,
        "token": token,
    }
    return render(request, "mentoring/invitations/detail.html", context, status=status)


@tenant_exempt(EXEMPT_REASON)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_signup(request: HttpRequest, token: str) -> HttpResponse:
    """Create an account for the invited address and accept, in one step."""
    try:
        invitation = services.invitation_lookup(token=token)
    except NotFound as e:
        return _invalid(request, e.message)
    closed = services.invitation_closed_message(invitation)
    if closed:
        return _closed(request, invitation, closed)
    if request.user.is_authenticated:
        return redirect("invitation-detail", token=token)
    here = reverse("invitation-detail", args=[token])
    if services.invitation_account_exists(invitation=invitation) and not services.invitation_account_unclaimed(
        invitation=invitation
    ):
        messages.info(
            request,
            _("You already have an account as %(email)s: sign in to accept.") % {"email": invitation.participant.email},
        )
        return redirect(f"{reverse('account_login')}?{urlencode({'next': here})}")

    participant = invitation.participant
    form = InvitationSignupForm(
        request.POST if request.method == "POST" else None,
        initial={"email": participant.email, "full_name": participant.full_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user, invitation = services.invitation_accept_with_signup(
                token=token, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
            )
        except ValidationFailed as e:
            apply_service_errors(form, e)
        except Conflict as e:
            if e.code == "account_exists":
                messages.info(request, e.message)
                return redirect(f"{reverse('account_login')}?{urlencode({'next': here})}")
            return _answer_error(request, token, e)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return _joined(request, invitation)
    context = {"form": form, "invitation": invitation, "program": participant.program, "participant": participant}
    return render(request, "mentoring/invitations/signup.html", context, status=400 if form.errors else 200)


# --- HR admin pages ----------------------------------------------------------------------


def _program(request: HttpRequest, pk: int) -> Program:
    return get_for_org(Program, request.organization, pk=pk)


def _row(program: Program, participant_pk: int) -> Participant:
    participant = services.participant_list_with_latest_invitation(program=program).get(pk=participant_pk)
    services.attach_latest_invitations([participant])
    return participant


def _row_response(
    request: HttpRequest, program: Program, participant_pk: int, *, level: int, message: str, status: int = 200
) -> HttpResponse:
    """htmx: the updated row plus the message (out of band); otherwise back to the list."""
    if request.htmx:
        try:
            row = _row(program, participant_pk)
        except Participant.DoesNotExist:
            # The participant left the table (removed meanwhile): reload the whole list.
            messages.add_message(request, level, message)
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        context = {"program": program, "p": row, "message": message, "level": level}
        return render(request, "mentoring/invitations/_row_response.html", context, status=status)
    messages.add_message(request, level, message)
    return redirect("invitation-list", pk=program.pk)


@tenant_view(admin=True)
def invitation_list(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    status = request.GET.get("status", "")
    if status not in dict(STATUS_FILTERS):
        status = ""
    page = Paginator(
        services.participant_list_with_latest_invitation(program=program, status=status or None), PER_PAGE
    ).get_page(request.GET.get("page"))
    participants = list(page.object_list)
    services.attach_latest_invitations(participants)
    context = {
        "program": program,
        "page": page,
        "participants": participants,
        "status": status,
        "status_filters": STATUS_FILTERS,
        "query": urlencode({"status": status}) if status else "",
    }
    template = "mentoring/invitations/_table.html" if request.htmx else "mentoring/invitations/list.html"
    return render(request, template, context)


def _invitation_action(request: HttpRequest, pk: int, invitation_pk: int, act, success: str) -> HttpResponse:
    """Run one admin action on an invitation of this program and answer with its row."""
    program = _program(request, pk)
    invitation = get_for_org(
        Invitation.objects.filter(participant__program=program).select_related("participant"),
        request.organization,
        pk=invitation_pk,
    )
    try:
        act(invitation=invitation, actor=request.user)
    except DomainError as e:
        return _row_response(
            request, program, invitation.participant_id, level=messages.ERROR, message=e.message, status=e.status_code
        )
    message = success.format(email=invitation.participant.email)
    return _row_response(request, program, invitation.participant_id, level=messages.SUCCESS, message=message)


@require_POST
@tenant_view(admin=True)
def invitation_resend(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    return _invitation_action(
        request, pk, invitation_pk, services.invitation_resend,
        _("A new invitation is on its way to {email}. The previous link no longer works."),
    )  # fmt: skip


@require_POST
@tenant_view(admin=True)
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    return _invitation_action(
        request, pk, invitation_pk, services.invitation_revoke,
        _("The invitation for {email} is revoked; its link no longer works."),
    )  # fmt: skip


def _participant_ids(request: HttpRequest) -> list[int] | None:
    raw = request.POST.getlist("participant")
    if not raw:
        return None
    return [int(v) for v in raw if v.isdigit()]


@tenant_view(admin=True)
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_resend_all(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: a confirmation page saying how many people will get a new invitation.
    POST: resend to them (or only to the ``participant`` ids posted)."""
    program = _program(request, pk)
    if request.method != "POST":
        count = services.participants_to_resend(program=program).count()
        return render(request, "mentoring/invitations/resend_all.html", {"program": program, "count": count})
    invitations = services.invitation_resend_bulk(
        program=program, actor=request.user, participant_ids=_participant_ids(request)
    )
    n = len(invitations)
    if n:
        messages.success(
            request,
            ngettext("%(count)s invitation is on the way.", "%(count)s invitations are on the way.", n) % {"count": n},
        )
    else:
        messages.info(request, _("Nobody is waiting for an invitation: everyone has a working one or has answered."))
    return redirect("invitation-list", pk=program.pk)
