from __future__ import annotations

import factory

from journal.models import Goal, Note


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    mentorship = None
    organization = factory.LazyAttribute(lambda o: o.mentorship.organization)
    title = factory.Sequence(lambda n: f"Goal {n}")
    created_by = factory.LazyAttribute(lambda o: o.mentorship.mentee.user)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    mentorship = None
    organization = factory.LazyAttribute(lambda o: o.mentorship.organization)
    author = factory.LazyAttribute(lambda o: o.mentorship.mentee.user)
    visibility = Note.Visibility.SHARED
    body = factory.Sequence(lambda n: f"Note body {n}")
