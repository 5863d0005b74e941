"""CSV import of participants: upload -> preview -> confirm -> apply in a worker.

Nothing is written to participants until the admin confirms, and the confirmed
import is applied all-or-nothing in one transaction with bulk operations (its
invitations and their emails included: they are outbox jobs of that transaction). The
file is checked again at apply time against the program as it is then, so a
participant added by hand in between cannot make the import half-apply.

Checking a small file takes a fraction of a second and happens in the request.
A file over ``CSV_IMPORT_INLINE_MAX_BYTES`` is stored as a *checking* job and
checked by a worker (``import_preview_complete``), so no upload holds a web
worker for long; the page and the API poll the job until it is *previewed*.

Progress while the transaction runs
-----------------------------------
``processed_rows`` must move while the import's transaction is still open, but
rows written by that transaction are invisible to the page until it commits. On
PostgreSQL the progress is therefore written through a *second* connection in
autocommit mode (``_ProgressWriter``): the page reads the job row as always, no
cache that might not be shared between web and worker processes (the embedded
default uses a per-process memory cache) is involved, and the import's own
connection never touches the job row until its last statement, so the two never
wait on each other's row lock. SQLite allows one writer at a time, so there
(the single-user embedded default) the bar jumps from 0 to 100 % at the end.

A worker that dies
------------------
While it applies, the job holds a lease (``turazo.core.jobs.Lease``): its
``heartbeat_at`` is renewed from a background thread. If the worker dies, the
database rolls the import's transaction back and the periodic ``imports_reap``
marks the job failed ("nothing was imported; press Retry"); ``import_retry``
queues it again. A job given up on while in fact still alive cannot commit
either: its final UPDATE requires status running, and the transaction is
rolled back when it finds otherwise.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Membership, User
from mentoring.csv_import import (
    ParseResult,
    decode_csv,
    parse_participants,
    report_problem_count,
    template_header,
    template_rows,
)
from mentoring.exports import csv_safe
from mentoring.models import ImportJob, Participant, Program, Question, Skill
from mentoring.profiles import FIELDS, profile_completeness
from mentoring.services.invitations import invitation_issue_bulk
from mentoring.services.writable import ProgramClosed, program_writable
from mentoring.signals import participants_changed
from turazo.core.errors import Conflict, PermissionDenied, ValidationFailed
from turazo.core.jobs import (
    QUEUED_GIVE_UP,
    QUEUED_REDISPATCH_AFTER,
    Lease,
    Reaped,
    enqueue_on_commit,
    long_job_key,
    long_jobs_reap,
)
from turazo.core.models import lock_existing

logger = logging.getLogger(__name__)

CREATE_BATCH = 1000
UPDATE_BATCH = 1000
PROFILE_FIELDS = FIELDS  # what an import row may set besides email, role and answers
Status = ImportJob.Status


class ImportInvalid(ValidationFailed):
    """The file parsed, but some rows have problems. Carries the full report."""

    def __init__(self, report: dict[str, Any]):
        count = report_problem_count(report)
        super().__init__(
            ngettext(
                "The file has %(count)s problem; nothing was imported. Fix them in the file and upload it again.",
                "The file has %(count)s problems; nothing was imported. Fix them in the file and upload it again.",
                count,
            )
            % {"count": f"{count:,}"},
            fields={"file": [p["message"] for p in report["problems"][:1]]},
        )
        self.report = report


@dataclass
class ImportContext:
    questions: list[Question]
    known_skills: dict[str, str]
    existing: dict[str, Participant]


def _context(program: Program, *, lock: bool = False) -> ImportContext:
    """Everything the parser needs, in three queries whatever the file's size."""
    participants = Participant.objects.filter(program=program)
    if lock:
        participants = participants.select_for_update()
    return ImportContext(
        questions=list(Question.objects.filter(program=program)),
        known_skills=dict(Skill.objects.for_organization(program.organization).values_list("slug", "name")),
        existing={p.email.lower(): p for p in participants},
    )


