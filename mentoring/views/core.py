from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentoring import selectors
from mentoring.forms import OrganizationForm, PreferencesForm
from mentoring.models import Membership
from mentoring.services import organizations as services
from turazo.core.errors import DomainError
from turazo.core.middleware import SESSION_KEY
from turazo.core.tenancy import tenant_exempt, tenant_view


@tenant_exempt("public landing page")
def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "mentoring/landing.html")


@tenant_view(allow_no_organization=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    if request.organization is None:
        return render(request, "mentoring/dashboard_no_org.html", {"form": OrganizationForm()})
    programs = selectors.programs_with_counts(request.organization)[:6] if request.membership.is_admin else []
    return render(request, "mentoring/dashboard.html", {"programs": programs})


@require_POST
@tenant_view(allow_no_organization=True)
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST)
    if form.is_valid():
        try:
            organization = services.organization_create(user=request.user, name=form.cleaned_data["name"])
        except DomainError as e:
            form.add_error("name", e.message)
        else:
            request.session[SESSION_KEY] = organization.pk
            messages.success(request, f"{organization.name} is ready. You are its HR admin.")
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
        messages.error(request, "You are not a member of that organization.")
    else:
        request.session[SESSION_KEY] = membership.organization_id
        messages.info(request, f"Now working in {membership.organization.name}.")
    return redirect("dashboard")


@login_required
@tenant_exempt("edits the signed-in user's own preferences; no organization data")
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_preferences(
            user=request.user, full_name=form.cleaned_data["full_name"], timezone=form.cleaned_data["timezone"]
        )
        messages.success(request, "Your preferences are saved.")
        return redirect("preferences")
    return render(request, "mentoring/preferences.html", {"form": form}, status=400 if form.errors else 200)
