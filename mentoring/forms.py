from __future__ import annotations

import zoneinfo

from django import forms

from mentoring.models import User

TIMEZONE_CHOICES = [("", "Follow my browser")] + [(z, z) for z in sorted(zoneinfo.available_timezones())]


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=120, label="Organization name")


class PreferencesForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, required=False, label="Time zone")

    class Meta:
        model = User
        fields = ["full_name", "timezone"]
        labels = {"full_name": "Your name"}
