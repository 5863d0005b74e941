"""API routes of the journal app, mounted under /api/."""

from django.urls import path

from journal import api

urlpatterns = [
    path("mentorships/<int:pk>/goals/", api.MentorshipGoalsView.as_view(), name="api-mentorship-goals"),
    path("mentorships/<int:pk>/notes/", api.MentorshipNotesView.as_view(), name="api-mentorship-notes"),
    path("goals/<int:pk>/", api.GoalView.as_view(), name="api-goal"),
    path("notes/<int:pk>/", api.NoteView.as_view(), name="api-note"),
    path("programs/<int:pk>/journal/", api.ProgramJournalView.as_view(), name="api-program-journal"),
    path("programs/<int:pk>/close/", api.ProgramCloseView.as_view(), name="api-program-close"),
]
