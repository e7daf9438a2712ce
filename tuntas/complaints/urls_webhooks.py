"""Inbound channel webhooks (/kanal/): SMS and WhatsApp gateways."""

app_name = "channels"
urlpatterns: list = []
