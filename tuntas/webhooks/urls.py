from django.urls import path

from tuntas.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.subscription_list, name="list"),
    path("baru/", views.subscription_create, name="create"),
    path("<int:pk>/", views.subscription_detail, name="detail"),
    path("<int:pk>/rahasia/", views.subscription_rotate, name="rotate"),
    path("gagal/", views.dead_letters, name="dead_letters"),
    path("gagal/<int:pk>/ulang/", views.delivery_replay, name="replay"),
]
