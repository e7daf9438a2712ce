"""/api/schema/ (OpenAPI 3) and /api/docs/ (the same document, readable without JavaScript)."""

from django.urls import include, path

from tuntas.exchange.api import SchemaApi
from tuntas.exchange.api_docs import api_docs
from tuntas.exchange.urls_api import operations

app_name = "api_docs"

_PATTERNS = [path("api/v1/", include(operations))]

urlpatterns = [
    path("schema/", SchemaApi.as_view(patterns=_PATTERNS), name="schema"),
    path("docs/", api_docs, {"patterns": _PATTERNS}, name="docs"),
]
