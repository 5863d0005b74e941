from __future__ import annotations

import datetime

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.safestring import SafeString

register = template.Library()


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
        return ""
    if isinstance(widget, (forms.Select, forms.SelectMultiple)):
        return "form-select"
    return "form-control"


@register.filter
def bootstrap(field: BoundField) -> SafeString:
    """Render a field's widget with Bootstrap's classes, marking errors, for any form
    (ours and allauth's alike), so no form class needs a styling mixin."""
    css = " ".join(
        c
        for c in (
            field.field.widget.attrs.get("class", ""),
            _css_class(field.field.widget),
            "is-invalid" if field.errors else "",
        )
        if c
    )
    attrs = {"class": css} if css else {}
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    return field.as_widget(attrs=attrs)


@register.filter
def older_than(moment: datetime.datetime | None, seconds: int) -> bool:
    """``{% if job.queued_at|older_than:60 %}``: the moment is more than that many seconds ago."""
    return moment is not None and timezone.now() - moment > datetime.timedelta(seconds=int(seconds))
