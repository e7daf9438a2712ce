"""Messages to the reporter and to staff; they leave after commit (tuntas.notifications)."""

from __future__ import annotations

from django.utils.translation import override

from tuntas.accounts.models import Membership, Role
from tuntas.complaints import codes
from tuntas.complaints.identity import unseal
from tuntas.complaints.models import IdentityMode
from tuntas.complaints.services_intake import reporter_contacts_notify
from tuntas.notifications.models import NotificationChannel
from tuntas.notifications.services import notification_queue
from tuntas.ombudsman.models import OmbudsmanCase


def reporter_notify(*, case: OmbudsmanCase, subject: str, body: str) -> int:
    """Send ``body`` (already in the reporter's language) to every contact they gave; returns the count."""
    report = case.report
    if report.identity_mode == IdentityMode.ANONYMOUS:
        return 0
    row = getattr(report, "identity", None)
    if row is None:
        return 0
    return reporter_contacts_notify(
        identity=unseal(row.sealed),
        channel=report.channel,
        subject=subject,
        body=body,
        report_id=report.pk,
        institution_id=case.office_id,
    )


def in_reporter_language(case: OmbudsmanCase) -> override:
    return override(case.report.language or "id")


def number_of(case: OmbudsmanCase) -> str:
    return codes.format_public_number(case.report.public_number)


def staff_notify(
    *, case: OmbudsmanCase, subject: str, body: str, partner_liaison: bool = False
) -> int:
    """To the office's head and the assigned assistant; with ``partner_liaison``, the partner's admins too."""
    emails = set(
        Membership.objects.active()
        .filter(institution_id=case.office_id, role=Role.REPRESENTATIVE_HEAD)
        .values_list("user__email", flat=True)
    )
    if case.assigned_to_id is not None:
        emails.add(case.assigned_to.email)  # type: ignore[union-attr]
    if partner_liaison:
        emails |= set(
            Membership.objects.active()
            .filter(institution_id=case.report.institution_id, role=Role.INSTITUTION_ADMIN)
            .values_list("user__email", flat=True)
        )
    for email in sorted(emails):
        notification_queue(
            channel=NotificationChannel.EMAIL,
            to=email,
            subject=subject,
            body=body,
            report_id=case.report_id,
            institution_id=case.office_id,
        )
    return len(emails)
