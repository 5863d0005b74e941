"""Page URLs of the scheduling app."""

from django.urls import path

from scheduling.views import admin, availability, personal, sessions

urlpatterns = [
    # Sessions of the signed-in person
    path("sessions/", sessions.session_list, name="session-list"),
    path("sessions/settings/", personal.session_settings, name="session-settings"),
    path("sessions/settings/feed/", personal.calendar_feed_create, name="calendar-feed-create"),
    path("sessions/settings/feed/revoke/", personal.calendar_feed_revoke, name="calendar-feed-revoke"),
    path("mentorships/<int:pk>/book/", sessions.session_book, name="session-book"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session-detail"),
    path("sessions/<int:pk>/reschedule/", sessions.session_reschedule, name="session-reschedule"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session-cancel"),
    path("sessions/<int:pk>/feedback/", sessions.session_feedback, name="session-feedback"),
    path("sessions/<int:pk>/no-show/", sessions.session_no_show, name="session-no-show"),
    path("sessions/<int:pk>/session.ics", sessions.session_ics, name="session-ics"),
    # The private subscription feed (no login: the token is the key)
    path("calendar/<str:token>.ics", personal.calendar_feed, name="calendar-feed"),
    # Availability
    path("availability/", availability.availability_list, name="availability-list"),
    path("participations/<int:pk>/availability/", availability.availability_edit, name="availability-edit"),
    path("participations/<int:pk>/availability/days/", availability.availability_day, name="availability-day"),
    path("participations/<int:pk>/availability/dates/", availability.availability_override, name="availability-date"),
    path(
        "participations/<int:pk>/availability/dates/reset/",
        availability.availability_override_clear,
        name="availability-date-reset",
    ),
    # HR admins
    path("programs/<int:pk>/scheduling/", admin.scheduling_settings, name="scheduling-settings"),
    path("programs/<int:pk>/sessions/", admin.program_sessions, name="program-sessions"),
]
