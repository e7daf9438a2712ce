"""The shapes of API bodies: what a channel system sends and what it gets back."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from tuntas.complaints.models import Category, IdentityMode, Visibility
from tuntas.complaints.selectors_directory import ReportDirectory, directory_for_reports
from tuntas.exchange.selectors import client_may_submit_to, institutions_open_to
from tuntas.institutions.models import Unit

# Wide enough for any real report, narrow enough to keep one row readable.
LONG_TEXT = 20_000


class StrictSerializer(serializers.Serializer):
    """Refuses unknown fields: a misspelt field would otherwise be dropped without a word."""

    def to_internal_value(self, data: Any) -> Any:
        unknown = (
            sorted(str(name) for name in data if name not in self.fields)
            if isinstance(data, Mapping)
            else []
        )
        errors: dict[str, Any] = {name: [_("Unknown field.")] for name in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = error.detail
            raise serializers.ValidationError(
                {**detail, **errors} if isinstance(detail, dict) else detail
            ) from None
        if errors:
            raise serializers.ValidationError(errors)
        return value


class IdentityInput(StrictSerializer):
    """The reporter; dropped, not stored, when identity_mode is anonim."""

    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    nik = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AttachmentInput(StrictSerializer):
    """A file, base64-encoded; judged by the same rules as an upload on the web form."""

    name = serializers.CharField(max_length=200)
    content_base64 = serializers.CharField(
        help_text=gettext_lazy("The file's bytes in standard base64 (RFC 4648).")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            # Line breaks are allowed: MIME encoders wrap base64 at 76 characters.
            content = base64.b64decode("".join(attrs["content_base64"].split()), validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(
                {
                    "content_base64": _("%(name)s: the content is not valid base64.")
                    % {"name": attrs["name"]}
                }
            ) from None
        return {"name": attrs["name"], "content": content}


class ReportInput(StrictSerializer):
    """A report as a channel system sends it; the intake service judges the rest."""

    institution = serializers.SlugField(
        max_length=80, help_text=gettext_lazy("The slug of the institution the report is about.")
    )
    unit = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text=gettext_lazy("A unit id."),
    )
    category = serializers.SlugField(max_length=50)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=LONG_TEXT)
    occurred_on = serializers.DateField(required=False, allow_null=True)
    desired_outcome = serializers.CharField(
        max_length=LONG_TEXT, required=False, allow_blank=True, default=""
    )
    service_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    kecamatan = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    kelurahan = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(
        required=False, allow_null=True, min_value=-180, max_value=180
    )
    complained_before = serializers.BooleanField(required=False, default=False)
    complained_on = serializers.DateField(required=False, allow_null=True)
    complaint_response = serializers.CharField(
        max_length=LONG_TEXT, required=False, allow_blank=True, default=""
    )
    identity_mode = serializers.ChoiceField(choices=IdentityMode.choices)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, default=Visibility.PRIVATE
    )
    identity = IdentityInput(required=False, allow_null=True)
    consent = serializers.BooleanField(required=False, default=False)
    language = serializers.ChoiceField(choices=["id", "en"], required=False, default="id")
    external_id = serializers.CharField(
        max_length=150,
        required=False,
        help_text=gettext_lazy(
            "The channel system's own id of the message; a second report with the same id "
            "is refused with 409."
        ),
    )
    attachments = AttachmentInput(many=True, required=False)

    @cached_property
    def _directory(self) -> ReportDirectory:
        return directory_for_reports()

    def validate_institution(self, slug: str) -> Any:
        client = self.context["client"]
        # Usually one that takes reports, from the process's snapshot; the others (inactive,
        # an Ombudsman office) from the database, where report_submit judges them.
        institution = self._directory.institution_by_slug(slug)
        if institution is None:
            # Slugs are unique: no ORDER BY.
            institution = next(iter(institutions_open_to(client).filter(slug=slug)[:1]), None)
        elif not client_may_submit_to(client, institution):
            institution = None
        if institution is None:
            # The same answer for "does not exist" and "not yours": nothing is revealed.
            raise serializers.ValidationError(
                _("Unknown institution, or one this API key may not send reports to.")
            )
        return institution

    def validate_category(self, slug: str) -> Category:
        category = self._directory.category(slug)
        if category is None:
            raise serializers.ValidationError(_("Unknown category code."))
        return category

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unit_id = attrs.get("unit")
        if unit_id is not None:
            institution = attrs["institution"]
            unit = self._directory.unit(unit_id)
            if unit is None:  # not an active unit of an institution that takes reports
                unit = Unit.objects.filter(pk=unit_id, institution=institution).first()
            if unit is None or unit.institution_id != institution.pk:
                raise serializers.ValidationError(
                    {"unit": _("The unit must belong to the chosen institution.")}
                )
            attrs["unit"] = unit
        return attrs


class ReportReceiptOutput(serializers.Serializer):
    number = serializers.CharField(
        help_text=gettext_lazy("The report number, e.g. LM-26K4QJ-7XTM.")
    )
    access_code = serializers.CharField(
        help_text=gettext_lazy(
            "The reporter's secret for the tracking page; shown only in this answer."
        )
    )
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    tracking_url = serializers.URLField()


class ErrorDetailOutput(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    # DRF's metaclass takes declared fields off the class, so this does not shadow .fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )


class ErrorOutput(serializers.Serializer):
    error = ErrorDetailOutput()
