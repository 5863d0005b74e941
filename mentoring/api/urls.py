"""API routes of the mentoring app, mounted under /api/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from mentoring.api import core

router = DefaultRouter()
router.register("organizations", core.OrganizationViewSet, basename="organization")

urlpatterns = [
    path("me/", core.MeView.as_view(), name="api-me"),
    *router.urls,
]