def _parse(text: str, ctx: ImportContext) -> ParseResult:
    existing = {
        email: {"role": p.role, "answers": p.answers, **{f: getattr(p, f) for f in PROFILE_FIELDS}}
        for email, p in ctx.existing.items()
    }
    return parse_participants(
        text,
        questions=ctx.questions,
        known_skills=ctx.known_skills,
        existing=existing,
        max_rows=settings.CSV_IMPORT_MAX_ROWS,
    )


# --- Preview -------------------------------------------------------------------------


def import_check(*, program: Program, data: bytes, size: int | None = None) -> tuple[str, ParseResult]:
    """Decode and check a file; writes nothing. Raises ValidationFailed for a file that
    cannot be read at all (encoding, size, rows, header); row problems are in the result.
    ``size`` is the whole upload's size when ``data`` is only its beginning."""
    text = decode_csv(data, max_bytes=settings.CSV_IMPORT_MAX_BYTES, size=size)
    return text, _parse(text, _context(program))


def _checks_inline(*, data: bytes) -> bool:
    """Whether a file is small enough to check within the request."""
    return len(data) <= settings.CSV_IMPORT_INLINE_MAX_BYTES


def import_preview(
    *, program: Program, uploaded_by: User | None, filename: str, data: bytes, size: int | None = None
) -> ImportJob:
    """Store a checked upload as a *previewed* job; a large one is stored as *checking*
    and checked by a worker after commit. Participants are not touched."""
    program_writable(program)
    return _preview(program=program, uploaded_by=uploaded_by, filename=filename, data=data, size=size)


def _preview(
    *,
    program: Program,
    uploaded_by: User | None,
    filename: str,
    data: bytes,
    size: int | None,
    apply_when_valid: bool = False,
    send_invitations: bool = True,
) -> ImportJob:
    text = decode_csv(data, max_bytes=settings.CSV_IMPORT_MAX_BYTES, size=size)
    fields: dict[str, Any] = {
        "organization_id": program.organization_id,
        "program": program,
        "uploaded_by": uploaded_by,
        "filename": (filename or "participants.csv")[:255],
        "content": text,
        "content_sha256": hashlib.sha256(data).hexdigest(),
        "send_invitations": send_invitations,
    }
    if _checks_inline(data=data):
        result = _parse(text, _context(program))
        return ImportJob.objects.create(**fields, total_rows=result.row_count, report=result.report())
    job = ImportJob.objects.create(**fields, status=Status.CHECKING, apply_when_valid=apply_when_valid)
    _enqueue_check(job)
    return job


def _check_key(job: ImportJob) -> str:
    # Not long_job_key(job): that one is the apply's, which the check itself may enqueue.
    return f"{long_job_key(job)}:check"


def _enqueue_check(job: ImportJob) -> None:
    from mentoring.tasks.imports import import_preview_run  # the task module imports this one

    enqueue_on_commit(import_preview_run, job.pk, dedupe_key=_check_key(job))


def import_dry_run(
    *, program: Program, uploaded_by: User, filename: str, data: bytes, size: int | None = None
) -> ParseResult | ImportJob:
    """Check a file for the API without importing it: the result at once for a small
    file (nothing stored), or a *checking* job for a large one, which ends *previewed*."""
    if _checks_inline(data=data):
        return import_check(program=program, data=data, size=size)[1]
    return import_preview(program=program, uploaded_by=uploaded_by, filename=filename, data=data, size=size)


