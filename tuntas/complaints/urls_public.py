"""The citizen's report form (/lapor/) and the optional citizen account."""

from django.urls import path

from tuntas.complaints import views_citizen, views_report

app_name = "report"
urlpatterns = [
    path("", views_report.report_form, name="form"),
    path("periksa/", views_report.review, name="review"),
    path("terima-kasih/", views_report.receipt, name="receipt"),
    path("tanda-terima.pdf", views_report.receipt_download, name="receipt_pdf"),
    path("pilih/unit/", views_report.units_fragment, name="units"),
    path("pilih/instansi/", views_report.institutions_fragment, name="institutions"),
    path("saya/", views_citizen.my_reports, name="mine"),
    path("akun-baru/", views_citizen.signup, name="signup"),
]
