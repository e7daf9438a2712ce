"""Bare Django on Tuntas's database settings (same DATABASE_URL, WAL, synchronous=FULL,
IMMEDIATE transactions, connection ages), nothing else."""

import copy

from tuntas.settings import base

SECRET_KEY = base.SECRET_KEY
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["baseline_app"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "baseline_app.urls"
WSGI_APPLICATION = "baseline_app.wsgi.application"
DATABASES = copy.deepcopy(base.DATABASES)
USE_TZ = True
TIME_ZONE = base.TIME_ZONE
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGGING_CONFIG = None