@transaction.atomic
def import_preview_complete(*, job_id: int) -> ImportJob | None:
    """Check a *checking* job's file (the worker, for large files). Safe to run twice:
    the check writes nothing, and only a job still *checking* takes its outcome (one
    conditional UPDATE), so a second run, or one racing the first, changes nothing.

    The job ends *previewed* with its report, or *failed* when the file cannot be read.
    A job uploaded through the API without dry_run (``apply_when_valid``) is confirmed
    at once when the file has no problem, and fails with the report when it has some."""
    job = (
        ImportJob.objects.select_related("program__organization", "uploaded_by")
        .filter(pk=job_id, status=Status.CHECKING)
        .first()
    )
    if job is None:
        return None
    try:
        result = _parse(job.content, _context(job.program))
    except ValidationFailed as e:
        _finish_check(job, status=Status.FAILED, error=e.message, content="")
        return _reloaded(job)
    report = result.report()
    if job.apply_when_valid and not result.ok:
        error = ImportInvalid(report).message
        _finish_check(job, status=Status.FAILED, error=error, report=report, total_rows=result.row_count, content="")
        return _reloaded(job)
    if not _finish_check(job, status=Status.PREVIEWED, report=report, total_rows=result.row_count):
        return None
    if job.apply_when_valid:
        job.refresh_from_db()
        try:
            return import_confirm(job=job, actor=job.uploaded_by, send_invitations=job.send_invitations)
        except PermissionDenied as e:
            _fail_preview(job, e.message)
    return _reloaded(job)


def _finish_check(job: ImportJob, *, status: str, **fields: Any) -> bool:
    now = timezone.now()
    if status == Status.FAILED:
        fields["finished_at"] = now
    return bool(
        ImportJob.objects.filter(pk=job.pk, status=Status.CHECKING).update(status=status, updated_at=now, **fields)
    )


def _fail_preview(job: ImportJob, message: str) -> None:
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk, status=Status.PREVIEWED).update(
        status=Status.FAILED, error=message, content="", finished_at=now, updated_at=now
    )


def _reloaded(job: ImportJob) -> ImportJob:
    job.refresh_from_db()
    return job


def import_template(*, program: Program) -> str:
    """The downloadable template: the header, with the program's question columns, and
    one example row per role. Cells are formula-safe (question choices are typed by admins)."""
    questions = list(Question.objects.filter(program=program))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_safe(c) for c in template_header(questions)])
    writer.writerows([csv_safe(c) for c in row] for row in template_rows(questions))
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read the file as UTF-8


# --- Confirm -------------------------------------------------------------------------


def _require_admin(job: ImportJob, actor: User, action: str) -> None:
    if not Membership.objects.filter(user=actor, organization_id=job.organization_id, is_admin=True).exists():
        raise PermissionDenied(
            _("Only HR admins of this organization can confirm an import.")
            if action == "confirm"
            else _("Only HR admins of this organization can retry an import.")
        )


def _enqueue(job: ImportJob) -> None:
    from mentoring.tasks.imports import import_run  # the task module imports this one

    enqueue_on_commit(import_run, job.pk, dedupe_key=long_job_key(job))


IMPORT_GONE = gettext_lazy(
    "This import was deleted meanwhile (with its program, or as an old preview); upload the file again."
)


@transaction.atomic
def import_confirm(*, job: ImportJob, actor: User, send_invitations: bool = True) -> ImportJob:
    """Queue a valid previewed import; the worker applies it after this transaction commits.

    The job is read again under a lock, so what is confirmed is the preview as it is now:
    a ``job`` read while its file was still being checked cannot slip through."""
    program_writable(job.program)
    _require_admin(job, actor, "confirm")
    current = lock_existing(ImportJob.objects.defer("content"), pk=job.pk, gone=IMPORT_GONE)
    if current.status == Status.CHECKING:
        raise Conflict(_("The file is still being checked; confirm it once the preview is ready."))
    if report_problem_count(current.report):
        raise ImportInvalid(current.report)
    if current.status != Status.PREVIEWED:
        raise Conflict(
            _("This import was already confirmed (it is %(status)s).")
            % {"status": current.get_status_display().lower()}
        )
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        status=Status.QUEUED, send_invitations=send_invitations, queued_at=now, updated_at=now
    )
    _enqueue(current)
    job.refresh_from_db()
    return job


