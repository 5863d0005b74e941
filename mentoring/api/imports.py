"""Bulk import of participants from a CSV file, for HRIS integrations (HR admins only)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from mentoring.csv_import import PROBLEMS_KEPT, human_size, report_problem_count
from mentoring.models import ImportJob, Program
from mentoring.services import imports as services
from turazo.core.api import IsOrganizationAdmin, TenantViewSetMixin
from turazo.core.tenancy import get_for_org


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=f"The CSV, UTF-8 (a BOM is fine), at most {human_size(settings.CSV_IMPORT_MAX_BYTES)} "
        f"({settings.CSV_IMPORT_MAX_BYTES:,} bytes) and {settings.CSV_IMPORT_MAX_ROWS:,} rows. Columns as in "
        "the template; email and role are required. A file over "
        f"{human_size(settings.CSV_IMPORT_INLINE_MAX_BYTES)} is checked in the background (202, status "
        "`checking`)."
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Only check the file and return the report; nothing is stored."
    )
    send_invitations = serializers.BooleanField(
        default=True, help_text="Invite every participant in the file who has no invitation yet."
    )


class ImportProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Line of the file; line 1 is the header.")
    column = serializers.CharField(help_text="The column's header as written in the file; empty for the whole row.")
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    valid = serializers.SerializerMethodField()
    rows = serializers.IntegerField(help_text="Data rows in the file (blank lines are not counted).")
    columns = serializers.ListField(child=serializers.CharField(), help_text="Recognised columns, canonical names.")
    unknown_columns = serializers.ListField(child=serializers.CharField(), help_text="Ignored columns, as written.")
    problems = ImportProblemSerializer(many=True, help_text=f"The first {PROBLEMS_KEPT} problems, in file order.")
    problem_count = serializers.SerializerMethodField(help_text="Every problem, listed or not.")
    creates = serializers.IntegerField()
    updates = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    create_emails = serializers.ListField(child=serializers.EmailField(), help_text="The first 20 to be created.")
    update_emails = serializers.ListField(child=serializers.EmailField(), help_text="The first 20 to be updated.")

    def get_valid(self, report: dict) -> bool:
        return not report_problem_count(report)

    def get_problem_count(self, report: dict) -> int:
        return report_problem_count(report)


class ImportSummarySerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    invited = serializers.IntegerField(help_text="Invitations created (and queued for sending) by this import.")


class ImportJobSerializer(serializers.ModelSerializer):
    program = serializers.PrimaryKeyRelatedField(read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)
    can_retry = serializers.BooleanField(read_only=True, help_text="POST to /retry/ to queue this failed import again.")
    report = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "program",
            "filename",
            "status",
            "send_invitations",
            "total_rows",
            "processed_rows",
            "progress_percent",
            "report",
            "summary",
            "error",
            "can_retry",
            "created_at",
            "queued_at",
            "finished_at",
            "status_url",
        ]
        read_only_fields = fields

    @extend_schema_field(ImportReportSerializer(allow_null=True))
    def get_report(self, job: ImportJob) -> dict | None:
        return ImportReportSerializer(job.report).data if job.report else None  # empty while checking

    @extend_schema_field(ImportSummarySerializer(allow_null=True))
    def get_summary(self, job: ImportJob) -> dict | None:
        return job.summary or None  # empty until the import is done

    def get_status_url(self, job: ImportJob) -> str:
        return self.context["request"].build_absolute_uri(reverse("api-import-detail", args=[job.pk]))


class _ErrorBody(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    problems = ImportProblemSerializer(
        many=True, required=False, help_text=f"The first {PROBLEMS_KEPT} row problems (invalid rows only)."
    )
    problem_count = serializers.IntegerField(required=False, help_text="Every row problem, listed or not.")


class ImportErrorSerializer(serializers.Serializer):
    error = _ErrorBody()


class ProgramImportView(TenantViewSetMixin, generics.GenericAPIView):
    queryset = Program.objects.all()
    permission_classes = [IsOrganizationAdmin]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportRequestSerializer

    @extend_schema(
        operation_id="participants_import",
        summary="Import participants from a CSV file",
        description=(
            "Checks every row (line, column and message for each problem). With `dry_run` the report comes back "
            "and nothing is stored. Otherwise a valid file is queued and applied all-or-nothing in the background: "
            "poll `status_url`. Re-importing a file updates existing participants and never duplicates "
            f"participants or invitations. A file with any problem is rejected whole (400, with the first "
            f"{PROBLEMS_KEPT} problems and `problem_count`).\n\n"
            f"A file over {human_size(settings.CSV_IMPORT_INLINE_MAX_BYTES)} is stored and checked in the "
            "background: the answer is 202 with status `checking`; poll `status_url`. With `dry_run` the job "
            "ends `previewed` with its report (nothing imported; the stored file is deleted after 7 days); "
            "otherwise it goes on to `queued` when the file has no problem, or ends `failed` with the report."
        ),
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            200: OpenApiResponse(ImportReportSerializer, description="dry_run: the report; nothing was stored."),
            202: OpenApiResponse(
                ImportJobSerializer, description="Queued, or a large file being checked: follow status_url."
            ),
            400: OpenApiResponse(
                ImportErrorSerializer,
                description="The file cannot be read (encoding, size, rows, header) or some rows have problems.",
                examples=[
                    OpenApiExample(
                        "A bad row",
                        value={
                            "error": {
                                "code": "validation_failed",
                                "message": "The file has 1 problem; nothing was imported. Fix it in the file and "
                                "upload it again.",
                                "fields": {"file": ["'bob@' is not a valid email address."]},
                                "problems": [
                                    {"line": 999, "column": "email", "message": "'bob@' is not a valid email address."}
                                ],
                                "problem_count": 1,
                            }
                        },
                    )
                ],
            ),
            403: OpenApiResponse(description="Not an HR admin of this organization."),
            404: OpenApiResponse(description="No such program in your organization."),
        },
    )
    def post(self, request: Request, program_id: int) -> Response:
        program = get_for_org(self.get_queryset(), request.organization, pk=program_id)
        body = ImportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        # One byte past the limit is enough for the service to refuse; it is told the real size.
        data = upload.read(settings.CSV_IMPORT_MAX_BYTES + 1)
        file = {"program": program, "uploaded_by": request.user, "filename": upload.name, "data": data}
        if body.validated_data["dry_run"]:
            outcome = services.import_dry_run(**file, size=upload.size)
            if isinstance(outcome, ImportJob):
                return self._accepted(request, outcome)
            return Response(ImportReportSerializer(outcome.report()).data)
        try:
            job = services.import_submit(
                **file, size=upload.size, send_invitations=body.validated_data["send_invitations"]
            )
        except services.ImportInvalid as e:
            error = {
                "code": e.code,
                "message": e.message,
                "fields": e.fields,
                "problems": e.report["problems"],
                "problem_count": report_problem_count(e.report),
            }
            return Response({"error": error}, status=status.HTTP_400_BAD_REQUEST)
        return self._accepted(request, job)

    def _accepted(self, request: Request, job: ImportJob) -> Response:
        return Response(ImportJobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class ImportJobView(TenantViewSetMixin, generics.RetrieveAPIView):
    """One import: status, progress while it runs, the summary when done."""

    queryset = ImportJob.objects.defer("content")
    permission_classes = [IsOrganizationAdmin]
    serializer_class = ImportJobSerializer

    @extend_schema(
        operation_id="imports_retrieve",
        responses={200: ImportJobSerializer, 404: OpenApiResponse(description="No such import in your organization.")},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class ImportJobRetryView(TenantViewSetMixin, generics.GenericAPIView):
    """Queue a failed import again (the same file, checked again against the program)."""

    queryset = ImportJob.objects.defer("content")
    permission_classes = [IsOrganizationAdmin]
    serializer_class = ImportJobSerializer

    @extend_schema(
        operation_id="imports_retry",
        request=None,
        responses={
            202: OpenApiResponse(ImportJobSerializer, description="Queued again (or already queued or running)."),
            404: OpenApiResponse(description="No such import in your organization."),
            409: OpenApiResponse(description="Not a failed import, or its file no longer fits the program."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        job = services.import_retry(job=self.get_object(), actor=request.user)
        return Response(ImportJobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)
