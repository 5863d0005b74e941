"""HR admin pages: the organization's skill list (suggestions on profiles)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentoring.models import Skill
from mentoring.profile_forms import SkillForm
from mentoring.services import skills as services
from turazo.core.errors import ValidationFailed
from turazo.core.forms import apply_service_errors
from turazo.core.tenancy import get_for_org, tenant_view


@tenant_view(admin=True)
def skill_list(request: HttpRequest) -> HttpResponse:
    """The list with an add form; POST adds a skill. ``?q=`` filters."""
    form = SkillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            skill = services.skill_create(organization=request.organization, name=form.cleaned_data["name"])
        except ValidationFailed as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, _("“%(skill)s” added to the skill list.") % {"skill": skill.name})
            return redirect("skill-list")
    query = request.GET.get("q", "").strip()
    skills = Skill.objects.for_organization(request.organization)
    if query:
        skills = skills.filter(Q(name__icontains=query) | Q(slug__icontains=query))
    return render(
        request,
        "mentoring/skills/list.html",
        {"form": form, "skills": skills, "query": query},
        status=400 if form.errors else 200,
    )


@tenant_view(admin=True)
def skill_edit(request: HttpRequest, pk: int) -> HttpResponse:
    skill = get_for_org(Skill, request.organization, pk=pk)
    form = SkillForm(request.POST or None, initial={"name": skill.name})
    if request.method == "POST" and form.is_valid():
        old = skill.name
        try:
            services.skill_rename(skill=skill, name=form.cleaned_data["name"])
        except ValidationFailed as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, _("“%(old)s” renamed to “%(new)s”.") % {"old": old, "new": skill.name})
            return redirect("skill-list")
    return render(
        request, "mentoring/skills/edit.html", {"form": form, "skill": skill}, status=400 if form.errors else 200
    )


@require_POST
@tenant_view(admin=True)
def skill_delete(request: HttpRequest, pk: int) -> HttpResponse:
    skill = get_for_org(Skill, request.organization, pk=pk)
    services.skill_delete(skill=skill)
    messages.success(request, _("“%(skill)s” removed from the skill list. Profiles keep it.") % {"skill": skill.name})
    return redirect("skill-list")
