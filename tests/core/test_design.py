"""The design system's rules, checked on the code and on rendered pages: shared date formats,
components, error pages, the first-run checklist, unique ids and no inline script or style."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template import Context, Template, engines
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from journal.models import Goal
from mentoring.models import Invitation, Participant, Question
from tests.accounts.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.mentoring.factories import InvitationFactory, ParticipantFactory, ProgramFactory
from turazo.core.templatetags.ui import STATUS_TONES, avatar_colour, initials

TEMPLATES = Path(settings.BASE_DIR) / "templates"
ALL_TEMPLATES = sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))
NAMED_FORMATS = {
    "DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT", "MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT",
    "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "c",  # "c": ISO 8601, for machines (datetime="...")
}  # fmt: skip


def _render(source: str, **context) -> str:
    return Template("{% load ui %}" + source).render(Context(context))


# --- Dates and times: one set of formats ------------------------------------------------------


def test_templates_format_dates_only_through_the_shared_named_formats():
    literal = []
    for path in ALL_TEMPLATES:
        text = path.read_text()
        for match in re.finditer(r"""\|date:["']([^"']*)["']|\{%\s*now\s+["']([^"']*)["']""", text):
            fmt = match.group(1) or match.group(2)
            if fmt not in NAMED_FORMATS:
                literal.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert literal == []


def test_every_template_compiles():
    engine = engines["django"]
    for path in ALL_TEMPLATES:
        engine.get_template(str(path.relative_to(TEMPLATES)))


@pytest.mark.parametrize(
    ("source", "shape"),
    [
        ('{% now "DATE_FORMAT" %}', r"\d{1,2} [A-Z][a-z]{2} \d{4}"),
        ('{% now "DATETIME_FORMAT" %}', r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d"),
        ('{% now "TIME_FORMAT" %}', r"\d\d:\d\d"),
        ('{% now "MONTH_DAY_FORMAT" %}', r"\d{1,2} [A-Z][a-z]{2}"),
    ],
)
def test_now_renders_through_the_shared_formats(source, shape):
    """7 Dec 2026 · 7 Dec 2026, 22:45 · 22:45 · 7 Dec: day first, the year written, 24 hours."""
    with timezone.override(zoneinfo.ZoneInfo("Europe/Lisbon")):
        assert re.fullmatch(shape, Template(source).render(Context()))


def test_a_date_range_across_years_keeps_the_start_year():
    assert _render("{% daterange a b %}", a=dt.date(2026, 12, 7), b=dt.date(2027, 6, 8)) == "7 Dec 2026 – 8 Jun 2027"


def test_a_date_range_within_a_year_names_the_year_once():
    assert _render("{% daterange a b %}", a=dt.date(2027, 3, 7), b=dt.date(2027, 6, 8)) == "7 Mar – 8 Jun 2027"


def test_a_moment_is_shown_in_the_viewers_zone_with_a_machine_readable_time():
    moment = dt.datetime(2026, 11, 30, 22, 45, tzinfo=dt.UTC)
    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        html = _render("{{ moment|when }}", moment=moment)
    assert html == '<time datetime="2026-12-01T07:45:00+09:00">1 Dec 2026, 07:45</time>'


def test_dates_follow_the_language_formats():
    with translation.override("en"):
        assert Template('{{ d|date:"DATE_FORMAT" }}').render(Context({"d": dt.date(2026, 12, 7)})) == "7 Dec 2026"


# --- Components -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Ana Marques", "AM"), ("Ana Maria de Sousa", "AS"), ("Cher", "C"), ("sam.lee@example.com", "SL"), ("", "?")],
)
def test_initials_take_the_first_and_last_word(name, expected):
    assert initials(name) == expected


def test_a_persons_avatar_colour_is_stable_and_ignores_case():
    assert avatar_colour("Ana@Example.com") == avatar_colour("ana@example.com ")
    colours = {avatar_colour(f"person{i}@example.com") for i in range(50)}
    assert len(colours) > 4  # people are told apart, not all one colour


def test_a_person_shows_the_name_before_the_email():
    person = SimpleNamespace(display_name="Ana Marques", email="ana@example.com", job_title="Engineer")
    html = _render("{% person p %}", p=person)
    assert html.index("Ana Marques") < html.index("Engineer · ana@example.com")
    assert 'class="avatar avatar-md avatar-c' in html
    assert 'aria-hidden="true">AM</span>' in html


def test_every_status_of_every_model_has_a_tone():
    from matching.models import MatchRun
    from mentoring.models import ImportJob, Mentorship, Program
    from scheduling.models import Session

    for kind, model_status in {
        "program": Program.Status,
        "participant": Participant.Status,
        "invitation": Invitation.Status,
        "import": ImportJob.Status,
        "run": MatchRun.Status,
        "mentorship": Mentorship.Status,
        "session": Session.Status,
        "goal": Goal.Status,
    }.items():
        assert set(model_status.values) <= set(STATUS_TONES[kind]), kind


def test_a_status_badge_has_one_tone_and_icon_for_its_meaning():
    html = _render('{% status_badge "invitation" "failed" "Failed to send" %}')
    assert html == (
        '<span class="status status-danger"><i class="bi bi-exclamation-triangle" aria-hidden="true"></i>'
        "Failed to send</span>\n"
    )


def test_an_empty_state_says_what_happens_and_offers_the_next_action():
    html = _render(
        '{% empty_state "people" "No participants yet" "Import a file." action_url="/import/" action_label="Import" %}'
    )
    assert '<h2 class="empty-state-title">No participants yet</h2>' in html
    assert '<a class="btn btn-primary" href="/import/">Import</a>' in html


@pytest.mark.parametrize(("value", "expected"), [(0, "pct-0"), (37.6, "pct-38"), (140, "pct-100"), (None, "pct-0")])
def test_progress_widths_are_classes_not_inline_styles(value, expected):
    assert _render("{{ v|pct_class }}", v=value) == expected


# --- Templates stay CSP-clean ------------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"\sstyle\s*=", re.I)


def test_no_template_has_inline_scripts_event_handlers_or_style_attributes():
    found = []
    for path in ALL_TEMPLATES:
        if path.relative_to(TEMPLATES).parts[0] == "emails":
            continue  # mail clients need inline styles; emails (emails/<app>/ too) are not served under the CSP
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
            found += [f"{path.relative_to(TEMPLATES)}: {m.group(0).strip()}" for m in pattern.finditer(text)]
    assert found == []


# --- Pages: unique ids, error pages, the first-run checklist -------------------------------------------


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1


def _duplicate_ids(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return [i for i, n in parser.ids.items() if n > 1]


@pytest.fixture
def cast(db):
    """An organization with a program, people in it, a question, an invitation and a finished run."""
    from matching.services import match_run_create, match_run_execute

    org = OrganizationFactory(name="Acme")
    admin = UserFactory(email="hr@acme.test", full_name="Helen HR")
    MembershipFactory(user=admin, organization=org, is_admin=True)
    program = ProgramFactory(organization=org, name="Acme Mentoring 2027")
    Question.objects.create(organization=org, program=program, key="office", label="Office", choices=["A", "B"])
    mentee_user = UserFactory(email="tom@acme.test", full_name="Tom Mentee")
    MembershipFactory(user=mentee_user, organization=org)
    mentee = ParticipantFactory(
        program=program, user=mentee_user, email=mentee_user.email, role="mentee", status="active",
        languages=["english"], skills_wanted=["sql"],
    )  # fmt: skip
    ParticipantFactory(program=program, role="mentor", status="active", languages=["english"], skills_offered=["sql"])
    invited = ParticipantFactory(program=program, role="mentee", full_name="Ivy Invited")
    InvitationFactory(participant=invited, status="sent", attempts=1)
    run = match_run_create(program=program, actor=admin, algorithm="optimal")
    match_run_execute(run_id=run.pk)
    return SimpleNamespace(org=org, admin=admin, program=program, mentee=mentee, mentee_user=mentee_user, run=run)


def test_no_page_repeats_an_element_id(client, cast):
    pk = cast.program.pk
    client.force_login(cast.admin)
    admin_pages = [
        "/dashboard/", "/programs/", "/programs/new/", f"/programs/{pk}/", f"/programs/{pk}/edit/",
        f"/programs/{pk}/participants/", f"/programs/{pk}/invitations/", f"/programs/{pk}/import/",
        f"/programs/{pk}/questions/", f"/programs/{pk}/matching/", f"/matching/runs/{cast.run.pk}/",
        f"/programs/{pk}/matching/runs/", "/skills/", "/preferences/",
    ]  # fmt: skip
    repeated = {}
    for path in admin_pages:
        response = client.get(path)
        assert response.status_code == 200, path
        if found := _duplicate_ids(response.content.decode()):
            repeated[path] = found
    client.force_login(cast.mentee_user)
    for path in ["/dashboard/", "/me/programs/", f"/participations/{cast.mentee.pk}/profile/", "/me/suggestions/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        if found := _duplicate_ids(response.content.decode()):
            repeated[path] = found
    assert repeated == {}


def test_the_403_page_says_why(client, cast):
    client.force_login(cast.mentee_user)
    response = client.get(reverse("program-list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Only HR admins of this organization can open this page." in html
    assert "You can't open this page" in html
    assert f'href="{reverse("dashboard")}"' in html  # a way forward, with the navigation around it


def test_the_404_page_keeps_the_navigation_and_offers_a_way_forward(client, cast):
    client.force_login(cast.admin)
    response = client.get("/programs/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can't find that page" in html
    assert 'aria-label="Main"' in html
    assert "Go to your home page" in html


def test_the_500_page_renders_without_a_request_or_context_processors():
    html = get_template("500.html").render({})
    assert "Something went wrong on our side" in html
    assert f'href="{reverse("dashboard")}"' in html


def test_a_stale_form_gets_the_csrf_page_not_djangos_default(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin)
    response = client.post(reverse("program-create"), {"name": "x"})
    assert response.status_code == 403
    assert "That form had expired" in response.content.decode()
    assert "Nothing was saved." in response.content.decode()


def test_the_invitation_closed_page_is_a_styled_410(client, cast):
    from mentoring.services.invitations import token_new

    person = ParticipantFactory(program=cast.program, role="mentor", full_name="Gus Gone")
    token, hashed = token_new()
    InvitationFactory(participant=person, token_hash=hashed, status="revoked")
    response = client.get(reverse("invitation-detail", args=[token]))
    assert response.status_code == 410
    assert "Error 410" in response.content.decode()


def test_the_style_guide_exists_only_with_debug(client, settings):
    settings.DEBUG = False
    assert client.get("/dev/styleguide/").status_code == 404
    settings.DEBUG = True
    response = client.get("/dev/styleguide/")
    assert response.status_code == 200
    assert "Status badges: one tone per meaning" in response.content.decode()


def test_a_new_organizations_checklist_ticks_itself_off(client, db):
    org = OrganizationFactory(name="Initech")
    admin = UserFactory(full_name="Peter Admin")
    MembershipFactory(user=admin, organization=org, is_admin=True)
    client.force_login(admin)

    def state() -> list[tuple[str, bool, bool]]:
        steps = client.get(reverse("dashboard")).context["setup_steps"]
        return [(s["key"], s["done"], s["current"]) for s in steps]

    assert state() == [
        ("program", False, True), ("questions", False, False), ("people", False, False), ("invite", False, False),
    ]  # fmt: skip
    program = ProgramFactory(organization=org)
    assert state()[:2] == [("program", True, False), ("questions", False, True)]
    Question.objects.create(organization=org, program=program, key="office", label="Office", choices=["A"])
    person = ParticipantFactory(program=program, role="mentee")
    assert state()[2:] == [("people", True, False), ("invite", False, True)]
    html = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("invitation-list", args=[program.pk])}">Send invitations' in html
    InvitationFactory(participant=person)
    response = client.get(reverse("dashboard"))
    assert response.context["setup_steps"] == []
    assert "Get Initech ready" not in response.content.decode()


def test_only_hr_admins_see_the_checklist(client, cast):
    client.force_login(cast.mentee_user)
    assert "Get Acme ready" not in client.get(reverse("dashboard")).content.decode()


def test_the_mentee_form_asks_which_languages_they_can_be_mentored_in(client, cast):
    client.force_login(cast.mentee_user)
    html = client.get(reverse("profile-edit", args=[cast.mentee.pk])).content.decode()
    assert "Languages you can be mentored in" in html
    assert "Languages you can mentor in" not in html


def test_a_field_the_service_requires_is_not_labelled_optional(client, cast):
    client.force_login(cast.admin)
    html = client.get(reverse("question-list", args=[cast.program.pk])).content.decode()
    label = re.search(r'<label class="form-label" for="id_label">.*?</label>', html, re.S).group(0)
    assert "(optional)" not in label
    assert 'id="id_label"' in html and "required" in re.search(r'<input[^>]*id="id_label"[^>]*>', html).group(0)