@transaction.atomic
def import_retry(*, job: ImportJob, actor: User) -> ImportJob:
    """Queue a failed import again, as confirmed (same file, same invitation choice).

    Idempotent: a job already queued or running again is returned as it is, so a
    double click or a retried API call queues one run. A job whose file no longer
    fits the program (people changed since the preview) cannot be retried: the
    file must be fixed and uploaded again."""
    program_writable(job.program)
    _require_admin(job, actor, "retry")
    locked = lock_existing(ImportJob.objects.defer("content"), pk=job.pk, gone=IMPORT_GONE)
    if locked.status in (Status.QUEUED, Status.RUNNING):
        return locked  # retried already: nothing more to queue
    if locked.status != Status.FAILED:
        raise Conflict(
            _("Only a failed import can be retried; this one is %(status)s.")
            % {"status": locked.get_status_display().lower()},
            code="not_retryable",
        )
    if not locked.can_retry or not ImportJob.objects.filter(pk=job.pk).exclude(content="").exists():
        raise Conflict(
            ngettext(
                "This import cannot be retried: the file no longer fits the program "
                "(%(count)s problem listed). Fix the file and upload it again.",
                "This import cannot be retried: the file no longer fits the program "
                "(%(count)s problems listed). Fix the file and upload it again.",
                locked.problem_count,
            )
            % {"count": f"{locked.problem_count:,}"},
            code="not_retryable",
        )
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk, status=Status.FAILED).update(
        status=Status.QUEUED,
        error="",
        processed_rows=0,
        queued_at=now,
        started_at=None,
        heartbeat_at=None,
        finished_at=None,
        updated_at=now,
    )
    _enqueue(locked)
    return ImportJob.objects.defer("content").get(pk=job.pk)


@transaction.atomic
def import_submit(
    *,
    program: Program,
    uploaded_by: User,
    filename: str,
    data: bytes,
    size: int | None = None,
    send_invitations: bool = True,
) -> ImportJob:
    """Preview and confirm in one step (the API): a file with problems stores nothing.
    A large file is stored *checking*; the worker confirms it if it has no problem."""
    program_writable(program)
    job = _preview(
        program=program,
        uploaded_by=uploaded_by,
        filename=filename,
        data=data,
        size=size,
        apply_when_valid=True,
        send_invitations=send_invitations,
    )
    if job.status == Status.CHECKING:
        return job
    if report_problem_count(job.report):
        transaction.set_rollback(True)
        raise ImportInvalid(job.report)
    return import_confirm(job=job, actor=uploaded_by, send_invitations=send_invitations)


# --- Apply (the worker) ---------------------------------------------------------------


class _ProgressWriter:
    """Writes ``processed_rows`` through its own autocommit connection (see module docstring)."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.connection = None
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, processed: int) -> None:
        if self.connection is None:
            return
        table = self.connection.ops.quote_name(ImportJob._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET processed_rows = %s WHERE id = %s AND status = %s",  # noqa: S608 (table name is ours)
                [processed, self.job_id, Status.RUNNING],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def import_apply(*, job_id: int, progress: Callable[[int], None] | None = None) -> ImportJob | None:
    """Apply a confirmed import in one transaction. Safe to run twice: only a job still
    previewed or queued is claimed (one conditional UPDATE); any other state is a no-op."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status__in=[Status.PREVIEWED, Status.QUEUED]).update(
        status=Status.RUNNING, processed_rows=0, error="", started_at=now, heartbeat_at=now, updated_at=now
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("program__organization", "uploaded_by").get(pk=job_id)
    writer = _ProgressWriter(job.pk)
    try:
        with Lease(ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING)), transaction.atomic():
            _apply(job, progress or writer)
    except _GivenUp:
        logger.warning("Import %s was given up on while it ran; its transaction was rolled back", job.pk)
    except ImportInvalid as e:
        _fail(job, _("The participants changed since the preview; nothing was imported."), report=e.report)
    except ProgramClosed as e:
        _fail(job, _("%(message)s Nothing was imported.") % {"message": e.message})
    except Exception:
        logger.exception("Import %s failed", job.pk)
        _fail(job, _("The import failed unexpectedly; nothing was imported. Press Retry, or contact support."))
    finally:
        writer.close()
    job.refresh_from_db()
    return job


