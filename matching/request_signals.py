"""Requests listen to mentorships starting, however they start (a request or offer
accepted, a run published, a pair an admin added): the new mentees' other open requests
are withdrawn and the open requests of mentors who became full are declined."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from matching.services.requests import requests_close_after_start
from mentoring.models import Mentorship
from mentoring.signals import mentorships_started


@receiver(mentorships_started, dispatch_uid="matching.requests_close_after_start")
def _close_moot_requests(sender: type, mentorships: list[Mentorship], **kwargs: Any) -> None:
    requests_close_after_start(mentorships=mentorships)
