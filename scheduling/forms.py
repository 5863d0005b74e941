"""Forms of the scheduling pages. They only read and check input; services do the work."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.services.profiles import clean_timezone
from scheduling.models import GRID_CHOICES
from scheduling.services.sessions import MAX_AGENDA, MAX_NOTE


class BookForm(forms.Form):
    agenda = forms.CharField(
        label=_("Agenda (optional)"),
        required=False,
        max_length=MAX_AGENDA,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What would you like to talk about? Both of you see it, and it goes into the calendar invite."),
    )


class RescheduleForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the other person (optional)"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The other person sees it in the cancellation email."),
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was the session?"),
        choices=[(5, _("5 – very useful")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 – not useful"))],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("What helped?"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    private_note = forms.CharField(
        label=_("Private note to the program admin (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only the program's HR admins read this."),
    )
    shared = forms.BooleanField(label=_("Share my rating and comment with the other person"), required=False)


class PolicyForm(forms.Form):
    buffer_before_minutes = forms.IntegerField(label=_("Buffer before a session (minutes)"), min_value=0, max_value=240)
    buffer_after_minutes = forms.IntegerField(label=_("Buffer after a session (minutes)"), min_value=0, max_value=240)
    min_notice_hours = forms.IntegerField(label=_("Minimum notice (hours)"), min_value=0, max_value=24 * 14)
    horizon_days = forms.IntegerField(label=_("Booking horizon (days ahead)"), min_value=1, max_value=365)
    grid_minutes = forms.TypedChoiceField(label=_("Start times every"), choices=GRID_CHOICES, coerce=int)
    max_sessions_per_week = forms.IntegerField(
        label=_("Most sessions per mentor per week"),
        min_value=1,
        max_value=50,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    remind_24h = forms.BooleanField(label=_("Send a reminder 24 hours before"), required=False)
    remind_1h = forms.BooleanField(label=_("Send a reminder 1 hour before"), required=False)
    feedback_requests = forms.BooleanField(label=_("Ask both people for feedback after each session"), required=False)


class VideoTemplateForm(forms.Form):
    video_url_template = forms.CharField(
        label=_("Video link for every session of the organization"),
        required=False,
        max_length=300,
        help_text=(
            _(
                "Leave empty for a private Jitsi Meet room per session. Or give your video tool's link, "
                "e.g. https://zoom.us/j/1234567890 ; {room} is replaced by a random room name per session. "
                "A mentor's own room (from their availability page) comes first."
            )
        ),
    )


class AvailabilitySettingsForm(forms.Form):
    timezone = forms.CharField(
        label=_("Time zone of these hours"),
        max_length=64,
        widget=forms.TextInput(attrs={"list": "timezone-options", "autocomplete": "off", "spellcheck": "false"}),
    )
    applies = forms.BooleanField(label=_("Only offer times inside my availability"), required=False)
    video_room_url = forms.URLField(
        label=_("My own video room (optional)"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_("A personal Zoom, Teams or Meet link to use for your sessions instead of the default."),
    )

    def clean_timezone(self) -> str:
        try:
            return clean_timezone(self.cleaned_data["timezone"])
        except ValueError as e:
            raise forms.ValidationError(str(e))


class OverrideForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    day_off = forms.BooleanField(label=_("Not available this day"), required=False)
    start = forms.TimeField(label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("To"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("day_off") and (data.get("start") is None or data.get("end") is None):
            raise forms.ValidationError(
                _("Give the hours (from and to) for this date, or tick “Not available this day”.")
            )
        return data


class PreferencesForm(forms.Form):
    remind_24h = forms.BooleanField(label=_("A reminder 24 hours before each session"), required=False)
    remind_1h = forms.BooleanField(label=_("A reminder 1 hour before each session"), required=False)
    feedback_requests = forms.BooleanField(label=_("A feedback request after each session"), required=False)
