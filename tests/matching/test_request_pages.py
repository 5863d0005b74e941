"""The request pages: asking from suggestions and the directory, a mentee's requests, a
mentor's inbox and one request; errors a person reads; 404 for everyone else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from matching.models import MentorshipRequest, Suggestion
from matching.services.requests import request_accept
from mentoring.models import Mentorship, Program
from tests.matching.requesting import ask, mentee, mentor

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(program):
    return mentee(program, 1), mentor(program, 1), mentor(program, 2)


def test_suggestions_offer_a_request_form_per_mentor(program, people):
    me, a, _b = people
    assert Suggestion.objects.filter(mentee=me, mentor=a).exists()  # refreshed after each change
    html = signed_in(me.user).get(reverse("my-suggestions")).content.decode()
    assert "Request Mentor 01" in html
    assert f'name="mentor" value="{a.pk}"' in html
    assert reverse("mentor-directory", args=[program.pk]) in html


def test_asking_from_the_page_sends_the_request_with_the_message(program, people):
    me, a, _b = people
    client = signed_in(me.user)
    r = client.post(
        reverse("request-create"), {"mentor": a.pk, "message": "Hi Mentor 01", "next": reverse("my-suggestions")}
    )
    assert r.status_code == 302
    assert r["Location"] == reverse("my-requests")
    req = MentorshipRequest.objects.get()
    assert (req.mentee_id, req.mentor_id, req.message) == (me.pk, a.pk, "Hi Mentor 01")
    page = client.get(reverse("my-requests")).content.decode()
    assert "Request sent to Mentor 01." in page
    assert "Waiting for an answer" in page
    assert "Withdraw" in page


def test_a_refused_request_says_why_on_the_page_it_came_from(program, people):
    me, a, _b = people
    ask(me, a)
    client = signed_in(me.user)
    r = client.post(reverse("request-create"), {"mentor": a.pk, "next": reverse("my-suggestions")}, follow=True)
    assert r.redirect_chain[-1][0] == reverse("my-suggestions")
    assert "You already asked Mentor 01 on" in r.content.decode()
    assert MentorshipRequest.objects.count() == 1


def test_a_mentor_of_another_program_or_organization_is_404(program, people, other_organization):
    me, _a, _b = people
    other = Program.objects.create(
        organization=program.organization,
        name="Other",
        start_date="2027-01-01",
        end_date="2027-06-30",
        status="enrolling",
    )
    stranger = mentor(other, 9)
    r = signed_in(me.user).post(reverse("request-create"), {"mentor": stranger.pk})
    assert r.status_code == 404
    assert MentorshipRequest.objects.count() == 0


def test_the_directory_lists_mentors_best_first_and_filters(program, people):
    me, a, b = people
    client = signed_in(me.user)
    url = reverse("mentor-directory", args=[program.pk])
    html = client.get(url).content.decode()
    assert "Mentor 01" in html
    assert "Mentor 02" in html
    skill = a.skills_offered[0]
    only = client.get(url, {"skill": skill}).content.decode()
    assert "Mentor 01" in only
    assert ("Mentor 02" in only) == (skill in b.skills_offered)
    none = client.get(url, {"q": "nobody-is-called-this"}).content.decode()
    assert "No mentor matches these filters" in none


def test_the_directory_hides_mentors_a_hard_rule_excludes_and_full_ones_on_request(program, people):
    me, a, b = people
    me.manager_email = b.email
    me.save()
    Mentorship.objects.create(
        organization=program.organization, program=program, mentor=a, mentee=mentee(program, 5), source="admin"
    )
    Mentorship.objects.create(
        organization=program.organization, program=program, mentor=a, mentee=mentee(program, 6), source="admin"
    )
    url = reverse("mentor-directory", args=[program.pk])
    html = signed_in(me.user).get(url).content.decode()
    assert "Mentor 02" not in html  # the mentee's manager
    assert "No free place" in html
    assert "Mentor 01" not in signed_in(me.user).get(url, {"free": "on"}).content.decode()


def test_someone_not_in_the_program_gets_404_on_its_directory(program, people, outsider):
    other = mentee(
        Program.objects.create(
            organization=program.organization, name="Other", start_date="2027-01-01", end_date="2027-06-30"
        ),
        7,
    )
    url = reverse("mentor-directory", args=[program.pk])
    assert signed_in(other.user).get(url).status_code == 404
    assert signed_in(outsider).get(url).status_code == 404


def test_the_mentor_answers_from_the_inbox_and_the_request_page(program, people):
    me, a, b = people
    first = ask(me, a, "Please?")
    other = ask(mentee(program, 2), a)
    client = signed_in(a.user)
    inbox = client.get(reverse("requests-inbox")).content.decode()
    assert "Please?" in inbox
    assert "Accept Mentee 01" in inbox
    assert "2 waiting for your answer" in inbox
    r = client.post(reverse("request-decline", args=[other.pk]), {"reason": "Not my field."})
    assert r.status_code == 302
    other.refresh_from_db()
    assert (other.status, other.decline_reason) == ("declined", "Not my field.")
    r = client.post(reverse("request-accept", args=[first.pk]))
    assert r.status_code == 302
    assert Mentorship.objects.filter(mentor=a, mentee=me, source="request").exists()
    page = client.get(reverse("request-detail", args=[first.pk])).content.decode()
    assert "You accepted Mentee 01&#x27;s request on" in page


def test_only_the_mentor_can_answer_and_others_change_nothing(program, people, hr_admin):
    me, a, b = people
    req = ask(me, a)
    assert signed_in(b.user).post(reverse("request-accept", args=[req.pk])).status_code == 404
    assert signed_in(b.user).get(reverse("request-detail", args=[req.pk])).status_code == 404
    r = signed_in(hr_admin).post(reverse("request-accept", args=[req.pk]), follow=True)
    assert "Only Mentor 01 can answer this request." in r.content.decode()
    r = signed_in(me.user).post(reverse("request-accept", args=[req.pk]), follow=True)
    assert "Only Mentor 01 can answer this request." in r.content.decode()
    req.refresh_from_db()
    assert req.status == "pending"
    assert Mentorship.objects.count() == 0


def test_the_mentee_withdraws_and_sees_what_happened_to_each_request(program, people):
    me, a, b = people
    to_a, to_b = ask(me, a), ask(me, b)
    client = signed_in(me.user)
    assert signed_in(a.user).post(reverse("request-withdraw", args=[to_a.pk])).status_code == 404
    assert client.post(reverse("request-withdraw", args=[to_a.pk])).status_code == 302
    request_accept(request=to_b, actor=b.user)
    page = client.get(reverse("my-requests")).content.decode()
    assert "Withdrawn" in page
    assert "Accepted" in page
    assert "No request waiting" in page


def test_a_declined_mentee_is_pointed_to_new_suggestions(program, people):
    me, a, _b = people
    req = ask(me, a)
    from matching.services.requests import request_decline

    request_decline(request=req, actor=a.user, reason="Busy")
    page = signed_in(me.user).get(reverse("my-requests")).content.decode()
    assert "Suggest another mentor" in page
    assert reverse("my-suggestions") in page


def test_the_mentor_nav_links_the_inbox(program, people):
    _me, a, _b = people
    assert reverse("requests-inbox") in signed_in(a.user).get(reverse("dashboard")).content.decode()


def test_the_program_form_has_the_request_settings(program, hr_admin):
    client = signed_in(hr_admin)
    html = client.get(reverse("program-edit", args=[program.pk])).content.decode()
    for label in (
        "Requests a mentee may have waiting",
        "Remind mentors after (days)",
        "Requests expire after (days)",
        "Mentors confirm matches",
    ):
        assert label in html
    html = client.get(reverse("program-detail", args=[program.pk])).content.decode()
    assert "3 requests at a time, reminder after 3 days, expires after 7 days" in html
