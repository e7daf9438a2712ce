"""Test settings: fast hashing, in-memory mail and cache, tasks run inline."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789")

from tuntas.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "template_fragments": TEMPLATE_FRAGMENTS_CACHE,  # noqa: F405
}
HUEY = {"huey_class": "huey.MemoryHuey", "name": "tuntas-test", "immediate": True}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
TUNTAS_ALLOW_DEMO_LOGIN = True
# Test receivers listen on 127.0.0.1.
WEBHOOK_ALLOW_PRIVATE_TARGETS = True
# The test database is SQLite in memory, as Django makes it for its own backend; said out loud
# because pytest-django recognises only Django's engine name, not Tuntas's subclass of it.
if DATABASES["default"]["ENGINE"] == "tuntas.core.sqlite_backend":  # noqa: F405
    DATABASES["default"].setdefault("TEST", {})["NAME"] = ":memory:"  # noqa: F405
