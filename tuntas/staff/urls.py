from django.urls import include, path

from tuntas.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("instansi/", views.institution_list, name="institutions"),
    path("instansi/<slug:slug>/", views.institution_detail, name="institution"),
    path("instansi/<slug:slug>/unit-baru/", views.unit_new, name="unit_new"),
    path("unit/<int:unit_id>/", views.unit_detail, name="unit"),
    path("unit/<int:unit_id>/ubah/", views.unit_edit, name="unit_edit"),
    path("audit/", views.audit_log, name="audit"),
    path("laporan/", include("tuntas.staff.urls_reports")),
    path("kasus/", include("tuntas.staff.urls_cases")),
]
