"""HR admin pages for the CSV import: upload, preview, confirm, progress."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from mentoring.csv_import import human_size
from mentoring.models import ImportJob, Program
from mentoring.services import imports as services
from turazo.core.errors import DomainError
from turazo.core.tenancy import get_for_org, tenant_view


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=format_lazy(
            gettext_lazy("UTF-8 encoded, at most {size} and {rows} rows."),
            size=human_size(settings.CSV_IMPORT_MAX_BYTES),
            rows=f"{settings.CSV_IMPORT_MAX_ROWS:,}",
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ImportConfirmForm(forms.Form):
    send_invitations = forms.BooleanField(
        required=False, initial=True, label=gettext_lazy("Email an invitation to everyone who has not been invited yet")
    )


def _job(request: HttpRequest, pk: int, job_id: int) -> ImportJob:
    """The job and its program in one query; 404 for another organization's or program's."""
    return get_for_org(ImportJob.objects.select_related("program"), request.organization, pk=job_id, program_id=pk)


@tenant_view(admin=True)
def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # One byte past the limit is enough for the service to refuse; it is told the real size.
        data = upload.read(settings.CSV_IMPORT_MAX_BYTES + 1)
        try:
            job = services.import_preview(
                program=program, uploaded_by=request.user, filename=upload.name, data=data, size=upload.size
            )
        except DomainError as e:
            form.add_error("file", e.message)
        else:
            return redirect("import-detail", pk=program.pk, job_id=job.pk)
    recent = ImportJob.objects.for_organization(request.organization).filter(program=program).defer("content")[:5]
    return render(
        request,
        "mentoring/imports/upload.html",
        {"program": program, "form": form, "recent": recent},
        status=400 if form.errors else 200,
    )


@require_GET
@tenant_view(admin=True)
def import_template(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    response = HttpResponse(services.import_template(program=program), content_type="text/csv; charset=utf-8")
    filename = f"{slugify(program.name) or 'program'}-participants-template.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _render_detail(request: HttpRequest, job: ImportJob, *, form: ImportConfirmForm | None = None) -> HttpResponse:
    context = {"job": job, "program": job.program, "report": job.report, "form": form or ImportConfirmForm()}
    if request.htmx:
        return render(request, "mentoring/imports/_progress.html", context)
    return render(request, "mentoring/imports/detail.html", context)


@require_GET
@tenant_view(admin=True)
def import_detail(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    return _render_detail(request, _job(request, pk, job_id))


@require_GET
@tenant_view(admin=True)
def import_progress(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    """The check or the import in progress (htmx polls it every second), or the whole page without htmx."""
    return _render_detail(request, _job(request, pk, job_id))


@require_POST
@tenant_view(admin=True)
def import_confirm(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    job = _job(request, pk, job_id)
    form = ImportConfirmForm(request.POST)
    form.is_valid()  # a lone checkbox: always valid
    try:
        services.import_confirm(
            job=job, actor=request.user, send_invitations=form.cleaned_data.get("send_invitations", False)
        )
    except DomainError as e:
        messages.error(request, e.message)
    return redirect("import-detail", pk=job.program_id, job_id=job.pk)


@require_POST
@tenant_view(admin=True)
def import_retry(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    job = _job(request, pk, job_id)
    try:
        services.import_retry(job=job, actor=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("The import is queued again; it starts as soon as a background worker is free."))
    return redirect("import-detail", pk=job.program_id, job_id=job.pk)
