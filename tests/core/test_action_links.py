"""Email action links: GET and HEAD change nothing, POST acts once, tokens are stored hashed,
expire, and a second click says what already happened."""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from mentoring.models import Skill
from tests.mentoring.factories import SkillFactory
from turazo.core.action_links import ActionHandler, action_link_find, action_link_issue, register
from turazo.core.errors import Conflict
from turazo.core.models import ActionLink


@register
class RenameSkill(ActionHandler):
    """A stand-in for a real handler: renames a skill (upper case) as the recipient."""

    purpose = "test.rename-skill"
    closed_title = "This rename link is closed"

    def get_target_queryset(self):
        return Skill.objects.all()

    def closed_message(self, link, skill):
        return "That skill was retired meanwhile." if skill.name.startswith("RETIRED") else None

    def get_context(self, request, link, skill):
        return {"heading": f"Rename {skill.name}?", "summary": "It becomes upper case.", "button_label": "Rename"}

    def perform(self, request, link, skill):
        if skill.name == "refuse":
            raise Conflict("That name cannot change. Nothing was renamed.")
        Skill.objects.filter(pk=skill.pk).update(name=skill.name.upper())
        return f"You renamed {skill.name} to {skill.name.upper()}."


@pytest.fixture
def skill(organization):
    return SkillFactory(organization=organization, name="sql")


@pytest.fixture
def issued(skill, mentor):
    return action_link_issue(
        purpose=RenameSkill.purpose, target=skill, recipient=mentor, expires_at=timezone.now() + timedelta(days=1)
    )


def test_only_the_tokens_hash_is_stored(issued):
    link = ActionLink.objects.get()
    assert link.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    stored = " ".join(str(v) for v in ActionLink.objects.values().get().values())
    assert issued.token not in stored
    assert issued.url.endswith(f"/links/{issued.token}/")
    assert len(issued.token) >= 40


def test_get_and_head_show_the_page_and_change_nothing(client, issued, skill):
    response = client.get(f"/links/{issued.token}/")
    assert response.status_code == 200
    assert b"Rename sql?" in response.content
    assert client.head(f"/links/{issued.token}/").status_code == 200
    skill.refresh_from_db()
    assert skill.name == "sql"
    assert ActionLink.objects.get().used_at is None
    assert response["Cache-Control"].startswith("max-age=0")


def test_post_acts_once_and_the_second_click_says_what_happened(client, issued, skill):
    response = client.post(f"/links/{issued.token}/")
    assert response.status_code == 200
    assert b"You renamed sql to SQL." in response.content
    skill.refresh_from_db()
    assert skill.name == "SQL"
    link = ActionLink.objects.get()
    assert link.used_at is not None
    assert link.outcome == "You renamed sql to SQL."

    again = client.post(f"/links/{issued.token}/")
    assert again.status_code == 410
    assert b"already used: You renamed sql to SQL." in again.content
    assert client.get(f"/links/{issued.token}/").status_code == 410
    skill.refresh_from_db()
    assert skill.name == "SQL"


def test_a_refused_action_keeps_the_link_usable_and_says_why(client, organization, mentor):
    refuse = SkillFactory(organization=organization, name="refuse")
    issued = action_link_issue(
        purpose=RenameSkill.purpose, target=refuse, recipient=mentor, expires_at=timezone.now() + timedelta(days=1)
    )
    response = client.post(f"/links/{issued.token}/")
    assert response.status_code == 409
    assert b"That name cannot change" in response.content
    assert ActionLink.objects.get().used_at is None


def test_an_expired_link_says_so_and_does_nothing(client, issued, skill):
    ActionLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    for response in (client.get(f"/links/{issued.token}/"), client.post(f"/links/{issued.token}/")):
        assert response.status_code == 410
        assert b"This link expired on" in response.content
    skill.refresh_from_db()
    assert skill.name == "sql"


def test_a_target_that_moved_on_closes_the_link(client, issued, skill):
    Skill.objects.filter(pk=skill.pk).update(name="RETIRED sql")
    response = client.post(f"/links/{issued.token}/")
    assert response.status_code == 410
    assert b"That skill was retired meanwhile." in response.content
    assert b"This rename link is closed" in response.content


def test_a_deleted_target_closes_the_link(client, issued, skill):
    skill.delete()
    response = client.get(f"/links/{issued.token}/")
    assert response.status_code == 410
    assert b"no longer exists" in response.content


@pytest.mark.parametrize("token", ["nope", "x" * 101, "a" * 43])
def test_an_unknown_token_is_404(client, issued, token):
    response = client.get(f"/links/{token}/")
    assert response.status_code == 404
    assert b"This link is not valid" in response.content


def test_links_need_a_registered_purpose(skill):
    with pytest.raises(ValueError, match="No action handler"):
        action_link_issue(purpose="nobody.handles", target=skill, recipient=None, expires_at=timezone.now())


def test_find_ignores_junk(issued):
    assert action_link_find(token="") is None
    assert action_link_find(token=issued.token).pk == ActionLink.objects.get().pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_act_once(skill_factory_db):
    skill, issued = skill_factory_db
    from django.test import Client

    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def click() -> None:
        try:
            barrier.wait()
            statuses.append(Client().post(f"/links/{issued.token}/").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 410]
    skill.refresh_from_db()
    assert skill.name == "SQL"


@pytest.fixture
def skill_factory_db(transactional_db):
    from tests.accounts.factories import OrganizationFactory, UserFactory

    organization = OrganizationFactory()
    skill = SkillFactory(organization=organization, name="sql")
    issued = action_link_issue(
        purpose=RenameSkill.purpose,
        target=skill,
        recipient=UserFactory(),
        expires_at=timezone.now() + timedelta(days=1),
    )
    return skill, issued


def test_links_are_forgotten_three_months_after_they_expired(issued, skill):
    from turazo.core.action_links import action_links_purge
    from turazo.core.tasks import action_links_purge_task

    link = ActionLink.objects.get()
    assert action_links_purge(now=link.expires_at + timedelta(days=89)) == 0
    assert action_links_purge(now=link.expires_at + timedelta(days=91)) == 1
    assert not ActionLink.objects.exists()
    assert action_links_purge_task() == 0
