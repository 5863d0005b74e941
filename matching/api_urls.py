"""API routes of the matching app, mounted under /api/."""

urlpatterns: list = []
