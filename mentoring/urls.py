"""Page URLs of the mentoring app. Each feature keeps its routes in its own block."""

from django.urls import path

from mentoring.views import core, programs

urlpatterns = [
    path("", core.landing, name="landing"),
    path("dashboard/", core.dashboard, name="dashboard"),
    path("organizations/new/", core.organization_create, name="organization-create"),
    path("organizations/switch/", core.organization_switch, name="organization-switch"),
    path("preferences/", core.preferences, name="preferences"),
    # Programs and participants (HR admins)
    path("programs/", programs.program_list, name="program-list"),
    path("programs/new/", programs.program_create, name="program-create"),
    path("programs/<int:pk>/", programs.program_detail, name="program-detail"),
    path("programs/<int:pk>/edit/", programs.program_edit, name="program-edit"),
    path("programs/<int:pk>/status/", programs.program_transition, name="program-transition"),
    path("programs/<int:pk>/participants/", programs.participant_list, name="participant-list"),
    path("programs/<int:pk>/participants/add/", programs.participant_add, name="participant-add"),
    path("programs/<int:pk>/participants/bulk/", programs.participant_bulk, name="participant-bulk"),
    path("programs/<int:pk>/participants/export.csv", programs.participant_export, name="participant-export"),
]
