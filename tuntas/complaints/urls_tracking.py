"""Following a report by number and access code (/lacak/)."""

from django.urls import path

from tuntas.complaints import views_tracking

app_name = "tracking"
urlpatterns = [
    path("", views_tracking.lookup, name="lookup"),
    path("<str:number>/", views_tracking.detail, name="detail"),
    path("<str:number>/tambah/", views_tracking.add_information, name="add_information"),
    path("<str:number>/tarik/", views_tracking.withdraw, name="withdraw"),
    path("<str:number>/konfirmasi/", views_tracking.confirm, name="confirm"),
    path("<str:number>/sanggah/", views_tracking.dispute, name="dispute"),
    path("<str:number>/nilai/", views_tracking.rate, name="rate"),
]
