"""Seed the embedded default with a demo organization people can click through.

Idempotent: running it again leaves an existing demo untouched.
"""

from __future__ import annotations

import datetime as dt
import random

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization, User
from mentoring.models import Invitation, Participant, Program, Question, Skill
from mentoring.profiles import profile_completeness, skill_slug
from mentoring.services.invitations import token_new

DEMO_SLUG = "northwind-demo"
DEMO_PASSWORD = "turazo-demo-2026"  # noqa: S105 - demo accounts of the embedded default only
ADMIN_EMAIL = "hr@northwind.example"

FIRST = [
    "Ana",
    "Bruno",
    "Chen",
    "Dara",
    "Elif",
    "Farah",
    "Gustavo",
    "Hana",
    "Ivan",
    "Jonas",
    "Kiri",
    "Lena",
    "Marco",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rafael",
    "Sofia",
    "Tomas",
    "Uma",
    "Vera",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aiko",
    "Ben",
    "Carla",
    "Dev",
    "Emeka",
    "Fatima",
    "Goran",
    "Hugo",
    "Ines",
    "Jae",
]
LAST = [
    "Almeida",
    "Berg",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Mendes",
    "Novak",
    "Okafor",
    "Petrov",
    "Quispe",
    "Rossi",
    "Silva",
    "Tanaka",
    "Urban",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhou",
]
DEPARTMENTS = ["Engineering", "Product", "Design", "Sales", "Customer Success", "Finance", "People"]
ZONES = [
    "Europe/Lisbon",
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Europe/London",
]
LANGS = [
    ["english"],
    ["english", "portuguese"],
    ["english", "german"],
    ["english", "spanish"],
    ["english", "french"],
    ["portuguese"],
]
SKILLS = [
    "SQL",
    "Public speaking",
    "Negotiation",
    "Hiring",
    "Python",
    "Product strategy",
    "Stakeholder management",
    "Data visualisation",
    "System design",
    "Career growth",
    "Giving feedback",
    "Budgeting",
    "UX research",
    "Leadership",
    "Time management",
    "Sales forecasting",
    "Cloud architecture",
    "Writing",
]
GOALS = [
    "I want to become a confident presenter and negotiate better with senior stakeholders.",
    "Grow from individual contributor into my first people-manager role; learn hiring and giving feedback.",
    "Get better at SQL and data visualisation so I can answer product questions myself.",
    "Understand system design for large services and prepare for a staff engineer path.",
    "Build a product strategy skill set and learn to say no to the right things.",
    "Improve time management and writing; balance deep work with meetings.",
    "Learn budgeting and forecasting to run my team's numbers without help.",
    "Move from customer success into product management; learn UX research basics.",
]
EXPERTISE = [
    "Fifteen years leading engineering teams; hiring, feedback, career growth and system design.",
    "Sales leader: negotiation, forecasting, stakeholder management and public speaking at conferences.",
    "Analytics lead: SQL, Python, data visualisation, and turning data into product decisions.",
    "Product director: product strategy, prioritisation, UX research and writing clear specs.",
    "Finance partner: budgeting, forecasting, and explaining numbers to non-finance teams.",
    "Cloud architect: system design, reliability and cloud architecture for scale.",
    "People leader: leadership coaching, time management and giving feedback with care.",
]


