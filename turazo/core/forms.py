"""Every Django form renders with Bootstrap through these templates: ``{{ form }}``
gives labelled, accessible fields with their errors next to them."""

from django.forms.renderers import TemplatesSetting


class BootstrapRenderer(TemplatesSetting):
    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"
