from django import template
from django.utils.safestring import SafeString

from journal.markdown import render_note

register = template.Library()


@register.filter
def markdown_light(text: str) -> SafeString:
    """A note's text as safe HTML (see journal/markdown.py)."""
    return render_note(text)
