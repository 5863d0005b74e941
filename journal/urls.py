"""Page URLs of the journal app."""

from django.urls import path

from journal import views

urlpatterns = [
    # The mentor's and mentee's goals and notes
    path("journal/", views.my_journal, name="my-journal"),
    path("journal/mentorships/<int:pk>/", views.journal_page, name="journal-mentorship"),
    path("journal/mentorships/<int:pk>/goals/", views.goal_create, name="goal-create"),
    path("journal/mentorships/<int:pk>/notes/", views.note_create, name="note-create"),
    path("journal/goals/<int:pk>/edit/", views.goal_edit, name="goal-edit"),
    path("journal/goals/<int:pk>/status/", views.goal_status, name="goal-status"),
    path("journal/goals/<int:pk>/delete/", views.goal_delete, name="goal-delete"),
    path("journal/notes/<int:pk>/edit/", views.note_edit, name="note-edit"),
    path("journal/notes/<int:pk>/delete/", views.note_delete, name="note-delete"),
    path("journal/surveys/<int:pk>/", views.survey_answer_page, name="survey-answer"),
    # HR admins
    path("programs/<int:pk>/journal/", views.program_journal, name="program-journal"),
    path("programs/<int:pk>/close/", views.program_close, name="program-close"),
    path("programs/<int:pk>/closing-survey.csv", views.survey_export, name="program-survey-export"),
]
