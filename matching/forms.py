"""Forms of the matching pages. They only parse input; services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms

from matching import selectors
from matching.models import MatchRun
from mentoring.models import Program, Question

HELP = {
    "goals": "How much the mentee's goals and the mentor's expertise should use the same words "
    "(e.g. “negotiation”, “hiring”).",
    "skills": "How much it counts that the mentor offers the skills the mentee wants to learn.",
    "hours": "How much shared working hours matter, across time zones and over the program's dates (daylight saving "
    "included). Raise it when people are spread across the world.",
    "languages": "How much it counts that both list a language they share. People with no language listed are "
    "never excluded, but rank below those who share one.",
    "seniority": "How much it counts that the mentor is senior to the mentee by the preferred number of levels below.",
    "department": "How much the department rule below counts (for example, preferring someone from another team).",
}
LABELS = {
    "goals": "Goals ↔ expertise",
    "skills": "Skills wanted ↔ offered",
    "hours": "Shared working hours",
    "languages": "Shared language",
    "seniority": "Seniority gap",
    "department": "Department",
}
WEIGHT_HELP = " 0 ignores it; 10 is the most important."


def _weight_field(label: str, help_text: str) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        min_value=0,
        max_value=10,
        help_text=help_text + WEIGHT_HELP,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "10"}),
    )


class MatchingSettingsForm(forms.Form):
    """Weights (0–10) for each score component and the program's rules; one weight and one
    rule per program question, named ``q_<key>_weight`` / ``q_<key>_rule``."""

    min_score = forms.FloatField(
        label="Minimum score",
        min_value=0,
        max_value=100,
        help_text="Runs never propose a pair scoring below this (0–100); the mentee stays unmatched with the reason. "
        "A pair you pin or swap to is kept even below it, marked as such.",
        widget=forms.NumberInput(attrs={"step": "1"}),
    )
    min_shared_hours = forms.FloatField(
        label="Minimum shared working hours per day",
        min_value=0,
        max_value=12,
        help_text="0 makes shared hours a preference only; above 0 runs only propose pairs with at least that "
        "overlap in every week of the program. A pair you pin or swap to is kept even below it, marked as such.",
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    seniority_gap = forms.IntegerField(
        label="Preferred seniority gap (levels)",
        min_value=0,
        max_value=5,
        help_text="How many levels more senior the mentor should ideally be (1 = one level up).",
    )
    department = forms.ChoiceField(
        label="Department rule",
        choices=[
            ("different", "Prefer a mentor from a different department"),
            ("same", "Prefer a mentor from the same department"),
            ("ignore", "Ignore departments"),
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
                f"“{q.label}”", "How much it counts that both answered this question alike (or differently, below)."
            )
            self.fields[f"q_{q.key}_rule"] = forms.ChoiceField(
                label=f"“{q.label}”: prefer",
                choices=[("same", "the same answer"), ("different", "different answers")],
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
        label="Algorithm",
        choices=MatchRun.Algorithm.choices,
        initial=MatchRun.Algorithm.OPTIMAL,
        widget=forms.RadioSelect,
        help_text="Optimal matches as many mentees as possible with the highest total score. Stable makes sure "
        "no mentee and mentor would both rather be with each other than with whom they got.",
    )


class ProposalFilterForm(forms.Form):
    q = forms.CharField(label="Search by name or email", required=False)
    min_score = forms.FloatField(label="Minimum score", required=False, min_value=0, max_value=100)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("-score", "Score, highest first"),
            ("score", "Score, lowest first"),
            ("mentee", "Mentee name"),
            ("mentor", "Mentor name"),
        ],
    )


class SwapForm(forms.Form):
    mentor = forms.IntegerField(label="New mentor", widget=forms.HiddenInput)
