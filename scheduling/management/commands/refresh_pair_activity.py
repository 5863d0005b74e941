"""Rebuild every mentorship's session activity (the dashboard's quiet pairs and funnel read it).

The session services keep it up to date; run this after changing sessions outside them (a
bulk SQL update, a restored backup)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from scheduling.services.activity import pair_activity_rebuild


class Command(BaseCommand):
    help = "Recompute every mentorship's session activity from its sessions."

    def handle(self, *args, **options) -> None:
        count = pair_activity_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Refreshed the activity of {count} mentorships."))
