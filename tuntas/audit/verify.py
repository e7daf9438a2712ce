"""Walk the audit chain and report the first row that does not fit."""

from __future__ import annotations

from dataclasses import dataclass

from tuntas.audit.chain import GENESIS_HASH, canonical_payload, chain_hash
from tuntas.audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainProblem:
    kind: str  # "edited", "deleted", "inserted"
    sequence: int
    event_id: int | None
    detail: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    last_hash: str
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def audit_chain_verify(*, batch_size: int = 5000) -> ChainReport:
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    rows = AuditEvent.objects.order_by("sequence").values().iterator(chunk_size=batch_size)
    for row in rows:
        sequence = row["sequence"]
        if sequence > expected_sequence:
            return ChainReport(
                checked,
                previous_hash,
                ChainProblem(
                    "deleted",
                    expected_sequence,
                    None,
                    f"events {expected_sequence}–{sequence - 1} are missing before event id {row['id']}",
                ),
            )
        if sequence < expected_sequence or row["previous_hash"] != previous_hash:
            return ChainReport(
                checked,
                previous_hash,
                ChainProblem(
                    "inserted",
                    sequence,
                    row["id"],
                    "the row does not continue the chain from the event before it",
                ),
            )
        payload = canonical_payload(
            sequence=sequence,
            occurred_at=row["occurred_at"],
            actor_id=row["actor_id"],
            actor_label=row["actor_label"],
            action=row["action"],
            object_type=row["object_type"],
            object_id=row["object_id"],
            object_repr=row["object_repr"],
            institution_id=row["institution_id"],
            changes=row["changes"],
            data=row["data"],
            request_id=row["request_id"],
        )
        if chain_hash(previous_hash, payload) != row["hash"]:
            return ChainReport(
                checked,
                previous_hash,
                ChainProblem(
                    "edited",
                    sequence,
                    row["id"],
                    "the row's content no longer matches its hash",
                ),
            )
        previous_hash = row["hash"]
        expected_sequence += 1
        checked += 1

    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.last_sequence >= expected_sequence:
        return ChainReport(
            checked,
            previous_hash,
            ChainProblem(
                "deleted",
                expected_sequence,
                None,
                f"events {expected_sequence}–{head.last_sequence} at the end of the chain are missing",
            ),
        )
    if head is not None and checked and head.last_hash != previous_hash:
        return ChainReport(
            checked,
            previous_hash,
            ChainProblem(
                "edited",
                checked,
                None,
                "the chain head does not match the last event",
            ),
        )
    return ChainReport(checked, previous_hash, None)
