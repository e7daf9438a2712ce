"""Reports in the staff workspace (/staf/laporan/)."""

from django.urls import path

from tuntas.staff import views_reports

app_name = "reports"

urlpatterns = [
    path("", views_reports.report_list, name="list"),
    path("baru/", views_reports.report_new, name="new"),
    path("baru/selesai/", views_reports.report_receipt, name="receipt"),
    path("<str:number>/", views_reports.report_detail, name="detail"),
    path("<str:number>/identitas/", views_reports.report_identity_reveal, name="identity"),
    path(
        "<str:number>/lampiran/<int:attachment_id>/",
        views_reports.attachment_download,
        name="attachment",
    ),
]
