from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tuntas.institutions.models import Institution, Partnership, ServicePoint, Unit


class ReadOnlyAdmin(admin.ModelAdmin):
    """The admin browses; writes go through the services (staff pages and `tuntas` commands),
    so that every change carries its audit event."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Institution)
class InstitutionAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "region_code", "supervising_office", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "region_code"]


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "institution", "parent", "is_active"]
    list_filter = ["kind", "institution"]
    search_fields = ["name"]


@admin.register(ServicePoint)
class ServicePointAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit"]


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "signed_on", "valid_until"]
