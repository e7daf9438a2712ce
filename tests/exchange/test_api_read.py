"""REST API v1 reads: scope, pagination, filters, ETag/If-Match, and no reporter leaks."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from tests.open311.conftest import CANARIES, CANARY_TEXT, canary_identity, make_report
from tuntas.cases import services as case_services
from tuntas.cases.models import AgencyCase
from tuntas.complaints.codes import format_public_number
from tuntas.complaints.models import Report
from tuntas.exchange.services import api_client_create


def _key(region, *, institution=None, scopes=("read",), **extra) -> str:
    _client, key = api_client_create(
        actor=None,
        institution=institution or region.magelang,
        name=f"Reader {scopes} {len(Report.objects.all())} {extra}",
        scopes=list(scopes),
        **extra,
    )
    return key


def _get(client: Client, path: str, key: str | None, **params):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.get(f"/api/v1/{path}", params, headers=headers)


def _no_canary(response) -> None:
    body = response.content.decode().lower()
    for canary in CANARIES:
        assert canary.lower() not in body, canary


def test_the_list_holds_only_reports_of_the_keys_institution(client, region):
    mine = make_report(region, visibility="private")
    key = _key(region)
    other_key = _key(region, institution=region.jateng)
    answer = _get(client, "reports", key)
    assert answer.status_code == 200
    numbers = [item["number"] for item in answer.json()["results"]]
    assert numbers == [format_public_number(mine.public_number)]
    # The Jawa Tengah office supervises Magelang only if the directory says so.
    if region.magelang.supervising_office_id != region.jateng.pk:
        assert _get(client, "reports", other_key).json()["results"] == []
        assert _get(client, f"reports/{mine.public_number}", other_key).status_code == 404


def test_the_central_ombudsman_office_reads_everything(client, region):
    report = make_report(region)
    key = _key(region, institution=region.ombudsman_ri)
    assert _get(client, f"reports/{report.public_number}", key).status_code == 200


@pytest.mark.parametrize("mode", ["rahasia", "anonim", "terbuka"])
def test_no_reporter_details_without_an_open_identity_and_the_exchange_scope(client, region, mode):
    report = make_report(region, visibility="private", identity_mode=mode)
    key = _key(region)
    detail = _get(client, f"reports/{report.public_number}", key)
    assert detail.status_code == 200
    assert detail.json()["reporter"] is None
    assert "ditolak di loket" in detail.json()["description"]
    _no_canary(detail)
    _no_canary(_get(client, "reports", key))
    _no_canary(_get(client, f"cases/{report.public_number}", key))


@pytest.mark.parametrize("mode", ["rahasia", "anonim"])
def test_even_the_exchange_scope_never_gets_a_confidential_or_anonymous_reporter(
    client, region, mode
):
    report = make_report(region, identity_mode=mode)
    key = _key(region, scopes=("read", "exchange"))
    detail = _get(client, f"reports/{report.public_number}", key)
    assert detail.json()["reporter"] is None
    _no_canary(detail)
    _no_canary(_get(client, "reports", key))


def test_an_open_identity_goes_to_a_key_with_the_exchange_scope(client, region):
    report = make_report(region, identity_mode="terbuka")
    key = _key(region, scopes=("read", "exchange"))
    data = _get(client, f"reports/{report.public_number}", key).json()
    assert data["reporter"]["name"] == canary_identity().name
    assert data["description"] == CANARY_TEXT


def test_reading_needs_the_read_scope_and_a_key(client, region):
    make_report(region)
    submit_only = _key(region, scopes=("submit",))
    refused = _get(client, "reports", submit_only)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "scope_missing"
    missing = _get(client, "reports", None)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "not_authenticated"


def test_an_expired_key_is_401_with_its_code(client, region, monkeypatch):
    import time_machine

    key = _key(region, expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC))
    with time_machine.travel(datetime.datetime(2030, 1, 2, tzinfo=datetime.UTC), tick=False):
        answer = _get(client, "categories", key)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "api_key_expired"


def test_a_clients_own_rate_limit_gives_429_with_retry_after(client, region):
    key = _key(region, rate_limit="2/min")
    assert _get(client, "categories", key).status_code == 200
    assert _get(client, "categories", key).status_code == 200
    third = _get(client, "categories", key)
    assert third.status_code == 429
    assert third.json()["error"]["code"] == "throttled"
    assert int(third["Retry-After"]) > 0
    # Another client is counted apart.
    assert _get(client, "categories", _key(region)).status_code == 200


def test_cursor_pagination_walks_every_report_once(client, region):
    made = {make_report(region).public_number for _ in range(5)}
    key = _key(region)
    seen: list[str] = []
    page = _get(client, "reports", key, page_size=2).json()
    while True:
        seen += [item["number"].replace("-", "") for item in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"], headers={"Authorization": f"Bearer {key}"}).json()
    assert len(seen) == 5
    assert {number.replace("-", "") for number in made} == set(seen)


def test_a_bad_cursor_or_filter_answers_in_the_error_shape(client, region):
    key = _key(region)
    assert _get(client, "reports", key, cursor="garbage").json()["error"]["code"] == "not_found"
    bad_state = _get(client, "reports", key, state="lost")
    assert bad_state.status_code == 422
    assert bad_state.json()["error"]["field"] == "state"
    assert _get(client, "reports", key, updated_since="yesterday").status_code == 422
    assert _get(client, "reports", key, category="sihir").status_code == 422


def test_filters_by_state_category_channel_and_update_time(client, region):
    first = make_report(region)
    second = make_report(region)
    case = AgencyCase.objects.get(report=second)
    case_services.case_verify(case=case, actor=region.admin_magelang, expected_version=case.version)
    key = _key(region)

    def numbers(**params):
        return [item["number"] for item in _get(client, "reports", key, **params).json()["results"]]

    assert numbers(state="verified") == [format_public_number(second.public_number)]
    assert numbers(state="received") == [format_public_number(first.public_number)]
    assert len(numbers(category="kesehatan", channel="web")) == 2
    assert numbers(channel="api") == []
    assert numbers(updated_since="2999-01-01") == []


def test_cases_list_and_detail_with_public_events_only(client, region):
    report = make_report(region)
    case = AgencyCase.objects.get(report=report)
    case_services.case_note_add(case=case, actor=region.admin_magelang, text="Catatan internal")
    key = _key(region)
    listed = _get(client, "cases", key).json()["results"]
    assert [item["state"] for item in listed] == ["received"]
    detail = _get(client, f"cases/{report.public_number}", key).json()
    actions = [event["action"] for event in detail["events"]]
    assert "report.submitted" in actions and "case.opened" in actions
    assert "case.note_added" not in actions
    assert _get(client, "cases", key, state="closed").status_code == 422


def test_the_directory_and_categories(client, region):
    key = _key(region)
    institutions = _get(client, "institutions", key).json()
    assert [item["slug"] for item in institutions] == [region.magelang.slug]
    units = {unit["name"] for unit in institutions[0]["units"]}
    assert region.magelang_puskesmas.name in units
    assert _get(client, f"institutions/{region.magelang.slug}", key).status_code == 200
    assert _get(client, f"institutions/{region.ombudsman_ri.slug}", key).status_code == 404
    categories = _get(client, "categories", key).json()
    assert "kesehatan" in {item["slug"] for item in categories}


def test_statistics_count_by_month_state_category_and_channel(client, region):
    make_report(region)
    make_report(region)
    key = _key(region)
    months = _get(client, "statistics", key).json()["months"]
    assert len(months) == 1
    month = months[0]
    assert month["total"] == 2
    assert month["by_state"] == {"received": 2}
    assert month["by_category"] == {"kesehatan": 2}
    assert month["by_channel"] == {"web": 2}
    other = _key(region, institution=region.jateng)
    if region.magelang.supervising_office_id != region.jateng.pk:
        assert _get(client, "statistics", other).json()["months"] == []
    assert (
        _get(client, "statistics", key, since="2030-01-01", until="2029-01-01").status_code == 422
    )


# --- ETag / If-Match on the update ---------------------------------------------------------


def _add(client, number, key, text, **headers):
    return client.post(
        f"/api/v1/reports/{number}/information",
        data={"text": text},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", **headers},
    )


def test_the_detail_carries_an_etag_that_an_update_must_name(client, region):
    report = make_report(region)
    key = _key(region, scopes=("read", "submit"))
    detail = _get(client, f"reports/{report.public_number}", key)
    etag = detail["ETag"]
    assert etag and detail.json()["version"] == etag

    missing = _add(client, report.public_number, key, "Nomor antrean saya 17.")
    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "if_match_required"

    updated = _add(
        client, report.public_number, key, "Nomor antrean saya 17.", **{"If-Match": etag}
    )
    assert updated.status_code == 200, updated.content
    assert updated["ETag"] != etag
    report.refresh_from_db()
    assert report.version == 2

    stale = _add(client, report.public_number, key, "Sekali lagi.", **{"If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "stale_version"
    assert stale.json()["error"]["current_version"] == updated["ETag"]
    report.refresh_from_db()
    assert report.version == 2  # nothing was written


def test_a_case_step_also_makes_the_etag_stale(client, region):
    report = make_report(region)
    key = _key(region, scopes=("read", "submit"))
    etag = _get(client, f"reports/{report.public_number}", key)["ETag"]
    case = AgencyCase.objects.get(report=report)
    case_services.case_verify(case=case, actor=region.admin_magelang, expected_version=case.version)
    assert (
        _add(client, report.public_number, key, "Tambahan.", **{"If-Match": etag}).status_code
        == 412
    )


def test_the_update_needs_the_submit_scope_and_a_report_in_scope(client, region):
    report = make_report(region)
    reader = _key(region)
    assert _add(client, report.public_number, reader, "x", **{"If-Match": "*"}).status_code == 403
    outsider = _key(region, institution=region.jateng, scopes=("submit",))
    if region.magelang.supervising_office_id != region.jateng.pk:
        answer = _add(client, report.public_number, outsider, "x", **{"If-Match": "*"})
        assert answer.status_code == 404


# --- Schema and docs -----------------------------------------------------------------------


def test_the_openapi_document_is_at_api_schema(client, region):
    answer = client.get("/api/schema/", {"format": "json"})
    assert answer.status_code == 200
    document = answer.json()
    assert document["openapi"].startswith("3.")
    for path in ("/api/v1/reports", "/api/v1/reports/{number}", "/api/v1/statistics"):
        assert path in document["paths"]


def test_the_docs_page_renders_every_operation_without_javascript(client, region):
    answer = client.get("/api/docs/", headers={"Cookie": "django_language=en"})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "<script" not in page.split("</head>", 1)[1]
    for operation in ("GET /api/v1/reports", "POST /api/v1/reports/{number}/information"):
        assert operation in page


def test_updated_since_pages_through_changes_oldest_first(client, region):
    import time_machine

    moments = [datetime.datetime(2026, 3, day, 9, tzinfo=datetime.UTC) for day in (2, 3, 4)]
    made = []
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            made.append(make_report(region))
    key = _key(region, scopes=("read", "submit"))
    # The first report changes last: it comes last in a sync from 1 March.
    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, tzinfo=datetime.UTC), tick=False):
        etag = _get(client, f"reports/{made[0].public_number}", key)["ETag"]
        assert (
            _add(client, made[0].public_number, key, "Tambahan.", **{"If-Match": etag}).status_code
            == 200
        )
    found = [
        item["number"]
        for item in _get(client, "reports", key, updated_since="2026-03-01").json()["results"]
    ]
    expected = [format_public_number(r.public_number) for r in (made[1], made[2], made[0])]
    assert found == expected
