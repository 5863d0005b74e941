"""Forms of the request pages (input only; the rules live in matching/services/requests.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.models import MentorshipRequest


class RequestForm(forms.Form):
    mentor = forms.IntegerField(widget=forms.HiddenInput)
    message = forms.CharField(
        required=False,
        max_length=MentorshipRequest.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Message to the mentor"),
        help_text=_("What you hope to learn and why them; they read it in the email."),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=MentorshipRequest.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason"),
        help_text=_("The mentee sees it, with a link to other mentors."),
    )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    skill = forms.ChoiceField(required=False, label=_("Skill"))
    language = forms.ChoiceField(required=False, label=_("Language"))
    min_hours = forms.FloatField(required=False, min_value=0, max_value=60, label=_("Shared hours a week, at least"))
    free = forms.BooleanField(required=False, label=_("Only mentors with a free place"))

    def __init__(self, *args, skills: list[str], languages: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", _("Any skill")), *[(s, s) for s in skills]]
        self.fields["language"].choices = [("", _("Any language")), *[(x, x.title()) for x in languages]]
