"""The demo region carries Ombudsman cases at the telling stages, made by the real services."""

from __future__ import annotations

from tuntas.demo import ombudsman as demo
from tuntas.demo.services import demo_region_load
from tuntas.ombudsman.models import OmbudsmanCase


def test_the_demo_has_one_case_per_stage_and_loading_again_changes_nothing(db):
    first = demo_region_load()
    assert first.created["Ombudsman cases"] == 4
    states = {case.report.title: case for case in OmbudsmanCase.objects.select_related("report")}
    assert states[demo.VERIFICATION].state == "material_verification"
    examined = states[demo.EXAMINATION]
    assert examined.state == "examination"
    assert examined.clarifications.filter(answered_on__isnull=True).count() == 1
    assert examined.room_messages.exists() and examined.agreed_actions.exists()
    monitored = states[demo.MONITORING]
    assert monitored.state == "monitoring"
    lahp = monitored.lahps.get()
    assert lahp.issued_at is not None and lahp.corrective_actions.count() == 2
    rco = states[demo.RCO]
    assert rco.state == "examination" and rco.track == "rco"
    assert all(case.assigned_to.email == demo.ASSISTANT for case in states.values())
    again = demo_region_load()
    assert "Ombudsman cases" not in again.created
    assert OmbudsmanCase.objects.count() == 4
