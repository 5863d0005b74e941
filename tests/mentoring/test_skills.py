"""The organization's skill list: services, admin pages and API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from mentoring.models import Participant, Skill
from mentoring.services import skills as services
from tests.mentoring.factories import SkillFactory
from turazo.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_skill_names_are_cleaned_and_slugged(organization):
    skill = services.skill_create(organization=organization, name="  Public   Speaking ")
    assert (skill.name, skill.slug) == ("Public Speaking", "public speaking")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "  public  SPEAKING",
            "“Public speaking” is already in the list (skills match regardless of case and spacing).",
        ),
        ("   ", "Enter a skill name."),
        ("x" * 61, "Keep the skill name to 60 characters (it has 61)."),
    ],
)
def test_duplicate_blank_and_long_skill_names_are_refused(organization, name, message):
    SkillFactory(organization=organization, name="Public speaking")
    with pytest.raises(ValidationFailed) as caught:
        services.skill_create(organization=organization, name=name)
    assert caught.value.fields == {"name": [message]}
    assert Skill.objects.for_organization(organization).count() == 1


def test_the_same_skill_may_exist_in_another_organization(organization, other_organization):
    SkillFactory(organization=other_organization, name="SQL")
    assert services.skill_create(organization=organization, name="sql").organization == organization


def test_renaming_respells_the_skill_on_profiles(organization, mentee, mentor):
    skill = SkillFactory(organization=organization, name="Public speeking")
    Participant.objects.filter(user=mentee).update(skills_wanted=["public SPEEKING", "SQL"])
    Participant.objects.filter(user=mentor).update(skills_offered=["Public speaking", "Public speeking"])
    services.skill_rename(skill=skill, name="Public speaking")
    skill.refresh_from_db()
    assert (skill.name, skill.slug) == ("Public speaking", "public speaking")
    assert Participant.objects.get(user=mentee).skills_wanted == ["Public speaking", "SQL"]
    assert Participant.objects.get(user=mentor).skills_offered == ["Public speaking"]


def test_renaming_onto_another_skill_is_refused(organization):
    SkillFactory(organization=organization, name="SQL")
    skill = SkillFactory(organization=organization, name="Databases")
    with pytest.raises(ValidationFailed) as caught:
        services.skill_rename(skill=skill, name="sql")
    assert caught.value.fields == {
        "name": ["“SQL” is already in the list (skills match regardless of case and spacing)."]
    }
    skill.refresh_from_db()
    assert skill.name == "Databases"


def test_renaming_only_the_case_is_allowed(organization):
    skill = SkillFactory(organization=organization, name="sql")
    assert services.skill_rename(skill=skill, name="SQL").name == "SQL"


def test_deleting_a_skill_keeps_it_on_profiles(organization, mentee):
    skill = SkillFactory(organization=organization, name="SQL")
    Participant.objects.filter(user=mentee).update(skills_wanted=["SQL"])
    services.skill_delete(skill=skill)
    assert not Skill.objects.filter(pk=skill.pk).exists()
    assert Participant.objects.get(user=mentee).skills_wanted == ["SQL"]


# --- Pages -----------------------------------------------------------------------------


def test_admin_adds_renames_and_deletes_skills_on_the_page(client, hr_admin, organization):
    client.force_login(hr_admin)
    response = client.post(reverse("skill-list"), {"name": "Public speaking"}, follow=True)
    assert "“Public speaking” added to the skill list." in response.content.decode()
    skill = Skill.objects.get(organization=organization)
    response = client.post(reverse("skill-edit", args=[skill.pk]), {"name": "Public Speaking"}, follow=True)
    assert "“Public speaking” renamed to “Public Speaking”." in response.content.decode()
    response = client.post(reverse("skill-delete", args=[skill.pk]), follow=True)
    assert "“Public Speaking” removed from the skill list. Profiles keep it." in response.content.decode()
    assert not Skill.objects.filter(organization=organization).exists()


def test_duplicate_skill_shows_the_message_next_to_the_field(client, hr_admin, organization):
    SkillFactory(organization=organization, name="Public speaking")
    client.force_login(hr_admin)
    response = client.post(reverse("skill-list"), {"name": "  public  SPEAKING"})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "name": ["“Public speaking” is already in the list (skills match regardless of case and spacing)."]
    }
    assert 'id="id_name_error"' in response.content.decode()


def test_skill_list_filters_and_shows_only_this_organizations_skills(
    client, hr_admin, organization, other_organization
):
    SkillFactory(organization=organization, name="SQL")
    SkillFactory(organization=organization, name="Negotiation")
    SkillFactory(organization=other_organization, name="Sales")
    client.force_login(hr_admin)
    assert [s.name for s in client.get(reverse("skill-list")).context["skills"]] == ["Negotiation", "SQL"]
    assert [s.name for s in client.get(reverse("skill-list"), {"q": "neg"}).context["skills"]] == ["Negotiation"]


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_participants_get_403_on_skill_pages(client, request, organization, who):
    skill = SkillFactory(organization=organization)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("skill-list")).status_code == 403
    assert client.post(reverse("skill-list"), {"name": "X"}).status_code == 403
    assert client.post(reverse("skill-edit", args=[skill.pk]), {"name": "X"}).status_code == 403
    assert client.post(reverse("skill-delete", args=[skill.pk])).status_code == 403
    assert Skill.objects.get().name == skill.name


def test_outsider_gets_404_on_another_organizations_skill(client, outsider, organization):
    skill = SkillFactory(organization=organization)
    client.force_login(outsider)
    assert client.get(reverse("skill-edit", args=[skill.pk])).status_code == 404
    assert client.post(reverse("skill-delete", args=[skill.pk])).status_code == 404
    assert Skill.objects.filter(pk=skill.pk).exists()


def test_admin_navigation_links_to_skills(client, hr_admin):
    client.force_login(hr_admin)
    html = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("skill-list")}"><i class="bi bi-tags" aria-hidden="true"></i><span>Skills</span>' in html


# --- API -------------------------------------------------------------------------------


def test_api_crud_skills(hr_admin, organization):
    api = APIClient()
    api.force_authenticate(hr_admin)
    created = api.post("/api/skills/", {"name": " Public  speaking "}, format="json")
    assert created.status_code == 201
    sid = created.json()["id"]
    assert created.json() == {"id": sid, "name": "Public speaking", "slug": "public speaking"}
    assert api.patch(f"/api/skills/{sid}/", {"name": "Public Speaking"}, format="json").json() == {
        "id": sid,
        "name": "Public Speaking",
        "slug": "public speaking",
    }
    assert api.get("/api/skills/").json()["results"] == [
        {"id": sid, "name": "Public Speaking", "slug": "public speaking"}
    ]
    assert api.delete(f"/api/skills/{sid}/").status_code == 204
    assert not Skill.objects.exists()


def test_api_duplicate_skill_is_a_400_with_the_field(hr_admin, organization):
    SkillFactory(organization=organization, name="SQL")
    api = APIClient()
    api.force_authenticate(hr_admin)
    response = api.post("/api/skills/", {"name": "sql"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "duplicate",
            "message": "“SQL” is already in the skill list.",
            "fields": {"name": ["“SQL” is already in the list (skills match regardless of case and spacing)."]},
        }
    }


def test_api_members_read_skills_but_only_admins_change_them(mentee, organization):
    skill = SkillFactory(organization=organization, name="SQL")
    api = APIClient()
    api.force_authenticate(mentee)
    assert [s["name"] for s in api.get("/api/skills/").json()["results"]] == ["SQL"]
    assert api.post("/api/skills/", {"name": "Go"}, format="json").status_code == 403
    assert api.delete(f"/api/skills/{skill.pk}/").status_code == 403
    assert Skill.objects.count() == 1


def test_api_outsider_gets_404_on_skills(outsider, organization):
    skill = SkillFactory(organization=organization, name="SQL")
    api = APIClient()
    api.force_authenticate(outsider)
    assert api.get("/api/skills/").json()["results"] == []
    assert api.get(f"/api/skills/{skill.pk}/").status_code == 404
    assert api.patch(f"/api/skills/{skill.pk}/", {"name": "X"}, format="json").status_code == 404
    assert api.delete(f"/api/skills/{skill.pk}/").status_code == 404
    skill.refresh_from_db()
    assert skill.name == "SQL"
