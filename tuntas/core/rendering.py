"""How form widgets are rendered."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class WidgetRenderer(BaseRenderer):
    """Django's built-in widget and form templates through Jinja2, the rest as before.

    One Django-template render per widget made the 24-field report form the most expensive
    page of a citizen's journey; Django ships the same templates for Jinja2 with the same
    markup. Templates that exist only as Django templates (the admin's widgets, any of an
    app's own) are rendered by Django's default renderer, unchanged.
    """

    def __init__(self) -> None:
        self._jinja2 = Jinja2()
        self._django = DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return self._jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
