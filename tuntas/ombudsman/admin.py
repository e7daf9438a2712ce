"""Letter templates and the reference lists are edited here, through the services; the rest is read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from tuntas.institutions.admin import ReadOnlyAdmin
from tuntas.ombudsman.letters import check_template_body
from tuntas.ombudsman.models import (
    Letter,
    LetterTemplate,
    MaladministrationType,
    OmbudsmanCase,
    SubstanceCategory,
)
from tuntas.ombudsman.services_admin import (
    REFERENCE_FIELDS,
    letter_template_update,
    reference_entry_save,
)


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["title", "number_code", "body"]

    def clean_body(self) -> str:
        body = str(self.cleaned_data["body"])
        try:
            check_template_body(body)
        except ValidationError as error:
            raise ValidationError(error.message_dict["body"]) from None
        return body


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    form = LetterTemplateForm
    list_display = ["title", "kind", "number_code", "updated_at"]
    fields = ["kind", "title", "number_code", "body"]
    readonly_fields = ["kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one template per kind, seeded by migration

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: LetterTemplate, form: Any, change: bool
    ) -> None:
        letter_template_update(
            template=LetterTemplate.objects.get(pk=obj.pk),
            actor=request.user,
            title=form.cleaned_data["title"],
            number_code=form.cleaned_data["number_code"],
            body=form.cleaned_data["body"],
        )


class ReferenceEntryAdmin(admin.ModelAdmin):
    list_display = ["name_id", "name_en", "code", "position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name_id", "name_en", "code"]
    fields = list(REFERENCE_FIELDS)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retire an entry by unticking "active"; past LAHPs keep pointing at it

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = reference_entry_save(
            model=type(obj),
            actor=request.user,
            entry=type(obj).objects.get(pk=obj.pk) if change else None,
            **{name: form.cleaned_data[name] for name in REFERENCE_FIELDS},
        )
        obj.pk = saved.pk


admin.site.register(MaladministrationType, ReferenceEntryAdmin)
admin.site.register(SubstanceCategory, ReferenceEntryAdmin)


@admin.register(OmbudsmanCase)
class OmbudsmanCaseAdmin(ReadOnlyAdmin):
    list_display = ["report", "office", "state", "track", "source", "due_on"]
    list_filter = ["state", "track", "source", "office"]


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "office", "created_at"]
    list_filter = ["kind", "office", "year"]
