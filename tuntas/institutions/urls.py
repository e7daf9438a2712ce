from django.urls import path

from tuntas.institutions import views

app_name = "institutions"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<slug:slug>/", views.institution_detail, name="detail"),
]
