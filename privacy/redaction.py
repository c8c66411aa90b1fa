"""Taking a person's name and e-mail addresses out of text that stays: another person's
notes, the coordinators' notes, the outbox's records, the admin's log.

``Redactor`` finds a full name (whole words, any case, any spacing) and e-mail
addresses (any case) in a text or in a JSON value (its keys too) and puts ``MARK`` in
their place. ``rows_redact`` applies it to the rows of a queryset that may hold them,
found by the database first (``icontains``), so that only those rows are read and
written; ``addresses_redact_everywhere`` does so for every text and JSON column of every
table. A first name alone is never searched for: it names too many people.
"""

import json
import re
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet

__all__ = [
    "MARK",
    "Redactor",
    "addresses_redact_everywhere",
    "breakdown_reasons_removed",
    "rows_redact",
    "sentences_removed",
    "text_fields",
]

MARK = "[erased]"


class Redactor:
    """Finds and replaces a person's ``name`` (optional) and ``addresses``."""

    def __init__(self, *, addresses: Iterable[str], name: str = "") -> None:
        self.addresses = tuple(sorted({a.strip().lower() for a in addresses if a.strip()}))
        self.name = " ".join(name.split())
        patterns = [
            # Not a longer address that merely ends or starts with this one.
            rf"(?<![\w.+-]){re.escape(address)}(?![\w-]|\.\w)"
            for address in self.addresses
        ]
        if self.name:
            words = r"\s+".join(re.escape(word) for word in self.name.split())
            patterns.append(rf"(?<!\w){words}(?!\w)")
        self._pattern = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    @property
    def needles(self) -> list[str]:
        """What the database looks for (``icontains``) before a row is read: each
        address and the name, also as JSON writes them (non-ASCII letters escaped)."""
        found: list[str] = []
        for value in (*self.addresses, self.name):
            if not value:
                continue
            for form in (value, json.dumps(value)[1:-1]):
                if form not in found:
                    found.append(form)
        return found

    def finds(self, text: str) -> bool:
        return bool(self._pattern and self._pattern.search(text))

    def text(self, value: str) -> str:
        if not self._pattern or not value:
            return value
        return self._pattern.sub(MARK, value)

    def json(self, value: Any) -> Any:
        """``value`` (decoded JSON) with every string in it redacted, keys included."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, dict):
            return {self.text(key): self.json(item) for key, item in value.items()}
        return value

    def value(self, field: models.Field, value: Any) -> Any:
        if value is None:
            return value
        if isinstance(field, models.JSONField):
            return self.json(value)
        return self.text(value) if isinstance(value, str) else value


def text_fields(model: type[models.Model]) -> list[models.Field]:
    """The columns of ``model`` that hold text: character, text, e-mail and JSON."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
        and not field.primary_key
    ]


def rows_redact(
    queryset: QuerySet, redactor: Redactor, fields: Iterable[models.Field] | None = None
) -> int:
    """Redact ``fields`` (by default every text column) of the rows of ``queryset``
    that hold the name or an address. Returns how many rows changed."""
    model = queryset.model
    fields = list(fields) if fields is not None else text_fields(model)
    needles = redactor.needles
    if not fields or not needles:
        return 0
    holds = Q()
    for field in fields:
        for needle in needles:
            holds |= Q(**{f"{field.name}__icontains": needle})
    changed = 0
    rows = queryset.filter(holds).order_by().values("pk", *[field.attname for field in fields])
    for row in rows:
        updates = {}
        for field in fields:
            value = row[field.attname]
            redacted = redactor.value(field, value)
            if redacted != value:
                updates[field.attname] = redacted
        if updates:
            model._base_manager.filter(pk=row["pk"]).update(**updates)
            changed += 1
    return changed


def addresses_redact_everywhere(
    addresses: Iterable[str], *, skip: Iterable[type[models.Model]] = ()
) -> int:
    """Replace ``addresses`` wherever they are left, in every text and JSON column of
    every table the project knows (``skip`` aside): one query per table, and one
    update per row that holds one. An address names one person only, so unlike a
    name it is safe to look for everywhere. Returns how many rows changed."""
    redactor = Redactor(addresses=addresses)
    skipped = set(skip)
    changed = 0
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or model in skipped:
            continue
        changed += rows_redact(model._base_manager.all(), redactor)
    return changed


def breakdown_reasons_removed(breakdown: Any) -> Any:
    """A match's explanation (a list of criteria, each with its points and a reason
    that quotes both people's answers) with the reasons emptied and the points kept."""
    if not isinstance(breakdown, list):
        return breakdown
    return [
        {**item, "reason": ""} if isinstance(item, dict) and item.get("reason") else item
        for item in breakdown
    ]


def sentences_removed(sentences: Any, mark: str) -> Any:
    """A list of sentences (the matching rules a coordinator overrode, which repeat what
    an applicant asked for) with each replaced by ``mark``: how many stays."""
    if not isinstance(sentences, list):
        return sentences
    return [mark for _ in sentences]
