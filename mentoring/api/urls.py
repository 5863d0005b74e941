"""API routes of the mentoring app, mounted under /api/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from mentoring.api import core, programs

router = DefaultRouter()
router.register("organizations", core.OrganizationViewSet, basename="organization")
router.register("programs", programs.ProgramViewSet, basename="api-program")
router.register(r"programs/(?P<program_id>\d+)/participants", programs.ParticipantViewSet, basename="api-participant")

urlpatterns = [
    path("me/", core.MeView.as_view(), name="api-me"),
    *router.urls,
]
