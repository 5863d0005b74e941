"""Page URLs of the matching app."""

from django.urls import path

from matching import mentorship_views, request_views, views

urlpatterns = [
    path("programs/<int:pk>/matching/", views.matching_settings, name="matching-settings"),
    path("programs/<int:pk>/matching/runs/", views.matchrun_list, name="matchrun-list"),
    path("programs/<int:pk>/matching/rules/<int:rule_id>/delete/", views.pair_rule_delete, name="pairrule-delete"),
    path("matching/runs/<int:run_id>/", views.matchrun_detail, name="matchrun-detail"),
    path("matching/runs/<int:run_id>/cancel/", views.matchrun_cancel, name="matchrun-cancel"),
    path("matching/runs/<int:run_id>/rerun/", views.matchrun_rerun, name="matchrun-rerun"),
    path("matching/runs/<int:run_id>/retry/", views.matchrun_retry, name="matchrun-retry"),
    path("matching/runs/<int:run_id>/publish/", views.matchrun_publish, name="matchrun-publish"),
    path("matching/runs/<int:run_id>/proposals/<int:proposal_id>/pin/", views.proposal_pin, name="proposal-pin"),
    path(
        "matching/runs/<int:run_id>/proposals/<int:proposal_id>/forbid/", views.proposal_forbid, name="proposal-forbid"
    ),
    path("matching/runs/<int:run_id>/proposals/<int:proposal_id>/swap/", views.proposal_swap, name="proposal-swap"),
    path("matching/compare/", views.matchrun_compare, name="matchrun-compare"),
    path("me/suggestions/", views.my_suggestions, name="my-suggestions"),
    # Mentorships: the HR admin's pages of a program, and a participant ending theirs
    path("programs/<int:pk>/mentorships/", mentorship_views.program_mentorships, name="program-mentorships"),
    path(
        "programs/<int:pk>/mentorships/export.csv",
        mentorship_views.program_mentorships_export,
        name="program-mentorships-export",
    ),
    path("programs/<int:pk>/mentorships/add/", mentorship_views.program_mentorship_add, name="program-mentorship-add"),
    path(
        "programs/<int:pk>/mentorships/<int:mentorship_id>/end/",
        mentorship_views.program_mentorship_end,
        name="program-mentorship-end",
    ),
    path("programs/<int:pk>/requests/", mentorship_views.program_requests, name="program-requests"),
    path("mentorships/<int:pk>/end/", mentorship_views.mentorship_end, name="mentorship-end"),
    # Mentorship requests (matching/request_views.py)
    path("programs/<int:pk>/mentors/", request_views.mentor_directory, name="mentor-directory"),
    path("me/requests/", request_views.my_requests, name="my-requests"),
    path("me/requests/new/", request_views.request_create, name="request-create"),
    path("me/requests/<int:pk>/withdraw/", request_views.request_withdraw, name="request-withdraw"),
    path("requests/", request_views.requests_inbox, name="requests-inbox"),
    path("requests/<int:pk>/", request_views.request_detail, name="request-detail"),
    path("requests/<int:pk>/accept/", request_views.request_accept, name="request-accept"),
    path("requests/<int:pk>/decline/", request_views.request_decline, name="request-decline"),
]
