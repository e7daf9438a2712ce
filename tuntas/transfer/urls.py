from django.urls import path

from tuntas.transfer import views

app_name = "transfer"

urlpatterns = [
    path("", views.index, name="index"),
    path("ekspor/", views.export_new, name="export_new"),
    path("ekspor/ombudsman/", views.export_ombudsman, name="export_ombudsman"),
    path("ekspor/<int:job_id>/", views.export_detail, name="export"),
    path("ekspor/<int:job_id>/unduh/", views.export_download, name="export_download"),
    path("impor/", views.import_new, name="import_new"),
    path("impor/<int:job_id>/", views.import_detail, name="import"),
    path("impor/<int:job_id>/pemetaan/", views.import_map, name="import_map"),
    path("impor/<int:job_id>/mulai/", views.import_run, name="import_run"),
]
