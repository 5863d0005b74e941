"""Every user-facing string can be translated (docs/translating.md).

* the committed source catalogue (``locale/en``) lists exactly the messages of the code and
  templates: ``make messages`` was run after the last change;
* templates show no text outside ``{% translate %}`` / ``{% blocktranslate %}``;
* a language added the documented way changes what pages, emails and the pure engines say.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.test import Client, override_settings
from django.utils import translation

BASE = Path(settings.BASE_DIR)
TEMPLATES = BASE / "templates"
CATALOGUE = BASE / "locale" / "en" / "LC_MESSAGES" / "django.po"

#: The catalogue is made with this command (`make messages` runs it; docs/translating.md).
MAKEMESSAGES = [
    "makemessages", "-l", "en", "--ignore=.venv", "--ignore=static/vendor", "--ignore=tests", "--ignore=bench",
    "--ignore=var", "--ignore=staticfiles", "--add-location=file",
]  # fmt: skip


def _gettext_tools() -> None:
    """The gettext tools (xgettext, msgmerge, msgfmt) or, outside CI, a skip; CI installs them."""
    missing = [tool for tool in ("xgettext", "msgmerge", "msgfmt") if not shutil.which(tool)]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{', '.join(missing)} not found: install the gettext package (.ci/run does).")
        pytest.skip(f"needs the gettext tools ({', '.join(missing)}): apt-get install gettext")


# --- The source catalogue is up to date ----------------------------------------------------------


def _po_messages(path: Path) -> set[tuple[str, str, str]]:
    """(context, msgid, plural) of every live entry of a .po file; the header and obsolete
    (``#~``) entries are left out."""
    entries: set[tuple[str, str, str]] = set()
    current: dict[str, str] = {}
    field = None

    def flush() -> None:
        if current.get("msgid"):
            entries.add((current.get("msgctxt", ""), current["msgid"], current.get("msgid_plural", "")))
        current.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            if not line:
                flush()
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if match:
            field = match.group(1)
            if field == "msgctxt" or (field == "msgid" and "msgid" in current):
                flush()
            current[field] = current.get(field, "") + match.group(2)
        elif line.startswith('"') and field:
            current[field] = current.get(field, "") + line[1:-1]
    flush()
    return entries


def _copy_sources(target: Path) -> None:
    """What makemessages reads (apps, project package, templates, manage.py), without the
    committed catalogue, so the extraction starts from nothing."""
    skip = {".git", ".venv", "tests", "bench", "docs", "var", "staticfiles", "static", "locale", "node_modules"}
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.sqlite3")
    for entry in BASE.iterdir():
        if entry.name in skip or entry.name.startswith("."):
            continue
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name, ignore=ignore)
        elif entry.suffix in (".py", ".html", ".txt"):
            shutil.copy2(entry, target / entry.name)


def test_the_committed_catalogue_lists_every_message_of_the_code(tmp_path):
    """A string marked for translation but missing from locale/en would never reach a
    translator; a stale one wastes their time. Re-extracting must give the same messages."""
    _gettext_tools()
    source = tmp_path / "src"
    source.mkdir()
    _copy_sources(source)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "turazo.test_settings", "PYTHONPATH": str(source)}
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    extracted = _po_messages(source / "locale" / "en" / "LC_MESSAGES" / "django.po")
    committed = _po_messages(CATALOGUE)
    missing = sorted(m for _, m, _ in extracted - committed)
    stale = sorted(m for _, m, _ in committed - extracted)
    assert (missing, stale) == ([], []), (
        f"locale/en is out of date: run `make messages` and commit the catalogue.\n"
        f"Missing ({len(missing)}): {missing[:40]}\nStale ({len(stale)}): {stale[:40]}"
    )


def test_the_catalogue_reader_sees_plurals_contexts_and_multi_line_messages(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#: a.py\nmsgid "Goal added."\nmsgstr ""\n\n'
        'msgctxt "short for development only"\nmsgid "dev"\nmsgstr ""\n\n'
        'msgid ""\n"A long "\n"message."\nmsgstr ""\n\n'
        'msgid "%(count)s day"\nmsgid_plural "%(count)s days"\nmsgstr[0] ""\nmsgstr[1] ""\n\n'
        '#~ msgid "Gone."\n#~ msgstr ""\n',
        encoding="utf-8",
    )
    assert _po_messages(po) == {
        ("", "Goal added.", ""),
        ("short for development only", "dev", ""),
        ("", "A long message.", ""),
        ("", "%(count)s day", "%(count)s days"),
    }


