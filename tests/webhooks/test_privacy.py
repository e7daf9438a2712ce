"""No personal data ever leaves in a webhook, whatever the identity mode (canary values)."""

from __future__ import annotations

import pytest

from tests.webhooks.conftest import submit
from tuntas.cases import services as cases
from tuntas.cases.models import AgencyCase
from tuntas.complaints.identity import Identity
from tuntas.webhooks.models import WebhookDelivery
from tuntas.webhooks.services import webhook_deliveries_deliver

CANARIES = {
    "name": "Kanari Wibisono Sastrowardoyo",
    "nik": "3371015708850003",
    "phone": "0812-9999-4321",
    "email": "kanari.rahasia@contoh.test",
    "address": "Jalan Kanari Nomor 77",
}
CANARY_TEXT = "Kanari-teks-bebas: petugas loket meminta uang pelicin"


@pytest.mark.parametrize("mode", ["terbuka", "rahasia", "anonim"])
def test_no_identity_or_free_text_appears_in_any_delivered_body(region, hook, mode):
    report = submit(
        region,
        identity_mode=mode,
        identity=Identity(**CANARIES),
        title=f"Judul {CANARY_TEXT}",
        description=f"Uraian kejadian yang cukup panjang. {CANARY_TEXT}",
        address="Jalan Lokasi Kanari 12",
        desired_outcome=CANARY_TEXT,
    )
    case = AgencyCase.objects.get(report=report)
    cases.case_verify(
        case=case, actor=region.admin_magelang, expected_version=case.version, note=CANARY_TEXT
    )
    webhook_deliveries_deliver()

    bodies = [item.body.decode() for item in hook.receiver.accepted]
    headers = [str(item.headers) for item in hook.receiver.accepted]
    stored = list(WebhookDelivery.objects.values_list("body", flat=True))
    assert len(bodies) == 3
    for text in [*bodies, *headers, *stored]:
        for canary in [*CANARIES.values(), CANARY_TEXT, "Kanari", "3371015708850003"]:
            assert canary not in text
        assert "8850003" not in text


def test_the_payload_holds_only_the_whitelisted_fields(region, hook):
    submit(region)
    webhook_deliveries_deliver()
    payload = hook.receiver.accepted[0].payload
    assert set(payload) == {"schema", "id", "sequence", "type", "occurred_at", "label", "report"}
    assert set(payload["report"]) == {"number", "institution", "unit_id", "case_state"}
    assert set(payload["label"]) == {"id", "en"}
    assert payload["label"]["en"] == "Report received"
