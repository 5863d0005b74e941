"""Markdown-light for notes, rendered safely.

markdown-it-py's "zero" preset with only what notes need switched on: paragraphs, line
breaks, **bold**, *italic*, bulleted and numbered lists, and links. Raw HTML is off (it is
shown as text, escaped), and links are kept only when they point at http(s) or mailto —
``javascript:``, ``data:`` and friends stay plain text. Every link gets
``rel="nofollow noopener"`` and opens in the same tab. The output is the only HTML a note
ever produces, so templates may mark it safe."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_SCHEMES = ("http", "https", "mailto")


def _validate_link(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in ALLOWED_SCHEMES


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False, "typographer": False})
    md.enable(["emphasis", "list", "link", "newline", "escape", "autolink"])
    md.validateLink = _validate_link

    def link_open(renderer, tokens, idx, options, env):
        tokens[idx].attrSet("rel", "nofollow noopener")
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


def render_note(text: str) -> SafeString:
    """``text`` (markdown-light) as HTML that is safe to put on a page."""
    return mark_safe(_parser().render(text or ""))  # noqa: S308 - html is off and links are vetted above