class _GivenUp(Exception):
    """The job stopped being 'running' under us (the reaper failed it): roll back."""


def _fail(job: ImportJob, message: str, *, report: dict[str, Any] | None = None) -> None:
    fields: dict[str, Any] = {"status": Status.FAILED, "error": message, "finished_at": timezone.now()}
    if report is not None:
        fields["report"] = report
    ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(**fields, updated_at=timezone.now())


def _apply(job: ImportJob, progress: Callable[[int], None]) -> None:
    program = job.program
    locked = Program.objects.select_for_update().filter(pk=program.pk).first()  # one import per program at a time
    program_writable(locked or program)  # closed since the import was confirmed
    ctx = _context(program, lock=True)
    result = _parse(job.content, ctx)
    if not result.ok:
        raise ImportInvalid(result.report())

    now = timezone.now()
    done = 0
    created: list[Participant] = []
    for row in (r for r in result.rows if r.action == "create"):
        participant = Participant(
            organization_id=program.organization_id,
            program=program,
            email=row.email,
            role=row.role,
            answers=row.answers,
            **row.values,
        )
        participant.completeness = profile_completeness(participant, questions=ctx.questions)
        created.append(participant)
    for start in range(0, len(created), CREATE_BATCH):
        Participant.objects.bulk_create(created[start : start + CREATE_BATCH])
        done += len(created[start : start + CREATE_BATCH])
        progress(done)

    updated: list[Participant] = []
    update_fields = {"answers", "completeness", "updated_at"}
    for row in (r for r in result.rows if r.action == "update"):
        participant = ctx.existing[row.email]
        for name, value in row.values.items():
            setattr(participant, name, value)
        participant.answers = {**participant.answers, **row.answers}
        participant.completeness = profile_completeness(participant, questions=ctx.questions)
        participant.updated_at = now
        update_fields.update(row.values)
        updated.append(participant)
    for start in range(0, len(updated), UPDATE_BATCH):
        batch = updated[start : start + UPDATE_BATCH]
        _update_in_bulk(batch, sorted(update_fields))
        done += len(batch)
        progress(done)

    unchanged = [ctx.existing[r.email] for r in result.rows if r.action == "unchanged"]
    done += len(unchanged)
    progress(done)

    if created or updated:
        # Bulk writes send no post_save: say so explicitly (matching refreshes its suggestions).
        participants_changed.send(sender=Participant, program_id=job.program_id)

    invited: Sequence = []
    if job.send_invitations:
        invited = invitation_issue_bulk(participants=[*created, *updated, *unchanged], invited_by=job.uploaded_by)

    finished = ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        status=Status.DONE,
        processed_rows=done,
        total_rows=result.row_count,
        content="",  # kept only until applied
        summary={
            "created": len(created),
            "updated": len(updated),
            "unchanged": len(unchanged),
            "invited": len(invited),
        },
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if not finished:
        raise _GivenUp()  # the page already says nothing was imported: make it true


def _update_in_bulk(participants: Sequence[Participant], fields: Sequence[str]) -> None:
    """Write ``fields`` of every participant: one ``WITH v AS (VALUES ...) UPDATE ... FROM v``
    statement per batch the database accepts, whatever the number of fields.

    Django's ``bulk_update`` builds a ``CASE WHEN id = ... THEN ...`` expression per
    field and row: compiling those took 160 s for 20,000 rows (the insert of the same
    rows takes a tenth of that), and the database walks every CASE for every row."""
    model = Participant
    pk = model._meta.pk
    columns = [pk, *(model._meta.get_field(name) for name in fields)]
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # VALUES has no column types: say them, or a column of NULLs would be text.
        placeholder = "(" + ", ".join(f"%s::{c.db_type(connection)}" for c in columns) + ")"
    else:
        placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    table = qn(model._meta.db_table)
    names = ", ".join(qn(c.column) for c in columns)
    assignments = ", ".join(f"{qn(c.column)} = v.{qn(c.column)}" for c in columns[1:])
    size = connection.ops.bulk_batch_size(columns, participants) or len(participants)
    with connection.cursor() as cursor:
        for start in range(0, len(participants), size):
            batch = participants[start : start + size]
            values = ", ".join([placeholder] * len(batch))
            params = [c.get_db_prep_save(getattr(p, c.attname), connection) for p in batch for c in columns]
            cursor.execute(
                f"WITH v ({names}) AS (VALUES {values}) "  # noqa: S608 (names are ours, values are parameters)
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{qn(pk.column)} = v.{qn(pk.column)}",
                params,
            )


