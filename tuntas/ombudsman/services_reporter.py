"""What the reporter does on an Ombudsman case from the public tracking page (no login).

The views have checked the tracking grant; ``actor`` is the citizen account when the reporter
is signed in as the report's owner, else None (the reporter is anonymous to the audit log).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from tuntas.cases.models import AgencyCase
from tuntas.cases.workflow import AgencyState
from tuntas.complaints.models import Report, ReportStatus
from tuntas.complaints.services import report_add_information, report_withdraw
from tuntas.ombudsman.models import OmbudsmanCase
from tuntas.ombudsman.services import ombudsman_case_from_agency, ombudsman_case_withdraw
from tuntas.ombudsman.services_verification import ombudsman_completeness_received


def reporter_completeness_send(
    *, case: OmbudsmanCase, text: str, uploads: list[UploadedFile], actor: Any = None
) -> OmbudsmanCase:
    """The reporter sends what the completeness request asked for: words and files, together.

    The files join the report's attachments (checked and stored as safe copies by the intake
    pipeline); the formal verification clock resumes. Refused files stop everything.
    """
    if not text.strip() and not uploads:
        raise ValidationError({"text": _("Write what you are sending, or attach the documents.")})
    with transaction.atomic():
        report_add_information(
            report=case.report, text=text, uploads=uploads, actor=actor, channel="web"
        )
        names = ", ".join(upload.name or "" for upload in uploads)
        answer = "\n".join(
            part
            for part in (text.strip(), _("Files: %(names)s") % {"names": names} if uploads else "")
            if part
        )
        return ombudsman_completeness_received(case=case, answer=answer, actor=actor)


def offered_agency_case_of(report: Report) -> AgencyCase | None:
    """The report's agency case when the agency offered it to the Ombudsman, else None."""
    if hasattr(report, "ombudsman_case"):
        return None
    return AgencyCase.objects.filter(report=report, state=AgencyState.OFFERED_TO_OMBUDSMAN).first()


def reporter_take_to_ombudsman(*, report: Report, actor: Any = None) -> OmbudsmanCase:
    """The reporter takes a report the agency offered to the Ombudsman there (history attached).

    The agency case counts as the prior complaint to the reported party (UU 37/2008 Pasal 24).
    """
    agency_case = offered_agency_case_of(report)
    if agency_case is None:
        raise ValidationError(_("This report cannot be taken to the Ombudsman from here."))
    return ombudsman_case_from_agency(agency_case=agency_case, actor=actor)


@transaction.atomic
def reporter_withdraw(*, case: OmbudsmanCase, reason: str, actor: Any = None) -> OmbudsmanCase:
    """Withdraw the report from the Ombudsman, and the report itself (and any agency case)."""
    if not case.is_open:
        raise ValidationError(_("This Ombudsman case is already closed."))
    case = ombudsman_case_withdraw(case=case, reason=reason, actor=actor)
    if case.report.status != ReportStatus.WITHDRAWN:
        report_withdraw(report=case.report, reason=reason, actor=actor)
    return case
