"""POST /api/v1/reports: a channel system's report becomes a report like any other."""

from __future__ import annotations

import base64
import datetime
import io
import json

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from tuntas.audit.models import AuditEvent
from tuntas.cases.models import AgencyCase
from tuntas.complaints import codes
from tuntas.complaints.models import Attachment, Category, Report
from tuntas.complaints.selectors import report_get_for_tracking, reports_visible_to
from tuntas.exchange.services import api_client_create
from tuntas.institutions.services import institution_update, unit_update

from .conftest import REPORTS_URL, report_body

EN = {"Accept-Language": "en"}


def png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(output, "PNG")
    return output.getvalue()


def as_base64(content: bytes) -> str:
    return base64.b64encode(content).decode()


# --- A report arrives ---------------------------------------------------------------------


def test_a_valid_submission_creates_a_report_the_institutions_officers_see(region, channel, post):
    response = post(report_body(region))
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"number", "access_code", "status", "submitted_at", "tracking_url"}
    report = Report.objects.get()
    assert body["number"] == codes.format_public_number(report.public_number)
    assert body["status"] == "received"
    assert body["tracking_url"] == f"http://testserver/lacak/{body['number']}/"
    assert report.channel == "api" and report.unit == region.magelang_puskesmas
    assert report_get_for_tracking(number=body["number"], access_code=body["access_code"]) == report
    assert report in reports_visible_to(region.petugas_dinkes)  # the puskesmas is under dinkes
    assert report in reports_visible_to(region.admin_magelang)
    assert report not in reports_visible_to(region.petugas_purworejo)


def test_the_audit_trail_names_the_channel_system(region, channel, post):
    post(report_body(region))
    report = Report.objects.get()
    event = AuditEvent.objects.get(action="api.report_submitted")
    assert event.object_id == str(report.pk)
    assert event.institution_id == region.magelang.pk
    assert event.data == {
        "client_id": channel.client.pk,
        "key_prefix": channel.client.key_prefix,
        "external_id": "LAPOR-0001",
    }
    assert AuditEvent.objects.get(action="report.submitted").data["channel"] == "api"


def test_every_field_reaches_the_report(region, channel, post):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False):
        response = post(
            report_body(
                region,
                occurred_on="2026-11-20",
                desired_outcome="Pelayanan sesuai aturan",
                service_name="Pendaftaran pasien",
                address="Jl. Jurangombo 1",
                kecamatan="Magelang Selatan",
                kelurahan="Jurangombo Utara",
                latitude=-7.4977123456789,
                longitude=110.2173,
                complained_before=True,
                complained_on="2026-11-21",
                complaint_response="Belum ada jawaban",
                visibility="public",
                language="en",
            )
        )
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert report.occurred_on == datetime.date(2026, 11, 20)
    assert str(report.latitude) == "-7.497712" and str(report.longitude) == "110.217300"
    assert report.complained_on == datetime.date(2026, 11, 21)
    assert (report.visibility, report.language, report.kelurahan) == (
        "public",
        "en",
        "Jurangombo Utara",
    )


def test_an_anonymous_report_needs_no_identity(region, channel, post):
    body = report_body(region, identity_mode="anonim", identity=..., consent=...)
    assert post(body).status_code == 201


def test_an_ombudsman_office_may_send_reports_about_any_institution(region, post):
    _client, key = api_client_create(
        actor=None, institution=region.jateng, name="Pengaduan Jateng", scopes=["submit"]
    )
    body = report_body(region, institution=region.sleman.slug, unit=region.sleman_dukcapil.pk)
    assert post(body, key=key).status_code == 201
    assert Report.objects.get().institution == region.sleman


def test_a_client_cannot_send_reports_about_another_institution_nor_learn_that_it_exists(
    region, channel, post
):
    other = post(report_body(region, institution=region.purworejo.slug, unit=...), **EN)
    unknown = post(report_body(region, institution="tidak-ada", unit=...), **EN)
    assert other.status_code == unknown.status_code == 422
    assert other.json() == unknown.json()
    assert other.json()["error"]["field"] == "institution"
    assert not Report.objects.exists()


# --- External ids -------------------------------------------------------------------------


