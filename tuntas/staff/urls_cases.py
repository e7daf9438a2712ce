"""Case handling in the staff workspace (/staf/kasus/)."""

from django.urls import path

from tuntas.staff import views_cases, views_head, views_inbox

app_name = "cases"

urlpatterns = [
    path("", views_inbox.inbox, name="inbox"),
    path("massal/", views_inbox.bulk, name="bulk"),
    path("pimpinan/", views_head.head_overview, name="head"),
    path("<str:number>/", views_cases.case_detail, name="detail"),
    path("<str:number>/langkah/<slug:step_key>/", views_cases.case_step, name="step"),
    path("<str:number>/bukti/<int:evidence_id>/", views_cases.evidence_download, name="evidence"),
]
