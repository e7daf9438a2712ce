"""Jobs are private to whoever started them: anyone else gets a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from tuntas.accounts.access import scope_of
from tuntas.accounts.models import Membership
from tuntas.institutions.models import Institution
from tuntas.transfer.models import ExportJob, ImportJob


def export_jobs_visible_to(actor: Any) -> QuerySet[ExportJob]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(owner_id=actor.pk)


def export_job_get_for_actor(*, actor: Any, job_id: int) -> ExportJob:
    job = export_jobs_visible_to(actor).filter(pk=job_id).first()
    if job is None:
        raise Http404("export")
    return job


def import_jobs_visible_to(actor: Any) -> QuerySet[ImportJob]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(owner_id=actor.pk)


def import_job_get_for_actor(*, actor: Any, job_id: int) -> ImportJob:
    job = import_jobs_visible_to(actor).select_related("institution").filter(pk=job_id).first()
    if job is None:
        raise Http404("import")
    return job


# Who may import historical complaints into an institution: its administrator and its head
# (the people who answer for its records), and platform administrators.
IMPORT_ROLES = ("admin_instansi", "pimpinan")


def institutions_importable_by(actor: Any) -> QuerySet[Institution]:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return Institution.objects.none()
    if scope_of(actor).everything:
        return Institution.objects.filter(is_active=True)
    ids = Membership.objects.active().filter(user=actor, role__in=IMPORT_ROLES)
    return Institution.objects.filter(
        is_active=True, pk__in=ids.values_list("institution_id", flat=True)
    )


def can_import_into(actor: Any, institution: Institution) -> bool:
    return institutions_importable_by(actor).filter(pk=institution.pk).exists()
