from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from tuntas.audit import registry
from tuntas.audit.chain import GENESIS_HASH, canonical_payload, chain_hash
from tuntas.audit.models import AuditChainHead, AuditEvent
from tuntas.core.request_context import current_request_id


class AuditOutsideTransaction(RuntimeError):
    """An audit event must commit or roll back together with the change it describes."""


def _plain(value: Any) -> Any:
    # Exactly what is stored is what is hashed: dates, decimals, UUIDs become strings first.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def field_values(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Current values of ``fields`` (foreign keys by id), for before/after snapshots."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = getattr(instance, attname)
    return values


def assign_editable(
    instance: models.Model, fields: Mapping[str, Any], *, editable: Iterable[str]
) -> dict[str, Any]:
    """Set ``fields`` on ``instance`` (only those in ``editable``); return the values before.

    The caller validates, then passes the result to ``changed_fields`` for its audit event.
    """
    unknown = set(fields) - set(editable)
    if unknown:
        raise TypeError(
            f"{type(instance).__name__} fields {sorted(unknown)} cannot be changed here"
        )
    before = field_values(instance, fields)
    for name, value in fields.items():
        setattr(instance, name, value)
    return before


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose value differs."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


_pending = threading.local()


@contextmanager
def audit_batch() -> Iterator[None]:
    """Collect the events recorded inside and append them to the chain in one write at the end.

    For bulk jobs (the SLA sweep) whose thousands of events would otherwise cost three queries
    each. Still inside the caller's transaction: the events commit or roll back with the
    changes. An exception inside drops the batch; do not catch one and carry on inside a batch
    (a rolled-back savepoint would leave its events behind), unless the savepoint opens its own
    nested batch: nested batches join the outer one and drop their events when they fail.
    """
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction("audit_batch() used outside transaction.atomic()")
    outer: list[AuditEvent] | None = getattr(_pending, "events", None)
    if outer is not None:
        # Joined to the outer batch; placed just inside a savepoint, it forgets its own events
        # when that savepoint rolls back.
        mark = len(outer)
        try:
            yield
        except BaseException:
            del outer[mark:]
            raise
        return
    _pending.events = []
    try:
        yield
        events: list[AuditEvent] = _pending.events
    finally:
        _pending.events = None
    if events:
        _append(events)


def _append(events: list[AuditEvent]) -> None:
    """Number, hash and insert events after the locked chain head, then move the head."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        id=1, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH}
    )
    sequence, previous = head.last_sequence, head.last_hash
    for event in events:
        sequence += 1
        event.sequence = sequence
        event.previous_hash = previous
        event.hash = previous = chain_hash(
            previous,
            canonical_payload(
                sequence=sequence,
                occurred_at=event.occurred_at,
                actor_id=event.actor_id,
                actor_label=event.actor_label,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                object_repr=event.object_repr,
                institution_id=event.institution_id,
                changes=event.changes,
                data=event.data,
                request_id=event.request_id,
            ),
        )
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        AuditEvent.objects.bulk_create(events, batch_size=500)
    head.last_sequence, head.last_hash = sequence, previous
    head.save(update_fields=["last_sequence", "last_hash"])


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    institution_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    ``actor`` is a user or ``None`` for the system. The chain head is locked for the rest of the
    transaction, so concurrent writers append one after the other and the chain never forks.
    Inside :func:`audit_batch` the event is numbered and written when the batch ends.
    """
    registry.get(action)
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(
            f"audit_record({action!r}) called outside transaction.atomic()"
        )
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_id=actor.pk if actor is not None else None,
        actor_label=(actor.get_username() if actor is not None else "system")[:200],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        institution_id=institution_id,
        changes=_plain(dict(changes or {})),
        data=_plain(dict(data or {})),
        request_id=current_request_id() or "",
    )
    batch = getattr(_pending, "events", None)
    if batch is not None:
        batch.append(event)
    else:
        _append([event])
    return event
