"""Following a report by number and access code (/lacak/)."""

app_name = "tracking"
urlpatterns: list = []
