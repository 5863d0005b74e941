"""Seed the embedded default with a demo organization people can click through.

Idempotent: running it again leaves an existing demo untouched. It lives in the top app
(insights) because it fills every layer: programs, matches, requests, sessions, feedback.
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
ACTIVE_PROGRAM = "2026 Leadership Circle"

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

# The running program's people: a title and skills that fit the department they drew (no new
# draws from the seeded random stream, so nobody's name, zone or sessions changed).
COACH_BY_DEPARTMENT = {
    "Engineering": ("Engineering Director", ["System design", "Cloud architecture", "Hiring", "Giving feedback"]),
    "Product": ("VP Product", ["Product strategy", "UX research", "Stakeholder management", "Writing"]),
    "Design": ("Design Director", ["UX research", "Public speaking", "Giving feedback", "Writing"]),
    "Sales": ("Head of Sales", ["Negotiation", "Sales forecasting", "Public speaking", "Stakeholder management"]),
    "Customer Success": ("Head of Customer Success", ["Stakeholder management", "Negotiation", "Time management", "Career growth"]),
    "Finance": ("Finance Director", ["Budgeting", "Data visualisation", "SQL", "Stakeholder management"]),
    "People": ("Head of People", ["Leadership", "Hiring", "Giving feedback", "Career growth"]),
}  # fmt: skip
LEARNER_BY_DEPARTMENT = {
    "Engineering": "Senior Engineer", "Product": "Product Manager", "Design": "Product Designer",
    "Sales": "Account Executive", "Customer Success": "Customer Success Lead", "Finance": "Financial Analyst",
    "People": "People Partner",
}  # fmt: skip


def _learner_skills(n: int, offered: list[str]) -> list[str]:
    """Learner ``n`` wants two skills their coach offers and one the coach does not."""
    other = next(s for s in SKILLS[n % len(SKILLS) :] + SKILLS if s not in offered)
    return [offered[n % 2], offered[2 + n % 2], other]


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
        self.stdout.write("  Mentee   : mentee1@northwind.example … mentee30@northwind.example")
        self.stdout.write(f"  Running program ({ACTIVE_PROGRAM}): coach1…6 and learner1…14 @northwind.example\n")

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

        self._seed_active(org, admin, rng)

    def _seed_active(self, org: Organization, admin: User, rng: random.Random) -> None:
        """A program that started seven weeks ago, so the program dashboard has a life: pairs
        with held, cancelled and no-show sessions and feedback, a few quiet pairs, pending and
        answered requests, people with unfinished profiles. Its own people (coach1…6,
        learner1…14), so the enrolling program above stays as its tour describes it."""
        from matching.models import MentorshipRequest
        from mentoring.models import Mentorship
        from scheduling.models import Feedback, Session, SessionAttendance
        from scheduling.services.activity import pair_activity_refresh

        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        program = Program.objects.create(
            organization=org, name=ACTIVE_PROGRAM, status=Program.Status.ACTIVE, default_capacity=3,
            description="Fortnightly conversations between team leads and people stepping into leadership.",
            start_date=(now - dt.timedelta(weeks=7)).date(), end_date=(now + dt.timedelta(weeks=19)).date(),
            created_by=admin,
        )  # fmt: skip
        people = {}
        for role, prefix, count in (("mentor", "coach", 6), ("mentee", "learner", 14)):
            for n in range(1, count + 1):
                email = f"{prefix}{n}@northwind.example"
                user = self._user(email, f"{rng.choice(FIRST)} {rng.choice(LAST)}")
                Membership.objects.create(user=user, organization=org)
                zone, department = rng.choice(ZONES), rng.choice(DEPARTMENTS)  # this order: the stream stays
                title, offered, wanted = "", [], []
                if role == "mentor":
                    title, offered = COACH_BY_DEPARTMENT[department]
                else:  # coach (n - 1) % 6 + 1 will be their mentor (below)
                    title = LEARNER_BY_DEPARTMENT[department]
                    wanted = _learner_skills(n, people[f"coach{(n - 1) % 6 + 1}@northwind.example"].skills_offered)
                people[email] = Participant.objects.create(
                    organization=org, program=program, user=user, email=email, role=role,
                    status=Participant.Status.ACTIVE, full_name=user.full_name, timezone=zone, department=department,
                    languages=["english"], job_title=title, skills_offered=offered, skills_wanted=wanted,
                    completeness=60 if (role, n) in (("mentee", 13), ("mentee", 14)) else 100,
                )  # fmt: skip
        coaches = [people[f"coach{n}@northwind.example"] for n in range(1, 7)]
        sessions, feedback_for = [], []
        for n in range(1, 13):  # learners 13 and 14 are unmatched, their profiles unfinished
            mentee = people[f"learner{n}@northwind.example"]
            mentor = coaches[(n - 1) % 6]
            recent = n == 12  # matched ten days ago, no session yet
            started = now - dt.timedelta(days=10 if recent else 45 + n % 4)
            shared = [s for s in mentee.skills_wanted if s in mentor.skills_offered]
            reasons = [f"{len(shared)} of {len(mentee.skills_wanted)} wanted skills: {', '.join(shared)}"]
            if mentee.department != mentor.department:
                reasons.append("different departments")
            pair = Mentorship.objects.create(
                organization=org, program=program, mentor=mentor, mentee=mentee, source=Mentorship.Source.MATCHING,
                score=round(rng.uniform(55, 95), 1), explanation=" · ".join(reasons),
            )  # fmt: skip
            Mentorship.objects.filter(pk=pair.pk).update(created_at=started)
            if recent:
                continue
            quiet = n in (3, 7, 10)  # one early session, then nothing: the quiet pairs
            # Fortnightly, half the pairs a week apart from the other half, so every week has
            # sessions up to this one; weeks_ago 0 is the next session, booked for next week.
            weeks = [6] if quiet else ([6, 4, 2, 0] if n % 2 else [5, 3, 1, 0])
            for i, weeks_ago in enumerate(weeks):
                # A coach's two mentees meet at different hours, so nobody is ever in two sessions at
                # once; in working hours on a weekday, as people book them.
                start = now - dt.timedelta(weeks=weeks_ago) + dt.timedelta(days=(n % 5) - 3)
                if weeks_ago == 0:
                    start += dt.timedelta(days=7)  # the next session is booked for next week
                start = start.replace(hour=8 + n % 8)
                if start.weekday() >= 5:
                    start += dt.timedelta(days=7 - start.weekday())  # a weekend: the Monday after
                status = Session.Status.SCHEDULED
                if start < now:
                    status = rng.choices(
                        [Session.Status.COMPLETED, Session.Status.CANCELLED, Session.Status.NO_SHOW], weights=[8, 1, 1]
                    )[0]
                booked = start - dt.timedelta(days=5)
                session = Session(
                    organization=org, program=program, mentorship=pair, mentor=mentor, mentee=mentee, start=start,
                    end=start + dt.timedelta(minutes=program.session_length_minutes), status=status,
                    video_url=f"https://meet.jit.si/turazo-demo-{pair.pk}-{i}", video_room=f"turazo-demo-{pair.pk}-{i}",
                    calendar_uid=f"demo-{pair.pk}-{i}@turazo.local", booked_by=mentee.user,
                    cancelled_at=booked + dt.timedelta(days=2) if status == Session.Status.CANCELLED else None,
                    cancel_reason="A customer visit came up." if status == Session.Status.CANCELLED else "",
                    no_show_role="mentor" if status == Session.Status.NO_SHOW else "",
                    completed_at=start + dt.timedelta(minutes=45) if status == Session.Status.COMPLETED else None,
                )  # fmt: skip
                sessions.append((session, booked))
        for session, booked in sessions:
            session.save()
            Session.objects.filter(pk=session.pk).update(created_at=booked)
            if session.status == Session.Status.SCHEDULED:
                for role, person in (("mentor", session.mentor), ("mentee", session.mentee)):
                    SessionAttendance.objects.create(
                        organization=org, session=session, user=person.user, participant=person, role=role,
                        starts_at=session.start, ends_at=session.end, notified_sequence=0,
                    )  # fmt: skip
            if session.status == Session.Status.COMPLETED:
                feedback_for.append(session)
        pair_activity_refresh({session.mentorship_id for session, _ in sessions})  # booking times moved above
        comments = [
            "We worked through my first team retro; I have a plan for the next one.",
            "Great questions that made me rethink how I give feedback.",
            "Useful, if a little short on time.",
            "",
            "",
        ]
        for session in feedback_for:
            for role, person in (("mentee", session.mentee), ("mentor", session.mentor)):
                if rng.random() < 0.3:
                    continue
                given = Feedback.objects.create(
                    organization=org, session=session, author=person.user, role=role, rating=rng.choice([3, 4, 4, 5, 5]),
                    comment=rng.choice(comments) if role == "mentee" else "", shared=rng.random() < 0.5,
                )  # fmt: skip
                Feedback.objects.filter(pk=given.pk).update(
                    created_at=session.end + dt.timedelta(hours=rng.randint(1, 30))
                )
        asked = [("learner13", "coach2", "pending", 3), ("learner14", "coach4", "pending", 1),
                 ("learner12", "coach6", "accepted", 11), ("learner11", "coach1", "declined", 40)]  # fmt: skip
        for mentee, mentor, status, days_ago in asked:
            created = now - dt.timedelta(days=days_ago)
            request = MentorshipRequest.objects.create(
                organization=org, program=program, mentee=people[f"{mentee}@northwind.example"],
                mentor=people[f"{mentor}@northwind.example"], status=status, expires_at=created + dt.timedelta(days=7),
                answered_at=None if status == "pending" else created + dt.timedelta(hours=rng.randint(5, 60)),
                message="I'd love to learn how you run your one-to-ones.",
            )  # fmt: skip
            MentorshipRequest.objects.filter(pk=request.pk).update(created_at=created)

    def _user(self, email: str, name: str) -> User:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user
