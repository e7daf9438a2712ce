"""The one write of Open311: a service request, which becomes a report from a channel system."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from tuntas.audit.services import audit_record
from tuntas.complaints.models import Report
from tuntas.complaints.services_intake import ReportDraft
from tuntas.exchange.models import ApiClient
from tuntas.exchange.services import api_report_submit
from tuntas.open311.models import RequestToken


@dataclass(frozen=True)
class PostedRequest:
    report: Report
    token: str | None


def open311_request_submit(
    *, client: ApiClient, draft: ReportDraft, issue_token: bool
) -> PostedRequest:
    """Submit through the API intake (channel API, the client named in the audit trail);
    with ``issue_token``, also the token a batch endpoint answers with, in the same transaction."""
    with transaction.atomic():
        submitted = api_report_submit(client=client, draft=draft)
        token = None
        if issue_token:
            token = secrets.token_urlsafe(16)
            RequestToken.objects.create(token=token, report=submitted.report, client=client)
            audit_record(
                actor=None,
                action="open311.token_issued",
                obj=submitted.report,
                institution_id=submitted.report.institution_id,
                data={"client_id": client.pk},
            )
    return PostedRequest(report=submitted.report, token=token)
