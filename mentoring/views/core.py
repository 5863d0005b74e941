from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.middleware import SESSION_KEY
from accounts.models import Membership
from mentoring import selectors
from mentoring.forms import OrganizationForm, PreferencesForm
from turazo.core.errors import DomainError
from turazo.core.forms import apply_service_errors
from turazo.core.tenancy import tenant_exempt, tenant_view


@tenant_exempt("public landing page")
def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "mentoring/landing.html")


def _setup_steps(progress: selectors.SetupProgress) -> list[dict]:
    """The first-run checklist of an HR admin, each step with where to do it; the first
    step not done yet is the current one."""
    program = progress.program
    steps = [
        {
            "key": "program",
            "title": _("Create your first program"),
            "body": _("A program is one cohort: its dates, how many mentees a mentor takes, and how matching works."),
            "done": progress.has_program,
            "url": reverse("program-create"),
            "action": _("Create your first program"),
        },
        {
            "key": "questions",
            "title": _("Ask the questions that matter"),
            "body": _("Participants answer them on their profile, and matching can weigh the answers."),
            "done": progress.has_questions,
            "url": reverse("question-list", args=[program.pk]) if program else "",
            "action": _("Add questions"),
        },
        {
            "key": "people",
            "title": _("Import or add people"),
            "body": _("Upload a spreadsheet of mentors and mentees, or add them one by one. Every problem is "
                      "explained before anything is saved."),
            "done": progress.has_people,
            "url": reverse("import-upload", args=[program.pk]) if program else "",
            "action": _("Import people"),
        },
        {
            "key": "invite",
            "title": _("Invite them"),
            "body": _("Each person gets an email with a personal link to join and fill in their profile."),
            "done": progress.has_invitations,
            "url": reverse("invitation-list", args=[program.pk]) if program else "",
            "action": _("Send invitations"),
        },
    ]
    current = next((step for step in steps if not step["done"]), None)
    for step in steps:
        step["current"] = step is current
    return steps


@tenant_view(allow_no_organization=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    if request.organization is None:
        return render(request, "mentoring/dashboard_no_org.html", {"form": OrganizationForm()})
    context: dict = {"programs": [], "setup_steps": []}
    if request.membership.is_admin:
        context["programs"] = selectors.programs_with_counts(request.organization)[:6]
        progress = selectors.organization_setup_progress(request.organization)
        if not progress.complete:
            context["setup_steps"] = _setup_steps(progress)
            context["setup_done"] = sum(step["done"] for step in context["setup_steps"])
    return render(request, "mentoring/dashboard.html", context)


@require_POST
@tenant_view(allow_no_organization=True)
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST)
    if form.is_valid():
        try:
            organization = services.organization_create(user=request.user, name=form.cleaned_data["name"])
        except DomainError as e:
            apply_service_errors(form, e)
        else:
            request.session[SESSION_KEY] = organization.pk
            messages.success(request, _("%(org)s is ready. You are its HR admin: the checklist below takes you through the first steps.") % {"org": organization.name})
            return redirect("dashboard")
    return render(request, "mentoring/dashboard_no_org.html", {"form": form}, status=400)


@require_POST
@tenant_view(allow_no_organization=True)
def organization_switch(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("organization", "")
    membership = (
        Membership.objects.filter(user=request.user, organization_id=int(wanted)).select_related("organization").first()
        if wanted.isdigit()
        else None
    )
    if membership is None:
        messages.error(request, _("You are not a member of that organization."))
    else:
        request.session[SESSION_KEY] = membership.organization_id
        messages.info(request, _("Now working in %(org)s.") % {"org": membership.organization.name})
    return redirect("dashboard")


@login_required
@tenant_exempt("edits the signed-in user's own preferences; no organization data")
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_preferences(
            user=request.user, full_name=form.cleaned_data["full_name"], timezone=form.cleaned_data["timezone"]
        )
        messages.success(request, _("Your preferences are saved."))
        return redirect("preferences")
    return render(request, "mentoring/preferences.html", {"form": form}, status=400 if form.errors else 200)