# --- Templates: no visible text outside translate tags -------------------------------------------

#: Not checked: the developer style guide (sample content, DEBUG only) and drf-spectacular's
#: page shells (third-party API documentation).
UNCHECKED_TEMPLATES = {
    "core/styleguide.html",
    "drf_spectacular/redoc.html",
    "drf_spectacular/swagger_ui.html",
}
#: Words that are the same in every language.
UNTRANSLATED_WORDS = re.compile(r"\bTurazo\b")
#: Attributes a person reads or hears (data-label: a table cell's label on phones; data-confirm: a dialog).
VISIBLE_ATTRIBUTES = {
    "title", "alt", "placeholder", "label", "aria-label", "aria-description", "aria-roledescription", "aria-valuetext",
    "data-label", "data-confirm", "data-open-label", "data-open-text",
}  # fmt: skip
#: Tags whose string arguments are names, paths or formats, never text for people.
MACHINE_TAGS = {
    "url", "extends", "load", "static", "now", "block", "if", "elif", "for", "cycle", "templatetag", "regroup",
    "ifchanged", "widthratio", "csrf_token", "translate", "trans", "blocktranslate", "blocktrans", "timezone",
    "localtime", "get_current_language", "language",
}  # fmt: skip
SKIPPED_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}
HOLE = "\ue000"  # stands for a template tag or variable in the page's text
WORD = re.compile(r"[^\W\d_]{2,}")
LITERAL = re.compile(r"""(_\()?("([^"]*)"|'([^']*)')""")
MACHINE_VALUE = re.compile(r"^[a-z0-9_.:/#?=&%-]*$|^[A-Z0-9_]+$")


def _literals(contents: str, tag: str | None) -> list[str]:
    """String arguments that read like text: ``{% include "x.html" with label="Save" %}``,
    ``{{ value|default:"None given" }}``; ``_("...")`` is translated, names and formats are not text."""
    if tag in MACHINE_TAGS:
        return []
    if tag == "include":
        contents = contents.split(None, 2)[2] if len(contents.split(None, 2)) > 2 else ""
    found = []
    for match in LITERAL.finditer(contents):
        value = match.group(3) if match.group(3) is not None else match.group(4)
        if not match.group(1) and not MACHINE_VALUE.match(value) and WORD.search(value):
            found.append(value)
    return found


def _skeleton(source: str) -> tuple[str, list[str]]:
    """The template's text with every tag and variable replaced by HOLE (the contents of
    blocktranslate, comment and the icon block left out), and the text-like arguments of tags."""
    parts: list[str] = []
    arguments: list[str] = []
    closing = None
    for token in Lexer(source).tokenize():
        if closing:
            if token.token_type == TokenType.BLOCK and token.contents.split()[:1] == [closing]:
                closing = None
            parts.append(HOLE)
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
            continue
        words = token.contents.split()
        if token.token_type == TokenType.BLOCK and words:
            arguments += _literals(token.contents, words[0])
            if words[0] in SKIPPED_BLOCKS:
                closing = SKIPPED_BLOCKS[words[0]]
            elif words[:2] == ["block", "icon"]:  # a Bootstrap icon's name
                closing = "endblock"
        elif token.token_type == TokenType.VAR:
            arguments += _literals(token.contents, None)
        parts.append(HOLE)
    return "".join(parts), arguments


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        values = dict(attrs)
        for name, value in attrs:
            visible = name in VISIBLE_ATTRIBUTES or (
                (tag == "input" and name == "value" and values.get("type") in ("submit", "button", "reset"))
                or (tag == "meta" and name == "content" and values.get("name") == "description")
            )
            if value and visible:
                self.pieces.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.pieces.append(data)


def untranslated_text(source: str, *, html: bool = True) -> list[str]:
    """The text of a template a person would see that is not inside a translate tag."""
    text, arguments = _skeleton(source)
    if html:
        # "<{{ tag }} ...>" and "</{{ tag }}>" are elements too (a heading level, a or button).
        text = text.replace("<" + HOLE, "<x" + HOLE).replace("</" + HOLE, "</x" + HOLE)
        parser = _VisibleText()
        parser.feed(text)
        parser.close()
        pieces = parser.pieces
    else:
        pieces = [text]
    found = list(arguments)
    for piece in pieces:
        for part in piece.split(HOLE):
            part = " ".join(part.split())
            if WORD.search(UNTRANSLATED_WORDS.sub("", part)):
                found.append(part)
    return found


