"""Which schemes, period and people a report covers, for whom, and how people appear
in it: the one description every page, export and command of the reports shares.

A coordinator's scope is their own schemes; HR's (the report viewer) and a
superuser's, every scheme. Names appear only when a coordinator asks for them in
their own schemes; everyone else sees a stable participant code per scheme
(``participant_code``), which says nothing about the person and cannot be turned
back into them without the site's secret key.
"""

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings

from mentoring.permissions import can_view_reports
from schemes.models import Role, Scheme
from schemes.selectors import memberships_for_user

__all__ = ["Scope", "participant_code", "readable_scheme_ids", "respondent_code"]


def participant_code(scheme_id: int, user_id: int) -> str:
    """A stable pseudonym of a person within one scheme: the same in every export of
    that scheme, different in another scheme."""
    return _code("participant", "P", scheme_id, user_id)


def respondent_code(scheme_id: int, user_id: int) -> str:
    """A person's pseudonym in the evaluation ratings only: stable within a scheme (so
    that one person's milestones go together), and unlike their participant code, so
    that no other export (with its department, grade and dates) joins to the ratings."""
    return _code("respondent", "R", scheme_id, user_id)


def _code(purpose: str, prefix: str, scheme_id: int, user_id: int) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{purpose}:{scheme_id}:{user_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{prefix}-{digest[:10].upper()}"


def readable_scheme_ids(user: Any) -> set[int]:
    """The schemes whose reports ``user`` may read: every scheme for HR and superusers,
    the schemes they coordinate for a coordinator, none for anyone else."""
    if not user.is_authenticated:
        return set()
    if can_view_reports(user):
        return set(Scheme.objects.values_list("pk", flat=True))
    return set(
        memberships_for_user(user).filter(role=Role.COORDINATOR).values_list("scheme_id", flat=True)
    )


@dataclass(frozen=True)
class Scope:
    """What one report covers.

    - ``scheme_ids``: the schemes, already checked against what the reader may read.
    - ``start``/``end``: the period (a mentorship counts when it started within it; an
      application when it was submitted within it); None for no bound.
    - ``department``/``grade``: only the mentees (and their pairs) of that department
      or grade, as written in their application; empty for all.
    - ``named``: names and e-mail addresses instead of participant codes; only a
      coordinator of every scheme in scope may have them.
    """

    reader: Any
    scheme_ids: tuple[int, ...]
    start: date | None = None
    end: date | None = None
    department: str = ""
    grade: str = ""
    named: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def filters(self) -> dict[str, Any]:
        """The scope as plain values, for the export log."""
        return {
            "schemes": list(self.scheme_ids),
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "department": self.department,
            "grade": self.grade,
            "named": self.named,
        }

    def person(self, scheme_id: int, user: Any) -> tuple[str, str]:
        """(name, e-mail) of a person as the report shows them: theirs when named,
        else the participant code and nothing."""
        if self.named:
            return user.display_name, user.email
        return participant_code(scheme_id, user.pk), ""
