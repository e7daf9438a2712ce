"""The directory a channel system needs to file reports: institutions, units, categories."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from tuntas.complaints.selectors import categories_active
from tuntas.exchange.api_reading import READ_ERRORS, client_of
from tuntas.exchange.authentication import CanRead
from tuntas.exchange.selectors import institutions_readable_by
from tuntas.exchange.serializers_read import CategoryOutput, InstitutionOutput
from tuntas.exchange.transport import ApiView
from tuntas.institutions.models import Institution


def institution_data(institution: Institution) -> dict[str, Any]:
    return {
        "slug": institution.slug,
        "name": institution.name,
        "short_name": institution.short_name,
        "kind": institution.kind,
        "region_code": institution.region_code,
        "parent": institution.parent.slug if institution.parent is not None else None,
        "units": [
            {"id": unit.pk, "name": unit.name, "kind": unit.kind, "parent": unit.parent_id}
            for unit in institution.units.all()
            if unit.is_active
        ],
    }


def _institutions(request: Request) -> Any:
    return (
        institutions_readable_by(client_of(request))
        .filter(is_active=True)
        .select_related("parent")
        .prefetch_related("units")
        .order_by("name")
    )


@extend_schema(
    summary="List institutions and their units",
    request=None,
    responses={status.HTTP_200_OK: InstitutionOutput(many=True), **READ_ERRORS},
)
class InstitutionListApi(ApiView):
    """The institutions in the key's scope, each with its active units (ids for reports)."""

    permission_classes = [CanRead]

    @extend_schema(operation_id="institutions_list")
    def get(self, request: Request) -> Response:
        data = [institution_data(institution) for institution in _institutions(request)]
        return Response(InstitutionOutput(data, many=True).data)


@extend_schema(
    summary="Read an institution and its units",
    request=None,
    parameters=[OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)],
    responses={status.HTTP_200_OK: InstitutionOutput, **READ_ERRORS},
)
class InstitutionDetailApi(ApiView):
    """One institution in the key's scope and its active units."""

    permission_classes = [CanRead]

    def get(self, request: Request, slug: str) -> Response:
        institution = _institutions(request).filter(slug=slug).first()
        if institution is None:
            raise Http404(slug)
        return Response(InstitutionOutput(institution_data(institution)).data)


@extend_schema(
    summary="List the categories reports are filed under",
    request=None,
    responses={status.HTTP_200_OK: CategoryOutput(many=True), **READ_ERRORS},
)
class CategoryListApi(ApiView):
    """The active categories, by code, in Indonesian and English."""

    permission_classes = [CanRead]

    @extend_schema(operation_id="categories_list")
    def get(self, request: Request) -> Response:
        data = [
            {"slug": c.slug, "name_id": c.name_id, "name_en": c.name_en}
            for c in categories_active().order_by("position", "pk")
        ]
        return Response(CategoryOutput(data, many=True).data)
