"""Forms of the matching pages. They only parse input; services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from matching import selectors
from matching.models import MatchRun
from mentoring.models import Program, Question

HELP = {
    "goals": _(
        "How much the mentee's goals and the mentor's expertise should use the same words "
        "(e.g. “negotiation”, “hiring”)."
    ),
    "skills": _("How much it counts that the mentor offers the skills the mentee wants to learn."),
    "hours": _(
        "How much shared working hours matter, across time zones and over the program's dates (daylight saving "
        "included). Raise it when people are spread across the world."
    ),
    "languages": _(
        "How much it counts that both list a language they share. People with no language listed are "
        "never excluded, but rank below those who share one."
    ),
    "seniority": _(
        "How much it counts that the mentor is senior to the mentee by the preferred number of levels below."
    ),
    "department": _("How much the department rule below counts (for example, preferring someone from another team)."),
}
LABELS = {
    "goals": _("Goals ↔ expertise"),
    "skills": _("Skills wanted ↔ offered"),
    "hours": _("Shared working hours"),
    "languages": _("Shared language"),
    "seniority": _("Seniority gap"),
    "department": _("Department"),
}
WEIGHT_HELP = _(" 0 ignores it; 10 is the most important.")


def _weight_field(label: str, help_text: str) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        min_value=0,
        max_value=10,
        help_text=format_lazy("{}{}", help_text, WEIGHT_HELP),
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "10"}),
    )


class MatchingSettingsForm(forms.Form):
    """Weights (0–10) for each score component and the program's rules; one weight and one
    rule per program question, named ``q_<key>_weight`` / ``q_<key>_rule``."""

    min_score = forms.FloatField(
        label=_("Minimum score"),
        min_value=0,
        max_value=100,
        help_text=_(
            "Runs never propose a pair scoring below this (0–100); the mentee stays unmatched with the reason. "
            "A pair you pin or swap to is kept even below it, marked as such."
        ),
        widget=forms.NumberInput(attrs={"step": "1"}),
    )
    min_shared_hours = forms.FloatField(
        label=_("Minimum shared working hours per day"),
        min_value=0,
        max_value=12,
        help_text=_(
            "0 makes shared hours a preference only; above 0 runs only propose pairs with at least that "
            "overlap in every week of the program. A pair you pin or swap to is kept even below it, marked as such."
        ),
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    seniority_gap = forms.IntegerField(
        label=_("Preferred seniority gap (levels)"),
        min_value=0,
        max_value=5,
        help_text=_("How many levels more senior the mentor should ideally be (1 = one level up)."),
    )
    department = forms.ChoiceField(
        label=_("Department rule"),
        choices=[
            ("different", _("Prefer a mentor from a different department")),
            ("same", _("Prefer a mentor from the same department")),
            ("ignore", _("Ignore departments")),
        ],
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        weights, rules = selectors.program_weights(program), selectors.program_rules(program)
        initial = {f"weight_{c}": weights[c] for c in selectors.COMPONENTS} | {
            k: rules[k] for k in ("min_score", "min_shared_hours", "seniority_gap", "department")
        }
        self.questions = list(Question.objects.filter(program=program).order_by("position", "pk"))
        for q in self.questions:
            initial[f"q_{q.key}_weight"] = selectors.question_weight(weights, q.key)
            initial[f"q_{q.key}_rule"] = selectors.question_rule(rules, q.key)
        super().__init__(*args, initial=initial, **kwargs)
        weight_fields = {f"weight_{c}": _weight_field(LABELS[c], HELP[c]) for c in selectors.COMPONENTS}
        self.fields = weight_fields | self.fields
        for q in self.questions:
            self.fields[f"q_{q.key}_weight"] = _weight_field(
                f"“{q.label}”", _("How much it counts that both answered this question alike (or differently, below).")
            )
            self.fields[f"q_{q.key}_rule"] = forms.ChoiceField(
                label=_("“%(question)s”: prefer") % {"question": q.label},
                choices=[("same", _("the same answer")), ("different", _("different answers"))],
            )

    @property
    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{c}"] for c in selectors.COMPONENTS]

    @property
    def rule_fields(self) -> list[forms.BoundField]:
        return [self[k] for k in ("min_score", "min_shared_hours", "seniority_gap", "department")]

    @property
    def question_fields(self) -> list[tuple[Question, forms.BoundField, forms.BoundField]]:
        return [(q, self[f"q_{q.key}_weight"], self[f"q_{q.key}_rule"]) for q in self.questions]

    def to_settings(self) -> tuple[dict[str, float], dict[str, Any]]:
        d = self.cleaned_data
        weights = {c: d[f"weight_{c}"] for c in selectors.COMPONENTS}
        rules = {k: d[k] for k in ("min_score", "min_shared_hours", "seniority_gap", "department")}
        for q in self.questions:
            weights[f"q:{q.key}"] = d[f"q_{q.key}_weight"]
            rules[f"q:{q.key}"] = d[f"q_{q.key}_rule"]
        return weights, rules


class RunForm(forms.Form):
    algorithm = forms.ChoiceField(
        label=_("Algorithm"),
        choices=MatchRun.Algorithm.choices,
        initial=MatchRun.Algorithm.OPTIMAL,
        widget=forms.RadioSelect,
        help_text=_(
            "Optimal matches as many mentees as possible with the highest total score. Stable makes sure "
            "no mentee and mentor would both rather be with each other than with whom they got."
        ),
    )


class ProposalFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or email"), required=False)
    min_score = forms.FloatField(label=_("Minimum score"), required=False, min_value=0, max_value=100)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-score", _("Score, highest first")),
            ("score", _("Score, lowest first")),
            ("mentee", _("Mentee name")),
            ("mentor", _("Mentor name")),
        ],
    )


class SwapForm(forms.Form):
    mentor = forms.IntegerField(label=_("New mentor"), widget=forms.HiddenInput)
