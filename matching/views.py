"""HR admin pages for matching, and the mentee's suggestions page. Thin: parse, call a service, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching import selectors, services
from matching.forms import MatchingSettingsForm, ProposalFilterForm, RunForm, SwapForm
from matching.models import MatchProposal, MatchRun, PairRule
from mentoring.models import Program
from turazo.core.errors import DomainError
from turazo.core.forms import apply_service_errors
from turazo.core.tenancy import get_for_org, tenant_view

PAGE_SIZE = 50


def _form_field(key: str) -> str:
    """Service error keys ("weights.goals", "rules.q:format") to form field names."""
    group, _, name = key.partition(".")
    if name.startswith("q:"):
        return f"q_{name[2:]}_{'weight' if group == 'weights' else 'rule'}"
    return f"weight_{name}" if group == "weights" else name


def _run(request: HttpRequest, run_id: int) -> MatchRun:
    return get_for_org(selectors.match_run_queryset(), request.organization, pk=run_id)


def _proposal(request: HttpRequest, run_id: int, proposal_id: int) -> MatchProposal:
    return get_for_org(
        MatchProposal.objects.select_related("run__program", "mentee", "mentor"),
        request.organization,
        pk=proposal_id,
        run_id=run_id,
    )


def _back(request: HttpRequest, run: MatchRun) -> HttpResponse:
    query = request.POST.get("next_query", "")
    return redirect(reverse("matchrun-detail", args=[run.pk]) + (f"?{query}" if query else ""))


@tenant_view(admin=True)
def matching_settings(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    form = MatchingSettingsForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        weights, rules = form.to_settings()
        try:
            services.matching_settings_update(program=program, weights=weights, rules=rules)
        except DomainError as e:
            apply_service_errors(form, e, field_for=_form_field)
        else:
            messages.success(request, _("Matching settings saved. The next run uses them."))
            return redirect("matching-settings", pk=program.pk)
    runs = selectors.match_runs_for_program(program)[:10]
    context = {
        "program": program,
        "form": form,
        "run_form": RunForm(),
        "runs": runs,
        "pair_rules": list(selectors.pair_rules_for_program(program)),
    }
    return render(request, "matching/settings.html", context, status=400 if form.errors else 200)


@tenant_view(admin=True)
def matchrun_list(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    if request.method == "POST":
        run_form = RunForm(request.POST)
        if run_form.is_valid():
            try:
                run = services.match_run_create(
                    program=program, actor=request.user, algorithm=run_form.cleaned_data["algorithm"]
                )
            except DomainError as e:
                messages.error(request, e.message)
            else:
                return redirect("matchrun-detail", run_id=run.pk)
        else:
            messages.error(request, _("Choose an algorithm: optimal or stable."))
        return redirect("matching-settings", pk=program.pk)
    runs = selectors.match_runs_for_program(program)
    return render(request, "matching/run_list.html", {"program": program, "runs": runs})


@tenant_view(admin=True)
def matchrun_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    if request.htmx and request.GET.get("part") == "progress":
        if run.is_active:
            return render(request, "matching/_progress.html", {"run": run})
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    filters = ProposalFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    proposals = selectors.proposals_for_run(
        run, sort=data.get("sort") or "-score", min_score=data.get("min_score"), search=data.get("q") or ""
    )
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k not in ("page", "part") and v}
    context = {
        "run": run,
        "run_label": _("Run #%(number)s") % {"number": run.pk},
        "program": run.program,
        "filters": filters,
        "page": page,
        "query": urlencode(query),
        "unmatched": selectors.unmatched_for_run(run) if run.status == MatchRun.Status.DONE else [],
        "other_runs": selectors.match_runs_for_program(run.program)
        .filter(status=MatchRun.Status.DONE)
        .exclude(pk=run.pk)[:20],
        "offers": _offers(run) if run.published_at else [],  # offers exist only once published
    }
    if request.htmx and request.GET.get("part") == "proposals":
        return render(request, "matching/_proposals.html", context)
    return render(request, "matching/run_detail.html", context)


def _offers(run: MatchRun) -> list:
    """Offers of a published run when mentors confirm matches (declined and expired first)."""
    from matching.services.requests import offers_for_run

    order = {"declined": 0, "expired": 1, "pending": 2}
    return sorted(offers_for_run(run).values(), key=lambda o: (order.get(o.status, 3), o.pk))


@require_POST
@tenant_view(admin=True)
def matchrun_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    try:
        services.match_run_cancel(run=run)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.info(request, _("Cancelling: the run stops at its next checkpoint and saves nothing."))
    return redirect("matchrun-detail", run_id=run.pk)


@require_POST
@tenant_view(admin=True)
def matchrun_retry(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    try:
        services.match_run_retry(run=run, actor=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("The run is queued again; it starts as soon as a background worker is free."))
    return redirect("matchrun-detail", run_id=run.pk)


@require_POST
@tenant_view(admin=True)
def matchrun_rerun(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    try:
        new = services.match_run_rerun(run=run, actor=request.user)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("matchrun-detail", run_id=run.pk)
    messages.info(
        request,
        _(
            "Re-running with the same settings as run #%(run)s; pinned and swapped pairs are "
            "kept, forbidden pairs avoided, everyone else is matched again."
        )
        % {"run": run.pk},
    )
    return redirect("matchrun-detail", run_id=new.pk)


@require_POST
@tenant_view(admin=True)
def matchrun_publish(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    try:
        result = services.match_run_publish(run=run, actor=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, result.message)
    return redirect("matchrun-detail", run_id=run.pk)


@require_POST
@tenant_view(admin=True)
def proposal_pin(request: HttpRequest, run_id: int, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, run_id, proposal_id)
    try:
        if proposal.pinned:
            services.proposal_unpin(proposal=proposal)
            messages.info(
                request,
                _("Unpinned %(mentee)s → %(mentor)s.")
                % {"mentee": proposal.mentee.display_name, "mentor": proposal.mentor.display_name},
            )
        else:
            services.proposal_pin(proposal=proposal, actor=request.user)
            messages.success(
                request,
                _("Pinned %(mentee)s → %(mentor)s: re-runs keep this pair.")
                % {"mentee": proposal.mentee.display_name, "mentor": proposal.mentor.display_name},
            )
    except DomainError as e:
        messages.error(request, e.message)
    return _back(request, proposal.run)


@require_POST
@tenant_view(admin=True)
def proposal_forbid(request: HttpRequest, run_id: int, proposal_id: int) -> HttpResponse:
    proposal = _proposal(request, run_id, proposal_id)
    try:
        services.proposal_forbid(proposal=proposal, actor=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request,
            _("Forbidden %(mentee)s → %(mentor)s: no run will pair them again. Re-run to find another mentor.")
            % {"mentee": proposal.mentee.display_name, "mentor": proposal.mentor.display_name},
        )
    return _back(request, proposal.run)


@tenant_view(admin=True)
def proposal_swap(request: HttpRequest, run_id: int, proposal_id: int) -> HttpResponse:
    """GET: the mentee's next-best alternatives (a partial for htmx); POST: choose one."""
    proposal = _proposal(request, run_id, proposal_id)
    if request.method == "POST":
        form = SwapForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of the listed mentors."))
            return _back(request, proposal.run)
        old = proposal.mentor.display_name
        try:
            services.proposal_swap(proposal=proposal, mentor_id=form.cleaned_data["mentor"], actor=request.user)
        except DomainError as e:
            messages.error(request, e.message)
        else:
            proposal.refresh_from_db()
            messages.success(
                request,
                _(
                    "%(mentee)s now has %(mentor)s (was %(old)s), score %(score)s. The pair is pinned, so "
                    "re-runs keep it; unpin it to let matching choose again."
                )
                % {
                    "mentee": proposal.mentee.display_name,
                    "mentor": proposal.mentor.display_name,
                    "old": old,
                    "score": f"{proposal.score:g}",
                },
            )
        return _back(request, proposal.run)
    error = ""
    alternatives: list[services.Alternative] = []
    try:
        alternatives = services.proposal_alternatives(proposal=proposal)
    except DomainError as e:
        error = e.message
    context = {
        "proposal": proposal,
        "run": proposal.run,
        "alternatives": alternatives,
        "error": error,
        "next_query": request.GET.get("next_query", ""),
    }
    template = "matching/_swap.html" if request.htmx else "matching/swap.html"
    return render(request, template, context)


