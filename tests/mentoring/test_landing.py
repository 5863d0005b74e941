"""The landing page shows the real product: screenshots from static/img/product/ (bin/screenshots
makes them from the demo seed), each in light and dark, 1x and 2x, described and sized."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template import Context, Template
from PIL import Image

from turazo.core.templatetags.ui import screenshot_size

PRODUCT = Path(settings.BASE_DIR) / "static" / "img" / "product"
MAX_BYTES = 150_000


class _Pictures(HTMLParser):
    """Every <picture>: its <source> and <img> attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.pictures: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "picture":
            self.pictures.append({"sources": [], "img": None})
        elif tag == "source" and self.pictures:
            self.pictures[-1]["sources"].append(dict(attrs))
        elif tag == "img" and self.pictures and self.pictures[-1]["img"] is None:
            self.pictures[-1]["img"] = dict(attrs)


def _static_file(url: str) -> Path:
    assert url.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL)
    found = finders.find(url.split("/static/", 1)[1])
    assert found, f"{url} is referenced by the landing page but is not in static/"
    return Path(found)


def _srcset(value: str) -> dict[str, str]:
    """``{"720w": url, "1440w": url}`` from a srcset."""
    return {descriptor: url for url, descriptor in (part.split() for part in value.split(","))}


@pytest.fixture
def pictures(client) -> list[dict]:
    response = client.get("/")
    assert response.status_code == 200
    parser = _Pictures()
    parser.feed(response.content.decode())
    return parser.pictures


def test_the_landing_shows_four_screenshots_the_hero_first_and_eager(pictures):
    names = [re.search(r"/img/product/(.+)-light\.webp$", p["img"]["src"]).group(1) for p in pictures]
    assert names == ["hr-dashboard", "match-run", "mentee-home", "mentor-home"]
    assert pictures[0]["img"].get("loading") is None and pictures[0]["img"]["fetchpriority"] == "high"
    assert all(p["img"]["loading"] == "lazy" for p in pictures[1:])  # below the fold


def test_every_screenshot_exists_with_alt_text_and_its_real_size_in_light_and_dark(pictures):
    for picture in pictures:
        img = picture["img"]
        assert len(img["alt"]) > 60, img["alt"]  # says what the picture shows, not "screenshot"
        width, height = int(img["width"]), int(img["height"])
        [dark_source] = picture["sources"]
        assert dark_source["media"] == "(prefers-color-scheme: dark)" and dark_source["type"] == "image/webp"
        assert img["sizes"] == dark_source["sizes"]
        light, dark = _srcset(img["srcset"]), _srcset(dark_source["srcset"])
        assert img["src"] == light[f"{width}w"]
        for srcset in (light, dark):
            assert set(srcset) == {f"{width}w", f"{2 * width}w"}
            with Image.open(_static_file(srcset[f"{width}w"])) as small:
                # The dark pair has the light one's size: nothing moves when the mode changes.
                assert (small.format, small.size) == ("WEBP", (width, height)), srcset
            with Image.open(_static_file(srcset[f"{2 * width}w"])) as large:
                assert large.format == "WEBP" and large.width == 2 * width, srcset
                assert abs(large.height - 2 * height) <= 1, srcset


def test_every_product_image_is_small_and_used():
    files = sorted(PRODUCT.glob("*.webp"))
    assert len(files) == 16  # 4 screenshots × light, dark × 1x, 2x
    too_big = {f.name: f.stat().st_size for f in files if f.stat().st_size > MAX_BYTES}
    assert too_big == {}
    landing = (Path(settings.BASE_DIR) / "templates" / "mentoring" / "landing.html").read_text()
    names = {re.sub(r"-(light|dark)(-2x)?\.webp$", "", f.name) for f in files}
    assert {n for n in names if f'{{% screenshot "{n}"' not in landing} == set()  # no stale image left behind


def test_a_screenshot_that_is_not_there_fails_loudly(tmp_path):
    screenshot_size.cache_clear()
    with pytest.raises(
        FileNotFoundError, match=r"static/img/product/no-such-light\.webp is missing: run bin/screenshots"
    ):
        Template('{% load ui %}{% screenshot "no-such" "A page" %}').render(Context())
