"""Every Django form renders with Bootstrap through these templates: ``{{ form }}``
gives labelled, accessible fields with their errors next to them."""

from collections.abc import Callable

from django.forms import Form
from django.forms.renderers import TemplatesSetting

from turazo.core.errors import DomainError


class BootstrapRenderer(TemplatesSetting):
    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"


def apply_service_errors(form: Form, error: DomainError, *, field_for: Callable[[str], str] | None = None) -> None:
    """Show a service's error on a form, the one way every page does it: each entry of
    ``error.fields`` next to its field (``field_for`` maps the service's key to the form's
    field name, e.g. ``answers.track`` -> ``q_track``), on the form as a whole when the
    form has no such field, and ``error.message`` on the form when the error names no
    field. A field already showing an error from the form's own checks keeps just those."""
    for key, messages in error.fields.items():
        name = field_for(key) if field_for else key
        if name not in form.fields:
            name = None
        elif name in form.errors:
            continue
        for message in messages:
            form.add_error(name, message)
    if not error.fields:
        form.add_error(None, error.message)
