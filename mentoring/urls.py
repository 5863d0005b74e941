"""Page URLs of the mentoring app. Each feature keeps its routes in its own block."""

from django.urls import path

from mentoring.views import core

urlpatterns = [
    path("", core.landing, name="landing"),
    path("dashboard/", core.dashboard, name="dashboard"),
    path("organizations/new/", core.organization_create, name="organization-create"),
    path("organizations/switch/", core.organization_switch, name="organization-switch"),
    path("preferences/", core.preferences, name="preferences"),
]
