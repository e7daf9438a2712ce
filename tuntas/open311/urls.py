"""GeoReport v2 at /open311/v2/: every method in XML and JSON by the path's suffix."""

from django.urls import re_path

from tuntas.open311 import views

app_name = "open311"

_FMT = r"\.(?P<fmt>xml|json)"

urlpatterns = [
    re_path(r"^$", views.discovery, {"fmt": "xml"}, name="root"),
    re_path(rf"^discovery{_FMT}$", views.discovery, name="discovery"),
    re_path(rf"^services{_FMT}$", views.services, name="services"),
    re_path(rf"^services/(?P<code>[\w-]+){_FMT}$", views.service_definition, name="service"),
    re_path(rf"^requests{_FMT}$", views.requests, name="requests"),
    re_path(rf"^requests/(?P<number>[\w-]+){_FMT}$", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[\w-]+){_FMT}$", views.token_detail, name="token"),
    re_path(r"^(?P<unmatched>.*)$", views.csrf_exempt(views.not_found)),
]
