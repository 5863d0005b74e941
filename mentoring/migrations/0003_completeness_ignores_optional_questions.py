"""Recompute every participant's stored completeness: optional questions no longer count.

The rule is copied here (historical models have no methods, and this migration must keep
doing what it did when mentoring/profiles.py changes); see profile_completeness there."""

from collections import defaultdict

from django.db import migrations

FIELDS = ["full_name", "job_title", "department", "seniority", "timezone", "languages"]


def _filled(value):
    return value not in (None, "", [], {})


def completeness(p, required):
    checks = [getattr(p, f) for f in FIELDS] + [p.work_start and p.work_end]
    checks += [p.goals, p.skills_wanted] if p.role == "mentee" else [p.expertise, p.skills_offered]
    checks += [(p.answers or {}).get(key) for key, audience in required if audience in ("both", p.role)]
    return round(100 * sum(_filled(c) for c in checks) / len(checks))


def recompute(apps, schema_editor):
    Participant = apps.get_model("mentoring", "Participant")
    Question = apps.get_model("mentoring", "Question")
    required = defaultdict(list)
    for program_id, key, audience in Question.objects.filter(required=True).values_list(
        "program_id", "key", "audience"
    ):
        required[program_id].append((key, audience))
    changed = []
    fields = ["pk", "program_id", "role", "answers", "completeness", "work_start", "work_end", "goals",
              "skills_wanted", "expertise", "skills_offered", *FIELDS]
    for p in Participant.objects.only(*fields).order_by("pk").iterator(chunk_size=2000):
        value = completeness(p, required[p.program_id])
        if value != p.completeness:
            p.completeness = value
            changed.append(p)
        if len(changed) >= 2000:
            Participant.objects.bulk_update(changed, ["completeness"], batch_size=500)
            changed = []
    Participant.objects.bulk_update(changed, ["completeness"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0002_importjob_mentorship")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True)]
