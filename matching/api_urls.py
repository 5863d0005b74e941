"""API routes of the matching app, mounted under /api/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from matching import api

router = SimpleRouter()
router.register("match-runs", api.MatchRunViewSet, basename="api-matchrun")
router.register(r"match-runs/(?P<run_id>\d+)/proposals", api.ProposalViewSet, basename="api-proposal")

urlpatterns = [
    path("programs/<int:program_id>/match-runs/", api.ProgramMatchRunsView.as_view(), name="api-program-matchruns"),
    path(
        "programs/<int:program_id>/matching-settings/",
        api.MatchingSettingsView.as_view(),
        name="api-matching-settings",
    ),
    *router.urls,
]
