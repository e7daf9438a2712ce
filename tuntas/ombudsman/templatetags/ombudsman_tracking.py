"""{% ombudsman_panel report as panel %}: the Ombudsman part of the reporter's tracking page."""

from __future__ import annotations

from django import template
from django.utils import timezone

from tuntas.complaints.models import Report
from tuntas.ombudsman.tracking import OmbudsmanPanel, ombudsman_panel_for

register = template.Library()


@register.simple_tag
def ombudsman_panel(report: Report) -> OmbudsmanPanel | None:
    return ombudsman_panel_for(report=report, today=timezone.localdate())
