"""Inbound channel webhooks (/kanal/): SMS and WhatsApp gateways."""

from django.urls import path

from tuntas.complaints import views_webhooks

app_name = "channels"
urlpatterns = [
    path("pesan/", views_webhooks.message_webhook, name="message"),
]
