from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from turazo.core.action_links import action_link_view
from turazo.core.api import api_not_found
from turazo.core.health import TurazoHealthView
from turazo.core.outbox import outbox_view
from turazo.core.schema import RedocView, SwaggerView
from turazo.core.styleguide import styleguide

api_urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include("mentoring.api.urls")),
    path("", include("matching.api_urls")),
    path("", include("scheduling.api_urls")),
    path("", include("journal.api_urls")),
    path("", include("insights.api_urls")),
    # Last: whatever no route above matches gets the API's JSON 404 (a junk id, a typo).
    re_path(r"^(?P<unmatched>.*)$", api_not_found),
]

urlpatterns = [
    path("", include("mentoring.urls")),
    path("", include("matching.urls")),
    path("", include("scheduling.urls")),
    path("", include("journal.urls")),
    path("", include("insights.urls")),
    # Every email action link (GET shows a confirmation page, POST acts once).
    path("links/<str:token>/", action_link_view, name="action-link"),
    path("accounts/", include("allauth.urls")),
    path("api/", include(api_urlpatterns)),
    path("health/", TurazoHealthView.as_view(), name="health"),
    path("admin/", admin.site.urls),
    # Answers 404 unless DEBUG is on (checked per request, so tests can turn it on).
    path("dev/styleguide/", styleguide, name="styleguide"),
]

if settings.OUTBOX_ENABLED:
    urlpatterns += [
        path("dev/outbox/", outbox_view, name="outbox"),
        path("dev/outbox/<str:message_id>/", outbox_view, name="outbox-message"),
    ]
