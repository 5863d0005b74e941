"""HR admin pages: programs and their participants table."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from mentoring import selectors
from mentoring.exports import participants_csv
from mentoring.forms import ParticipantAddForm, ParticipantFilterForm, ProgramForm
from mentoring.models import Participant, Program
from mentoring.services import programs as program_services
from turazo.core.errors import DomainError
from turazo.core.forms import apply_service_errors
from turazo.core.tenancy import TenantViewMixin, get_for_org, tenant_view

PAGE_SIZE = 50


class ProgramListView(TenantViewMixin, ListView):
    """The organization's programs with their counts (one query)."""

    admin_required = True
    template_name = "mentoring/programs/list.html"
    context_object_name = "programs"

    def get_queryset(self):
        return selectors.programs_with_counts(self.request.organization)


@tenant_view(admin=True)
def program_create(request: HttpRequest) -> HttpResponse:
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = program_services.program_create(
                organization=request.organization, actor=request.user, **form.cleaned_data
            )
        except DomainError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, _("Program “%(name)s” created. Next: add participants.") % {"name": program.name})
            return redirect("program-detail", pk=program.pk)
    return render(request, "mentoring/programs/form.html", {"form": form}, status=400 if form.errors else 200)


@tenant_view(admin=True)
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        try:
            program_services.program_update(program=Program.objects.get(pk=program.pk), **form.cleaned_data)
        except DomainError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, _("Program saved."))
            return redirect("program-detail", pk=program.pk)
    return render(
        request, "mentoring/programs/form.html", {"form": form, "program": program}, status=400 if form.errors else 200
    )


@tenant_view(admin=True)
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_for_org(selectors.programs_with_counts(request.organization), request.organization, pk=pk)
    if request.htmx:  # the funnel polls for fresh counts
        return render(request, "mentoring/programs/_funnel.html", {"program": program})
    next_steps = [(s, Program.Status(s).label) for s in Program.TRANSITIONS[program.status]]
    return render(request, "mentoring/programs/detail.html", {"program": program, "next_steps": next_steps})


@require_POST
@tenant_view(admin=True)
def program_transition(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    try:
        program_services.program_transition(program=program, status=request.POST.get("status", ""), actor=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request,
            _("%(program)s is now %(status)s.") % {"program": program.name, "status": program.get_status_display().lower()},
        )
    return redirect("program-detail", pk=program.pk)


def _filtered_participants(request: HttpRequest, program: Program):
    form = ParticipantFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.participants_table(
        program,
        search=filters.get("q", ""),
        role=filters.get("role", ""),
        status=filters.get("status", ""),
        completeness=filters.get("completeness", ""),
        sort=filters.get("sort") or "name",
        matched=filters.get("matched", ""),
    )
    return form, qs


@tenant_view(admin=True)
def participant_list(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    form, qs = _filtered_participants(request, program)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "program": program,
        "filter_form": form,
        "page": page,
        "query": urlencode(query),
        "filtered": bool(query),
        # Its own id prefix: the filter form above already has an id_role.
        "add_form": ParticipantAddForm(auto_id="add_%s"),
    }
    template = "mentoring/programs/_participants_table.html" if request.htmx else "mentoring/programs/participants.html"
    return render(request, template, context)


@require_POST
@tenant_view(admin=True)
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    form = ParticipantAddForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        send = data.pop("send_invitation")
        try:
            participant = program_services.participant_add(program=program, actor=request.user, **data)
        except DomainError as e:
            apply_service_errors(form, e)
        else:
            if send:
                from mentoring.services.invitations import invitation_issue_bulk

                invitation_issue_bulk(participants=[participant], invited_by=request.user)
                messages.success(
                    request, _("%(name)s added; the invitation is on its way.") % {"name": participant.display_name}
                )
            else:
                messages.success(
                    request,
                    _("%(name)s added. Send the invitation when you are ready.") % {"name": participant.display_name},
                )
            return redirect("participant-list", pk=program.pk)
    errors = "; ".join(f"{f}: {' '.join(m)}" if f != "__all__" else " ".join(m) for f, m in form.errors.items())
    messages.error(request, _("The participant was not added — %(errors)s") % {"errors": errors})
    return redirect("participant-list", pk=program.pk)


@require_POST
@tenant_view(admin=True)
def participant_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    ids = [int(i) for i in request.POST.getlist("participant") if i.isdigit()]
    # Only ids of this program count; anything else is silently out of scope.
    ids = list(Participant.objects.filter(program=program, pk__in=ids).values_list("pk", flat=True))
    action = request.POST.get("action")
    if not ids:
        messages.error(request, _("Select at least one participant first."))
    elif action == "remove":
        n = program_services.participant_remove_bulk(program=program, participant_ids=ids)
        messages.success(
            request,
            ngettext(
                "%(count)d participant removed from %(program)s.", "%(count)d participants removed from %(program)s.", n
            )
            % {"count": n, "program": program.name},
        )
    elif action == "resend":
        from mentoring.services.invitations import invitation_resend_bulk

        sent = invitation_resend_bulk(program=program, actor=request.user, participant_ids=ids)
        messages.success(
            request,
            ngettext("Invitation resent to %(count)d participant.", "Invitations resent to %(count)d participants.", len(sent))
            % {"count": len(sent)},
        )
    else:
        messages.error(request, _("Choose an action: resend invitations or remove from the program."))
    return redirect(reverse("participant-list", args=[program.pk]) + "?" + request.POST.get("query", ""))


@tenant_view(admin=True)
def participant_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    _, qs = _filtered_participants(request, program)
    filename = f"{slugify(program.name) or 'program'}-participants-{timezone.localdate():%Y-%m-%d}.csv"
    response = StreamingHttpResponse(participants_csv(qs.iterator(chunk_size=2000)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
