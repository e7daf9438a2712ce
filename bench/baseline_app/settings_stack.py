"""The baseline views under Tuntas's own settings: the same middleware (security headers, CSP,
sessions, locale, CSRF, authentication, messages, axes…), apps, database, cache and logging.
This is the yardstick that differs from a Tuntas page only by what the page itself does."""

from tuntas.settings.base import *  # noqa: F403
from tuntas.settings.base import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "baseline_app"]
ROOT_URLCONF = "baseline_app.urls"
WSGI_APPLICATION = "baseline_app.wsgi.application"
