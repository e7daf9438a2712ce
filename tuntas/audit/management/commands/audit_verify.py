from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tuntas.audit.verify import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain and report the first edited, inserted or deleted row."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if report.problem is None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Audit chain intact: {report.checked} events; head hash {report.last_hash}"
                )
            )
            return
        problem = report.problem
        where = f"event id {problem.event_id}, " if problem.event_id is not None else ""
        raise CommandError(
            f"Audit chain broken at sequence {problem.sequence} ({where}{problem.kind}): "
            f"{problem.detail}. {report.checked} events before it are intact."
        )