def test_the_same_external_id_twice_is_refused_with_the_first_reports_number(region, channel, post):
    first = post(report_body(region)).json()
    again = post(report_body(region, title="Sekali lagi"), **EN)
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "duplicate_external_id" and error["field"] == "external_id"
    assert error["number"] == first["number"]
    assert Report.objects.count() == 1
    assert Report.objects.get().channel_reference == f"{channel.client.pk}:LAPOR-0001"
    # The refused one left nothing behind: no case, no audit event.
    assert AgencyCase.objects.count() == 1
    assert AuditEvent.objects.filter(action="api.report_submitted").count() == 1
    assert AuditEvent.objects.filter(action="report.submitted").count() == 1


def test_two_channel_systems_may_use_the_same_external_id(region, channel, post):
    _client, other_key = api_client_create(
        actor=None, institution=region.magelang, name="WhatsApp", scopes=["submit"]
    )
    assert post(report_body(region)).status_code == 201
    assert post(report_body(region), key=other_key).status_code == 201
    assert Report.objects.count() == 2


def test_without_an_external_id_every_submission_is_a_new_report(region, channel, post):
    assert post(report_body(region, external_id=...)).status_code == 201
    assert post(report_body(region, external_id=...)).status_code == 201
    assert Report.objects.count() == 2


# --- Attachments --------------------------------------------------------------------------


def test_base64_attachments_are_stored_with_the_report(region, channel, post):
    body = report_body(
        region, attachments=[{"name": "loket.png", "content_base64": as_base64(png())}]
    )
    assert post(body).status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.original_name == "loket.png" and attachment.content_type == "image/png"


def test_base64_wrapped_over_several_lines_is_accepted(region, channel, post):
    encoded = as_base64(png())
    wrapped = "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    body = report_body(region, attachments=[{"name": "loket.png", "content_base64": wrapped}])
    assert post(body).status_code == 201


def test_a_refused_attachment_is_422_naming_the_file_and_the_rule(region, channel, post):
    script = as_base64(b"#!/bin/sh\nrm -rf /\n")
    body = report_body(
        region,
        attachments=[
            {"name": "loket.png", "content_base64": as_base64(png())},
            {"name": "bukti.sh", "content_base64": script},
        ],
    )
    response = post(body, **EN)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "attachment_refused" and error["field"] == "attachments"
    assert error["file"] == "bukti.sh"
    assert error["message"].startswith("bukti.sh: this kind of file")
    assert not Report.objects.exists() and not Attachment.objects.exists()


@override_settings(ATTACHMENT_MAX_COUNT=1)
def test_too_many_attachments_are_refused(region, channel, post):
    files = [{"name": f"{n}.png", "content_base64": as_base64(png())} for n in range(2)]
    response = post(report_body(region, attachments=files), **EN)
    assert response.status_code == 422
    assert "at most 1 files" in response.json()["error"]["message"]


def test_content_that_is_not_base64_is_422_naming_the_file(region, channel, post):
    body = report_body(region, attachments=[{"name": "foto.jpg", "content_base64": "not base64!"}])
    response = post(body, **EN)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "attachments.0.content_base64"
    assert error["message"] == "foto.jpg: the content is not valid base64."


