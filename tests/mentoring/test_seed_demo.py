from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import Membership
from mentoring.models import Participant, Program

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_clickable_cohort_once(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    program = Program.objects.get()
    assert program.status == "enrolling"
    assert Participant.objects.filter(role="mentor").count() == 12
    assert Participant.objects.filter(role="mentee").count() == 30
    assert Membership.objects.filter(is_admin=True).count() == 1
    assert set(Participant.objects.values_list("completeness", flat=True)) == {100}
    assert "hr@northwind.example" in capsys.readouterr().out


def test_demo_admin_can_sign_in(client):
    call_command("seed_demo")
    response = client.post("/accounts/login/", {"login": "hr@northwind.example", "password": "turazo-demo-2026"})
    assert response["Location"] == "/dashboard/"
