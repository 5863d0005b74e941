from __future__ import annotations

import zoneinfo

from django import forms

from mentoring.models import Participant, Program, User
from mentoring.services.programs import validate_program
from turazo.core.errors import ValidationFailed

TIMEZONE_CHOICES = [("", "Follow my browser")] + [(z, z) for z in sorted(zoneinfo.available_timezones())]


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=120, label="Organization name")


class PreferencesForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, required=False, label="Time zone")

    class Meta:
        model = User
        fields = ["full_name", "timezone"]
        labels = {"full_name": "Your name"}


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = [
            "name", "description", "start_date", "end_date", "default_capacity",
            "session_length_minutes", "cadence_days", "matching_mode",
        ]  # fmt: skip
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "default_capacity": "Mentees per mentor",
            "session_length_minutes": "Session length (minutes)",
            "cadence_days": "Target days between sessions",
        }
        help_texts = {
            "cadence_days": "For example 14 for a session every two weeks.",
            "matching_mode": "Admin matches: you run matching and publish pairs. Mentees choose: mentees request "
            "mentors from ranked suggestions. Both: publish matches and let unmatched mentees choose.",
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        try:
            validate_program({k: v for k, v in cleaned.items() if k not in self.errors})
        except ValidationFailed as e:
            for field, errors in e.fields.items():
                for error in errors:
                    if field in self.fields and field not in self.errors:
                        self.add_error(field, error)
        return cleaned


class ParticipantAddForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Participant.Role.choices)
    full_name = forms.CharField(max_length=150, required=False, label="Name")
    department = forms.CharField(max_length=100, required=False)
    send_invitation = forms.BooleanField(required=False, initial=True, label="Send the invitation email now")


class ParticipantFilterForm(forms.Form):
    """Filters of the participants table; widgets carry Bootstrap classes because
    the table lays them out in one row instead of rendering ``{{ form }}``."""

    q = forms.CharField(required=False, label="Search")
    role = forms.ChoiceField(required=False, choices=[("", "All roles"), *Participant.Role.choices])
    status = forms.ChoiceField(
        required=False, choices=[("", "Current participants"), *Participant.Status.choices, ("all", "Everyone")]
    )
    completeness = forms.ChoiceField(
        required=False,
        choices=[("", "Any profile"), ("complete", "Complete"), ("partial", "Partly filled"), ("empty", "Empty")],
        label="Profile",
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("name", "Name A–Z"), ("-name", "Name Z–A"), ("email", "Email"), ("role", "Role"),
            ("-completeness", "Most complete"), ("completeness", "Least complete"), ("status", "Status"),
            ("updated", "Recently updated"),
        ],  # fmt: skip
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name in ("role", "status", "completeness", "sort"):
            self.fields[name].widget.attrs["class"] = "form-select"

