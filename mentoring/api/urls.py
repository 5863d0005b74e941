"""API routes of the mentoring app, mounted under /api/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from mentoring.api import core, invitations, programs
from mentoring.api import imports as import_api
from mentoring.api import profiles as profile_api

# Path converters, not regexes: every id in a URL is an <int:...>, so a junk id is a 404
# before any view runs (and the schema types it as an integer).
router = DefaultRouter(use_regex_path=False)
router.register("organizations", core.OrganizationViewSet, basename="organization")
router.register("invitations", invitations.InvitationViewSet, basename="api-invitation")
router.register("programs", programs.ProgramViewSet, basename="api-program")
router.register("programs/<int:program_id>/participants", programs.ParticipantViewSet, basename="api-participant")
router.register("programs/<int:program_id>/questions", profile_api.QuestionViewSet, basename="api-question")
router.register("skills", profile_api.SkillViewSet, basename="api-skill")

urlpatterns = [
    path("me/", core.MeView.as_view(), name="api-me"),
    path("participants/<int:pk>/profile/", profile_api.ProfileView.as_view(), name="api-profile"),
    path(
        "programs/<int:program_id>/participants/import/",
        import_api.ProgramImportView.as_view(),
        name="api-participant-import",
    ),
    path("imports/<int:pk>/", import_api.ImportJobView.as_view(), name="api-import-detail"),
    path("imports/<int:pk>/retry/", import_api.ImportJobRetryView.as_view(), name="api-import-retry"),
    *router.urls,
]
