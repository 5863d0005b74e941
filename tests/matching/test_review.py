"""Admin review: settings, pin / forbid / swap, re-run, compare — pages and API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching import selectors, services
from matching.engine import score_pairs
from matching.engine.scoring import Scorer
from matching.forms import MatchingSettingsForm
from matching.models import MatchProposal, MatchRun, PairRule
from mentoring.models import Participant
from tests.matching import cohort
from turazo.core.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_run(program, hr_admin, django_capture_on_commit_callbacks) -> MatchRun:
    cohort.cohort(program, mentees=6, mentors=3, capacity=3)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.match_run_create(program=program, actor=hr_admin)
    run.refresh_from_db()
    assert run.status == "done"
    return run


def _rerun(run, hr_admin, capture) -> MatchRun:
    with capture(execute=True):
        new = services.match_run_rerun(run=run, actor=hr_admin)
    new.refresh_from_db()
    return new


# --- settings ------------------------------------------------------------------------------------


def test_the_admin_saves_weights_and_rules_from_the_settings_page(client, program, hr_admin):
    program.questions.create(organization=program.organization, key="format", label="Session style")
    client.force_login(hr_admin)
    page = client.get(reverse("matching-settings", args=[program.pk]))
    assert b"Skills wanted" in page.content and b"shared working hours" in page.content
    data = {
        "weight_goals": "1",
        "weight_skills": "7.5",
        "weight_hours": "2",
        "weight_languages": "1.5",
        "weight_seniority": "0",
        "weight_department": "0.5",
        "min_score": "30",
        "min_shared_hours": "1",
        "seniority_gap": "2",
        "department": "ignore",
        "q_format_weight": "3",
        "q_format_rule": "different",
    }
    response = client.post(reverse("matching-settings", args=[program.pk]), data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.weights == {
        "goals": 1.0,
        "skills": 7.5,
        "hours": 2.0,
        "languages": 1.5,
        "seniority": 0.0,
        "department": 0.5,
        "q:format": 3.0,
    }
    assert program.rules == {
        "min_score": 30.0,
        "min_shared_hours": 1.0,
        "seniority_gap": 2,
        "department": "ignore",
        "q:format": "different",
    }


def test_a_weight_out_of_range_is_explained_and_nothing_is_saved(client, program, hr_admin):
    client.force_login(hr_admin)
    data = {
        "weight_goals": "11",
        "weight_skills": "1",
        "weight_hours": "1",
        "weight_languages": "1",
        "weight_seniority": "1",
        "weight_department": "1",
        "min_score": "0",
        "min_shared_hours": "0",
        "seniority_gap": "1",
        "department": "different",
    }
    response = client.post(reverse("matching-settings", args=[program.pk]), data)
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 10" in response.content.decode()
    program.refresh_from_db()
    assert program.weights == {}


def test_all_weights_zero_is_rejected_by_the_service(program):
    with pytest.raises(ValidationFailed, match="invalid: weights"):
        services.matching_settings_update(
            program=program,
            weights={"goals": 0, "skills": 0, "hours": 0, "languages": 0, "seniority": 0, "department": 0},
            rules={},
        )


def _form_weights(form: MatchingSettingsForm) -> dict[str, float]:
    weights = {c: float(form.initial[f"weight_{c}"]) for c in selectors.COMPONENTS}
    weights |= {f"q:{q.key}": float(form.initial[f"q_{q.key}_weight"]) for q in form.questions}
    if form.initial["department"] == "ignore":
        weights.pop("department")
    total = sum(w for w in weights.values() if w > 0)
    return {k: round(w / total, 6) for k, w in weights.items() if w > 0}


def test_a_question_set_only_by_its_rule_weighs_what_the_settings_form_shows(program, hr_admin):
    program.questions.create(organization=program.organization, key="format", label="Session style")
    cohort.cohort(program, mentees=2, mentors=1)
    services.matching_settings_update(program=program, weights={}, rules={"q:format": "different"})
    program.refresh_from_db()
    form = MatchingSettingsForm(program=program)
    assert form.initial["q_format_weight"] == 0.0
    assert form.initial["q_format_rule"] == "different"
    loaded = selectors.match_input_for_program(
        program, weights=selectors.program_weights(program), rules=selectors.program_rules(program)
    )
    engine = {k: round(w, 6) for k, w in Scorer(loaded.input).weights.items()}
    assert engine == _form_weights(form)
    assert "q:format" not in score_pairs(loaded.input, loaded.input.mentees[0].id)[0].components


def test_a_question_weight_from_the_api_reaches_the_engine_as_the_form_shows_it(program):
    program.questions.create(organization=program.organization, key="format", label="Session style")
    cohort.cohort(program, mentees=2, mentors=1)
    services.matching_settings_update(program=program, weights={"q:format": 2, "languages": 0}, rules={})
    program.refresh_from_db()
    form = MatchingSettingsForm(program=program)
    assert (form.initial["q_format_weight"], form.initial["q_format_rule"]) == (2.0, "same")
    loaded = selectors.match_input_for_program(
        program, weights=selectors.program_weights(program), rules=selectors.program_rules(program)
    )
    engine = {k: round(w, 6) for k, w in Scorer(loaded.input).weights.items()}
    assert engine == _form_weights(form)
    assert "languages" not in engine


def test_unknown_settings_are_named(program):
    with pytest.raises(ValidationFailed) as e:
        services.matching_settings_update(program=program, weights={"luck": 3}, rules={"department": "maybe"})
    assert set(e.value.fields) == {"weights.luck", "rules.department"}


# --- pin / forbid / re-run -------------------------------------------------------------------------


def test_a_pinned_pair_survives_a_rerun(program, hr_admin, done_run, django_capture_on_commit_callbacks):
    proposal = done_run.proposals.order_by("pk").first()
    mentee = Participant.objects.get(pk=proposal.mentee_id)
    other = services.proposal_alternatives(proposal=proposal)[-1].mentor  # not the engine's choice
    services.proposal_swap(proposal=proposal, mentor_id=other.pk, actor=hr_admin)
    services.proposal_pin(proposal=MatchProposal.objects.get(pk=proposal.pk), actor=hr_admin)
    assert PairRule.objects.get().kind == "pin"
    new = _rerun(done_run, hr_admin, django_capture_on_commit_callbacks)
    kept = new.proposals.get(mentee=mentee)
    assert (kept.mentor_id, kept.pinned) == (other.pk, True)
    assert kept.explanation.startswith("pinned by an organiser")
    assert new.weights == done_run.weights and new.algorithm == done_run.algorithm


def test_a_forbidden_pair_leaves_the_run_and_is_avoided_by_a_rerun(
    program, hr_admin, done_run, django_capture_on_commit_callbacks
):
    proposal = done_run.proposals.order_by("pk").first()
    pair = (proposal.mentee_id, proposal.mentor_id)
    unmatched = services.proposal_forbid(proposal=proposal, actor=hr_admin)
    assert unmatched.code == "forbidden" and "was forbidden by an organiser" in unmatched.reason
    done_run.refresh_from_db()
    assert (done_run.stats["matched"], done_run.stats["unmatched"]) == (5, 1)
    new = _rerun(done_run, hr_admin, django_capture_on_commit_callbacks)
    again = new.proposals.get(mentee_id=pair[0])
    assert again.mentor_id != pair[1]


def test_pinning_more_mentees_than_a_mentor_can_take_is_a_conflict(program, hr_admin, done_run):
    mentor = Participant.objects.get(pk=done_run.proposals.order_by("pk").first().mentor_id)
    if done_run.proposals.filter(mentor=mentor).count() < 2:
        swapped = services.proposal_swap(
            proposal=done_run.proposals.exclude(mentor=mentor).first(), mentor_id=mentor.pk, actor=hr_admin
        )
        services.proposal_unpin(proposal=swapped)  # a swap pins; start from no pins
    first, second = done_run.proposals.filter(mentor=mentor).order_by("pk")[:2]
    Participant.objects.filter(pk=mentor.pk).update(capacity=1)
    services.proposal_pin(proposal=first, actor=hr_admin)
    with pytest.raises(Conflict, match="already has 1 pinned mentee"):
        services.proposal_pin(proposal=second, actor=hr_admin)
    assert PairRule.objects.filter(kind="pin").count() == 1


def test_unpinning_removes_the_rule(program, hr_admin, done_run):
    proposal = done_run.proposals.first()
    services.proposal_pin(proposal=proposal, actor=hr_admin)
    services.proposal_unpin(proposal=proposal)
    proposal.refresh_from_db()
    assert not proposal.pinned and PairRule.objects.count() == 0


# --- swap ---------------------------------------------------------------------------------------


def test_swap_lists_the_next_best_mentors_with_the_score_change(program, hr_admin, done_run):
    proposal = done_run.proposals.order_by("pk").first()
    alternatives = services.proposal_alternatives(proposal=proposal)
    assert alternatives and proposal.mentor_id not in {a.mentor.pk for a in alternatives}
    assert [a.score for a in alternatives] == sorted((a.score for a in alternatives), reverse=True)
    assert all(a.delta == round(a.score - proposal.score, 2) and a.free > 0 and a.explanation for a in alternatives)


def test_swapping_edits_the_proposal_in_place_and_updates_the_statistics(program, hr_admin, done_run):
    proposal = done_run.proposals.order_by("pk").first()
    choice = services.proposal_alternatives(proposal=proposal)[0]
    services.proposal_swap(proposal=proposal, mentor_id=choice.mentor.pk, actor=hr_admin)
    proposal.refresh_from_db()
    done_run.refresh_from_db()
    assert (proposal.mentor_id, proposal.score, proposal.pinned) == (choice.mentor.pk, choice.score, True)
    assert proposal.explanation == "pinned by an organiser · " + choice.explanation
    total = sum(done_run.proposals.values_list("score", flat=True))
    assert done_run.stats["total_score"] == pytest.approx(total, abs=0.01)


def test_a_swap_pins_the_pair_so_a_rerun_keeps_it(program, hr_admin, done_run, django_capture_on_commit_callbacks):
    proposal = done_run.proposals.order_by("pk").first()
    other = services.proposal_alternatives(proposal=proposal)[-1].mentor  # not the engine's choice
    swapped = services.proposal_swap(proposal=proposal, mentor_id=other.pk, actor=hr_admin)
    assert swapped.pinned is True
    assert swapped.explanation.startswith("pinned by an organiser · ")
    rule = PairRule.objects.get()
    assert (rule.kind, rule.mentee_id, rule.mentor_id, rule.created_by) == (
        "pin",
        proposal.mentee_id,
        other.pk,
        hr_admin,
    )
    new = _rerun(done_run, hr_admin, django_capture_on_commit_callbacks)
    kept = new.proposals.get(mentee_id=proposal.mentee_id)
    assert (kept.mentor_id, kept.pinned) == (other.pk, True)


def test_swapping_again_moves_the_pin_and_unpinning_lets_a_rerun_choose(
    program, hr_admin, done_run, django_capture_on_commit_callbacks
):
    proposal = done_run.proposals.order_by("pk").first()
    engine_choice = proposal.mentor_id
    other = services.proposal_alternatives(proposal=proposal)[0].mentor.pk

    def swap(mentor_id: int) -> list[tuple[int, int, str]]:
        services.proposal_swap(proposal=MatchProposal.objects.get(pk=proposal.pk), mentor_id=mentor_id, actor=hr_admin)
        return list(PairRule.objects.values_list("mentee_id", "mentor_id", "kind"))

    assert swap(other) == [(proposal.mentee_id, other, "pin")]
    assert swap(engine_choice) == [(proposal.mentee_id, engine_choice, "pin")]
    assert swap(other) == [(proposal.mentee_id, other, "pin")]
    services.proposal_unpin(proposal=MatchProposal.objects.get(pk=proposal.pk))
    assert PairRule.objects.count() == 0
    new = _rerun(done_run, hr_admin, django_capture_on_commit_callbacks)
    again = new.proposals.get(mentee_id=proposal.mentee_id)
    assert (again.mentor_id, again.pinned) == (engine_choice, False)


def _loads(run: MatchRun) -> dict[int, int]:
    mentors = Participant.objects.filter(program=run.program, role="mentor").order_by("pk")
    return {m.pk: run.proposals.filter(mentor=m).count() for m in mentors}


def test_a_swap_below_the_minimum_score_is_kept_and_says_so(program, hr_admin, done_run):
    MatchRun.objects.filter(pk=done_run.pk).update(rules={**done_run.rules, "min_score": 99})
    proposal = MatchProposal.objects.get(pk=done_run.proposals.order_by("pk").first().pk)
    assert services.proposal_alternatives(proposal=proposal) == []  # nothing reaches 99
    loads = _loads(done_run)
    target = next(m for m, n in loads.items() if m != proposal.mentor_id and n < 3)
    swapped = services.proposal_swap(proposal=proposal, mentor_id=target, actor=hr_admin)
    assert (swapped.mentor_id, swapped.pinned) == (target, True)
    assert swapped.score < 99
    assert swapped.details["below_min_score"] == 99.0
    assert swapped.explanation.startswith("pinned by an organiser · below the minimum score of 99 · ")


def test_a_swap_to_a_mentor_whose_places_are_all_pinned_is_a_conflict(program, hr_admin, done_run):
    loads = _loads(done_run)
    target = min(loads, key=loads.get)
    places = loads[target] + 1  # one free place in this run ...
    Participant.objects.filter(pk=target).update(capacity=places)
    others = list(done_run.proposals.exclude(mentor_id=target).order_by("pk"))
    for p in others[:places]:  # ... but every place is pinned to someone else
        PairRule.objects.create(
            organization=program.organization, program=program, mentee_id=p.mentee_id, mentor_id=target, kind="pin"
        )
    swapper = others[places]
    with pytest.raises(Conflict, match=f"already has {places} pinned mentee"):
        services.proposal_swap(proposal=swapper, mentor_id=target, actor=hr_admin)
    assert PairRule.objects.count() == places
    assert MatchProposal.objects.get(pk=swapper.pk).mentor_id == swapper.mentor_id


def test_swapping_to_a_full_mentor_is_a_conflict(program, hr_admin, done_run):
    Participant.objects.filter(role="mentor").update(capacity=2)
    loads = {
        m: done_run.proposals.filter(mentor_id=m).count()
        for m in done_run.proposals.values_list("mentor_id", flat=True)
    }
    full = max(loads, key=loads.get)
    proposal = done_run.proposals.exclude(mentor_id=full).first()
    with pytest.raises(Conflict, match="no free place left"):
        services.proposal_swap(proposal=proposal, mentor_id=full, actor=hr_admin)
    assert MatchProposal.objects.get(pk=proposal.pk).mentor_id == proposal.mentor_id


def test_swapping_to_a_pair_that_breaks_a_hard_rule_is_refused(program, hr_admin, done_run):
    stranger = cohort.mentor(program, 8, languages=["japanese"])
    proposal = done_run.proposals.first()
    with pytest.raises(ValidationFailed, match="a hard rule excludes the pair"):
        services.proposal_swap(proposal=proposal, mentor_id=stranger.pk, actor=hr_admin)


def test_a_published_run_cannot_be_edited(program, hr_admin, done_run):
    services.match_run_publish(run=done_run, actor=hr_admin)
    proposal = done_run.proposals.first()
    for action in (
        lambda: services.proposal_pin(proposal=proposal, actor=hr_admin),
        lambda: services.proposal_forbid(proposal=proposal, actor=hr_admin),
    ):
        with pytest.raises(Conflict, match="published"):
            action()
    assert PairRule.objects.count() == 0


# --- pages ------------------------------------------------------------------------------------


def test_the_proposals_table_sorts_filters_and_searches(client, hr_admin, done_run):
    client.force_login(hr_admin)
    url = reverse("matchrun-detail", args=[done_run.pk])
    by_name = client.get(url, {"sort": "mentee"}).content.decode()
    assert by_name.index("Mentee 00") < by_name.index("Mentee 05")
    found = client.get(url, {"q": "mentee3@"}).content.decode()
    assert "Mentee 03" in found and "Mentee 04" not in found and "1 pair matches the filters." in found
    nothing = client.get(
        url, {"min_score": "100", "part": "proposals"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert nothing.startswith('<div id="proposals">') and "0 pairs match the filters" in nothing


def test_the_swap_partial_lists_alternatives_and_choosing_one_swaps(client, hr_admin, done_run):
    client.force_login(hr_admin)
    proposal = done_run.proposals.order_by("pk").first()
    partial = client.get(reverse("proposal-swap", args=[done_run.pk, proposal.pk]), headers={"HX-Request": "true"})
    assert b"Other mentors for" in partial.content and b"<html" not in partial.content
    assert "Choosing a mentor pins the pair: re-runs keep it until you unpin it." in partial.content.decode()
    choice = services.proposal_alternatives(proposal=proposal)[0]
    response = client.post(
        reverse("proposal-swap", args=[done_run.pk, proposal.pk]), {"mentor": choice.mentor.pk}, follow=True
    )
    proposal.refresh_from_db()
    assert (proposal.mentor_id, proposal.pinned) == (choice.mentor.pk, True)
    assert "The pair is pinned, so re-runs keep it; unpin it to let matching choose again." in response.content.decode()
    assert "Re-run keeps pinned pairs (a swap pins its pair)" in response.content.decode()


def test_pin_and_forbid_buttons_work_from_the_page(client, hr_admin, done_run):
    client.force_login(hr_admin)
    first, second = done_run.proposals.order_by("pk")[:2]
    client.post(reverse("proposal-pin", args=[done_run.pk, first.pk]))
    client.post(reverse("proposal-forbid", args=[done_run.pk, second.pk]))
    assert sorted(PairRule.objects.values_list("kind", flat=True)) == ["forbid", "pin"]
    assert not MatchProposal.objects.filter(pk=second.pk).exists()


def test_the_settings_page_lists_pair_rules_and_removes_one(client, hr_admin, done_run):
    first, second = done_run.proposals.order_by("pk").select_related("mentee", "mentor")[:2]
    services.proposal_pin(proposal=first, actor=hr_admin)
    services.proposal_forbid(proposal=second, actor=hr_admin)
    client.force_login(hr_admin)
    url = reverse("matching-settings", args=[done_run.program_id])
    page = client.get(url).content.decode()
    assert page.count('id="pair-rule-') == 2
    assert second.mentee.display_name in page and "forbidden" in page and "pinned" in page
    assert "by Helen HR" in page

    rule = PairRule.objects.get(kind="forbid")
    response = client.post(reverse("pairrule-delete", args=[done_run.program_id, rule.pk]), follow=True)

    assert not PairRule.objects.filter(pk=rule.pk).exists()
    body = response.content.decode()
    assert (
        f"{second.mentee.display_name} and {second.mentor.display_name} are no longer forbidden: "
        "the next run decides freely." in body
    )
    assert body.count('id="pair-rule-') == 1


def test_without_pair_rules_the_settings_page_says_how_to_make_one(client, hr_admin, program):
    client.force_login(hr_admin)
    page = client.get(reverse("matching-settings", args=[program.pk])).content.decode()
    assert "No pinned or forbidden pairs" in page


def test_outsiders_cannot_remove_a_pair_rule(client, outsider, hr_admin, done_run):
    services.proposal_forbid(proposal=done_run.proposals.first(), actor=hr_admin)
    rule = PairRule.objects.get()
    client.force_login(outsider)
    assert client.post(reverse("pairrule-delete", args=[done_run.program_id, rule.pk])).status_code == 404
    assert client.get(reverse("matching-settings", args=[done_run.program_id])).status_code == 404
    assert PairRule.objects.filter(pk=rule.pk).exists()


def test_compare_shows_pairs_changed_and_both_histograms(
    client, program, hr_admin, done_run, django_capture_on_commit_callbacks
):
    services.proposal_forbid(proposal=done_run.proposals.order_by("pk").first(), actor=hr_admin)
    new = _rerun(done_run, hr_admin, django_capture_on_commit_callbacks)
    client.force_login(hr_admin)
    page = client.get(reverse("matchrun-compare"), {"a": done_run.pk, "b": new.pk}).content.decode()
    assert f"Run #{done_run.pk} compared with run #{new.pk}" in page
    assert page.count('class="list-unstyled mb-0 histogram"') == 2
    assert '<span id="changed-count">' in page and "Matched mentees" in page


def test_outsiders_get_404_on_proposal_actions_and_compare(client, hr_admin, outsider, done_run):
    proposal = done_run.proposals.first()
    client.force_login(outsider)
    for name in ("proposal-pin", "proposal-forbid", "proposal-swap"):
        assert client.post(reverse(name, args=[done_run.pk, proposal.pk]), {"mentor": 1}).status_code == 404
    assert client.get(reverse("matchrun-compare"), {"a": done_run.pk, "b": done_run.pk}).status_code == 404
    assert PairRule.objects.count() == 0 and MatchProposal.objects.filter(pk=proposal.pk).exists()


# --- API ----------------------------------------------------------------------------------------


def _person(p: Participant) -> dict:
    return {"id": p.pk, "name": p.display_name, "email": p.email}


def test_api_creates_lists_and_shows_runs(client, program, hr_admin, django_capture_on_commit_callbacks):
    cohort.cohort(program)
    client.force_login(hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(f"/api/programs/{program.pk}/match-runs/", {"algorithm": "stable"})
    assert created.status_code == 201
    assert created.json()["status"] == "queued" and created.json()["algorithm"] == "stable"
    run = MatchRun.objects.get()
    listed = client.get(f"/api/programs/{program.pk}/match-runs/").json()
    assert [r["id"] for r in listed["results"]] == [run.pk]
    body = client.get(f"/api/match-runs/{run.pk}/").json()
    assert body["status"] == "done" and body["progress"] == 100 and body["stats"]["matched"] == 6
    assert body["created_by"] == hr_admin.email


def test_api_lists_proposals_paginated_with_full_bodies(client, hr_admin, done_run):
    client.force_login(hr_admin)
    body = client.get(f"/api/match-runs/{done_run.pk}/proposals/").json()
    assert body["count"] == 6
    first = MatchProposal.objects.select_related("mentee", "mentor").order_by("-score", "pk").first()
    assert body["results"][0] == {
        "id": first.pk,
        "mentee": _person(first.mentee),
        "mentor": _person(first.mentor),
        "score": first.score,
        "components": first.components,
        "explanation": first.explanation,
        "pinned": False,
        "mentorship": None,
    }
    assert client.get(f"/api/match-runs/{done_run.pk}/unmatched/").json() == []


def test_api_pins_forbids_and_swaps(client, hr_admin, done_run):
    client.force_login(hr_admin)
    a, b, c = done_run.proposals.order_by("pk")[:3]
    assert client.post(f"/api/match-runs/{done_run.pk}/proposals/{a.pk}/pin/").json()["pinned"] is True
    forbidden = client.post(f"/api/match-runs/{done_run.pk}/proposals/{b.pk}/forbid/").json()
    assert forbidden["code"] == "forbidden" and forbidden["mentee"]["id"] == b.mentee_id
    alternatives = client.get(f"/api/match-runs/{done_run.pk}/proposals/{c.pk}/alternatives/").json()
    target = alternatives[0]["mentor"]["id"]
    swapped = client.post(f"/api/match-runs/{done_run.pk}/proposals/{c.pk}/swap/", {"mentor": target})
    assert swapped.status_code == 200 and swapped.json()["mentor"]["id"] == target
    bad = client.post(f"/api/match-runs/{done_run.pk}/proposals/{c.pk}/swap/", {"mentor": target})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "validation_failed"


def test_api_cancel_of_a_finished_run_is_409(client, hr_admin, done_run):
    client.force_login(hr_admin)
    response = client.post(f"/api/match-runs/{done_run.pk}/cancel/")
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "conflict",
            "message": "This run is already done; there is nothing to cancel.",
            "fields": {},
        }
    }


def test_api_settings_round_trip_and_validation(client, program, hr_admin):
    client.force_login(hr_admin)
    url = f"/api/programs/{program.pk}/matching-settings/"
    assert client.get(url).json()["weights"]["goals"] == 1.0
    ok = client.put(url, {"weights": {"skills": 5}, "rules": {"min_score": 20}}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["weights"]["skills"] == 5.0 and ok.json()["rules"]["min_score"] == 20.0
    bad = client.put(url, {"weights": {"skills": 50}, "rules": {}}, content_type="application/json")
    assert bad.status_code == 400 and "weights.skills" in bad.json()["error"]["fields"]


def test_api_gives_outsiders_404_on_runs_and_proposals(client, outsider, program, done_run):
    proposal = done_run.proposals.first()
    client.force_login(outsider)
    assert client.get(f"/api/match-runs/{done_run.pk}/").status_code == 404
    assert client.get(f"/api/match-runs/{done_run.pk}/proposals/").status_code == 404
    assert client.get(f"/api/match-runs/{done_run.pk}/unmatched/").status_code == 404
    assert client.post(f"/api/match-runs/{done_run.pk}/publish/").status_code == 404
    assert client.post(f"/api/match-runs/{done_run.pk}/proposals/{proposal.pk}/pin/").status_code == 404
    assert client.get(f"/api/programs/{program.pk}/match-runs/").status_code == 404
    assert client.post(f"/api/programs/{program.pk}/match-runs/", {}).status_code == 404
    assert MatchRun.objects.count() == 1 and PairRule.objects.count() == 0


def test_api_gives_mentors_and_mentees_403(client, mentor, mentee, program, done_run):
    for user in (mentor, mentee):
        client.force_login(user)
        assert client.get(f"/api/match-runs/{done_run.pk}/").status_code == 403
        assert client.post(f"/api/programs/{program.pk}/match-runs/", {}).status_code == 403
