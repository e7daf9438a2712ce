from django.urls import path

from tuntas.referrals import views

app_name = "referrals"

urlpatterns = [
    path("masuk", views.incoming, name="incoming"),
    path("status", views.status, name="status"),
    path("lampiran/<uuid:reference>/<int:index>", views.attachment, name="attachment"),
    path("", views.referral_list, name="list"),
    path("mitra/", views.peer_list, name="peers"),
    path("mitra/<int:pk>/aktif/", views.peer_toggle, name="peer_toggle"),
    path("kirim/<str:number>/", views.referral_create, name="create"),
    path("pesan/<int:pk>/ulang/", views.message_replay, name="replay"),
    path("<str:reference>/", views.referral_detail, name="detail"),
]
