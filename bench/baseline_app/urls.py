from django.urls import path

from baseline_app import views

urlpatterns = [path("hello", views.hello), path("insert", views.insert)]
