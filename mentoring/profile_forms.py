"""Forms for profiles, program questions and the skill list.

The forms only parse what the browser sends; the services validate. So the page
and the API give the same messages, and the page shows every problem at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.models import Participant, Question
from mentoring.profiles import ANSWER_MAX, MENTEE_ONLY, MENTOR_ONLY, SENIORITY_LEVELS, TEXT_LIMITS, WEEKDAYS

ANSWER_PREFIX = "q_"
REQUIRED_MESSAGE = _("Please answer this question; it is required.")


class ProfileForm(forms.Form):
    """A participant's profile, grouped in sections; program questions become ``q_<key>`` fields."""

    full_name = forms.CharField(
        label=_("Your name"),
        max_length=TEXT_LIMITS["full_name"],
        error_messages={"required": _("Tell us your name; mentors and mentees see it.")},
    )
    job_title = forms.CharField(label=_("Job title"), required=False, max_length=TEXT_LIMITS["job_title"])
    department = forms.CharField(label=_("Department"), required=False, max_length=TEXT_LIMITS["department"])
    manager_email = forms.CharField(
        label=_("Your manager's email"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("Used only to keep you from being matched with your own manager."),
    )
    seniority = forms.TypedChoiceField(
        label=_("Seniority level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Choose a level"))] + list(SENIORITY_LEVELS.items()),
    )
    location = forms.CharField(
        label=_("Location"), required=False, max_length=TEXT_LIMITS["location"], help_text=_("City or office.")
    )

    timezone = forms.CharField(
        label=_("Time zone"),
        required=False,
        widget=forms.TextInput(attrs={"list": "timezone-options", "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Start typing a city, e.g. Lisbon, and pick from the list."),
    )
    work_start = forms.TimeField(
        label=_("Working day starts"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time like 09:00.")},
    )
    work_end = forms.TimeField(
        label=_("Working day ends"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time like 17:30.")},
    )
    works_overnight = forms.BooleanField(label=_("My working day crosses midnight"), required=False)
    work_days = forms.TypedMultipleChoiceField(
        label=_("Working days"),
        required=False,
        coerce=int,
        choices=list(enumerate(WEEKDAYS)),
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.CharField(
        label=_("Languages you can mentor in"),
        required=False,
        help_text=_("Separate with commas, e.g. English, Portuguese."),
    )

    goals = forms.CharField(
        label=_("Your goals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What would you like to achieve with a mentor? A few sentences are plenty."),
    )
    skills_wanted = forms.CharField(
        label=_("Skills you want to grow"),
        required=False,
        widget=forms.TextInput(attrs={"list": "skill-options", "autocomplete": "off"}),
        help_text=_("Separate with commas. Suggestions come from your organization's list; new skills are welcome."),
    )
    expertise = forms.CharField(
        label=_("Your expertise"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What can you help with? Mentees read this."),
    )
    skills_offered = forms.CharField(
        label=_("Skills you can mentor"),
        required=False,
        widget=forms.TextInput(attrs={"list": "skill-options", "autocomplete": "off"}),
        help_text=_("Separate with commas. Suggestions come from your organization's list; new skills are welcome."),
    )
    capacity = forms.IntegerField(
        label=_("How many mentees can you take?"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": _("Enter the number of mentees you can take, e.g. 2.")},
    )

    COMMON = ["full_name", "job_title", "department", "manager_email", "seniority", "location"]
    HOURS = ["timezone", "work_start", "work_end", "works_overnight", "work_days", "languages"]
    MENTEE = list(MENTEE_ONLY)
    MENTOR = list(MENTOR_ONLY)

    def __init__(
        self,
        *args: Any,
        participant: Participant,
        questions: Sequence[Question],
        default_timezone: str = "",
        **kwargs: Any,
    ) -> None:
        self.participant = participant
        self.questions = [q for q in questions if q.applies_to(participant.role)]
        kwargs.setdefault("initial", self._initial(participant, default_timezone))
        super().__init__(*args, **kwargs)
        for field in self.MENTOR if participant.role == Participant.Role.MENTEE else self.MENTEE:
            del self.fields[field]
        if participant.role == Participant.Role.MENTOR:
            self.fields["capacity"].help_text = gettext("Leave empty to use the program's default (%(capacity)d).") % {
                "capacity": participant.program.default_capacity
            }
        else:
            # A mentee is not mentoring anyone: ask which languages they can be mentored in.
            self.fields["languages"].label = gettext("Languages you can be mentored in")
        for question in self.questions:
            self.fields[ANSWER_PREFIX + question.key] = self._question_field(question)

    def _initial(self, p: Participant, default_timezone: str) -> dict[str, Any]:
        initial: dict[str, Any] = {
            field: getattr(p, field) for field in self.COMMON + ["work_start", "work_end", "work_days"]
        }
        initial.update(
            timezone=p.timezone or default_timezone,
            works_overnight=bool(p.work_start and p.work_end and p.work_end < p.work_start),
            languages=", ".join(lang.capitalize() for lang in p.languages),
            goals=p.goals,
            expertise=p.expertise,
            skills_wanted=", ".join(p.skills_wanted),
            skills_offered=", ".join(p.skills_offered),
            capacity=p.capacity,
        )
        for key, values in (p.answers or {}).items():
            initial[ANSWER_PREFIX + key] = values if len(values) != 1 else values[0]
        return initial

    @staticmethod
    def _question_field(question: Question) -> forms.Field:
        options: dict[str, Any] = {
            "label": question.label,
            "required": question.required,
            "error_messages": {"required": REQUIRED_MESSAGE, "invalid_choice": _("Choose one of the listed answers.")},
        }
        choices = [(c, c) for c in question.choices]
        if question.kind == Question.Kind.SINGLE:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **options)
        if question.kind == Question.Kind.MULTIPLE:
            return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **options)
        return forms.CharField(max_length=ANSWER_MAX, **options)

    # --- Layout -----------------------------------------------------------------------

    def sections(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        role_section = (
            ("mentor", _("As a mentor: expertise, skills and capacity"), self.MENTOR)
            if self.participant.role == Participant.Role.MENTOR
            else ("mentee", _("As a mentee: goals and skills"), self.MENTEE)
        )
        sections = [
            ("about", _("About you"), self.COMMON),
            ("hours", _("Working hours & languages"), self.HOURS),
            role_section,
            ("questions", _("Program questions"), [ANSWER_PREFIX + q.key for q in self.questions]),
        ]
        return [(slug, title, [self[name] for name in names]) for slug, title, names in sections if names]

    # --- To the service -------------------------------------------------------------------

    def profile_data(self) -> dict[str, Any]:
        """What the service gets: every field that parsed (fields with errors are left out)."""
        data: dict[str, Any] = {}
        answers: dict[str, Any] = {}
        cleaned = getattr(self, "cleaned_data", {})
        for name in self.fields:
            if name in self.errors or name not in cleaned:
                continue
            value = cleaned[name]
            if name.startswith(ANSWER_PREFIX):
                answers[name.removeprefix(ANSWER_PREFIX)] = value
            else:
                data[name] = value
        data["answers"] = answers
        return data

    @staticmethod
    def service_field(name: str) -> str:
        """The form field of a key in the profile service's errors (``answers.<key>`` -> ``q_<key>``)."""
        return ANSWER_PREFIX + name.removeprefix("answers.") if name.startswith("answers.") else name


class QuestionForm(forms.ModelForm):
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One choice per line. Needed for single and multiple choice questions."),
    )
    key = forms.CharField(
        label=_("Key"),
        required=False,
        max_length=40,
        help_text=_("Short identifier, also the CSV column q:&lt;key&gt;. Leave empty to derive it from the question."),
    )

    class Meta:
        model = Question
        fields = ["label", "kind", "choices", "audience", "required", "key"]
        labels = {
            "label": _("Question"),
            "kind": _("Kind of answer"),
            "audience": _("Who answers"),
            "required": _("Required"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label"].required = False  # the service says what is missing, like the API
        self.fields["label"].widget.attrs["required"] = True  # ...but the person must still see it is required
        if self.instance.pk:
            del self.fields["key"]
            self.initial["choices"] = "\n".join(self.instance.choices)

    def _post_clean(self) -> None:
        """No model validation here: the question services validate (see services/questions.py)."""

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs = {
            "label": data["label"],
            "kind": data["kind"],
            "choices": data["choices"],
            "audience": data["audience"],
            "required": data["required"],
        }
        if "key" in self.fields:
            kwargs["key"] = data["key"]
        return kwargs


class SkillForm(forms.Form):
    # Not required here (the service says what is missing), but required for the person filling it in.
    name = forms.CharField(
        label=_("Skill"), max_length=200, required=False, widget=forms.TextInput(attrs={"required": True})
    )
