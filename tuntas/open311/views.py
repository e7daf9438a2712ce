"""GeoReport v2 endpoints: parse the arguments, call selectors and the one service, render.

The format is the path's suffix (``.xml`` or ``.json``); an empty argument counts as absent;
errors use the spec's envelope with 400, 403 or 404.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tuntas.complaints.identity import Identity
from tuntas.complaints.models import IdentityMode, Visibility
from tuntas.complaints.services_intake import ReportDraft
from tuntas.exchange.authentication import ApiClientRateThrottle
from tuntas.exchange.errors import django_validation_fields
from tuntas.exchange.models import ApiClient
from tuntas.exchange.selectors import api_client_for_key, client_may_submit_to
from tuntas.exchange.transport import api_language
from tuntas.institutions.models import Institution
from tuntas.open311 import selectors
from tuntas.open311.mapping import (
    CHANGESET,
    DEFAULT_WINDOW,
    MAX_PAGE_SIZE,
    SPECIFICATION,
    attributes_for,
    default_page_size,
    service_type,
)
from tuntas.open311.render import JSON_TYPE, XML_TYPE, Many, errors, respond, respond_json_items
from tuntas.open311.services import open311_request_submit

MAX_DESCRIPTION = 4000
MAX_IDS = 1000


class Refusal(Exception):
    def __init__(self, status: int, *descriptions: str, retry_after: int | None = None) -> None:
        super().__init__(descriptions)
        self.status = status
        self.descriptions = descriptions
        self.retry_after = retry_after


def _arg(source: Any, name: str) -> str | None:
    """An argument, or None when it is absent or empty (the spec treats both alike)."""
    value = source.get(name)
    if value is None:
        return None
    value = value.strip()
    if "\x00" in value or len(value) > 10_000:
        raise Refusal(400, _("%(name)s is not valid.") % {"name": name})
    return value or None


def _jurisdiction(source: Any) -> Institution | None:
    slug = _arg(source, "jurisdiction_id")
    if slug is None:
        return None
    institution = selectors.jurisdiction_get(slug)
    if institution is None:
        raise Refusal(404, _("Unknown jurisdiction_id: %(id)s.") % {"id": slug})
    return institution


def _list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or None


def _moment(name: str, value: str | None) -> datetime.datetime | None:
    if value is None:
        return None
    parsed = None
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is not None:
                parsed = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        parsed = None
    if parsed is None:
        raise Refusal(
            400,
            _("%(name)s must be a W3C date and time, e.g. 2026-12-01T09:30:00+07:00.")
            % {"name": name},
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _positive(name: str, value: str | None, *, default: int, maximum: int | None = None) -> int:
    if value is None:
        return default
    if not value.isdigit() or int(value) < 1:
        raise Refusal(400, _("%(name)s must be a whole number of 1 or more.") % {"name": name})
    number = int(value)
    return min(number, maximum) if maximum is not None else number


def _answer(fmt: str, view: Any) -> HttpResponse:
    try:
        return view()
    except Refusal as refusal:
        answer = errors(fmt, refusal.status, *refusal.descriptions)
        if refusal.retry_after is not None:
            answer["Retry-After"] = str(refusal.retry_after)
        return answer


def _speaking(request: HttpRequest) -> Any:
    return translation.override(api_language(request))


def not_found(request: HttpRequest, unmatched: str = "") -> HttpResponse:
    """Unknown addresses under /open311/v2/ answer with the spec's envelope, not a web page."""
    fmt = "json" if unmatched.endswith(".json") else "xml"
    with _speaking(request):
        return errors(fmt, 404, _("There is nothing at this address."))


# --- Discovery --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    endpoint = {
        "specification": SPECIFICATION,
        "url": request.build_absolute_uri(reverse("open311:root")),
        "changeset": CHANGESET,
        "type": "production",
        "formats": Many("format", [XML_TYPE.split(";")[0], JSON_TYPE.split(";")[0]]),
    }
    with _speaking(request):
        document = {
            "changeset": CHANGESET,
            "contact": _(
                "Ombudsman Republik Indonesia and the partner institutions: call %(phone)s."
            )
            % {"phone": _contact_phone()},
            "key_service": _(
                "An institution's administrator issues API keys (tuntas apiclient create)."
            ),
            "endpoints": Many("endpoint", [endpoint]),
        }
    return respond(fmt, "discovery", document)


def _contact_phone() -> str:
    from django.conf import settings

    return str(getattr(settings, "TUNTAS_CONTACT_PHONE", ""))


# --- Services ---------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    def view() -> HttpResponse:
        jurisdiction = _jurisdiction(request.GET)
        language = api_language(request)
        kind = service_type()
        items = [
            {
                "service_code": category.slug,
                "service_name": category.name_in(language),
                "description": category.name_in(language),
                "metadata": True,
                "type": kind,
                "keywords": ", ".join(dict.fromkeys([category.name_id, category.name_en])),
                "group": jurisdiction.name if jurisdiction is not None else "",
            }
            for category in selectors.services_list()
        ]
        return respond(fmt, "services", Many("service", items))

    with _speaking(request):
        return _answer(fmt, view)


