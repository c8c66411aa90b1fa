"""The audit trail: ``audit_record`` writes one ``AuditEntry`` for an action that
matters for accountability (publishing, changing or ending matches, overriding a
matching rule, deciding applications, changing roles, exporting reports, downloading
or erasing data, signing in to the administration, applying the retention schedule).

Call it inside the service's transaction, once per action, after the change: the entry
is saved with the change or not at all. ``detail`` holds plain facts only (identifiers,
counts, statuses, roles), never text a person wrote nor a name or an e-mail address:
``audit_record`` refuses a value that is not a number, a boolean, None or a short
identifier-like string, so that a slip cannot put a person's words in the trail.
"""

import re
from typing import Any

from mentoring.models import AuditEntry

__all__ = [
    "AuditEntry",
    "audit_detail_add",
    "audit_detail_text",
    "audit_record",
    "audit_record_many",
]

Action = AuditEntry.Action

# A string in ``detail``: an identifier, a status, a role, a date; no spaces, no "@".
_PLAIN = re.compile(r"^[A-Za-z0-9_.:+-]{0,64}$")


def _checked(value: Any, path: str) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        if not _PLAIN.match(value):
            raise ValueError(f"Audit detail {path} is not a plain identifier: {value!r}")
        # A status given as its TextChoices member is stored as its value.
        return str(value)
    if isinstance(value, list | tuple):
        return [_checked(v, f"{path}[]") for v in value]
    if isinstance(value, dict):
        return {str(k): _checked(v, f"{path}.{k}") for k, v in value.items()}
    raise ValueError(f"Audit detail {path} cannot be stored: {type(value).__name__}")


def _actor(actor: Any) -> Any:
    """The user who acted, or None for the system (an anonymous user counts as none)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        return None
    return actor


def audit_record(
    action: str,
    *,
    actor: Any = None,
    scheme_id: int | None = None,
    subject: Any = None,
    subject_type: str = "",
    subject_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record ``action`` (an ``AuditEntry.Action``) by ``actor`` (a user; None for the
    system) on ``subject`` (a model instance: its model name and pk; or give
    ``subject_type`` and ``subject_id``), in ``scheme_id``, with plain ``detail``."""
    if action not in Action.values:
        raise ValueError(f"{action!r} is not an audited action.")
    if subject is not None:
        subject_type = subject_type or subject._meta.model_name
        subject_id = subject.pk
    return AuditEntry.objects.create(
        actor=_actor(actor),
        action=action,
        scheme_id=scheme_id,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=_checked(detail or {}, "detail"),
    )


def audit_record_many(
    action: str,
    *,
    actor: Any = None,
    scheme_id: int | None = None,
    subjects: list[tuple[Any, dict[str, Any]]],
) -> list[AuditEntry]:
    """Record ``action`` once for each of ``subjects`` (a model instance and its plain
    ``detail``), all by ``actor`` in ``scheme_id``, in one insert: the entries of a
    decision on a thousand applications cost one query, not a thousand."""
    if action not in Action.values:
        raise ValueError(f"{action!r} is not an audited action.")
    actor = _actor(actor)
    entries = [
        AuditEntry(
            actor=actor,
            action=action,
            scheme_id=scheme_id,
            subject_type=subject._meta.model_name,
            subject_id=subject.pk,
            detail=_checked(detail or {}, "detail"),
        )
        for subject, detail in subjects
    ]
    return AuditEntry.objects.bulk_create(entries, batch_size=500)


def audit_detail_add(*, entry: AuditEntry, **facts: Any) -> AuditEntry:
    """Add plain ``facts`` learnt after ``entry`` was recorded to its detail: the rows
    of a download counted once its last row has gone. Nothing it held is changed."""
    detail = dict(entry.detail)
    for key, value in _checked(facts, "detail").items():
        if detail.get(key) is None:
            detail[key] = value
    entry.detail = detail
    entry.save(update_fields=["detail"])
    return entry


def audit_detail_text(detail: dict[str, Any]) -> str:
    """``detail`` as one short line a person reads, its keys in alphabetical order:
    "bulk: yes; status after: approved; status before: submitted" (underscores become
    spaces; lists are joined)."""

    def shown(value: Any) -> str:
        if value is None:
            return "none"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return ", ".join(shown(item) for item in value) or "none"
        if isinstance(value, dict):
            return "; ".join(f"{_label(key)} {shown(value[key])}" for key in sorted(value))
        return str(value)

    # In the keys' order: PostgreSQL's jsonb keeps no other.
    return "; ".join(f"{_label(key)}: {shown(detail[key])}" for key in sorted(detail))


def _label(key: str) -> str:
    return key.replace("_", " ")
