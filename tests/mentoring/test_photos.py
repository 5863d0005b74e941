"""Avatar photos on the pages: uploading and removing your own, who is served whose photo,
and the photo standing in for the initials wherever a person is shown."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.models import Photo, User
from accounts.photos import PHOTO_MAX_BYTES
from accounts.services import user_photo_set
from mentoring.models import Participant
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.accounts.images import image_bytes, jpeg_with_gps, png_declaring
from tests.mentoring.factories import ParticipantFactory, ProgramFactory

pytestmark = pytest.mark.django_db

UPLOAD = reverse("photo-upload")
REMOVE = reverse("photo-remove")


def _photo_of(user: User, colour=(200, 60, 40)) -> User:
    return user_photo_set(user=user, upload=io.BytesIO(image_bytes("JPEG", colour=colour)))


def _file(data: bytes, name: str = "me.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _photo_url(user_id: int) -> str:
    return reverse("person-photo", args=[user_id])


# --- Uploading and removing your own --------------------------------------------------------


def test_a_person_uploads_a_photo_and_comes_back_to_the_page_they_were_on(client, mentee):
    profile = reverse("profile-edit", args=[Participant.objects.get(user=mentee).pk])
    client.force_login(mentee)
    response = client.post(UPLOAD, {"photo": _file(jpeg_with_gps()), "next": profile})
    assert response.status_code == 302 and response["Location"] == profile
    assert _messages(response) == ["Your photo is saved. People in your programs see it next to your name."]
    mentee.refresh_from_db()
    assert mentee.photo_version
    stored = Image.open(io.BytesIO(bytes(Photo.objects.get(user=mentee).image)))
    assert (stored.format, stored.size, dict(stored.getexif())) == ("WEBP", (256, 256), {})


@pytest.mark.parametrize(
    ("data", "name", "content_type", "reason"),
    [
        (b"%PDF-1.7 not a photo", "holiday.jpg", "image/jpeg", "That file is not a photo we can read."),
        (png_declaring(30_000, 30_000), "tiny.png", "image/png", "That image is too large in pixels"),
        (image_bytes("JPEG") + b"\0" * PHOTO_MAX_BYTES, "big.jpg", "image/jpeg", "That photo is larger than 5 MB."),
    ],
    ids=["not-an-image-named-jpg", "decompression-bomb", "over-5-mb"],
)
def test_a_refused_upload_says_why_and_keeps_the_photo_there_was(client, mentee, data, name, content_type, reason):
    _photo_of(mentee)
    before = User.objects.get(pk=mentee.pk).photo_version
    client.force_login(mentee)
    response = client.post(UPLOAD, {"photo": _file(data, name, content_type)})
    assert response.status_code == 302 and response["Location"] == reverse("preferences")
    [message] = _messages(response)
    assert message.startswith("Your photo is not changed. " + reason)
    assert User.objects.get(pk=mentee.pk).photo_version == before
    assert Photo.objects.filter(user=mentee).count() == 1


def test_posting_without_a_file_asks_for_one(client, mentee):
    client.force_login(mentee)
    response = client.post(UPLOAD, {})
    assert _messages(response) == ["Choose a photo to upload first."]
    assert not Photo.objects.exists()


def test_a_person_removes_their_photo(client, mentee):
    _photo_of(mentee)
    client.force_login(mentee)
    response = client.post(REMOVE, {"next": reverse("dashboard")})
    assert response["Location"] == reverse("dashboard")
    assert _messages(response) == ["Your photo is removed. Your initials show instead."]
    assert User.objects.get(pk=mentee.pk).photo_version == ""
    assert not Photo.objects.filter(user=mentee).exists()


def test_the_way_back_never_leaves_the_site(client, mentee):
    client.force_login(mentee)
    response = client.post(REMOVE, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("preferences")


def test_upload_and_remove_need_a_signed_in_person_and_a_post(client, mentee):
    for url in (UPLOAD, REMOVE):
        response = client.post(url, {"photo": _file(image_bytes("JPEG"))})
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(mentee)
    assert client.get(UPLOAD).status_code == 405
    assert client.get(REMOVE).status_code == 405
    assert not Photo.objects.exists()


def test_upload_and_remove_are_refused_without_the_csrf_token(mentee):
    _photo_of(mentee)
    before = User.objects.get(pk=mentee.pk).photo_version
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentee)
    assert client.post(UPLOAD, {"photo": _file(image_bytes("PNG"))}).status_code == 403
    assert client.post(REMOVE).status_code == 403
    assert User.objects.get(pk=mentee.pk).photo_version == before


# --- Who is served whose photo -------------------------------------------------------------


def test_the_photo_is_served_privately_as_webp_with_an_etag(client, mentee):
    _photo_of(mentee)
    mentee.refresh_from_db()
    client.force_login(mentee)
    response = client.get(mentee.photo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=86400"
    assert response["ETag"] == f'"{mentee.photo_version}"'
    assert response.content == bytes(Photo.objects.get(user=mentee).image)
    again = client.get(mentee.photo_url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == response["ETag"] and again["Cache-Control"] == "private, max-age=86400"


def test_a_new_photo_has_a_new_url_and_etag(client, mentee):
    client.force_login(mentee)
    first = _photo_of(mentee).photo_url
    etag = client.get(first)["ETag"]
    second = _photo_of(mentee, colour=(10, 120, 220)).photo_url
    assert second != first
    assert client.get(second, headers={"If-None-Match": etag}).status_code == 200


def test_mentors_mentees_and_hr_admins_of_the_program_see_each_others_photos(client, mentor, mentee, hr_admin):
    for user in (mentor, mentee, hr_admin):
        _photo_of(user)
    for viewer, subject in ((mentee, mentor), (mentor, mentee), (hr_admin, mentee), (hr_admin, mentor)):
        client.force_login(viewer)
        assert client.get(_photo_url(subject.pk)).status_code == 200, (viewer, subject)


def test_people_who_never_meet_in_a_program_get_404(client, program, mentor, mentee, hr_admin, outsider):
    other_mentee = UserFactory()
    MembershipFactory(user=other_mentee, organization=program.organization)
    ParticipantFactory(program=program, user=other_mentee, email=other_mentee.email, role="mentee", status="active")
    colleague = UserFactory()  # same organization, in no program
    MembershipFactory(user=colleague, organization=program.organization)
    elsewhere = UserFactory()  # a mentor of another program of the same organization
    MembershipFactory(user=elsewhere, organization=program.organization)
    ParticipantFactory(
        program=ProgramFactory(organization=program.organization), user=elsewhere, email=elsewhere.email,
        role="mentor", status="active",
    )  # fmt: skip
    for user in (mentor, mentee, hr_admin):
        _photo_of(user)
    denied = [
        (other_mentee, mentee),  # two mentees of one program
        (colleague, mentor),
        (elsewhere, mentee),
        (outsider, mentee),  # HR admin of another organization
        (outsider, hr_admin),
        (mentee, hr_admin),  # an HR admin is no mentor
    ]
    for viewer, subject in denied:
        client.force_login(viewer)
        assert client.get(_photo_url(subject.pk)).status_code == 404, (viewer, subject)


def test_a_removed_participant_no_longer_sees_the_programs_photos(client, mentor, mentee):
    _photo_of(mentor)
    Participant.objects.filter(user=mentee).update(status=Participant.Status.REMOVED)
    client.force_login(mentee)
    assert client.get(_photo_url(mentor.pk)).status_code == 404


def test_no_photo_and_no_such_person_look_the_same(client, mentor, mentee):
    client.force_login(mentee)
    assert client.get(_photo_url(mentor.pk)).status_code == 404  # has none
    assert client.get(_photo_url(mentee.pk)).status_code == 404  # own, none either
    assert client.get(_photo_url(999_999)).status_code == 404


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, mentee):
    _photo_of(mentee)
    response = client.get(_photo_url(mentee.pk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


# --- The photo where the initials were -------------------------------------------------------


def _avatars(html: str) -> list[str]:
    return re.findall(r'<span class="avatar [^"]*" aria-hidden="true">(.*?)</span>', html)


def test_the_photo_replaces_the_initials_in_the_navigation_and_the_profile(client, mentee):
    _photo_of(mentee)
    mentee.refresh_from_db()
    client.force_login(mentee)
    participant = Participant.objects.get(user=mentee)
    participant.full_name = "Tom A. Mentee"  # the program knows them by a name of their own
    participant.save()
    html = client.get(reverse("profile-edit", args=[participant.pk])).content.decode()
    img = '<img src="{}" alt="{}" width="256" height="256" loading="lazy" decoding="async">'
    assert _avatars(html) == [
        img.format(mentee.photo_url, "Tom Mentee"),  # top bar
        img.format(mentee.photo_url, "Tom Mentee"),  # account menu
        img.format(mentee.photo_url, "Tom A. Mentee"),  # the profile's header
    ]
    assert "Remove photo" in html


def test_without_a_photo_the_initials_stay_and_there_is_nothing_to_remove(client, mentee):
    client.force_login(mentee)
    html = client.get(reverse("preferences")).content.decode()
    assert set(_avatars(html)) == {"TM"}
    assert 'action="/me/photo/"' in html and 'enctype="multipart/form-data"' in html
    assert "Remove photo" not in html


def test_an_hr_admin_editing_someones_profile_is_not_offered_their_own_photo(client, hr_admin, mentee):
    client.force_login(hr_admin)
    html = client.get(reverse("profile-edit", args=[Participant.objects.get(user=mentee).pk])).content.decode()
    assert 'action="/me/photo/"' not in html
