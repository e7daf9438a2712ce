"""REST API v1 (/api/v1/)."""

app_name = "api"
urlpatterns: list = []
