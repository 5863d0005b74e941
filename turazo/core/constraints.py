"""Database constraints that only PostgreSQL can enforce, declared once on the model.

``PostgresExclusionConstraint`` is Django's ``ExclusionConstraint`` that writes no SQL on
other databases. The embedded default (SQLite) then creates and remakes tables without it,
and the services that rely on it re-check inside a transaction there; the guarantee under
concurrency is PostgreSQL's (see docs/guide-sessions.md).
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField
from django.db.models import Func


class TsTzRange(Func):
    """``tstzrange(start, end, bounds)`` over two datetime columns (half-open by default)."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def _postgres(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class PostgresExclusionConstraint(ExclusionConstraint):
    def constraint_sql(self, model, schema_editor):
        return super().constraint_sql(model, schema_editor) if _postgres(schema_editor) else None

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if _postgres(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if _postgres(schema_editor) else None

    def validate(self, model, instance, exclude=None, using="default"):
        from django.db import connections

        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)
