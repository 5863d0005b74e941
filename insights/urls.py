"""Page URLs of program health (HR admins)."""

from django.urls import path

from insights import views

urlpatterns = [
    path("programs/health/", views.organization_overview, name="organization-overview"),
    path("programs/<int:pk>/dashboard/", views.program_dashboard, name="program-dashboard"),
    path("programs/<int:pk>/dashboard/export.csv", views.dashboard_csv, name="dashboard-csv"),
    path("programs/<int:pk>/report/", views.program_report, name="program-report"),
    path("programs/<int:pk>/report/export.csv", views.report_csv, name="report-csv"),
    path("programs/<int:pk>/nudges/", views.program_nudges, name="program-nudges"),
]
