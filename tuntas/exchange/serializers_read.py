"""What the API answers when a client reads: reports, cases, the directory, statistics.

Text that could carry a reporter's details is redacted (tuntas.exchange.redaction) unless the
report's identity is open and the client's key has the exchange scope; a confidential or
anonymous reporter's identity is never part of any answer.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tuntas.cases.workflow import AgencyState
from tuntas.complaints.codes import format_public_number
from tuntas.complaints.identity import unseal
from tuntas.complaints.models import Channel, IdentityMode, Report
from tuntas.exchange.models import ApiClient
from tuntas.exchange.redaction import redact_text
from tuntas.exchange.selectors import may_read_open_identity


def report_etag(report: Report) -> str:
    """Changes whenever the report or its case changes (both carry a version)."""
    case = getattr(report, "agency_case", None)
    return f'"r{report.version}c{case.version if case is not None else 0}"'


class ReporterOutput(serializers.Serializer):
    name = serializers.CharField()
    nik = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    address = serializers.CharField()


class ReportOutput(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    desired_outcome = serializers.CharField()
    status = serializers.CharField()
    case_state = serializers.CharField(
        allow_null=True, help_text="The agency case's state (see the cases operations)."
    )
    category = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    institution = serializers.CharField()
    unit = serializers.IntegerField(allow_null=True)
    identity_mode = serializers.ChoiceField(choices=IdentityMode.choices)
    visibility = serializers.CharField()
    address = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    submitted_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    due_on = serializers.DateField(allow_null=True)
    version = serializers.CharField(help_text="The ETag of the report.")
    reporter = ReporterOutput(
        allow_null=True,
        help_text="Only for an open (terbuka) identity and a key with the exchange scope.",
    )


def report_data(report: Report, *, client: ApiClient) -> dict[str, Any]:
    case = getattr(report, "agency_case", None)
    identity_row = getattr(report, "identity", None)
    identity = unseal(identity_row.sealed) if identity_row is not None else None
    reveal = (
        report.identity_mode == IdentityMode.OPEN
        and identity is not None
        and may_read_open_identity(client)
    )

    def text(value: str) -> str:
        return value if reveal else redact_text(value, identity=identity)

    return {
        "number": format_public_number(report.public_number),
        "title": text(report.title),
        "description": text(report.description),
        "desired_outcome": text(report.desired_outcome),
        "status": report.status,
        "case_state": case.state if case is not None else None,
        "category": report.category.slug,
        "channel": report.channel,
        "institution": report.institution.slug,
        "unit": report.unit_id,
        "identity_mode": report.identity_mode,
        "visibility": report.visibility,
        "address": text(report.address),
        "latitude": float(report.latitude) if report.latitude is not None else None,
        "longitude": float(report.longitude) if report.longitude is not None else None,
        "submitted_at": report.submitted_at,
        "updated_at": report.updated_at,
        "due_on": case.due_on if case is not None else None,
        "version": report_etag(report),
        "reporter": identity.__dict__ if reveal and identity is not None else None,
    }


class ReportPageOutput(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReportOutput(many=True)


class InformationInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class EventOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label


class CaseOutput(serializers.Serializer):
    number = serializers.CharField()
    state = serializers.ChoiceField(choices=AgencyState.choices)
    state_label = serializers.CharField()
    institution = serializers.CharField()
    unit = serializers.IntegerField(allow_null=True)
    stage = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    events = EventOutput(many=True, required=False)


class CasePageOutput(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CaseOutput(many=True)


class UnitOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    parent = serializers.IntegerField(allow_null=True)  # type: ignore[assignment]


class InstitutionOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.CharField()
    region_code = serializers.CharField()
    parent = serializers.CharField(allow_null=True)  # type: ignore[assignment]
    units = UnitOutput(many=True)


class CategoryOutput(serializers.Serializer):
    slug = serializers.CharField()
    name_id = serializers.CharField()
    name_en = serializers.CharField()


class MonthOutput(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM, in the site's time zone.")
    total = serializers.IntegerField()
    by_state = serializers.DictField(child=serializers.IntegerField())
    by_category = serializers.DictField(child=serializers.IntegerField())
    by_channel = serializers.DictField(child=serializers.IntegerField())


class StatisticsOutput(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    months = MonthOutput(many=True)
