"""Canned responses are maintained in the admin; every save goes through the service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tuntas.cases.models import CannedResponse
from tuntas.cases.services_workspace import canned_response_save


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ["title", "institution", "position", "is_active"]
    list_filter = ["is_active", "institution"]
    search_fields = ["title", "text"]
    fields = ["institution", "title", "text", "position", "is_active"]

    def save_model(
        self, request: HttpRequest, obj: CannedResponse, form: Any, change: bool
    ) -> None:
        saved = canned_response_save(
            actor=request.user,
            canned=CannedResponse.objects.get(pk=obj.pk) if change else None,
            institution=form.cleaned_data["institution"],
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            is_active=form.cleaned_data["is_active"],
            position=form.cleaned_data["position"],
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retire a text by unticking "active"; the audit trail keeps its history
