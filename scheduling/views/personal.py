"""A person's session settings (calendar feed, which emails) and the feed itself."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from scheduling.forms import PreferencesForm
from scheduling.models import CalendarFeed
from scheduling.services import personal as services
from turazo.core.notifications import absolute_url
from turazo.core.tenancy import tenant_exempt, tenant_view


def _settings_context(request: HttpRequest, form: PreferencesForm | None = None, feed_url: str | None = None) -> dict:
    pref = services.notification_preference_for(user=request.user, organization=request.organization)
    return {
        "form": form
        or PreferencesForm(
            initial={
                "remind_24h": pref.remind_24h,
                "remind_1h": pref.remind_1h,
                "feedback_requests": pref.feedback_requests,
            }
        ),
        "feed": CalendarFeed.objects.filter(organization=request.organization, user=request.user).first(),
        "feed_url": feed_url,
    }


@tenant_view()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def session_settings(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.notification_preference_update(
            user=request.user, organization=request.organization, **form.cleaned_data
        )
        messages.success(request, _("Your email settings are saved."))
        return redirect("session-settings")
    return render(request, "scheduling/settings.html", _settings_context(request, form if form.is_bound else None))


@require_POST
@tenant_view()
@never_cache
def calendar_feed_create(request: HttpRequest) -> HttpResponse:
    """Make (or replace) the feed URL and show it, this once: only its hash is kept."""
    token = services.calendar_feed_create(user=request.user, organization=request.organization)
    url = absolute_url(reverse("calendar-feed", args=[token]))
    return render(request, "scheduling/settings.html", _settings_context(request, feed_url=url))


@require_POST
@tenant_view()
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    if services.calendar_feed_revoke(user=request.user, organization=request.organization):
        messages.success(request, _("Your calendar feed is turned off. Its address no longer works."))
    else:
        messages.info(request, _("You had no calendar feed."))
    return redirect("session-settings")


@tenant_exempt("token-authorized private calendar feed: only the token holder's own sessions")
@require_http_methods(["GET", "HEAD"])
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics feed calendar apps poll; 304 when nothing changed (ETag / Last-Modified)."""
    feed = services.calendar_feed_find(token=token)
    if feed is None:
        return HttpResponse(_("No calendar feed at this address."), status=404, content_type="text/plain")
    rendered = services.calendar_feed_render(feed=feed)
    headers = {
        "ETag": rendered.etag,
        "Last-Modified": http_date(rendered.last_modified.timestamp()),
        "Cache-Control": "private, max-age=0, must-revalidate",
        "X-Robots-Tag": "noindex",
    }
    services.calendar_feed_touch(feed=feed)
    if _not_modified(request, rendered):
        return HttpResponse(status=304, headers=headers)
    response = HttpResponse(rendered.body, content_type="text/calendar; charset=utf-8", headers=headers)
    response["Content-Disposition"] = 'inline; filename="turazo-sessions.ics"'
    return response


def _not_modified(request: HttpRequest, rendered: services.FeedBody) -> bool:
    from django.utils.http import parse_http_date_safe

    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return rendered.etag in tags or "*" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(rendered.last_modified.timestamp()) <= since
