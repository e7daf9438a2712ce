from django.apps import AppConfig


class BaselineConfig(AppConfig):
    name = "baseline_app"
    label = "baseline_app"
    default_auto_field = "django.db.models.BigAutoField"
