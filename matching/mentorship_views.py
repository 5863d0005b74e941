"""Mentorship pages: the HR admin's Mentorships and Requests pages of a program (list,
filter, CSV, add a pair, rematch, end), and a participant ending their own mentorship.
Thin: parse, call a service, render."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from matching import mentorship_selectors as sel
from matching.services import mentorships as services
from mentoring.exports import csv_safe
from mentoring.models import Mentorship, Participant, Program
from mentoring.services.mentorships import END_REASON_MAX
from turazo.core.errors import DomainError
from turazo.core.tenancy import get_for_org, tenant_view

PAGE_SIZE = 50


class EndForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=END_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Why is it ending?"),
        help_text=gettext_lazy("The other person sees this in their email."),
    )


class AddPairForm(forms.Form):
    mentee = forms.ModelChoiceField(queryset=Participant.objects.none(), label=gettext_lazy("Mentee"))
    mentor = forms.ModelChoiceField(queryset=Participant.objects.none(), label=gettext_lazy("Mentor"))

    def __init__(self, *args, program: Program, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = sel.unmatched_mentees(program)
        self.fields["mentor"].queryset = sel.active_mentors(program)
        for field in self.fields.values():
            field.label_from_instance = lambda p: f"{p.display_name} ({p.email})" if p.full_name else p.email
            field.widget.attrs["class"] = "form-select"


def _program(request: HttpRequest, pk: int) -> Program:
    return get_for_org(Program, request.organization, pk=pk)


def _error_into(form: forms.Form, error: DomainError) -> None:
    for field, texts in error.fields.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)
    form.add_error(None, error.message)


# --- HR admin: the Mentorships page -------------------------------------------------------


def _show(request: HttpRequest) -> str:
    show = request.GET.get("show", "matched")
    return show if show in sel.SHOW_CHOICES else "matched"


@tenant_view(admin=True)
def program_mentorships(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    show, search = _show(request), request.GET.get("q", "").strip()[:100]
    qs = (
        sel.unmatched_mentees(program, search=search)
        if show == "unmatched"
        else sel.mentorships_for_program(program, show=show, search=search)
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in (("show", show), ("q", search)) if v}
    return render(
        request,
        "matching/mentorships.html",
        {
            "program": program,
            "show": show,
            "search": search,
            "page": page,
            "query": urlencode(query),
            "counts": sel.mentorship_counts(program),
            "tabs": [
                ("matched", _("Matched")),
                ("unmatched", _("Unmatched")),
                ("ended", _("Ended")),
            ],
        },
    )


MENTORSHIP_COLUMNS = ["mentor", "mentor_email", "mentee", "mentee_email", "source", "status", "since", "ended", "score",
                      "why_matched", "end_reason"]  # fmt: skip


def _csv_rows(program: Program, show: str):
    import csv

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(MENTORSHIP_COLUMNS)
    if show == "unmatched":
        for p in sel.unmatched_mentees(program).iterator(chunk_size=2000):
            yield writer.writerow(
                [csv_safe(v) for v in ("", "", p.full_name, p.email, "", "unmatched", "", "", "", "", "")]
            )
        return
    for m in sel.mentorships_for_program(program, show=show).iterator(chunk_size=2000):
        values = (
            m.mentor.full_name, m.mentor.email, m.mentee.full_name, m.mentee.email, m.source, m.status,
            timezone.localtime(m.created_at).date().isoformat(),
            timezone.localtime(m.ended_at).date().isoformat() if m.ended_at else "",
            "" if m.score is None else f"{m.score:.1f}", m.explanation, m.end_reason,
        )  # fmt: skip
        yield writer.writerow([csv_safe(v) for v in values])


@tenant_view(admin=True)
def program_mentorships_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    program = _program(request, pk)
    show = _show(request)
    filename = f"{slugify(program.name) or 'program'}-mentorships-{show}-{timezone.localdate():%Y-%m-%d}.csv"
    response = StreamingHttpResponse(_csv_rows(program, show), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@tenant_view(admin=True)
def program_mentorship_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a pair by hand; with ``?mentee=<id>`` (rematch) the mentee's best mentors with a
    free place are listed, each one click away."""
    program = _program(request, pk)
    form = AddPairForm(request.POST or None, program=program, initial={"mentee": request.GET.get("mentee")})
    if request.method == "POST":
        try:
            mentorship = services.mentorship_add_pair(
                program=program,
                mentor_id=_int(request.POST.get("mentor")),
                mentee_id=_int(request.POST.get("mentee")),
                actor=request.user,
            )
        except DomainError as e:
            _error_into(form, e)
        else:
            messages.success(
                request,
                _("%(mentor)s now mentors %(mentee)s; both get an introduction email.")
                % {"mentor": mentorship.mentor.display_name, "mentee": mentorship.mentee.display_name},
            )
            return redirect(reverse("program-mentorships", args=[program.pk]))
    mentee = None
    candidates: list[services.Candidate] = []
    wanted = _int(request.POST.get("mentee") or request.GET.get("mentee"))
    if wanted:
        mentee = sel.unmatched_mentees(program).filter(pk=wanted).first()
        if mentee is not None:
            candidates = services.rematch_candidates(program=program, mentee=mentee)
    return render(
        request,
        "matching/mentorship_add.html",
        {"program": program, "form": form, "mentee": mentee, "candidates": candidates},
        status=400 if form.errors else 200,
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@tenant_view(admin=True)
def program_mentorship_end(request: HttpRequest, pk: int, mentorship_id: int) -> HttpResponse:
    program = _program(request, pk)
    mentorship = get_for_org(
        Mentorship.objects.select_related("mentor", "mentee", "program"),
        request.organization,
        pk=mentorship_id,
        program=program,
    )
    return _end(request, mentorship, admin=True, back=reverse("program-mentorships", args=[program.pk]))


def _end(request: HttpRequest, mentorship: Mentorship, *, admin: bool, back: str) -> HttpResponse:
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentorship_end_by(
                mentorship=mentorship, actor=request.user, admin=admin, reason=form.cleaned_data["reason"]
            )
        except DomainError as e:
            _error_into(form, e)
        else:
            messages.success(
                request,
                _("The mentorship of %(mentor)s and %(mentee)s has ended; %(told)s told by email.")
                % {
                    "mentor": mentorship.mentor.display_name,
                    "mentee": mentorship.mentee.display_name,
                    "told": _("both are") if admin else _("the other person is"),
                },
            )
            return redirect(back)
    partner = None
    if not admin:
        partner = mentorship.mentee if mentorship.mentor.user_id == request.user.pk else mentorship.mentor
    return render(
        request,
        "matching/mentorship_end.html",
        {
            "mentorship": mentorship,
            "form": form,
            "admin": admin,
            "partner": partner,
            "back": back,
            "program": mentorship.program,
        },  # fmt: skip
        status=400 if form.errors else 200,
    )


@tenant_view(admin=True)
def program_requests(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    page = Paginator(sel.pending_requests(program), PAGE_SIZE).get_page(request.GET.get("page"))
    stats = sel.request_stats(program)
    return render(
        request,
        "matching/program_requests.html",
        {
            "program": program,
            "stats": stats,
            "median_text": _duration(stats.median_answer),
            "page": page,
            "now": timezone.now(),
        },  # fmt: skip
    )


def _duration(value: dt.timedelta | None) -> str:
    """A median answer time in the largest whole unit: "40 minutes", "5 hours", "2 days"."""
    if value is None:
        return "–"
    minutes = int(value.total_seconds() // 60)
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    if minutes < 48 * 60:
        return ngettext("%(n)d hour", "%(n)d hours", minutes // 60) % {"n": minutes // 60}
    return ngettext("%(n)d day", "%(n)d days", minutes // 1440) % {"n": minutes // 1440}


# --- participants --------------------------------------------------------------------------


@tenant_view()
def mentorship_end(request: HttpRequest, pk: int) -> HttpResponse:
    """A mentor or mentee ends their own mentorship (GET: confirm with a reason; POST: end);
    an HR admin may end any of the organization's here too. Anyone else's is a 404."""
    admin = request.membership.is_admin
    qs = Mentorship.objects.select_related("mentor", "mentee", "program")
    if not admin:
        qs = qs.filter(Q(mentor__user=request.user) | Q(mentee__user=request.user))
    mentorship = get_for_org(qs, request.organization, pk=pk)
    mine = request.user.pk in (mentorship.mentor.user_id, mentorship.mentee.user_id)
    back = reverse("dashboard") if mine else reverse("program-mentorships", args=[mentorship.program_id])
    return _end(request, mentorship, admin=not mine, back=back)
