"""Page URLs of the mentoring app. Each feature keeps its routes in its own block."""

from django.urls import path

from mentoring.views import core, invitations, programs
from mentoring.views import imports as import_views
from mentoring.views import photos as photo_views
from mentoring.views import profiles as profile_views
from mentoring.views import questions as question_views
from mentoring.views import skills as skill_views

urlpatterns = [
    path("", core.landing, name="landing"),
    path("dashboard/", core.dashboard, name="dashboard"),
    path("organizations/new/", core.organization_create, name="organization-create"),
    path("organizations/switch/", core.organization_switch, name="organization-switch"),
    path("preferences/", core.preferences, name="preferences"),
    # Avatar photos: your own (upload, remove) and the people you can see (served from the database)
    path("me/photo/", photo_views.photo_upload, name="photo-upload"),
    path("me/photo/remove/", photo_views.photo_remove, name="photo-remove"),
    path("people/<int:user_id>/photo/", photo_views.person_photo, name="person-photo"),
    # Programs and participants (HR admins)
    path("programs/", programs.ProgramListView.as_view(), name="program-list"),
    path("programs/new/", programs.program_create, name="program-create"),
    path("programs/<int:pk>/", programs.program_detail, name="program-detail"),
    path("programs/<int:pk>/edit/", programs.program_edit, name="program-edit"),
    path("programs/<int:pk>/status/", programs.program_transition, name="program-transition"),
    path("programs/<int:pk>/participants/", programs.participant_list, name="participant-list"),
    path("programs/<int:pk>/participants/add/", programs.participant_add, name="participant-add"),
    path("programs/<int:pk>/participants/bulk/", programs.participant_bulk, name="participant-bulk"),
    path("programs/<int:pk>/participants/export.csv", programs.participant_export, name="participant-export"),
    # Invitations: the emailed link (by token) and the HR admin's list
    path("invitations/<str:token>/", invitations.invitation_detail, name="invitation-detail"),
    path("invitations/<str:token>/signup/", invitations.invitation_signup, name="invitation-signup"),
    path("programs/<int:pk>/invitations/", invitations.invitation_list, name="invitation-list"),
    path("programs/<int:pk>/invitations/resend-all/", invitations.invitation_resend_all, name="invitation-resend-all"),
    path(
        "programs/<int:pk>/invitations/<int:invitation_pk>/resend/",
        invitations.invitation_resend,
        name="invitation-resend",
    ),
    path(
        "programs/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        invitations.invitation_revoke,
        name="invitation-revoke",
    ),
    # Profiles (participants), program questions and the skill list (HR admins)
    path("me/programs/", profile_views.my_participations, name="my-participations"),
    path("participations/<int:pk>/profile/", profile_views.profile_edit, name="profile-edit"),
    path("programs/<int:pk>/questions/", question_views.question_list, name="question-list"),
    path("programs/<int:pk>/questions/<int:question_pk>/edit/", question_views.question_edit, name="question-edit"),
    path(
        "programs/<int:pk>/questions/<int:question_pk>/delete/", question_views.question_delete, name="question-delete"
    ),
    path("programs/<int:pk>/questions/<int:question_pk>/move/", question_views.question_move, name="question-move"),
    path("skills/", skill_views.skill_list, name="skill-list"),
    path("skills/<int:pk>/edit/", skill_views.skill_edit, name="skill-edit"),
    path("skills/<int:pk>/delete/", skill_views.skill_delete, name="skill-delete"),
    # CSV import of participants (HR admins)
    path("programs/<int:pk>/import/", import_views.import_upload, name="import-upload"),
    path("programs/<int:pk>/import/template.csv", import_views.import_template, name="import-template"),
    path("programs/<int:pk>/import/<int:job_id>/", import_views.import_detail, name="import-detail"),
    path("programs/<int:pk>/import/<int:job_id>/confirm/", import_views.import_confirm, name="import-confirm"),
    path("programs/<int:pk>/import/<int:job_id>/progress/", import_views.import_progress, name="import-progress"),
    path("programs/<int:pk>/import/<int:job_id>/retry/", import_views.import_retry, name="import-retry"),
]
