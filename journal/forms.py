"""Forms of the journal pages. They only shape input; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from journal.models import Goal, Note
from journal.services.goals import TITLE_MAX
from journal.services.notes import BODY_MAX
from journal.services.survey import TEXT_MAX


class GoalForm(forms.Form):
    title = forms.CharField(
        label=_("Goal"), max_length=TITLE_MAX, help_text=_("e.g. “Run my first team retrospective”.")
    )
    status = forms.ChoiceField(label=_("Status"), choices=Goal.Status.choices, initial=Goal.Status.OPEN)
    target_date = forms.DateField(
        label=_("Target date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("**bold**, *italic*, lists starting with “- ” or “1. ”, and links [text](https://…)."),
    )
    visibility = forms.ChoiceField(
        label=_("Who reads it"),
        choices=Note.Visibility.choices,
        initial=Note.Visibility.SHARED,
        widget=forms.RadioSelect,
    )
    session = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How would you rate the program overall?"),
        choices=[
            (n, label) for n, label in ((5, _("5 – excellent")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 – poor")))
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    what_changed = forms.CharField(
        label=_("What changed for you?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A sentence or two: what you learned, did differently, or would keep. HR admins read it."),
    )