# --- Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"[1, 2]", "invalid_body"),
        (b'"text"', "invalid_body"),
        (b"null", "invalid_body"),
        (b"{not json", "invalid_json"),
        (b'{"latitude": NaN}', "invalid_json"),
        (b"\xff\xfe{}", "invalid_json"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid_json"),
    ],
    ids=["array", "string", "null", "broken", "nan", "not-utf8", "too-deep"],
)
def test_a_body_that_is_not_a_json_object_is_400_with_a_code(region, channel, post, raw, code):
    response = post(None, raw=raw, **EN)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_a_body_that_is_not_json_at_all_is_415(region, channel, post):
    response = post(None, raw=b"title=hello", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


@override_settings(API_MAX_BODY_BYTES=2000)
def test_a_body_over_the_limit_is_413(region, channel, post):
    response = post(report_body(region, description="x" * 3000), **EN)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert not Report.objects.exists()


def test_the_default_limit_leaves_room_for_every_allowed_attachment(settings):
    from tuntas.exchange.transport import api_max_body_bytes

    assert (
        api_max_body_bytes() > settings.ATTACHMENT_MAX_COUNT * settings.ATTACHMENT_MAX_BYTES * 4 / 3
    )


def test_every_field_error_is_listed_with_the_first_one_named(region, channel, post):
    response = post(
        report_body(region, title="", description="pendek", identity_mode="rahasiaa"), **EN
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["field"] == "title"
    assert error["message"] == "This field may not be blank."
    assert set(error["fields"]) == {"title", "identity_mode"}


def test_an_unknown_field_is_refused_rather_than_dropped(region, channel, post):
    response = post(report_body(region, descripton="typo"), **EN)
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"descripton": ["Unknown field."]}


def test_the_intake_rules_answer_with_the_api_field_names(region, channel, post):
    body = report_body(
        region, identity={"name": "", "email": "bukan-email"}, description="Terlalu pendek"
    )
    response = post(body, **EN)
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields["description"] == ["Describe what happened in at least 20 characters."]
    assert "identity.name" in fields and "identity.email" in fields


def test_a_unit_of_another_institution_is_refused(region, channel, post):
    response = post(report_body(region, unit=region.purworejo_dinkes.pk), **EN)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "unit"


def test_an_unknown_category_is_refused(region, channel, post):
    response = post(report_body(region, category="tidak-ada"), **EN)
    assert response.json()["error"]["fields"] == {"category": ["Unknown category code."]}


def test_a_category_taken_out_of_use_is_refused_from_the_next_request(region, channel, post):
    assert post(report_body(region)).status_code == 201
    # No screen edits categories yet; an administrator's change in the database.
    Category.objects.filter(slug="kesehatan").update(is_active=False, updated_at=timezone.now())
    response = post(report_body(region, external_id="pesan-kedua"), **EN)
    assert response.json()["error"]["fields"] == {"category": ["Unknown category code."]}


def test_a_unit_taken_out_of_use_no_longer_takes_reports(region, channel, post):
    assert post(report_body(region)).status_code == 201
    unit_update(unit=region.magelang_puskesmas, actor=None, is_active=False)
    response = post(report_body(region, external_id="pesan-kedua"), **EN)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "institution"
    assert Report.objects.count() == 1


def test_an_institution_taken_out_of_use_no_longer_takes_reports(region, channel, post):
    assert post(report_body(region)).status_code == 201
    institution_update(institution=region.magelang, actor=None, is_active=False)
    response = post(report_body(region, external_id="pesan-kedua"), **EN)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "institution"
    assert Report.objects.count() == 1


def test_an_ombudsman_office_may_send_a_report_about_an_ombudsman_office(region, post):
    _client, key = api_client_create(
        actor=None, institution=region.jateng, name="Pengaduan Jateng", scopes=["submit"]
    )
    body = report_body(region, institution=region.diy.slug, unit=None)
    assert post(body, key=key).status_code == 201
    assert Report.objects.get().institution == region.diy


# --- Languages ----------------------------------------------------------------------------


def test_errors_are_in_english_when_asked(region, channel, post):
    response = post([], **{"Accept-Language": "en-GB,en;q=0.9"})
    assert response["Content-Language"] == "en"
    assert response.json()["error"]["message"] == "The request body must be a JSON object."


@pytest.mark.parametrize("header", [None, "id", "fr, de;q=0.5", "en;q=0"])
def test_errors_are_in_indonesian_by_default(region, channel, post, header):
    headers = {"Accept-Language": header} if header else {}
    response = post(report_body(region, title=""), **headers)
    assert response.status_code == 422
    assert response["Content-Language"] == "id"
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["field"] == "title"
    assert isinstance(error["message"], str) and error["message"].strip()


def test_pages_outside_the_api_still_ignore_accept_language(db, client):
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response["Content-Language"] == "id"


# --- The rest of /api/v1/ -----------------------------------------------------------------


def test_an_unknown_api_address_is_a_json_404_even_for_a_post(db, client):
    client = type(client)(enforce_csrf_checks=True)
    for response in (
        client.get("/api/v1/tidak-ada", headers={"Accept-Language": "en"}),
        client.post("/api/v1/reports/", data="{}", content_type="application/json"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_another_method_is_405_in_the_api_shape(region, channel, client):
    # GET lists reports (tuntas.exchange.api_reports); DELETE is nothing here.
    response = client.delete(REPORTS_URL, headers={"Authorization": f"Bearer {channel.key}"})
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_the_schema_documents_the_operation_its_errors_and_the_key(db, client):
    response = client.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    operation = schema["paths"]["/api/v1/reports"]["post"]
    assert {"201", "401", "403", "409", "422"} <= set(operation["responses"])
    assert "Idempotency-Key" in {parameter["name"] for parameter in operation["parameters"]}
    assert schema["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    assert "external_id" in schema["components"]["schemas"]["ReportInput"]["properties"]
