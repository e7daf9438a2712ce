from django.urls import path

from tuntas.site import views

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("aksesibilitas/", views.accessibility, name="accessibility"),
    path("privasi/", views.privacy, name="privacy"),
]
