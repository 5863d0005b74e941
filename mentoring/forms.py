from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from mentoring.models import Participant, Program
from mentoring.services.programs import validate_program
from turazo.core.errors import ValidationFailed

TIMEZONE_CHOICES = [("", _("Follow my browser"))] + [(z, z) for z in sorted(zoneinfo.available_timezones())]


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=120, label=_("Organization name"))


class PreferencesForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, required=False, label=_("Time zone"))

    class Meta:
        model = User
        fields = ["full_name", "timezone"]
        labels = {"full_name": _("Your name")}


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = [
            "name", "description", "start_date", "end_date", "default_capacity",
            "session_length_minutes", "cadence_days", "matching_mode",
            "max_pending_requests", "request_reminder_days", "request_expiry_days", "mentors_confirm_matches",
        ]  # fmt: skip
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {  # every field, or Django derives an English label from the field's name
            "name": _("Name"),
            "description": _("Description"),
            "start_date": _("Start date"),
            "end_date": _("End date"),
            "matching_mode": _("Matching mode"),
            "default_capacity": _("Mentees per mentor"),
            "session_length_minutes": _("Session length (minutes)"),
            "cadence_days": _("Target days between sessions"),
            "max_pending_requests": _("Requests a mentee may have waiting"),
            "request_reminder_days": _("Remind mentors after (days)"),
            "request_expiry_days": _("Requests expire after (days)"),
            "mentors_confirm_matches": _("Mentors confirm matches"),
        }
        help_texts = {
            "cadence_days": _("For example 14 for a session every two weeks."),
            "matching_mode": _(
                "Admin matches: you run matching and publish pairs. Mentees choose: mentees request mentors from "
                "ranked suggestions. Both: publish matches and let unmatched mentees choose."
            ),
            "max_pending_requests": _(
                "How many mentors a mentee may ask at the same time (1 to 10); more answers come faster, "
                "but mentors see more requests they cannot take."
            ),
            "request_reminder_days": _("A mentor who has not answered gets one reminder email after this many days."),
            "request_expiry_days": _(
                "Unanswered requests close after this many days (more than the reminder, at most 30); "
                "the mentee is told and sees other mentors."
            ),
            "mentors_confirm_matches": _(
                "When publishing a matching run, each mentor gets an offer to accept or decline from the email; "
                "the mentorship starts when they accept. Off: publishing starts mentorships at once."
            ),
        }

    #: Request settings a form posted without them keeps (their current value, else the default).
    KEEP_WHEN_EMPTY = ("max_pending_requests", "request_reminder_days", "request_expiry_days")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.KEEP_WHEN_EMPTY:
            self.fields[name].required = False
            self.fields[name].widget.attrs["required"] = True  # shown as required; empty keeps the value

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in self.KEEP_WHEN_EMPTY:
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = getattr(self.instance, name, None) or Program._meta.get_field(name).default
        try:
            validate_program({k: v for k, v in cleaned.items() if k not in self.errors})
        except ValidationFailed as e:
            for field, errors in e.fields.items():
                for error in errors:
                    if field in self.fields and field not in self.errors:
                        self.add_error(field, error)
        return cleaned


class ParticipantAddForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(choices=Participant.Role.choices, label=_("Role"))
    full_name = forms.CharField(max_length=150, required=False, label=_("Name"))
    department = forms.CharField(max_length=100, required=False, label=_("Department"))
    send_invitation = forms.BooleanField(required=False, initial=True, label=_("Send the invitation email now"))


class ParticipantFilterForm(forms.Form):
    """Filters of the participants table; widgets carry Bootstrap classes because
    the table lays them out in one row instead of rendering ``{{ form }}``."""

    q = forms.CharField(required=False, label=_("Search"))
    role = forms.ChoiceField(required=False, choices=[("", _("All roles")), *Participant.Role.choices], label=_("Role"))
    status = forms.ChoiceField(
        required=False,
        choices=[("", _("Current participants")), *Participant.InvitationStatus.choices, ("all", _("Everyone"))],
        label=_("Status"),
    )
    completeness = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("Any profile")), ("complete", _("Complete")), ("partial", _("Partly filled")), ("empty", _("Empty")),
        ],  # fmt: skip
        label=_("Profile"),
    )
    matched = forms.ChoiceField(
        required=False,
        choices=[("", _("Matched or not")), ("matched", _("Matched")), ("unmatched", _("Unmatched"))],
        label=_("Mentorship"),
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("name", _("Name A–Z")), ("-name", _("Name Z–A")), ("email", _("Email")), ("role", _("Role")),
            ("-completeness", _("Most complete")), ("completeness", _("Least complete")), ("status", _("Status")),
            ("updated", _("Recently updated")),
        ],  # fmt: skip
        label=_("Sort"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name in ("role", "status", "completeness", "sort"):
            self.fields[name].widget.attrs["class"] = "form-select"

