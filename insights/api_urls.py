"""API routes of program health, mounted under /api/."""

from django.urls import path

from insights import api

urlpatterns = [
    path("program-health/", api.OverviewView.as_view(), name="api-program-health"),
    path("programs/<int:pk>/dashboard/", api.DashboardView.as_view(), name="api-program-dashboard"),
    path("programs/<int:pk>/nudges/", api.NudgeListView.as_view(), name="api-program-nudges"),
]
