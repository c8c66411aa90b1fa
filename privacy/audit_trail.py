"""Reads of the audit trail for its page and its CSV file (site administrators only):
the entries filtered, newest first, and each as the row a person reads."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone

from mentoring.audit import audit_detail_text
from mentoring.models import AuditEntry
from schemes.models import Scheme

SYSTEM = "The system"

CSV_HEADER = ["When", "Who", "E-mail", "Action", "Scheme", "Object", "Object id", "Detail"]


def audit_entries(
    *,
    action: str = "",
    scheme_id: int | None = None,
    actor_email: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """The entries that match every filter given, newest first, with the person who
    acted. Dates are days in the site's time zone, both ends included; the person is
    found by their whole e-mail address, whatever its case."""
    entries = AuditEntry.objects.select_related("actor").order_by("-created_at", "-pk")
    if action:
        entries = entries.filter(action=action)
    if scheme_id is not None:
        entries = entries.filter(scheme_id=scheme_id)
    if actor_email:
        entries = entries.filter(actor__email__iexact=actor_email)
    if date_from:
        entries = entries.filter(created_at__gte=_start_of(date_from))
    if date_to:
        entries = entries.filter(created_at__lt=_start_of(date_to + timedelta(days=1)))
    return entries


def scheme_choices() -> list[tuple[int, str]]:
    """Every scheme, by name, for the filter (and to name each entry's scheme)."""
    return list(Scheme.objects.order_by("name", "pk").values_list("pk", "name"))


@dataclass(frozen=True)
class AuditRow:
    """One entry as the page and the CSV file show it."""

    entry: AuditEntry
    who: str
    email: str
    scheme: str
    detail: str

    @property
    def what(self) -> str:
        return kind_label(self.entry.subject_type)


@cache
def kind_label(subject_type: str) -> str:
    """The kind of object an entry names, as people say it ("match run" for
    "matchrun"): the model's verbose name, or the stored kind for one not (or no
    longer) a model."""
    for model in apps.get_models():
        if model._meta.model_name == subject_type:
            return str(model._meta.verbose_name)
    return subject_type.replace("_", " ")


def audit_rows(entries: Iterable[AuditEntry], schemes: dict[int, str]) -> Iterator[AuditRow]:
    """``entries`` as rows: who acted (name and e-mail, or the system), the scheme's
    name (``schemes``: names by id; an id no longer there is a deleted scheme) and the
    detail as a short line."""
    for entry in entries:
        actor: Any = entry.actor
        scheme = ""
        if entry.scheme_id is not None:
            scheme = schemes.get(entry.scheme_id, f"A deleted scheme (id {entry.scheme_id})")
        yield AuditRow(
            entry=entry,
            who=actor.display_name if actor is not None else SYSTEM,
            email=actor.email if actor is not None else "",
            scheme=scheme,
            detail=audit_detail_text(entry.detail),
        )


def audit_csv_rows(entries: QuerySet[AuditEntry], schemes: dict[int, str]) -> Iterator[list]:
    """The cells of each entry for the CSV file (made formula-safe by the writer),
    read a few hundred at a time."""
    for row in audit_rows(entries.iterator(chunk_size=500), schemes):
        yield [
            row.entry.created_at,
            row.who,
            row.email,
            row.entry.get_action_display(),
            row.scheme,
            row.what,
            row.entry.subject_id,
            row.detail,
        ]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
