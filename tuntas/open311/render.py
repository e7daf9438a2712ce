"""GeoReport v2 documents in XML (required) and JSON (its mechanical mapping).

Every document is built once as plain values: a dict is an element with children, a list
of ``(tag, value)`` under a parent tag is a repeated child. JSON lists are arrays.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from django.http import HttpResponse

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
FORMATS = ("xml", "json")
_XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Many:
    """A repeated child: ``Many("request", [...])`` is ``<request/>``×n, a JSON array."""

    def __init__(self, tag: str, items: list[Any]) -> None:
        self.tag = tag
        self.items = items


def _text(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for tag, child in value.items():
            if isinstance(child, Many):
                holder = ET.SubElement(element, tag)
                for item in child.items:
                    _fill(ET.SubElement(holder, child.tag), item)
            else:
                _fill(ET.SubElement(element, tag), child)
    else:
        element.text = _text(value)


def to_xml(root: str, document: Any) -> bytes:
    """``document`` under ``<root>``; a top-level Many repeats its tag under the root."""
    element = ET.Element(root)
    if isinstance(document, Many):
        for item in document.items:
            _fill(ET.SubElement(element, document.tag), item)
    else:
        _fill(element, document)
    return _XML_DECLARATION + ET.tostring(element, encoding="unicode").encode("utf-8")


def _as_array(value: Any) -> Any:
    # json calls this only for what it cannot encode itself: every dict and list stays in C.
    if isinstance(value, Many):
        return value.items
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(document: Any) -> bytes:
    return json.dumps(
        document, default=_as_array, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")


def respond(fmt: str, root: str, document: Any, *, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return HttpResponse(to_json(document), status=status, content_type=JSON_TYPE)
    return HttpResponse(to_xml(root, document), status=status, content_type=XML_TYPE)


def respond_json_items(items: list[bytes]) -> HttpResponse:
    """A JSON array of already encoded items (each what ``to_json`` makes of one)."""
    return HttpResponse(b"[" + b",".join(items) + b"]", content_type=JSON_TYPE)


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's envelope: ``<errors><error><code/><description/></error>…`` or a JSON array."""
    items = [{"code": status, "description": text} for text in descriptions]
    return respond(fmt, "errors", Many("error", items), status=status)
