from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from mentoring import api as mentoring_api
from mentoring import views as mentoring_views
from turazo.core.health import TurazoHealthView
from turazo.core.outbox import outbox_view

router = DefaultRouter()
router.register("organizations", mentoring_api.OrganizationViewSet, basename="organization")

api_urlpatterns = [
    path("me/", mentoring_api.MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", mentoring_views.landing, name="landing"),
    path("dashboard/", mentoring_views.dashboard, name="dashboard"),
    path("organizations/new/", mentoring_views.organization_create, name="organization-create"),
    path("organizations/switch/", mentoring_views.organization_switch, name="organization-switch"),
    path("preferences/", mentoring_views.preferences, name="preferences"),
    path("accounts/", include("allauth.urls")),
    path("api/", include(api_urlpatterns)),
    path("health/", TurazoHealthView.as_view(), name="health"),
    path("admin/", admin.site.urls),
]

if settings.OUTBOX_ENABLED:
    urlpatterns += [
        path("dev/outbox/", outbox_view, name="outbox"),
        path("dev/outbox/<str:message_id>/", outbox_view, name="outbox-message"),
    ]
