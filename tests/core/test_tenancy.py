from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership
from tests.accounts.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_outsider_gets_404_on_another_organizations_api_object(client, hr_admin, organization, outsider):
    api = APIClient()
    api.force_authenticate(outsider)
    assert api.get(f"/api/organizations/{organization.pk}/").status_code == 404
    response = api.get("/api/organizations/")
    assert [o["name"] for o in response.json()["results"]] == ["Globex"]


def test_member_sees_own_organization_in_api(hr_admin, organization):
    api = APIClient()
    api.force_authenticate(hr_admin)
    body = api.get(f"/api/organizations/{organization.pk}/").json()
    assert body == {
        "id": organization.pk,
        "name": "Acme",
        "slug": organization.slug,
        "is_admin": True,
        "is_current": True,
    }


def test_x_organization_header_cannot_reach_an_organization_you_are_not_in(hr_admin, organization, other_organization):
    api = APIClient()
    api.force_authenticate(hr_admin)
    body = api.get("/api/organizations/", HTTP_X_ORGANIZATION=str(other_organization.pk)).json()
    assert [(o["name"], o["is_current"]) for o in body["results"]] == [("Acme", True)]


def test_switching_organization_changes_the_current_one(client, hr_admin, organization):
    second = OrganizationFactory(name="Beta Corp")
    MembershipFactory(user=hr_admin, organization=second)
    client.force_login(hr_admin)
    assert "Acme" in client.get("/dashboard/").content.decode()
    response = client.post("/organizations/switch/", {"organization": second.pk}, follow=True)
    assert "Now working in Beta Corp." in response.content.decode()
    assert '<span class="brand-org d-none d-md-inline">Beta Corp</span>' in response.content.decode()


def test_switching_to_an_organization_you_are_not_in_is_refused(client, hr_admin, organization, other_organization):
    client.force_login(hr_admin)
    response = client.post("/organizations/switch/", {"organization": other_organization.pk}, follow=True)
    assert "You are not a member of that organization." in response.content.decode()
    assert client.session.get("turazo_organization_id") is None


def test_switch_requires_post(client, hr_admin):
    client.force_login(hr_admin)
    assert client.get("/organizations/switch/").status_code == 405


def test_user_without_organization_can_create_one_and_becomes_admin(client, db):
    from tests.accounts.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    page = client.get("/dashboard/").content.decode()
    assert "Create organization" in page
    response = client.post("/organizations/new/", {"name": "  Initech  "}, follow=True)
    assert "Initech is ready. You are its HR admin" in response.content.decode()
    membership = Membership.objects.get(user=user)
    assert (membership.organization.name, membership.is_admin) == ("Initech", True)


def test_creating_organization_without_name_shows_error_next_to_field(client, db):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    response = client.post("/organizations/new/", {"name": ""})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert Membership.objects.count() == 0


def test_anonymous_dashboard_redirects_to_login(client, db):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/dashboard/")


def test_navigation_adapts_to_roles(client, hr_admin, mentee):
    client.force_login(mentee)
    page = client.get("/dashboard/").content.decode()
    assert "Your mentoring" in page and 'id="admin-h"' not in page
    client.force_login(hr_admin)
    page = client.get("/dashboard/").content.decode()
    assert 'id="admin-h"' in page and "Your mentoring" not in page


@pytest.mark.parametrize("value", ["abc", "", "1 OR 1=1", "-3"])
def test_switching_with_a_malformed_organization_id_is_refused_not_a_500(client, hr_admin, value):
    client.force_login(hr_admin)
    response = client.post("/organizations/switch/", {"organization": value}, follow=True)
    assert response.status_code == 200
    assert "You are not a member of that organization." in response.content.decode()
