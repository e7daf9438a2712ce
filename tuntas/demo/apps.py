from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tuntas.demo"
    label = "demo"
    verbose_name = "Demo region"
