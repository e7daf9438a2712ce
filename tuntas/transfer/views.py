"""Staff pages of exports and imports (/staf/data/). Jobs are their owner's: others get 404."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tuntas.accounts.models import UserKind
from tuntas.transfer.fields import FIELDS
from tuntas.transfer.forms import (
    FILTER_NAMES,
    ExportForm,
    ImportUploadForm,
    MappingForm,
    OmbudsmanExportForm,
)
from tuntas.transfer.models import ExportKind, ImportJob
from tuntas.transfer.ombudsman_export import FILTER_PARAMETERS, can_export_ombudsman_cases
from tuntas.transfer.selectors import (
    export_job_get_for_actor,
    export_jobs_visible_to,
    import_job_get_for_actor,
    import_jobs_visible_to,
    institutions_importable_by,
)
from tuntas.transfer.services_export import (
    CONTENT_TYPES,
    export_cases_for_query,
    export_download_record,
    export_job_create,
    export_job_path,
    export_rows_for_query,
    export_stream,
)
from tuntas.transfer.services_import import import_job_map, import_job_start, import_job_upload
from tuntas.transfer.workflow import ImportState, JobState

# Filter parameters that the inbox may pass on without a field of their own on this form.
_PASSED_THROUGH = ("institution", "unit", "assigned_to")
POLL_SECONDS = 3


def _staff_only(request: HttpRequest) -> None:
    if getattr(request.user, "kind", None) != UserKind.STAFF:
        raise Http404("staff workspace")


def _filter_query(data: QueryDict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name in (*FILTER_NAMES, *_PASSED_THROUGH):
        values = [value for value in data.getlist(name) if value.strip()]
        if values:
            query.setlist(name, values)
    return query


@login_required
@never_cache
def index(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return render(
        request,
        "transfer/index.html",
        {
            "exports": export_jobs_visible_to(request.user)[:10],
            "imports": import_jobs_visible_to(request.user).select_related("institution")[:10],
            "can_import": institutions_importable_by(request.user).exists(),
            "can_export_ombudsman": can_export_ombudsman_cases(request.user),
        },
    )


@login_required
@never_cache
def export_new(request: HttpRequest) -> HttpResponseBase:
    """GET shows the form (pre-filled from the inbox's query); POST exports."""
    _staff_only(request)
    data = request.POST if request.method == "POST" else request.GET
    form = ExportForm(data if request.method == "POST" else None, initial=_initial(request.GET))
    passed = [(name, value) for name in _PASSED_THROUGH for value in data.getlist(name)]
    if request.method == "POST" and form.is_valid():
        query = _filter_query(request.POST)
        today = timezone.localdate()
        cases, errors = export_cases_for_query(actor=request.user, query=query, today=today)
        for name, message in errors.items():
            form.add_error(name if name in form.fields else None, message)
        if not errors:
            fmt = form.cleaned_data["format"]
            personal = form.cleaned_data["include_personal"]
            if cases.count() <= settings.EXPORT_SYNC_MAX_ROWS:
                stream = export_stream(
                    actor=request.user,
                    query=query,
                    fmt=fmt,
                    include_personal=personal,
                    today=today,
                )
                return _streamed(stream)
            job = export_job_create(
                actor=request.user, query=query, fmt=fmt, include_personal=personal, today=today
            )
            return redirect("transfer:export", job_id=job.pk)
    return render(
        request,
        "transfer/export_form.html",
        {"form": form, "passed": passed, "sync_max": settings.EXPORT_SYNC_MAX_ROWS},
    )


def _streamed(stream: Any) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream.chunks, content_type=stream.content_type)
    response["Content-Disposition"] = f'attachment; filename="{stream.file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
def export_ombudsman(request: HttpRequest) -> HttpResponseBase:
    """The Ombudsman's cases (with or without an agency case), by the Ombudsman list's filters."""
    _staff_only(request)
    if not can_export_ombudsman_cases(request.user):
        raise Http404("ombudsman export")
    if request.method == "POST":
        form = OmbudsmanExportForm(request.POST)
    else:
        initial = {
            name: request.GET.get(name) for name in FILTER_PARAMETERS if request.GET.get(name)
        }
        form = OmbudsmanExportForm(initial=initial)
    if request.method == "POST" and form.is_valid():
        query = QueryDict(mutable=True)
        for name in FILTER_PARAMETERS:
            value = form.cleaned_data[name]
            if value:
                query[name] = "on" if value is True else str(value)
        today = timezone.localdate()
        kind = ExportKind.OMBUDSMAN
        cases, _columns, errors = export_rows_for_query(
            actor=request.user, kind=kind, query=query, today=today
        )
        for name, message in errors.items():
            form.add_error(name if name in form.fields else None, message)
        if not errors:
            fmt = form.cleaned_data["format"]
            personal = form.cleaned_data["include_personal"]
            arguments = {
                "actor": request.user,
                "query": query,
                "fmt": fmt,
                "include_personal": personal,
                "today": today,
                "kind": kind,
            }
            if cases.count() <= settings.EXPORT_SYNC_MAX_ROWS:
                return _streamed(export_stream(**arguments))
            job = export_job_create(**arguments)
            return redirect("transfer:export", job_id=job.pk)
    return render(
        request,
        "transfer/export_ombudsman_form.html",
        {"form": form, "sync_max": settings.EXPORT_SYNC_MAX_ROWS},
    )


