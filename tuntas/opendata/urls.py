from django.urls import path, re_path

from tuntas.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("kamus/", views.dictionary, name="dictionary"),
    re_path(r"^kamus\.(?P<extension>csv|json)$", views.dictionary_file, name="dictionary_file"),
    re_path(
        r"^(?P<slug>[a-z-]+)\.(?P<extension>csv|json)$", views.dataset_file, name="dataset_file"
    ),
]
