"""Answer the closing survey from its email (an action link, see turazo/core/action_links.py).

Opening the link shows the survey form and changes nothing; only the POST from that page
records the answer, once."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journal.forms import SurveyForm
from journal.models import SurveyAnswer
from journal.services.survey import SURVEY_LINK, survey_answer
from turazo.core.action_links import ActionHandler, register
from turazo.core.errors import ValidationFailed
from turazo.core.models import ActionLink


@register
class SurveyAnswerLink(ActionHandler):
    purpose = SURVEY_LINK
    template_name = "journal/survey_link.html"
    closed_title = gettext_lazy("This survey is already answered")

    def get_target_queryset(self):
        return SurveyAnswer.objects.select_related("program", "participant")

    def closed_message(self, link: ActionLink, answer: SurveyAnswer) -> str | None:
        if answer.user_id != link.recipient_id:
            return _("This link is not valid for this survey any more.")
        if answer.answered_at is not None:
            return _("You already answered this survey on %(date)s. Thank you!") % {
                "date": date_format(timezone.localtime(answer.answered_at), "DATE_FORMAT")
            }
        return None

    def get_context(self, request: HttpRequest, link: ActionLink, answer: SurveyAnswer) -> dict:
        return {"answer": answer, "form": SurveyForm(request.POST or None)}

    def perform(self, request: HttpRequest, link: ActionLink, answer: SurveyAnswer) -> str:
        form = SurveyForm(request.POST)
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise ValidationFailed(errors[0], fields=dict(form.errors))
        survey_answer(
            answer=answer,
            actor=link.recipient,
            rating=form.cleaned_data["rating"],
            what_changed=form.cleaned_data["what_changed"],
        )
        return _("Thank you: your answer about %(program)s is recorded.") % {"program": answer.program.name}
