"""Avatar photos: whatever a person uploads becomes a 256×256 WebP with nothing else in it.

Plain Pillow, no models: ``accounts.services.user_photo_set`` stores what this returns.

The upload is trusted for nothing, not its file name and not its Content-Type: the bytes are
decoded, and only what decodes as one of ``FORMATS`` within the limits below is accepted.
The limits are checked before any pixel is decoded: the size in bytes first, then the
width × height the file's header declares (a "decompression bomb" is a small file that
declares a huge image). An animation keeps its first frame. The result is re-encoded from
pixels alone, so EXIF (camera, GPS position, time), colour profiles, comments and anything
smuggled after the image data are gone.
"""

from __future__ import annotations

import io
import warnings

from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from turazo.core.errors import ValidationFailed

PHOTO_MAX_BYTES = 5 * 1024 * 1024
# About a 30-megapixel camera. Pillow would only refuse ~179 MP (twice MAX_IMAGE_PIXELS); at
# 4 bytes a pixel a PNG this size already needs 120 MB to decode.
PHOTO_MAX_PIXELS = 30_000_000
PHOTO_SIZE = 256
PHOTO_CONTENT_TYPE = "image/webp"
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")  # what phones and laptops export; no exotic decoders


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"photo": [message]})


def photo_process(data: bytes) -> bytes:
    """The square WebP to store for an uploaded photo; ValidationFailed (field ``photo``) with
    a message a person can act on when the bytes are not a usable photo."""
    if len(data) > PHOTO_MAX_BYTES:
        raise _invalid(_("That photo is larger than 5 MB. Choose a smaller one, or export it at a lower resolution."))
    if not data:
        raise _invalid(_("That file is empty. Choose a photo (JPEG, PNG, WebP or GIF)."))
    too_big = _invalid(_("That image is too large in pixels (over 30 megapixels). Choose a smaller one."))
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that; here that is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                width, height = image.size
                if width * height > PHOTO_MAX_PIXELS:
                    raise too_big
                image.seek(0)  # an animation: its first frame
                # JPEG decodes straight to a smaller scale: far less memory and time.
                image.draft("RGB", (PHOTO_SIZE * 2, PHOTO_SIZE * 2))
                image.load()
                return _square_webp(image)
    except ValidationFailed:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big
    except Exception:
        # Untrusted bytes: Pillow's decoders fail with many exception types (OSError,
        # SyntaxError, ValueError, struct.error, ...). Any of them means not a usable image.
        raise _invalid(_("That file is not a photo we can read. Choose a JPEG, PNG, WebP or GIF image."))


def _square_webp(image: Image.Image) -> bytes:
    image = ImageOps.exif_transpose(image)  # a phone's portrait photo stands upright
    image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    # Centre crop, a little above the middle: that is where faces usually are.
    square = ImageOps.fit(image, (PHOTO_SIZE, PHOTO_SIZE), Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    out = io.BytesIO()
    square.save(out, "WEBP", quality=82, method=6)  # no exif=, icc_profile= or xmp=: pixels only
    return out.getvalue()