class Command(BaseCommand):
    help = "Create the demo organization, an HR admin, 12 mentors, 30 mentees and a program."

    def handle(self, *args, **options) -> None:
        if Organization.objects.filter(slug=DEMO_SLUG).exists():
            self.stdout.write("Demo data already present.")
        else:
            self._seed()
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        self.stdout.write(f"  HR admin : {ADMIN_EMAIL}")
        self.stdout.write("  Mentor   : mentor1@northwind.example … mentor12@northwind.example")
        self.stdout.write("  Mentee   : mentee1@northwind.example … mentee30@northwind.example\n")

    @transaction.atomic
    def _seed(self) -> None:
        rng = random.Random(2026)
        org = Organization.objects.create(name="Northwind Labs", slug=DEMO_SLUG)
        admin = self._user(ADMIN_EMAIL, "Helena Ruiz")
        Membership.objects.create(user=admin, organization=org, is_admin=True)
        Skill.objects.bulk_create(Skill(organization=org, name=s, slug=skill_slug(s)) for s in SKILLS)
        today = timezone.localdate()
        program = Program.objects.create(
            organization=org,
            name="2027 Growth Mentoring",
            description="Six months of fortnightly video sessions pairing experienced leaders with people growing into new roles.",
            start_date=today + dt.timedelta(days=7),
            end_date=today + dt.timedelta(days=190),
            status=Program.Status.ENROLLING,
            default_capacity=3,
            created_by=admin,
        )
        Question.objects.create(
            organization=org,
            program=program,
            key="format",
            label="Preferred session style",
            kind=Question.Kind.SINGLE,
            choices=["Structured agenda", "Open conversation"],
            position=1,
        )
        Question.objects.create(
            organization=org,
            program=program,
            key="topics",
            label="Topics you care about",
            kind=Question.Kind.MULTIPLE,
            choices=["Career", "Leadership", "Technical", "Wellbeing"],
            position=2,
        )
        names = [
            f"{f} {last}"
            for f, last in zip(rng.sample(FIRST, len(FIRST)), rng.choices(LAST, k=len(FIRST)), strict=True)
        ]
        people = [("mentor", i + 1, names[i]) for i in range(12)] + [
            ("mentee", i + 1, names[12 + i % 24] + ("" if i < 24 else " Jr")) for i in range(30)
        ]
        for role, n, name in people:
            email = f"{role}{n}@northwind.example"
            user = self._user(email, name)
            Membership.objects.create(user=user, organization=org)
            zone = rng.choice(ZONES)
            start = rng.choice([7, 8, 9, 10])
            p = Participant(
                organization=org,
                program=program,
                user=user,
                email=email,
                role=role,
                status=Participant.Status.ACTIVE,
                full_name=name,
                job_title=rng.choice(
                    ["Engineer", "Designer", "Account Executive", "Analyst", "Product Manager", "Specialist"]
                )
                if role == "mentee"
                else rng.choice(["Director", "Principal Engineer", "VP", "Head of Sales", "Senior Manager"]),
                department=rng.choice(DEPARTMENTS),
                seniority=rng.randint(1, 3) if role == "mentee" else rng.randint(4, 6),
                location=zone.split("/")[1].replace("_", " "),
                timezone=zone,
                languages=rng.choice(LANGS),
                work_start=dt.time(start),
                work_end=dt.time(start + 8),
                work_days=[0, 1, 2, 3, 4],
                answers={
                    "format": [rng.choice(["Structured agenda", "Open conversation"])],
                    "topics": rng.sample(["Career", "Leadership", "Technical", "Wellbeing"], 2),
                },
            )
            if role == "mentee":
                p.goals = rng.choice(GOALS)
                p.skills_wanted = rng.sample(SKILLS, 3)
            else:
                p.expertise = rng.choice(EXPERTISE)
                p.skills_offered = rng.sample(SKILLS, 5)
                p.capacity = rng.choice([2, 3, 3, 4])
            p.completeness = profile_completeness(p, questions=list(program.questions.all()))
            p.save()
            # They joined the way everyone does: through an invitation they accepted, so the
            # invitations page, the CSV and the API tell the same story as the counts.
            sent = timezone.now() - dt.timedelta(days=rng.randint(3, 9), hours=rng.randint(0, 23))
            Invitation.objects.create(
                organization=org,
                participant=p,
                token_hash=token_new()[1],  # the link is long used; nobody has its token
                status=Invitation.Status.ACCEPTED,
                invited_by=admin,
                sent_at=sent,
                expires_at=sent + dt.timedelta(days=14),
                responded_at=sent + dt.timedelta(hours=rng.randint(1, 48)),
                attempts=1,
            )

    def _user(self, email: str, name: str) -> User:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user
