"""``/dev/styleguide/``: every component of the design system on one page (DEBUG only).

It renders the real component templates (turazo/core/templatetags/ui.py) with sample
people, so the page in docs/design.md cannot drift from what the app shows."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from turazo.core.templatetags.ui import STATUS_TONES
from turazo.core.tenancy import tenant_exempt

SAMPLE_PEOPLE = [
    ("Ana Marques", "ana.marques@example.com", "Engineering lead", "Platform"),
    ("Jonas Okafor", "jonas.okafor@example.com", "Product analyst", "Growth"),
    ("Mei Tanaka", "mei.tanaka@example.com", "Head of Sales", "Sales"),
    ("Lucas Rossi", "lucas.rossi@example.com", "Designer", "Design"),
    ("Priya Nair", "priya.nair@example.com", "", ""),
    ("", "sam.lee@example.com", "", ""),
]


@tenant_exempt("developer page with sample content; reads no data")
def styleguide(request: HttpRequest) -> HttpResponse:
    if not settings.DEBUG:
        raise Http404("The style guide exists only with DEBUG on.")
    people = [
        SimpleNamespace(full_name=name, display_name=name or email, email=email, job_title=title, department=dept)
        for name, email, title, dept in SAMPLE_PEOPLE
    ]
    today = timezone.localdate()
    context = {
        "people": people,
        "status_tones": {kind: list(statuses) for kind, statuses in STATUS_TONES.items()},
        "sample_dates": {
            "same_year": (date(today.year, 3, 7), date(today.year, 6, 8)),
            "across_years": (date(today.year, 12, 7), date(today.year + 1, 6, 8)),
            "moment": timezone.now() - timedelta(hours=2),
        },
        "progress_values": [0, 35, 100],
        "rows": [
            SimpleNamespace(person=people[0], role="mentor", role_label="Mentor", status="active", label="Active"),
            SimpleNamespace(person=people[1], role="mentee", role_label="Mentee", status="invited", label="Invited"),
            SimpleNamespace(person=people[2], role="mentor", role_label="Mentor", status="declined", label="Declined"),
        ],
    }
    return render(request, "core/styleguide.html", context)
