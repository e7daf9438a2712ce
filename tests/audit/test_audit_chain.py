"""The audit trail is append-only and hash-chained; `tuntas audit verify` finds tampering."""

from __future__ import annotations

import importlib
import itertools
import json
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tests.factories import InstitutionFactory, UnitFactory, UserFactory
from tuntas.audit import services as audit_services
from tuntas.audit.chain import canonical_payload, chain_hash
from tuntas.audit.models import AuditChainHead, AuditEvent
from tuntas.audit.registry import UnknownAuditAction
from tuntas.audit.services import AuditOutsideTransaction, audit_record
from tuntas.audit.verify import audit_chain_verify

triggers = importlib.import_module("tuntas.audit.migrations.0002_audit_events_append_only")


def _lift_append_only_triggers() -> None:
    """Tamper the way an intruder with DDL rights would: drop the guards first.

    The test's transaction is rolled back afterwards, which restores them.
    """
    statements = {"sqlite": triggers.SQLITE_DROP, "postgresql": triggers.POSTGRES_DROP}[
        connection.vendor
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def chain(db):
    magelang = InstitutionFactory(
        name="Pemerintah Kota Magelang", kind="pemerintah_kota", region_code="33.71"
    )
    for name in ("Dinas Kesehatan", "Dinas Sosial", "Dinas Pendidikan", "Dinas Perhubungan"):
        UnitFactory(institution=magelang, name=name)
    return list(AuditEvent.objects.order_by("sequence"))


def test_each_service_write_appends_one_linked_event(chain):
    assert [event.sequence for event in chain] == [1, 2, 3, 4, 5]
    assert chain[0].action == "institution.created"
    assert all(later.previous_hash == earlier.hash for earlier, later in itertools.pairwise(chain))
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (5, chain[-1].hash)


def test_an_intact_chain_verifies(chain):
    report = audit_chain_verify()
    assert report.ok
    assert report.checked == 5


def test_verify_command_reports_an_intact_chain(chain, capsys):
    call_command("audit_verify")
    assert "Audit chain intact: 5 events" in capsys.readouterr().out


def test_an_edited_row_is_reported_as_edited_at_its_sequence(chain):
    _lift_append_only_triggers()
    target = chain[2]
    changed = dict(target.changes, name=[None, "Dinas Siluman"])
    _raw("UPDATE audit_auditevent SET changes = %s WHERE id = %s", [json.dumps(changed), target.pk])
    report = audit_chain_verify()
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("edited", 3)
    assert report.checked == 2


def test_an_edited_actor_is_reported_even_when_the_hash_column_is_left_alone(chain):
    someone = UserFactory(email="penyusup@contoh.test")
    _lift_append_only_triggers()
    _raw("UPDATE audit_auditevent SET actor_id = %s WHERE id = %s", [someone.pk, chain[1].pk])
    problem = audit_chain_verify().problem
    assert problem is not None and (problem.kind, problem.sequence) == ("edited", 2)


def test_a_deleted_row_in_the_middle_is_reported_as_deleted(chain):
    _lift_append_only_triggers()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [chain[1].pk])
    problem = audit_chain_verify().problem
    assert problem is not None
    assert (problem.kind, problem.sequence) == ("deleted", 2)


def test_a_deleted_last_row_is_reported_from_the_chain_head(chain):
    _lift_append_only_triggers()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [chain[-1].pk])
    problem = audit_chain_verify().problem
    assert problem is not None
    assert (problem.kind, problem.sequence) == ("deleted", 5)


def test_a_perfectly_forged_insertion_is_caught_at_the_row_after_it(chain):
    """The forger recomputes a valid hash for its own row; the next row still points past it."""
    _lift_append_only_triggers()
    for event in reversed(chain[2:]):
        _raw(
            "UPDATE audit_auditevent SET sequence = %s WHERE id = %s",
            [event.sequence + 1, event.pk],
        )
    occurred_at = chain[2].occurred_at
    fields = {
        "sequence": 3,
        "occurred_at": occurred_at,
        "actor_id": None,
        "actor_label": "system",
        "action": "unit.created",
        "object_type": "institutions.unit",
        "object_id": "999",
        "object_repr": "Dinas Palsu",
        "institution_id": None,
        "changes": {},
        "data": {},
        "request_id": "",
    }
    forged_hash = chain_hash(chain[1].hash, canonical_payload(**fields))
    _raw(
        "INSERT INTO audit_auditevent (sequence, occurred_at, actor_label, action, object_type, object_id, "
        "object_repr, changes, data, request_id, previous_hash, hash) "
        "VALUES (3, %s, 'system', 'unit.created', 'institutions.unit', '999', 'Dinas Palsu', '{}', '{}', "
        "'', %s, %s)",
        [connection.ops.adapt_datetimefield_value(occurred_at), chain[1].hash, forged_hash],
    )
    problem = audit_chain_verify().problem
    assert problem is not None
    assert (problem.kind, problem.sequence) == ("inserted", 4)


