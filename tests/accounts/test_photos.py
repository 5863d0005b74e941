"""Avatar photos in the accounts layer: what an upload becomes, what is refused, and the
service that stores and removes it."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from accounts.models import Photo, User
from accounts.photos import PHOTO_MAX_BYTES, PHOTO_SIZE, photo_process
from accounts.services import user_photo_remove, user_photo_set
from tests.accounts.factories import UserFactory
from tests.accounts.images import animated_gif, image_bytes, jpeg_with_gps, png_declaring
from turazo.core.errors import ValidationFailed


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_a_photo_becomes_a_square_webp_of_256_pixels(fmt):
    result = _open(photo_process(image_bytes(fmt, size=(640, 480))))
    assert result.format == "WEBP"
    assert result.size == (PHOTO_SIZE, PHOTO_SIZE)


def test_the_crop_keeps_the_middle_of_a_wide_photo():
    wide = Image.new("RGB", (900, 300), (0, 0, 255))
    wide.paste((255, 0, 0), (300, 0, 600, 300))  # a red middle third between blue sides
    out = io.BytesIO()
    wide.save(out, "PNG")
    result = _open(photo_process(out.getvalue())).convert("RGB")
    r, g, b = result.getpixel((128, 128))
    assert r > 200 and b < 50
    assert result.getpixel((2, 128))[0] > 200  # the edges of the square are still the red middle


def test_exif_and_the_gps_position_are_gone():
    upload = jpeg_with_gps()
    assert _open(upload).getexif().get_ifd(0x8825)  # the upload does carry a position
    data = photo_process(upload)
    result = _open(data)
    assert dict(result.getexif()) == {}
    assert not {"exif", "icc_profile", "xmp"} & set(result.info)
    assert b"Exif" not in data and b"PhoneMaker" not in data


def test_a_transparent_png_keeps_its_transparency():
    result = _open(photo_process(image_bytes("PNG", colour=(0, 0, 0, 0), alpha=True)))
    assert result.mode == "RGBA"
    assert result.getpixel((10, 10))[3] == 0


def test_an_animation_keeps_its_first_frame():
    result = _open(photo_process(animated_gif())).convert("RGB")
    assert getattr(result, "n_frames", 1) == 1
    r, g, b = result.getpixel((128, 128))
    assert r > 200 and b < 50  # the red first frame, not the blue second


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a but not really an image",
        b"%PDF-1.7 a document, whatever its name says",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        image_bytes("JPEG")[:300],  # cut off mid-way
        image_bytes("BMP"),  # a real image, in a format no phone exports
    ],
    ids=["fake-gif", "pdf", "svg", "truncated-jpeg", "bmp"],
)
def test_what_is_not_a_usable_photo_is_refused_by_decoding_it(data):
    with pytest.raises(ValidationFailed) as e:
        photo_process(data)
    assert e.value.fields == {"photo": ["That file is not a photo we can read. Choose a JPEG, PNG, WebP or GIF image."]}


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationFailed, match="That file is empty"):
        photo_process(b"")


def test_a_file_over_5_mb_is_refused_before_decoding():
    noise = Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")  # a real image, but noise does not compress
    assert len(out.getvalue()) > PHOTO_MAX_BYTES
    with pytest.raises(ValidationFailed, match="larger than 5 MB"):
        photo_process(out.getvalue())


@pytest.mark.parametrize(
    "size",
    [(8000, 5000), (20_000, 20_000)],  # over our limit; over twice Pillow's own (DecompressionBombError)
    ids=["40-megapixels", "400-megapixels"],
)
def test_a_decompression_bomb_is_refused_from_its_header(size):
    bomb = png_declaring(*size)
    assert len(bomb) < 200
    with pytest.raises(ValidationFailed, match="too large in pixels"):
        photo_process(bomb)


@pytest.mark.django_db
def test_setting_a_photo_stores_the_webp_and_a_new_version():
    user = UserFactory()
    user_photo_set(user=user, upload=io.BytesIO(image_bytes("JPEG")))
    first = User.objects.get(pk=user.pk).photo_version
    assert len(first) == 16 and user.photo_version == first
    assert _open(bytes(Photo.objects.get(user=user).image)).format == "WEBP"
    assert user.photo_url == f"/people/{user.pk}/photo/?v={first}"

    user_photo_set(user=user, upload=io.BytesIO(image_bytes("PNG", colour=(0, 90, 200))))
    assert User.objects.get(pk=user.pk).photo_version not in ("", first)
    assert Photo.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_a_refused_upload_keeps_the_photo_already_there():
    user = UserFactory()
    user_photo_set(user=user, upload=io.BytesIO(image_bytes("JPEG")))
    before = (User.objects.get(pk=user.pk).photo_version, bytes(Photo.objects.get(user=user).image))
    with pytest.raises(ValidationFailed):
        user_photo_set(user=user, upload=io.BytesIO(b"not an image"))
    assert (User.objects.get(pk=user.pk).photo_version, bytes(Photo.objects.get(user=user).image)) == before


@pytest.mark.django_db
def test_removing_the_photo_goes_back_to_initials_and_may_be_repeated():
    user = UserFactory()
    user_photo_set(user=user, upload=io.BytesIO(image_bytes("JPEG")))
    user_photo_remove(user=user)
    user_photo_remove(user=user)
    assert User.objects.get(pk=user.pk).photo_version == ""
    assert user.photo_url == ""
    assert not Photo.objects.filter(user=user).exists()
