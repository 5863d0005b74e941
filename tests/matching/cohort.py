"""A small, readable cohort for the matching app's tests: people with complete profiles."""

from __future__ import annotations

import datetime as dt

from mentoring.models import Participant, Program
from tests.mentoring.factories import ParticipantFactory

SKILLS = ["SQL", "Public speaking", "Negotiation", "Hiring", "Python", "Roadmaps"]


def mentee(program: Program, n: int, **extra) -> Participant:
    """Mentee number ``n``; ``extra`` overrides any field."""
    fields = {
        "program": program,
        "role": Participant.Role.MENTEE,
        "status": Participant.Status.ACTIVE,
        "email": f"mentee{n}@acme.test",
        "full_name": f"Mentee {n:02d}",
        "seniority": 1 + n % 2,
        "department": ["sales", "data", "people"][n % 3],
        "goals": ["learn sql and analytics", "improve my public speaking", "negotiate salary and hiring"][n % 3],
        "skills_wanted": [SKILLS[n % 6], SKILLS[(n + 1) % 6]],
        "work_start": dt.time(9),
        "work_end": dt.time(17),
        "work_days": [0, 1, 2, 3, 4],
    }
    return ParticipantFactory(**(fields | extra))


def mentor(program: Program, n: int, capacity: int = 2, **extra) -> Participant:
    """Mentor number ``n``; ``extra`` overrides any field."""
    fields = {
        "program": program,
        "role": Participant.Role.MENTOR,
        "status": Participant.Status.ACTIVE,
        "email": f"mentor{n}@acme.test",
        "full_name": f"Mentor {n:02d}",
        "seniority": 4,
        "department": ["engineering", "finance", "legal"][n % 3],
        "expertise": ["sql analytics and data", "public speaking and storytelling", "negotiation and hiring"][n % 3],
        "skills_offered": [SKILLS[(2 * n) % 6], SKILLS[(2 * n + 1) % 6], SKILLS[(2 * n + 2) % 6]],
        "capacity": capacity,
        "work_start": dt.time(8),
        "work_end": dt.time(16),
        "work_days": [0, 1, 2, 3, 4],
    }
    return ParticipantFactory(**(fields | extra))


def cohort(program: Program, mentees: int = 6, mentors: int = 3, capacity: int = 2):
    return [mentee(program, i) for i in range(mentees)], [mentor(program, i, capacity) for i in range(mentors)]
