from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from insights.models import Nudge
from insights.services.nudges import MESSAGE_MAX


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end is before the start."))
            elif (end - start).days > 3 * 366:
                self.add_error("end", _("Choose at most three years."))
        return data


class NudgeForm(forms.Form):
    kind = forms.ChoiceField(choices=Nudge.Kind.choices, widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Each person gets it with a greeting and the button to their next step."),
    )
    participants = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=(), label=_("Participants"))
    mentorships = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=(), label=_("Mentorships"))

    def __init__(self, *args, participant_choices=(), mentorship_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = list(participant_choices)
        self.fields["mentorships"].choices = list(mentorship_choices)


class HealthSettingsForm(forms.Form):
    auto_nudge_quiet_pairs = forms.BooleanField(
        label=_("Nudge quiet pairs automatically"),
        required=False,
        help_text=_("Once a day, both people of every quiet pair get the quiet-pair email, at most once a week."),
    )
    quiet_pair_message = forms.CharField(
        label=_("Message of automatic nudges"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Leave empty for the standard message."),
    )