def test_templates_show_no_text_outside_translate_tags():
    problems = []
    for path in sorted(TEMPLATES.rglob("*")):
        name = path.relative_to(TEMPLATES).as_posix()
        if path.suffix not in (".html", ".txt") or name in UNCHECKED_TEMPLATES:
            continue
        for text in untranslated_text(path.read_text(encoding="utf-8"), html=path.suffix == ".html"):
            problems.append(f"{name}: {text[:100]}")
    assert problems == [], "Put this text in {% translate %} or {% blocktranslate %}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("<h1>Sessions</h1>", ["Sessions"]),
        ('<p>{% translate "Saved." %} Undo</p>', ["Undo"]),
        ("<p>Hello {{ name }},</p>", ["Hello"]),
        ('<button aria-label="Close">×</button>', ["Close"]),
        ('<td data-label="Mentor">{{ m }}</td>', ["Mentor"]),
        ('{% include "emails/_button.html" with href=url label="Give feedback" %}', ["Give feedback"]),
        ('{{ session.agenda|default:"None given" }}', ["None given"]),
        ('<{{ tag }} class="title">Welcome</{{ tag }}>', ["Welcome"]),
    ],
)
def test_the_template_check_finds_text_outside_translate_tags(source, found):
    assert untranslated_text(source) == found


@pytest.mark.parametrize(
    "source",
    [
        '<h1>{% translate "Sessions" %}</h1>',
        "<p>{% blocktranslate with name=n %}Hello {{ name }},{% endblocktranslate %}</p>",
        '<a class="btn btn-primary" href="{% url \'session-list\' %}" data-join-at="{{ s.start|date:\'c\' }}">{{ label }}</a>',
        "<span aria-label=\"{% translate 'Close' %}\">×</span> · – 7/10 ({{ zone }})",
        '{% comment %}Why this template exists.{% endcomment %}<i class="bi bi-x"></i>',
        '{% include "emails/_button.html" with href=url label=_("Give feedback") secondary=True %}',
        '<script type="application/json">{"label": "Pairs"}</script>',
        "{% block icon %}shield-lock{% endblock %}<title>{% block title %}Turazo{% endblock %}</title>",
    ],
)
def test_the_template_check_accepts_translated_and_machine_text(source):
    assert untranslated_text(source) == []


def test_the_template_check_reads_text_emails_whole():
    assert untranslated_text("{{ greeting }}\n\nAnswer: {{ url }}\n", html=False) == ["Answer:"]


# --- Python: messages, errors and labels are marked for translation -----------------------------

APPS = ("accounts", "mentoring", "matching", "scheduling", "journal", "insights", "turazo")
#: Files whose texts no person reads.
NOT_FOR_PEOPLE = {
    "turazo/core/models.py": "help texts of the job outbox and action links, which no page or admin shows",
    "turazo/core/styleguide.py": "sample content of the DEBUG-only style guide",
}
#: Exceptions and calls whose text a person reads (Http404's text is never shown).
RAISES_TEXT = {"ValidationFailed", "Conflict", "NotFound", "PermissionDenied", "ValidationError", "SlotUnavailable"}
SHOWN_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}


def _is_text(node: ast.expr) -> bool:
    """A bare literal or an f-string: text no catalogue can hold (``_("...")`` is a call)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    return isinstance(node, ast.JoinedStr)


def untranslated_python(source: str, *, api: bool = False) -> list[str]:
    """Messages, errors and form or model labels given as plain text. ``api``: serializer
    help texts are the API's reference documentation, written in English like the schema."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        owner = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
        texts = []
        if name in RAISES_TEXT and node.args:
            texts.append(node.args[0])
        elif (owner == "messages" and name in ("success", "error", "info", "warning")) or name == "add_error":
            texts += node.args[1:2]
        if not api:
            texts += [kw.value for kw in node.keywords if kw.arg in SHOWN_KEYWORDS]
        found += [f"line {node.lineno}: {ast.unparse(text)[:80]}" for text in texts if _is_text(text)]
    return found


