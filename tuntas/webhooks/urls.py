"""URL patterns of this app (filled in as its pages land)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