def test_verify_command_fails_naming_the_first_broken_row(chain):
    _lift_append_only_triggers()
    _raw("UPDATE audit_auditevent SET object_repr = 'Dinas Lain' WHERE id = %s", [chain[3].pk])
    with pytest.raises(CommandError, match=r"sequence 4 .*edited"):
        call_command("audit_verify")


def test_the_database_refuses_to_update_an_event(chain):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw("UPDATE audit_auditevent SET action = 'unit.updated' WHERE id = %s", [chain[0].pk])


def test_the_database_refuses_to_delete_an_event(chain):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [chain[0].pk])


def test_the_orm_refuses_bulk_update_and_delete(chain):
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=chain[0].pk).update(action="unit.updated")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_an_unregistered_action_is_refused(db):
    with pytest.raises(UnknownAuditAction), transaction.atomic():
        audit_record(actor=None, action="unit.teleported")


def test_recording_outside_a_transaction_is_refused(db, monkeypatch):
    # pytest-django wraps each test in a transaction; pretend it does not.
    with monkeypatch.context() as patched, pytest.raises(AuditOutsideTransaction):
        patched.setattr(
            audit_services.transaction,
            "get_connection",
            lambda: SimpleNamespace(in_atomic_block=False),
        )
        audit_record(actor=None, action="unit.created")


def test_a_failed_operation_leaves_no_event(db):
    magelang = InstitutionFactory(
        name="Pemerintah Kota Magelang", kind="pemerintah_kota", region_code="33.71"
    )
    UnitFactory(institution=magelang, name="Dinas Kesehatan")
    before = AuditEvent.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - the unique constraint's error type differs per database
        UnitFactory(institution=magelang, name="Dinas Kesehatan")
    assert AuditEvent.objects.count() == before
    assert audit_chain_verify().ok


def _batched_events(institution, count: int) -> list[AuditEvent]:
    with transaction.atomic(), audit_services.audit_batch():
        recorded = [
            audit_record(actor=None, action="institution.updated", obj=institution, data={"n": n})
            for n in range(count)
        ]
        # Nothing is written until the batch ends.
        assert all(event.pk is None for event in recorded)
    return recorded


def test_a_batch_appends_its_events_in_order_after_the_chain_head(chain):
    institution = InstitutionFactory(name="Pemerintah Kabupaten Blora")
    recorded = _batched_events(institution, 700)
    assert [event.sequence for event in recorded] == list(range(7, 707))
    stored = list(AuditEvent.objects.filter(sequence__gte=7).order_by("sequence"))
    assert [event.data["n"] for event in stored] == list(range(700))
    assert AuditChainHead.objects.get().last_sequence == 706
    assert audit_chain_verify().ok


def test_a_failing_batch_writes_none_of_its_events(chain):
    institution = InstitutionFactory(name="Pemerintah Kabupaten Pati")
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), audit_services.audit_batch():
        audit_record(actor=None, action="institution.updated", obj=institution)
        raise RuntimeError("the job failed")
    assert AuditEvent.objects.count() == before
    # The next write is not swallowed by a batch left behind.
    with transaction.atomic():
        event = audit_record(actor=None, action="institution.updated", obj=institution)
    assert event.pk is not None and audit_chain_verify().ok


def test_a_nested_batch_joins_the_outer_one(chain):
    institution = InstitutionFactory(name="Pemerintah Kabupaten Sragen")
    with transaction.atomic(), audit_services.audit_batch():
        with audit_services.audit_batch():
            inner = audit_record(actor=None, action="institution.updated", obj=institution)
        assert inner.pk is None
    assert inner.pk is not None and audit_chain_verify().ok


def test_a_batch_outside_a_transaction_is_refused(db, monkeypatch):
    # pytest-django wraps each test in a transaction; pretend it does not.
    with monkeypatch.context() as patched, pytest.raises(AuditOutsideTransaction):
        patched.setattr(
            audit_services.transaction,
            "get_connection",
            lambda: SimpleNamespace(in_atomic_block=False),
        )
        with audit_services.audit_batch():
            pass


def test_a_nested_batch_in_a_rolled_back_savepoint_leaves_nothing_behind(chain):
    institution = InstitutionFactory(name="Pemerintah Kabupaten Kebumen")
    with transaction.atomic(), audit_services.audit_batch():
        audit_record(actor=None, action="institution.updated", obj=institution, data={"n": 1})
        try:
            with transaction.atomic(), audit_services.audit_batch():
                audit_record(actor=None, action="institution.updated", obj=institution)
                raise ValueError("the savepoint rolls back")
        except ValueError:
            pass
        audit_record(actor=None, action="institution.updated", obj=institution, data={"n": 2})
    kept = AuditEvent.objects.filter(action="institution.updated", object_id=str(institution.pk))
    assert [event.data.get("n") for event in kept.order_by("sequence")] == [1, 2]
    assert audit_chain_verify().ok