@require_POST
@tenant_view(admin=True)
def pair_rule_delete(request: HttpRequest, pk: int, rule_id: int) -> HttpResponse:
    program = get_for_org(Program, request.organization, pk=pk)
    rule = get_for_org(PairRule, request.organization, pk=rule_id, program=program)
    services.pair_rule_delete(rule=rule)
    if rule.kind == PairRule.Kind.PIN:
        removed = _("%(mentee)s and %(mentor)s are no longer pinned: the next run decides freely.")
    else:
        removed = _("%(mentee)s and %(mentor)s are no longer forbidden: the next run decides freely.")
    messages.success(request, removed % {"mentee": rule.mentee.display_name, "mentor": rule.mentor.display_name})
    return redirect("matching-settings", pk=program.pk)


@tenant_view(admin=True)
def matchrun_compare(request: HttpRequest) -> HttpResponse:
    a_id, b_id = request.GET.get("a", ""), request.GET.get("b", "")
    if not (a_id.isdigit() and b_id.isdigit()):
        messages.error(request, _("Choose two runs to compare."))
        return redirect("dashboard")
    a, b = _run(request, int(a_id)), _run(request, int(b_id))
    if a.program_id != b.program_id:
        messages.error(request, _("Only runs of the same program can be compared."))
        return redirect("matchrun-detail", run_id=a.pk)
    comparison = selectors.match_runs_compare(a, b)
    return render(request, "matching/compare.html", {"c": comparison, "program": a.program})


@tenant_view()
def my_suggestions(request: HttpRequest) -> HttpResponse:
    """A mentee's ranked mentors in each of their programs, each with a "Request" button
    where the program lets mentees choose."""
    from matching.request_selectors import request_states

    participations = list(selectors.mentee_participations(request.user, request.organization))
    mentors = selectors.active_mentorships_by_mentee(participations)
    states = request_states(participations)
    sections = [(p, mentors.get(p.pk), list(selectors.suggestions_for_mentee(p)), states[p.pk]) for p in participations]
    return render(request, "matching/my_suggestions.html", {"sections": sections, "next": request.get_full_path()})
