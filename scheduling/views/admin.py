"""HR admin pages: a program's scheduling rules and its sessions (late cancellations,
no-shows, feedback)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mentoring.models import Program
from scheduling import selectors
from scheduling.forms import PolicyForm, VideoTemplateForm
from scheduling.models import Feedback, Session
from scheduling.services import policy as services
from turazo.core.errors import ValidationFailed
from turazo.core.forms import apply_service_errors
from turazo.core.tenancy import get_for_org, tenant_view

STATUS_FILTERS = [("", gettext_lazy("All")), *Session.Status.choices, ("late", gettext_lazy("Late cancellations"))]


@tenant_view(admin=True)
@require_http_methods(["GET", "HEAD", "POST"])
def scheduling_settings(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    policy = services.policy_for(program)
    fields = [f for f in PolicyForm.base_fields]
    form = PolicyForm(initial={f: getattr(policy, f) for f in fields})
    video_form = VideoTemplateForm(initial={"video_url_template": request.organization.video_url_template})
    if request.method == "POST" and request.POST.get("form") == "video":
        video_form = VideoTemplateForm(request.POST)
        if video_form.is_valid():
            try:
                services.organization_set_video_template(
                    organization=request.organization, value=video_form.cleaned_data["video_url_template"]
                )
            except ValidationFailed as e:
                apply_service_errors(video_form, e)
            else:
                messages.success(request, _("The video link for new sessions is saved."))
                return redirect("scheduling-settings", pk=program.pk)
    elif request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                services.policy_update(policy=policy, data=form.cleaned_data)
            except ValidationFailed as e:
                apply_service_errors(form, e)
            else:
                messages.success(request, _("The scheduling rules are saved. They apply to bookings from now on."))
                return redirect("scheduling-settings", pk=program.pk)
    context = {"program": program, "policy": policy, "form": form, "video_form": video_form}
    status = 400 if form.errors or video_form.errors else 200
    return render(request, "scheduling/admin/settings.html", context, status=status)


@tenant_view(admin=True)
def program_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    status = request.GET.get("status", "")
    if status not in dict(STATUS_FILTERS):
        status = ""
    page = Paginator(selectors.program_sessions(program=program, status=status), 50).get_page(request.GET.get("page"))
    totals = Session.objects.filter(program=program).aggregate(
        scheduled=Count("pk", filter=Q(status=Session.Status.SCHEDULED)),
        completed=Count("pk", filter=Q(status=Session.Status.COMPLETED)),
        cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED)),
        late=Count("pk", filter=Q(late_cancellation=True)),
        no_show=Count("pk", filter=Q(status=Session.Status.NO_SHOW)),
    )
    ratings = Feedback.objects.filter(session__program=program).aggregate(average=Avg("rating"), count=Count("pk"))
    context = {
        "program": program,
        "page": page,
        "sessions": list(page.object_list),
        "status": status,
        "status_filters": STATUS_FILTERS,
        "totals": totals,
        "ratings": ratings,
    }
    return render(request, "scheduling/admin/sessions.html", context)