@require_http_methods(["GET", "HEAD"])
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    def view() -> HttpResponse:
        jurisdiction = _jurisdiction(request.GET)
        category = selectors.service_get(code)
        if category is None:
            raise Refusal(404, _("Unknown service_code: %(code)s.") % {"code": code})
        attributes = [
            {
                "variable": True,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": attribute.datatype_description,
                "order": position,
                "description": attribute.description,
                "values": Many(
                    "value", [{"key": value.key, "name": value.name} for value in attribute.values]
                ),
            }
            for position, attribute in enumerate(
                attributes_for(units=selectors.units_of(jurisdiction)), start=1
            )
        ]
        document = {"service_code": category.slug, "attributes": Many("attribute", attributes)}
        return respond(fmt, "service_definition", document)

    with _speaking(request):
        return _answer(fmt, view)


# --- Requests ---------------------------------------------------------------------------


@csrf_exempt  # programs post with an api_key, not a session
@require_http_methods(["GET", "HEAD", "POST"])
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    with _speaking(request):
        if request.method == "POST":
            return _answer(fmt, lambda: _post_request(request, fmt))
        return _answer(fmt, lambda: _list_requests(request, fmt))


def _list_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    arguments = request.GET
    jurisdiction = _jurisdiction(arguments)
    ids = _list(_arg(arguments, "service_request_id"))
    page = _positive("page", _arg(arguments, "page"), default=1)
    page_size = _positive(
        "page_size",
        _arg(arguments, "page_size"),
        default=default_page_size(),
        maximum=MAX_PAGE_SIZE,
    )
    criteria: dict[str, Any] = {"jurisdiction": jurisdiction}
    if ids is not None:
        if len(ids) > MAX_IDS:
            raise Refusal(
                400, _("Ask for at most %(count)d service_request_id at once.") % {"count": MAX_IDS}
            )
        criteria["ids"] = ids
    else:
        codes = _list(_arg(arguments, "service_code"))
        for code in codes or []:
            if selectors.service_get(code) is None:
                raise Refusal(404, _("Unknown service_code: %(code)s.") % {"code": code})
        statuses = _list(_arg(arguments, "status"))
        for status in statuses or []:
            if status not in ("open", "closed"):
                raise Refusal(400, _("status must be open, closed, or both."))
        start = _moment("start_date", _arg(arguments, "start_date"))
        end = _moment("end_date", _arg(arguments, "end_date"))
        if start is not None and end is not None:
            if end < start:
                raise Refusal(400, _("end_date must not be before start_date."))
            if end - start > DEFAULT_WINDOW:
                raise Refusal(400, _("The date range may not exceed 90 days."))
        elif start is not None:
            end = start + DEFAULT_WINDOW
        elif end is not None:
            start = end - DEFAULT_WINDOW
        else:
            start = timezone.now() - DEFAULT_WINDOW
        criteria.update(service_codes=codes, statuses=statuses, start=start, end=end)
    rows = selectors.requests_find(
        selectors.RequestFilter(**criteria, offset=(page - 1) * page_size, limit=page_size)
    )
    return _requests(request, fmt, rows, arguments)


def _requests(
    request: HttpRequest, fmt: str, rows: list[selectors.PublicRow], arguments: Any
) -> HttpResponse:
    language = api_language(request)
    if _arg(arguments, "extensions") == "true":
        notes = selectors.request_notes([row.pk for row in rows])
        documents = [
            # A copy: the cached document is shared by every answer of this process.
            {
                **selectors.request_document(row, language=language),
                "notes": Many("note", notes.get(row.pk, [])),
            }
            for row in rows
        ]
    elif fmt == "json":
        # The commonest answer, a polled feed, joins documents encoded once per row.
        return respond_json_items([selectors.request_json(row, language=language) for row in rows])
    else:
        documents = [selectors.request_document(row, language=language) for row in rows]
    return respond(fmt, "service_requests", Many("request", documents))


@require_http_methods(["GET", "HEAD"])
def request_detail(request: HttpRequest, fmt: str, number: str) -> HttpResponse:
    def view() -> HttpResponse:
        jurisdiction = _jurisdiction(request.GET)
        row = selectors.request_get(number=number, jurisdiction=jurisdiction)
        if row is None:
            raise Refusal(404, _("Unknown service_request_id: %(id)s.") % {"id": number})
        return _requests(request, fmt, [row], request.GET)

    with _speaking(request):
        return _answer(fmt, view)


@require_http_methods(["GET", "HEAD"])
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    def view() -> HttpResponse:
        _jurisdiction(request.GET)
        found = selectors.token_get(token)
        if found is None:
            raise Refusal(404, _("Unknown token: %(token)s.") % {"token": token})
        item = {"service_request_id": found.report.public_number, "token": found.token}
        return respond(fmt, "service_requests", Many("request", [item]))

    with _speaking(request):
        return _answer(fmt, view)


# --- POST Service Request -------------------------------------------------------------


