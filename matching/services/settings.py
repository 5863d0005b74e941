"""A program's matching settings: the weights and rules later runs use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from matching import selectors
from matching.services.common import PROGRAM_GONE
from matching.services.suggestions import suggestions_schedule_refresh
from mentoring.models import Program, Question
from mentoring.services.writable import program_writable
from turazo.core.errors import ValidationFailed
from turazo.core.models import save_existing


def _number(value: Any, field: str, lo: float, hi: float, errors: dict[str, list[str]]) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        errors[field] = [_("Enter a number from %(min)s to %(max)s.") % {"min": f"{lo:g}", "max": f"{hi:g}"}]
        return 0.0
    if not lo <= x <= hi:
        errors[field] = [
            _("%(value)s is out of range: use %(min)s to %(max)s.")
            % {"value": f"{x:g}", "min": f"{lo:g}", "max": f"{hi:g}"}
        ]
    return x


def matching_settings_validate(
    *, program: Program, weights: Mapping[str, Any], rules: Mapping[str, Any]
) -> tuple[dict[str, float], dict[str, Any]]:
    """Clean weights/rules dicts (``q:<key>`` for the program's questions) or raise ValidationFailed."""
    errors: dict[str, list[str]] = {}
    keys = set(Question.objects.filter(program=program).values_list("key", flat=True))
    allowed_w = set(selectors.COMPONENTS) | {f"q:{k}" for k in keys}
    allowed_r = set(selectors.DEFAULT_RULES) | {f"q:{k}" for k in keys}
    for key in sorted(set(weights) - allowed_w):
        errors[f"weights.{key}"] = [
            _("Unknown weight “%(key)s”: use %(allowed)s.") % {"key": key, "allowed": ", ".join(sorted(allowed_w))}
        ]
    for key in sorted(set(rules) - allowed_r):
        errors[f"rules.{key}"] = [
            _("Unknown rule “%(key)s”: use %(allowed)s.") % {"key": key, "allowed": ", ".join(sorted(allowed_r))}
        ]
    clean_w = {k: _number(v, f"weights.{k}", 0, 10, errors) for k, v in weights.items() if k in allowed_w}
    clean_r: dict[str, Any] = {}
    for key, value in rules.items():
        if key not in allowed_r:
            continue
        if key == "min_score":
            clean_r[key] = _number(value, "rules.min_score", 0, 100, errors)
        elif key == "min_shared_hours":
            clean_r[key] = _number(value, "rules.min_shared_hours", 0, 12, errors)
        elif key == "seniority_gap":
            clean_r[key] = int(_number(value, "rules.seniority_gap", 0, 5, errors))
        elif key == "department":
            if value not in ("different", "same", "ignore"):
                errors["rules.department"] = [_("Choose different, same or ignore.")]
            clean_r[key] = value
        else:  # q:<key>
            if value not in ("same", "different"):
                errors[f"rules.{key}"] = [_("Choose same or different.")]
            clean_r[key] = value
    if clean_w and not errors and not any(v > 0 for v in (selectors.DEFAULT_WEIGHTS | clean_w).values()):
        errors["weights"] = [_("Give at least one component a weight above 0, or every pair scores the same.")]
    if errors:
        raise ValidationFailed(
            _("Some matching settings are invalid: %(fields)s.") % {"fields": ", ".join(sorted(errors))}, fields=errors
        )
    return clean_w, clean_r


def matching_settings_update(*, program: Program, weights: Mapping[str, Any], rules: Mapping[str, Any]) -> Program:
    """Store the weights and rules later runs use; suggestions are recomputed."""
    program_writable(program)
    clean_w, clean_r = matching_settings_validate(program=program, weights=weights, rules=rules)
    program.weights = selectors.program_weights(program) | clean_w
    program.rules = selectors.program_rules(program) | clean_r
    save_existing(program, update_fields=["weights", "rules", "updated_at"], gone=PROGRAM_GONE)
    suggestions_schedule_refresh(program_id=program.pk)
    return program
