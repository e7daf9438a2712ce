"""The registry of audit action names.

Every app declares the actions it records (namespaced: ``institution.created``) with a
translatable label, so that timelines can show them and a typo fails loudly instead of writing
an event nobody can find.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


class UnknownAuditAction(LookupError):
    pass


@dataclass(frozen=True)
class AuditAction:
    name: str
    label: str | Promise
    public: bool = False  # shown on a citizen's timeline (later issues)


_actions: dict[str, AuditAction] = {}


def register(name: str, label: str | Promise, *, public: bool = False) -> AuditAction:
    if "." not in name:
        raise ValueError(f"audit action {name!r} must be namespaced, e.g. 'unit.updated'")
    existing = _actions.get(name)
    action = AuditAction(name=name, label=label, public=public)
    if existing is not None and existing != action:
        raise ValueError(f"audit action {name!r} is registered twice with different meanings")
    _actions[name] = action
    return action


def get(name: str) -> AuditAction:
    try:
        return _actions[name]
    except KeyError:
        raise UnknownAuditAction(f"audit action {name!r} is not registered") from None


def all_actions() -> list[AuditAction]:
    return sorted(_actions.values(), key=lambda action: action.name)
