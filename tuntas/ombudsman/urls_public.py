"""The reporter's Ombudsman actions (/lacak/ombudsman/<number>/...), behind the tracking grant."""

from django.urls import path

from tuntas.ombudsman import views_public

app_name = "ombudsman_public"
urlpatterns = [
    path("<str:number>/tanggapan/", views_public.lahp_respond, name="lahp_respond"),
    path("<str:number>/kelengkapan/", views_public.completeness, name="completeness"),
    path("<str:number>/ajukan/", views_public.from_agency, name="from_agency"),
    path("<str:number>/tarik/", views_public.withdraw, name="withdraw"),
]
