"""GeoReport v2 conformance, written from the spec's tables (anchors.md §2.1–2.4)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import override_settings

from tests.open311.conftest import make_report, parse
from tuntas.cases import services as case_services
from tuntas.cases.models import AgencyCase
from tuntas.complaints.models import Channel, Report
from tuntas.open311.models import RequestToken

W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


# --- 2.1 General rules ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["discovery", "services", "requests"])
def test_xml_and_json_are_chosen_by_suffix_with_the_specs_content_types(get, region, path):
    xml = get(f"{path}.xml")
    assert xml.status_code == 200
    assert xml["Content-Type"] == "text/xml; charset=utf-8"
    assert xml.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    parse(xml)  # well-formed
    json_answer = get(f"{path}.json")
    assert json_answer["Content-Type"] == "application/json; charset=utf-8"
    parse(json_answer)


def test_an_unknown_suffix_is_not_found(get, region):
    assert get("services.csv").status_code == 404


def test_lists_are_json_arrays_and_repeated_xml_elements(get, region):
    services = parse(get("services.json"))
    assert isinstance(services, list) and services
    root = parse(get("services.xml"))
    assert root.tag == "services"
    assert [child.tag for child in root] == ["service"] * len(services)


def test_text_is_utf8_and_xml_escapes_markup(get, region):
    make_report(
        region, description="Antre <b>3 jam</b> & petugas bilang “tunggu” — loket tutup sore."
    )
    xml = get("requests.xml", jurisdiction_id=region.magelang.slug)
    assert b"&lt;b&gt;3 jam&lt;/b&gt; &amp; petugas" in xml.content
    assert "“tunggu” — loket".encode() in xml.content
    request = parse(xml).find("request")
    assert request.findtext("description").startswith("Antre <b>3 jam</b> & petugas")


def test_an_empty_argument_is_treated_as_absent(get, region):
    make_report(region)
    empty = parse(get("requests.json", jurisdiction_id="", status="", service_code="", page=""))
    absent = parse(get("requests.json"))
    assert empty == absent and len(absent) == 1


# --- 2.4 Service Discovery -------------------------------------------------------------------


def test_discovery_has_every_required_field_in_both_formats(get, region):
    document = parse(get("discovery.json"))
    assert set(document) == {"changeset", "contact", "key_service", "endpoints"}
    assert all(document[name] for name in ("changeset", "contact", "key_service"))
    assert W3C.match(document["changeset"])
    (endpoint,) = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    assert endpoint["type"] in ("production", "test")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = parse(get("discovery.xml"))
    assert root.tag == "discovery"
    xml_endpoint = root.find("endpoints/endpoint")
    assert [f.text for f in xml_endpoint.find("formats")] == ["text/xml", "application/json"]
    assert xml_endpoint.findtext("specification") == endpoint["specification"]


# --- GET Service List / Service Definition -------------------------------------------------


def test_the_service_list_names_every_active_category_with_the_specs_fields(get, region):
    services = parse(get("services.json", jurisdiction_id=region.magelang.slug))
    codes = [service["service_code"] for service in services]
    assert "kesehatan" in codes
    for service in services:
        assert set(service) == {
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        }
        assert service["metadata"] is True
        assert service["type"] in ("realtime", "batch", "blackbox")
        assert service["group"] == region.magelang.name
    xml_service = parse(get("services.xml")).find("service")
    assert xml_service.findtext("metadata") == "true"


def test_an_unknown_jurisdiction_is_404_with_the_error_envelope(get, region):
    answer = get("services.xml", jurisdiction_id="atlantis.example")
    assert answer.status_code == 404
    root = parse(answer)
    assert root.tag == "errors"
    assert root.find("error/code").text == "404"
    assert "atlantis.example" in root.find("error/description").text
    json_answer = get("services.json", jurisdiction_id="atlantis.example")
    assert json_answer.status_code == 404
    assert parse(json_answer) == [
        {"code": 404, "description": parse(json_answer)[0]["description"]}
    ]


def test_a_service_definition_lists_its_attributes_in_order(get, region):
    answer = get("services/kesehatan.json", jurisdiction_id=region.magelang.slug)
    definition = parse(answer)
    assert definition["service_code"] == "kesehatan"
    attributes = definition["attributes"]
    assert [a["order"] for a in attributes] == list(range(1, len(attributes) + 1))
    datatypes = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
    for attribute in attributes:
        assert set(attribute) == {
            "variable",
            "code",
            "datatype",
            "required",
            "datatype_description",
            "order",
            "description",
            "values",
        }
        assert attribute["datatype"] in datatypes
        assert isinstance(attribute["variable"], bool) and isinstance(attribute["required"], bool)
        if attribute["datatype"].endswith("valuelist"):
            assert all(set(value) == {"key", "name"} for value in attribute["values"])
    by_code = {a["code"]: a for a in attributes}
    assert {v["key"] for v in by_code["visibility"]["values"]} == {"private", "public"}
    units = {v["name"] for v in by_code["unit"]["values"]}
    assert region.magelang_puskesmas.name in units
    root = parse(get("services/kesehatan.xml"))
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/variable").text == "true"


def test_an_unknown_service_code_is_404(get, region):
    assert get("services/sihir.json").status_code == 404
    assert get("requests.json", service_code="sihir").status_code == 404


# --- POST Service Request ------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "", "nope.nope", "abcdefgh.wrong-secret"])
def test_post_without_a_valid_api_key_is_403(post, region, key):
    for fmt in ("xml", "json"):
        answer = post(fmt, key=key, description="Antrean di puskesmas lebih dari tiga jam.")
        assert answer.status_code == 403
        assert parse(answer)  # the envelope, not an HTML page
    assert not Report.objects.exists()


def test_an_expired_or_revoked_key_is_403(post, region, app):
    from tuntas.exchange.services import api_client_revoke

    api_client_revoke(client=app.client, actor=None)
    assert post(description="Antrean di puskesmas lebih dari tiga jam.").status_code == 403


def test_post_creates_a_report_through_the_api_intake(post, region, app):
    answer = post(
        description="Antrean di puskesmas lebih dari tiga jam setiap pagi.",
        lat="-7.4797",
        long="110.2177",
        first_name="Sri",
        last_name="Lestari",
        email="sri@contoh.test",
        **{"attribute[consent]": "yes", "attribute[visibility]": "public"},
        **{"attribute[unit]": str(region.magelang_puskesmas.pk)},
        account_id="warga-77",
    )
    assert answer.status_code == 201, answer.content
    (item,) = parse(answer)
    report = Report.objects.get(public_number=item["service_request_id"])
    assert "token" not in item
    assert item["account_id"] == "warga-77"
    assert report.channel == Channel.API
    assert report.institution == region.magelang
    assert report.unit == region.magelang_puskesmas
    assert report.identity_mode == "rahasia"  # a name was sent, no mode chosen: the safe one
    assert report.visibility == "public"
    assert str(report.latitude) == "-7.479700"
    assert AgencyCase.objects.filter(report=report).exists()


def test_post_answers_in_xml_too(post, region):
    answer = post("xml", description="Antrean di puskesmas lebih dari tiga jam setiap pagi.")
    assert answer.status_code == 201
    root = parse(answer)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"service_code": ""}, 400),
        ({"service_code": "sihir"}, 404),
        ({"address_string": ""}, 400),  # no location at all
        ({"lat": "abc", "long": "110.2"}, 400),
        ({"description": "pendek"}, 400),  # the intake wants 20 characters
        ({"description": "x" * 4001}, 400),
        ({"jurisdiction_id": "atlantis.example"}, 404),
        ({"attribute[unit]": "999999"}, 400),
    ],
)
def test_post_refusals_use_the_specs_codes(post, region, fields, status):
    values = {"description": "Antrean di puskesmas lebih dari tiga jam setiap pagi.", **fields}
    answer = post(**values)
    assert answer.status_code == status, answer.content
    errors = parse(answer)
    assert errors and all(set(error) == {"code", "description"} for error in errors)
    assert not Report.objects.exists()


def test_post_to_another_institutions_jurisdiction_is_refused(post, region):
    answer = post(
        description="Antrean di puskesmas lebih dari tiga jam setiap pagi.",
        jurisdiction_id=region.ombudsman_ri.slug,
    )
    assert answer.status_code == 404


def test_html_in_the_description_is_stripped(post, region):
    post(description="<script>alert(1)</script>Antrean di puskesmas lebih dari tiga jam.")
    assert Report.objects.get().description == "alert(1)Antrean di puskesmas lebih dari tiga jam."


@override_settings(OPEN311_SERVICE_TYPE="batch")
def test_a_batch_endpoint_answers_with_a_token_that_resolves_to_the_request(post, get, region):
    answer = post(description="Antrean di puskesmas lebih dari tiga jam setiap pagi.")
    (item,) = parse(answer)
    assert "service_request_id" not in item and item["token"]
    token = RequestToken.objects.get()
    assert token.token == item["token"]
    (resolved,) = parse(get(f"tokens/{item['token']}.json"))
    assert resolved == {"service_request_id": token.report.public_number, "token": item["token"]}
    root = parse(get(f"tokens/{item['token']}.xml"))
    assert root.find("request/token").text == item["token"]
    assert get("tokens/unknown-token.json").status_code == 404
    assert parse(get("services.json"))[0]["type"] == "batch"


# --- GET Service Requests ------------------------------------------------------------------


def test_a_request_has_every_field_of_the_spec_in_order(get, region):
    report = make_report(region, latitude="-7.479700", longitude="110.217700")
    (request,) = parse(get("requests.json"))
    assert list(request) == REQUEST_FIELDS
    assert request["service_request_id"] == report.public_number
    assert request["status"] == "open"
    assert request["service_code"] == "kesehatan"
    assert request["lat"] == pytest.approx(-7.4797) and request["long"] == pytest.approx(110.2177)
    assert region.magelang.name in request["agency_responsible"]
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C.match(request[name]), (name, request[name])
    xml_request = parse(get("requests.xml")).find("request")
    assert [child.tag for child in xml_request] == REQUEST_FIELDS


def test_expected_datetime_is_the_deadline_engines_due_date(get, region):
    report = make_report(region)
    case = AgencyCase.objects.get(report=report)
    (request,) = parse(get(f"requests/{report.public_number}.json"))
    assert request["expected_datetime"].startswith(case.due_on.isoformat())
    assert request["expected_datetime"].endswith("+07:00")


def test_status_maps_agency_states_to_open_and_closed(get, region):
    open_report = make_report(region)
    closed_report = make_report(region)
    case = AgencyCase.objects.get(report=closed_report)
    case_services.case_reject(
        case=case,
        actor=region.admin_magelang,
        expected_version=case.version,
        reason="Di luar kewenangan.",
    )
    case.refresh_from_db()
    by_id = {r["service_request_id"]: r for r in parse(get("requests.json"))}
    assert by_id[open_report.public_number]["status"] == "open"
    closed = by_id[closed_report.public_number]
    assert closed["status"] == "closed"
    assert closed["expected_datetime"] is None
    assert datetime.datetime.fromisoformat(closed["updated_datetime"]) == case.closed_at.replace(
        microsecond=0
    )
    only_open = parse(get("requests.json", status="open"))
    assert [r["service_request_id"] for r in only_open] == [open_report.public_number]
    only_closed = parse(get("requests.json", status="closed"))
    assert [r["service_request_id"] for r in only_closed] == [closed_report.public_number]
    assert len(parse(get("requests.json", status="open,closed"))) == 2
    assert get("requests.json", status="pending").status_code == 400


def test_service_request_id_takes_a_comma_list_and_overrides_every_other_filter(get, region):
    first, _second, third = (make_report(region) for _ in range(3))
    ids = f"{first.public_number},{third.public_number}"
    found = parse(
        get("requests.json", service_request_id=ids, status="closed", service_code="pendidikan")
    )
    assert {r["service_request_id"] for r in found} == {first.public_number, third.public_number}


def test_service_code_filters_with_a_comma_list(get, region):
    from tuntas.complaints.models import Category

    health = make_report(region)
    school = make_report(region, category=Category.objects.get(slug="pendidikan"))
    assert [
        r["service_request_id"] for r in parse(get("requests.json", service_code="pendidikan"))
    ] == [school.public_number]
    both = parse(get("requests.json", service_code="pendidikan,kesehatan"))
    assert {r["service_request_id"] for r in both} == {health.public_number, school.public_number}


def test_the_default_window_is_the_last_90_days(get, region):
    now = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=JAKARTA)
    with time_machine.travel(now - datetime.timedelta(days=100), tick=False):
        old = make_report(region)
    with time_machine.travel(now - datetime.timedelta(days=10), tick=False):
        recent = make_report(region)
    with time_machine.travel(now, tick=False):
        found = [r["service_request_id"] for r in parse(get("requests.json"))]
        assert found == [recent.public_number]
        # A start alone means the 90 days from it.
        window = parse(get("requests.json", start_date="2026-02-15T00:00:00+07:00"))
        assert [r["service_request_id"] for r in window] == [old.public_number]
        later = parse(get("requests.json", start_date="2026-03-01T00:00:00+07:00"))
        assert [r["service_request_id"] for r in later] == [recent.public_number]
        before = parse(get("requests.json", end_date="2026-03-01T00:00:00+07:00"))
        assert [r["service_request_id"] for r in before] == [old.public_number]
        both = parse(
            get("requests.json", start_date="2026-02-20T00:00:00Z", end_date="2026-02-25T00:00:00Z")
        )
        assert [r["service_request_id"] for r in both] == [old.public_number]


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "kemarin"},
        {"end_date": "2026-13-45T00:00:00Z"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},  # > 90 days
        {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"},
        {"page": "0"},
        {"page_size": "-5"},
    ],
)
def test_bad_filters_are_400_with_the_envelope(get, region, params):
    for fmt in ("xml", "json"):
        answer = get(f"requests.{fmt}", **params)
        assert answer.status_code == 400
        assert parse(answer)


def test_page_and_page_size_page_through_newest_first_and_page_size_is_capped(get, region):
    reports = [make_report(region) for _ in range(5)]
    newest_first = [r.public_number for r in reversed(reports)]
    pages = [
        [r["service_request_id"] for r in parse(get("requests.json", page=n, page_size=2))]
        for n in (1, 2, 3, 4)
    ]
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5], []]
    assert len(parse(get("requests.json", page_size=5000))) == 5


def test_the_default_answer_holds_at_most_1000_requests(get, region, monkeypatch, settings):
    from tuntas.open311 import selectors

    seen = {}
    original = selectors.requests_find

    def spy(criteria):
        seen["limit"] = criteria.limit
        return original(criteria)

    monkeypatch.setattr(selectors, "requests_find", spy)
    get("requests.json")
    assert seen["limit"] == 1000  # the spec's "first 1000 requests"
    settings.OPEN311_DEFAULT_PAGE_SIZE = 100  # an operator may make the default page smaller
    get("requests.json")
    assert seen["limit"] == 100
    settings.OPEN311_DEFAULT_PAGE_SIZE = 5000
    get("requests.json")
    assert seen["limit"] == 1000
    get("requests.json", page_size=99999)
    assert seen["limit"] == 1000


def test_jurisdiction_id_selects_the_institution(get, region):
    from tuntas.institutions.models import Institution

    make_report(region)
    other = Institution.objects.exclude(pk=region.magelang.pk).filter(is_active=True).first()
    assert len(parse(get("requests.json", jurisdiction_id=region.magelang.slug))) == 1
    assert parse(get("requests.json", jurisdiction_id=other.slug)) == []


# --- GET Service Request, update history ---------------------------------------------------


def test_one_request_is_wrapped_in_service_requests(get, region):
    report = make_report(region)
    (request,) = parse(get(f"requests/{report.public_number}.json"))
    assert request["service_request_id"] == report.public_number
    root = parse(get(f"requests/{report.public_number}.xml"))
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text == report.public_number
    assert get("requests/LM-000000000.json").status_code == 404


def test_extensions_add_the_public_update_history(get, region):
    report = make_report(region)
    case = AgencyCase.objects.get(report=report)
    case_services.case_verify(case=case, actor=region.admin_magelang, expected_version=case.version)
    case_services.case_note_add(
        case=case, actor=region.admin_magelang, text="Catatan internal rahasia"
    )
    (plain,) = parse(get(f"requests/{report.public_number}.json"))
    assert "notes" not in plain
    (request,) = parse(get(f"requests/{report.public_number}.json", extensions="true"))
    kinds = [note["type"] for note in request["notes"]]
    assert kinds[:3] == ["report.submitted", "case.opened", "case.verify"]
    assert "case.note_added" not in kinds  # internal notes are not public events
    assert all(W3C.match(note["datetime"]) and note["description"] for note in request["notes"])
    listed = parse(get("requests.json", extensions="true"))
    assert listed[0]["notes"] == request["notes"]
    root = parse(get(f"requests/{report.public_number}.xml", extensions="true"))
    assert [n.findtext("type") for n in root.find("request/notes")] == kinds


def test_an_unknown_address_answers_with_the_error_envelope(get, region):
    answer = get("nowhere.json")
    assert answer.status_code == 404
    assert parse(answer)[0]["code"] == 404
    xml = get("services.csv")
    assert xml["Content-Type"] == "text/xml; charset=utf-8"
    assert parse(xml).tag == "errors"


def test_a_nul_byte_in_an_argument_is_400_not_a_server_error(get, region):
    assert get("requests.json", jurisdiction_id="a\x00b").status_code == 400
    assert get("requests.json", service_request_id="LM-\x00").status_code == 400


def test_posting_keeps_to_the_clients_rate_limit(post, region, app):
    from tuntas.exchange.services import api_client_set_limits

    api_client_set_limits(client=app.client, actor=None, rate_limit="1/min")
    first = post(description="Antrean di puskesmas lebih dari tiga jam setiap pagi.")
    assert first.status_code == 201
    second = post(description="Antrean di puskesmas lebih dari tiga jam setiap sore.")
    assert second.status_code == 429
    assert int(second["Retry-After"]) > 0
    assert parse(second)[0]["code"] == 429
    assert Report.objects.count() == 1


def test_a_remembered_document_never_outlives_a_change_of_its_report(get, region):
    report = make_report(region)
    before_json = parse(get("requests.json"))
    before_xml = parse(get("requests.xml")).find("request")
    assert before_json[0]["status"] == before_xml.findtext("status") == "open"
    with_notes = parse(get("requests.json", extensions="true"))
    assert "notes" in with_notes[0]
    assert "notes" not in parse(get("requests.json"))[0]  # the remembered one is untouched
    case = AgencyCase.objects.get(report=report)
    case_services.case_reject(
        case=case,
        actor=region.admin_magelang,
        expected_version=case.version,
        reason="Salah alamat.",
    )
    (after,) = parse(get("requests.json"))
    assert after["status"] == parse(get("requests.xml")).find("request").findtext("status")
    assert after["status"] == "closed" and after["expected_datetime"] is None
    assert after["status_notes"] != before_json[0]["status_notes"]


def test_documents_follow_the_requested_language(client, region):
    make_report(region)
    (indonesian,) = parse(client.get("/open311/v2/requests.json"))
    (english,) = parse(client.get("/open311/v2/requests.json", HTTP_ACCEPT_LANGUAGE="en"))
    assert indonesian["service_name"] != english["service_name"]
    assert indonesian["status_notes"] != english["status_notes"]
