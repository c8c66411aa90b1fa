"""Who may reach the privacy pages' objects, on the rule of ``mentoring.permissions``.

A copy of a person's data is theirs alone: anyone else's request answers 404, whether
they are a coordinator, a report viewer or a site administrator.
"""

from typing import Any
from uuid import UUID

from mentoring.permissions import first_or_404
from privacy.models import DataExport

__all__ = ["get_own_data_export"]


def get_own_data_export(user: Any, uid: UUID) -> DataExport:
    """The copy ``uid`` if it is ``user``'s own; 404 for anyone else's."""
    return first_or_404(
        DataExport.objects.filter(uid=uid, user_id=user.pk), "There is no such copy of your data."
    )
