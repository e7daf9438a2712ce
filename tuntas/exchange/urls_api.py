"""REST API v1 (/api/v1/)."""

from django.urls import include, path, re_path

from tuntas.exchange.api import SchemaApi, not_found
from tuntas.exchange.api_cases import CaseDetailApi, CaseListApi
from tuntas.exchange.api_directory import CategoryListApi, InstitutionDetailApi, InstitutionListApi
from tuntas.exchange.api_reports import ReportDetailApi, ReportInformationAddApi, ReportsApi
from tuntas.exchange.api_stats import StatisticsApi

app_name = "api"

operations = [
    path("reports", ReportsApi.as_view(), name="reports"),
    path("reports/<str:number>", ReportDetailApi.as_view(), name="report"),
    path(
        "reports/<str:number>/information",
        ReportInformationAddApi.as_view(),
        name="report-information",
    ),
    path("cases", CaseListApi.as_view(), name="cases"),
    path("cases/<str:number>", CaseDetailApi.as_view(), name="case"),
    path("institutions", InstitutionListApi.as_view(), name="institutions"),
    path("institutions/<slug:slug>", InstitutionDetailApi.as_view(), name="institution"),
    path("categories", CategoryListApi.as_view(), name="categories"),
    path("statistics", StatisticsApi.as_view(), name="statistics"),
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
