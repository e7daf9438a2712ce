"""The citizen's report form (/lapor/). Filled in by the web-intake work."""

app_name = "report"
urlpatterns: list = []