def _initial(params: QueryDict) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for name in FILTER_NAMES:
        values = params.getlist(name)
        if values:
            initial[name] = values if name in ("state", "category", "channel") else values[-1]
    return initial


@login_required
@never_cache
def export_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    _staff_only(request)
    job = export_job_get_for_actor(actor=request.user, job_id=job_id)
    running = job.state in (JobState.QUEUED, JobState.RUNNING)
    context = {
        "job": job,
        "running": running,
        "poll_seconds": POLL_SECONDS,
        "available": export_job_path(job) is not None,
        "percent": int(100 * job.rows_written / job.total) if job.total else 0,
    }
    template = "transfer/_export_status.html" if request.headers.get("HX-Request") else None
    return render(request, template or "transfer/export_detail.html", context)


@login_required
def export_download(request: HttpRequest, job_id: int) -> FileResponse:
    _staff_only(request)
    job = export_job_get_for_actor(actor=request.user, job_id=job_id)
    path = export_job_path(job)
    if path is None:
        raise Http404("export file")
    export_download_record(job=job, actor=request.user)
    content_type = CONTENT_TYPES[job.format]
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115  (FileResponse closes it)
        as_attachment=True,
        filename=f"tuntas-export-{job.pk}.{job.format}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
def import_new(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    institutions = institutions_importable_by(request.user)
    if not institutions.exists():
        raise Http404("no institution to import into")
    form = ImportUploadForm(request.POST or None, request.FILES or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_upload(
                actor=request.user,
                institution=form.cleaned_data["institution"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("transfer:import", job_id=job.pk)
    return render(request, "transfer/import_new.html", {"form": form})


def _import_context(job: ImportJob, form: MappingForm | None) -> dict[str, Any]:
    running = job.state in (ImportState.CHECKING, ImportState.IMPORTING)
    return {
        "job": job,
        "form": form,
        "running": running,
        "poll_seconds": POLL_SECONDS,
        "can_map": job.state in (ImportState.UPLOADED, ImportState.MAPPED, ImportState.CHECKED),
        "can_import": job.state == ImportState.CHECKED,
        "required": [item.name for item in FIELDS if item.required],
    }


@login_required
@never_cache
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    _staff_only(request)
    job = import_job_get_for_actor(actor=request.user, job_id=job_id)
    form = MappingForm(initial=job.mapping, headers=job.headers)
    if request.headers.get("HX-Request"):
        return render(request, "transfer/_import_status.html", _import_context(job, None))
    return render(request, "transfer/import_detail.html", _import_context(job, form))


@login_required
@require_POST
def import_map(request: HttpRequest, job_id: int) -> HttpResponse:
    """Save the mapping and start the dry run."""
    _staff_only(request)
    job = import_job_get_for_actor(actor=request.user, job_id=job_id)
    form = MappingForm(request.POST, headers=job.headers)
    if job.state not in (ImportState.UPLOADED, ImportState.MAPPED, ImportState.CHECKED):
        form.add_error(None, _("This import can no longer be changed."))
    elif form.is_valid():
        try:
            import_job_map(job=job, mapping=form.cleaned_data, actor=request.user)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            import_job_start(job=job, actor=request.user, dry_run=True)
            return redirect("transfer:import", job_id=job.pk)
    return render(request, "transfer/import_detail.html", _import_context(job, form), status=400)


@login_required
@require_POST
def import_run(request: HttpRequest, job_id: int) -> HttpResponse:
    _staff_only(request)
    job = import_job_get_for_actor(actor=request.user, job_id=job_id)
    if job.state != ImportState.CHECKED:
        form = MappingForm(initial=job.mapping, headers=job.headers)
        context = _import_context(job, form)
        context["run_error"] = _("Run the dry run first; the import starts after it.")
        return render(request, "transfer/import_detail.html", context, status=400)
    import_job_start(job=job, actor=request.user, dry_run=False)
    return redirect("transfer:import", job_id=job.pk)
