"""Public open-data pages (/data/): no login, cached, files as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from tuntas.opendata.datasets import TABLE_NAMES, release_current
from tuntas.opendata.dictionary import dataset_info, datasets_info, dictionary_rows

PUBLIC_MAX_AGE = 900


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _licence() -> dict[str, str]:
    return {"name": settings.OPENDATA_LICENCE, "url": settings.OPENDATA_LICENCE_URL}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    release = release_current()
    entries = [
        {"info": info, "rows": len(release.tables[info.slug].rows)} for info in datasets_info()
    ]
    context = {
        "entries": entries,
        "release": release,
        "licence": _licence(),
        "threshold": release.threshold,
    }
    return _public(render(request, "opendata/index.html", context))


@require_GET
def dictionary(request: HttpRequest) -> HttpResponse:
    return _public(
        render(
            request,
            "opendata/dictionary.html",
            {
                "datasets": datasets_info(),
                "licence": _licence(),
                "threshold": settings.OPENDATA_MIN_COUNT,
            },
        )
    )


def _csv_response(columns: list[str], rows: list[list[Any]], name: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if value is None else _cell(value) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return _public(response)


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _json_response(document: Any, name: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Content-Disposition"] = f'inline; filename="{name}.json"'
    return _public(response)


@require_GET
def dataset_file(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    if slug not in TABLE_NAMES or dataset_info(slug) is None:
        raise Http404("dataset")
    release = release_current()
    table = release.tables[slug]
    if extension == "csv":
        return _csv_response(table.columns, table.rows, slug)
    document = {
        "dataset": slug,
        "generated_at": release.generated_at.isoformat(timespec="seconds"),
        "licence": _licence(),
        "suppression_threshold": release.threshold,
        "columns": table.columns,
        "rows": [dict(zip(table.columns, row, strict=True)) for row in table.rows],
    }
    return _json_response(document, slug)


@require_GET
def dictionary_file(request: HttpRequest, extension: str) -> HttpResponse:
    rows = dictionary_rows()
    columns = ["dataset", "column", "type", "description", "codes"]
    if extension == "csv":
        return _csv_response(columns, [[row[c] for c in columns] for row in rows], "dictionary")
    return _json_response({"licence": _licence(), "columns": rows}, "dictionary")
