"""API routes of the scheduling app, mounted under /api/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from scheduling import api

# Path converters, not regexes: every id in a URL is an <int:...> (a junk id is a 404).
router = SimpleRouter(use_regex_path=False)
router.register("sessions", api.SessionViewSet, basename="api-session")

urlpatterns = [
    path("participants/<int:pk>/availability/", api.AvailabilityView.as_view(), name="api-availability"),
    path("mentorships/<int:pk>/slots/", api.FreeSlotsView.as_view(), name="api-free-slots"),
    path("programs/<int:pk>/scheduling/", api.PolicyView.as_view(), name="api-scheduling-policy"),
    *router.urls,
]
