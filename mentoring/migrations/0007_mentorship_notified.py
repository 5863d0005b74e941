from django.db import migrations, models


def mark_already_introduced(apps, schema_editor):
    """Pairs whose "match published" email already went out (the proposal's notified_at)
    count as introduced, so the new introduction is never a second email for them."""
    Mentorship = apps.get_model("mentoring", "Mentorship")
    MatchProposal = apps.get_model("matching", "MatchProposal")
    notified = MatchProposal.objects.filter(mentorship_id=models.OuterRef("pk"), notified_at__isnull=False)
    Mentorship.objects.filter(models.Exists(notified)).update(introduced_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0006_request_settings_and_mentorship_end"),
        ("matching", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="mentorship",
            name="end_notified_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="mentorship",
            name="introduced_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_already_introduced, migrations.RunPython.noop),
    ]