STALE_PREVIEW_AGE = datetime.timedelta(days=7)


def imports_purge_stale(*, now: datetime.datetime | None = None) -> int:
    """Delete previews nobody confirmed within a week (and checks that never finished):
    they hold a whole uploaded file (people's names and emails) that nothing will ever
    use. Returns how many."""
    cutoff = (now or timezone.now()) - STALE_PREVIEW_AGE
    deleted, _ = ImportJob.objects.filter(
        status__in=[Status.PREVIEWED, Status.CHECKING], created_at__lt=cutoff
    ).delete()
    return deleted


# --- Jobs whose worker died ------------------------------------------------------------


def _abandoned_message(job: ImportJob) -> str:
    rows = {"row": f"{job.processed_rows:,}", "total": f"{job.total_rows:,}"}
    if job.processed_rows:
        return (
            _(
                "The background worker stopped while importing row %(row)s of %(total)s. Nothing was imported; press Retry."
            )
            % rows
        )
    return (
        _(
            "The background worker stopped before the first of %(total)s rows was imported. Nothing was imported; "
            "press Retry."
        )
        % rows
    )


def _unclaimed_message(job: ImportJob) -> str:
    return _(
        "No background worker started this import within %(minutes)s minutes, so it was "
        "stopped; nothing was imported. Check that the worker is running (an administrator "
        "can see it on /health/), then press Retry."
    ) % {"minutes": f"{QUEUED_GIVE_UP.total_seconds() / 60:g}"}


def imports_reap(*, now: datetime.datetime | None = None) -> Reaped:
    """Fail imports whose worker died mid-apply (their lease ran out) and those no
    worker picked up; publish again the ones still waiting. See ``long_jobs_reap``.
    Checks of large files are looked after the same way, by ``updated_at``."""
    now = now or timezone.now()
    reaped = long_jobs_reap(
        model=ImportJob,
        task="mentoring.import_run",
        abandoned_message=_abandoned_message,
        unclaimed_message=_unclaimed_message,
        now=now,
    )
    _checks_reap(now, reaped)
    return reaped


def _unchecked_message() -> str:
    return _(
        "No background worker checked this file within %(minutes)s minutes, so it was "
        "stopped; nothing was imported. Check that the worker is running (an administrator "
        "can see it on /health/), then upload the file again."
    ) % {"minutes": f"{QUEUED_GIVE_UP.total_seconds() / 60:g}"}


def _checks_reap(now: datetime.datetime, reaped: Reaped) -> None:
    """A check needs no lease: it writes nothing until its last statement, so running it
    again is always safe. A check still waiting after QUEUED_REDISPATCH_AFTER (its message
    lost, or its worker died) is published again; after QUEUED_GIVE_UP it fails, and its
    file is dropped."""
    with transaction.atomic():
        waiting = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .defer("content")
            .filter(status=Status.CHECKING, updated_at__lt=now - QUEUED_REDISPATCH_AFTER)
        )
        for job in waiting:
            if job.updated_at >= now - QUEUED_GIVE_UP:
                _enqueue_check(job)
                reaped.redispatched.append(job.pk)
            elif ImportJob.objects.filter(pk=job.pk, status=Status.CHECKING).update(
                status=Status.FAILED, error=_unchecked_message(), content="", finished_at=now, updated_at=now
            ):
                reaped.unclaimed.append(job.pk)
