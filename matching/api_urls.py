"""API routes of the matching app, mounted under /api/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from matching import api, mentorship_api, request_api

# Path converters, not regexes: every id in a URL is an <int:...>, so a junk id is a 404
# before any view runs (and the schema types it as an integer).
router = SimpleRouter(use_regex_path=False)
router.register("match-runs", api.MatchRunViewSet, basename="api-matchrun")
router.register("match-runs/<int:run_id>/proposals", api.ProposalViewSet, basename="api-proposal")
router.register("mentorships", mentorship_api.MentorshipViewSet, basename="api-mentorship")
router.register("requests", request_api.MentorshipRequestViewSet, basename="api-request")

urlpatterns = [
    path("programs/<int:program_id>/match-runs/", api.ProgramMatchRunsView.as_view(), name="api-program-matchruns"),
    path(
        "programs/<int:program_id>/matching-settings/",
        api.MatchingSettingsView.as_view(),
        name="api-matching-settings",
    ),
    path(
        "programs/<int:program_id>/mentorships/",
        mentorship_api.ProgramMentorshipsView.as_view(),
        name="api-program-mentorships",
    ),
    *router.urls,
]