class _Caller:
    """What the API's per-client throttle reads of a request: the client."""

    def __init__(self, client: ApiClient) -> None:
        self.auth = client


def _client(source: Any) -> ApiClient:
    key = _arg(source, "api_key")
    client = api_client_for_key(key) if key is not None and len(key) <= 200 else None
    if client is None or not client.is_usable() or not client.has_scope("submit"):
        raise Refusal(403, _("A valid api_key with the submit scope is required."))
    throttle = ApiClientRateThrottle()
    if not throttle.allow_request(_Caller(client), None):  # type: ignore[arg-type]
        wait = throttle.wait()
        raise Refusal(
            429,
            _("Too many requests from this api_key; retry in %(seconds)d seconds.")
            % {"seconds": int(wait or 1)},
            retry_after=int(wait or 1),
        )
    return client


def _attributes(source: Any) -> dict[str, str]:
    found = {}
    for name in source:
        if name.startswith("attribute[") and name.endswith("]"):
            code = name[len("attribute[") : -1].removesuffix("][")
            values = [value.strip() for value in source.getlist(name) if value.strip()]
            if values:
                found[code] = ",".join(values)
    return found


def _coordinate(name: str, value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise Refusal(400, _("%(name)s must be a number (WGS84 degrees).") % {"name": name})
    return round(number, 6)


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    source = request.POST
    client = _client(source if "api_key" in source else request.GET)
    jurisdiction = _jurisdiction(source) or client.institution
    if not client_may_submit_to(client, jurisdiction):
        raise Refusal(404, _("Unknown jurisdiction_id: %(id)s.") % {"id": jurisdiction.slug})
    code = _arg(source, "service_code")
    if code is None:
        raise Refusal(400, _("service_code is required."))
    category = selectors.service_get(code)
    if category is None:
        raise Refusal(404, _("Unknown service_code: %(code)s.") % {"code": code})
    latitude = _coordinate("lat", _arg(source, "lat"))
    longitude = _coordinate("long", _arg(source, "long"))
    address = _arg(source, "address_string") or _arg(source, "address_id") or ""
    if (latitude is None or longitude is None) and not address:
        raise Refusal(400, _("Give a location: lat and long, address_string or address_id."))
    description = strip_tags(_arg(source, "description") or "")
    if len(description) > MAX_DESCRIPTION:
        raise Refusal(
            400,
            _("description may have at most %(count)d characters.") % {"count": MAX_DESCRIPTION},
        )
    media_url = _arg(source, "media_url")
    if media_url:
        description = f"{description}\n\nMedia: {media_url}"
    draft = _draft(source, jurisdiction=jurisdiction, category=category, description=description)
    draft.latitude, draft.longitude, draft.address = latitude, longitude, address[:300]
    try:
        posted = open311_request_submit(
            client=client, draft=draft, issue_token=service_type() == "batch"
        )
    except ValidationError as error:
        fields = django_validation_fields(error)
        raise Refusal(
            400,
            *[
                f"{name}: {message}" if name else message
                for name, messages in fields.items()
                for message in messages
            ],
        ) from None
    answer: dict[str, Any] = (
        {"token": posted.token}
        if posted.token is not None
        else {"service_request_id": posted.report.public_number}
    )
    answer.update(service_notice="", account_id=_arg(source, "account_id") or "")
    return respond(fmt, "service_requests", Many("request", [answer]), status=201)


def _draft(
    source: Any, *, jurisdiction: Institution, category: Any, description: str
) -> ReportDraft:
    attributes = _attributes(source)
    name = " ".join(
        part for part in (_arg(source, "first_name"), _arg(source, "last_name")) if part
    )
    email, phone = _arg(source, "email") or "", _arg(source, "phone") or ""
    identity = Identity(name=name, email=email, phone=phone) if name or email or phone else None
    mode = attributes.get("identity_mode") or (
        IdentityMode.CONFIDENTIAL if identity is not None else IdentityMode.ANONYMOUS
    )
    unit = None
    if attributes.get("unit"):
        unit = (
            jurisdiction.units.filter(pk=attributes["unit"]).first()
            if attributes["unit"].isdigit()
            else None
        )
        if unit is None:
            raise Refusal(400, _("attribute[unit] is not a unit of this jurisdiction."))
    occurred = _moment("attribute[occurred_on]", attributes.get("occurred_on"))
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    return ReportDraft(
        institution=jurisdiction,
        unit=unit,
        category=category,
        title=(attributes.get("title") or first_line[:80] or category.name_id)[:200],
        description=description,
        occurred_on=timezone.localtime(occurred).date() if occurred is not None else None,
        desired_outcome=attributes.get("desired_outcome", ""),
        identity_mode=mode,
        visibility=attributes.get("visibility") or Visibility.PRIVATE,
        identity=identity,
        consent=attributes.get("consent", "").lower() in ("yes", "true", "1"),
        language=api_language_of_draft(source),
    )


def api_language_of_draft(source: Any) -> str:
    locale = (_arg(source, "locale") or "").lower()
    return "en" if locale.startswith("en") else "id"
