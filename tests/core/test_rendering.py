"""Form widgets render through Jinja2 with the markup Django templates give.

Only the whitespace between and inside tags differs (Jinja2 drops some blank lines), which
HTML collapses alike; the comparison collapses it too.
"""

from __future__ import annotations

import re

import pytest
from django.forms.renderers import DjangoTemplates

from tests.complaints.web_helpers import form_data
from tuntas.complaints.forms import ReportForm
from tuntas.core.rendering import WidgetRenderer


def _fields_html(form: ReportForm) -> list[str]:
    return [re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(form[name]))) for name in form.fields]


@pytest.mark.django_db
@pytest.mark.parametrize("bound", [False, True], ids=["empty", "filled with errors"])
def test_the_report_forms_widgets_are_the_same_markup_as_with_django_templates(region, bound):
    data = {**form_data(region), "email": "bukan-email"} if bound else None
    jinja2 = ReportForm(data, renderer=WidgetRenderer())
    django = ReportForm(data, renderer=DjangoTemplates())
    assert _fields_html(jinja2) == _fields_html(django)
    if bound:
        assert not jinja2.is_valid()
        assert str(jinja2.errors) == str(django.errors)


def test_templates_that_exist_only_for_django_templates_still_render():
    template = WidgetRenderer().get_template("admin/widgets/related_widget_wrapper.html")
    assert "related-widget-wrapper" in template.render({"widget": {}, "rendered_widget": ""})
