"""REST API v1 (/api/v1/)."""

from django.urls import include, path, re_path

from tuntas.exchange.api import ReportSubmitApi, SchemaApi, not_found

app_name = "api"

operations = [
    path("reports", ReportSubmitApi.as_view(), name="reports"),
]

urlpatterns = [
    *operations,
    # The document covers exactly the operations above, under their public prefix.
    path(
        "schema/",
        SchemaApi.as_view(patterns=[path("api/v1/", include(operations))]),
        name="schema",
    ),
    re_path(r"^(?P<unmatched>.*)$", not_found),
]