def test_messages_errors_and_labels_in_python_go_through_gettext():
    problems = []
    for app in APPS:
        for path in sorted((BASE / app).rglob("*.py")):
            name = path.relative_to(BASE).as_posix()
            if "/migrations/" in name or "/management/" in name or name in NOT_FOR_PEOPLE:
                continue
            api = "/api/" in name or path.stem.startswith("api") or path.stem.endswith(("serializers", "_api"))
            problems += [f"{name} {p}" for p in untranslated_python(path.read_text(encoding="utf-8"), api=api)]
    assert problems == [], "Wrap in _() / gettext_lazy() with named placeholders:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('messages.success(request, "Goal saved.")', ["line 1: 'Goal saved.'"]),
        ('raise Conflict(f"{name} is already in {program}.")', ["line 1: f'{name} is already in {program}.'"]),
        ('form.add_error("name", "Too long.")', ["line 1: 'Too long.'"]),
        ('title = forms.CharField(label="Title")', ["line 1: 'Title'"]),
    ],
)
def test_the_python_check_finds_plain_text(source, found):
    assert untranslated_python(source) == found


def test_the_python_check_accepts_gettext_and_machine_values():
    source = (
        'messages.success(request, _("Goal saved."))\n'
        'raise Conflict(_("%(name)s is taken.") % {"name": name}, code="taken")\n'
        'raise Http404("No such goal.")\n'
        'title = forms.CharField(label=_("Title"), max_length=200)\n'
        'logger.info("run %s done", run_id)\n'
    )
    assert untranslated_python(source) == []
    assert untranslated_python('x = serializers.CharField(help_text="IANA name.")', api=True) == []


# --- A new language changes what people read -----------------------------------------------------

FAKE_CATALOGUE = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Link not found"
msgstr "Lien introuvable"

msgid "Sign in to Turazo"
msgstr "Se connecter à Turazo"

msgid "same department"
msgstr "même service"

msgid "Hello %(name)s,"
msgstr "Bonjour %(name)s,"

msgid "This time is too soon: sessions need more notice. Pick a later time."
msgstr "C'est trop tôt : choisissez une heure plus tardive."
"""


@pytest.fixture
def fake_language(tmp_path):
    """A language 'xx' added the documented way: a catalogue under LOCALE_PATHS, compiled
    with msgfmt, and a line in LANGUAGES."""
    _gettext_tools()
    messages = tmp_path / "locale" / "xx" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text(FAKE_CATALOGUE, encoding="utf-8")
    subprocess.run(["msgfmt", "--check", "-o", str(messages / "django.mo"), str(messages / "django.po")], check=True)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"], LANGUAGES=[("en", "English"), ("xx", "Test")]):
        yield "xx"


@pytest.mark.django_db
def test_a_page_speaks_the_browsers_language_once_its_catalogue_exists(fake_language):
    english = Client().get("/links/not-a-real-token/")
    assert "Link not found" in english.content.decode() and "Sign in to Turazo" in english.content.decode()

    page = Client(HTTP_ACCEPT_LANGUAGE=fake_language).get("/links/not-a-real-token/")

    html = page.content.decode()
    assert page.status_code == 404
    assert "Lien introuvable" in html  # a Python string (turazo/core/action_links.py)
    assert "Se connecter à Turazo" in html  # a template string (core/action_links/closed.html)
    assert f'lang="{fake_language}"' in html


def test_emails_are_written_in_the_installs_language_whoever_sends_them(fake_language):
    """An admin browsing in another language pairs two people: their emails stay in
    LANGUAGE_CODE (people have no language preference yet; turazo/core/notifications.py)."""
    from turazo.core.notifications import notification_render

    context = {
        "person": SimpleNamespace(display_name="Ana"),
        "other": SimpleNamespace(display_name="Ben"),
        "nudge": SimpleNamespace(kind="profile", message="A few more answers, please."),
        "program": SimpleNamespace(name="Growth 2027"),
        "organization": SimpleNamespace(name="Northwind"),
        "link": "https://turazo.example/profile/",
        "action_label": "Complete your profile",
    }
    with translation.override(fake_language):
        assert notification_render(template="insights/nudge", context=context).text.startswith("Hello Ana,")
    with override_settings(LANGUAGE_CODE=fake_language):
        assert notification_render(template="insights/nudge", context=context).text.startswith("Bonjour Ana,")


def test_the_pure_engines_speak_the_active_language(fake_language):
    """The matching engine and the slot calculator import no Django; their sentences still
    come out translated (matching/engine/translation.py, scheduling/slots/translation.py)."""
    from matching.engine import Proposal, explain
    from scheduling.slots import SlotProblem

    pair = Proposal(mentee_id=1, mentor_id=2, score=50.0, components={}, details={"same_department": True})
    assert explain(pair) == "same department"
    with translation.override(fake_language):
        assert explain(pair) == "même service"
        assert SlotProblem.TOO_SOON.message == "C'est trop tôt : choisissez une heure plus tardive."
