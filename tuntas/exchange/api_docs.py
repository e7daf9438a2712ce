"""The API's documentation page: the OpenAPI document rendered on the server (no JavaScript)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

from tuntas.exchange.api import SchemaApi

_METHODS = ("get", "post", "put", "patch", "delete")


def _schema_type(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"[{_schema_type(schema.get('items'))}]"
    kind = str(schema.get("type", ""))
    if schema.get("format"):
        kind = f"{kind} ({schema['format']})"
    if schema.get("enum"):
        kind = f"{kind}: {', '.join(str(value) for value in schema['enum'] if value is not None)}"
    return kind


def _body_type(content: dict[str, Any] | None) -> str:
    for media in (content or {}).values():
        return _schema_type(media.get("schema"))
    return ""


def operations_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, item in document.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            found.append(
                {
                    "anchor": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "where": parameter["in"],
                            "required": parameter.get("required", False),
                            "type": _schema_type(parameter.get("schema")),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "request": _body_type(operation.get("requestBody", {}).get("content")),
                    "responses": [
                        {
                            "status": status,
                            "description": response.get("description", ""),
                            "type": _body_type(response.get("content")),
                        }
                        for status, response in operation.get("responses", {}).items()
                    ],
                }
            )
    return found


def api_docs(request: HttpRequest, patterns: list[Any]) -> HttpResponse:
    generator = SchemaGenerator(patterns=patterns, **_generator_settings())
    document = generator.get_schema(request=None, public=True)
    schemas = document.get("components", {}).get("schemas", {})
    return render(
        request,
        "exchange/api_docs.html",
        {
            "info": document.get("info", {}),
            "operations": operations_of(document),
            "schemas": [
                {"name": name, "json": json.dumps(schema, indent=2, ensure_ascii=False)}
                for name, schema in sorted(schemas.items())
            ],
        },
    )


def _generator_settings() -> dict[str, Any]:
    return {
        "title": SchemaApi.custom_settings["TITLE"],
        "version": SchemaApi.custom_settings["VERSION"],
    }
