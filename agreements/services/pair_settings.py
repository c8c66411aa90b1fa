"""A scheme's settings for its pairs, changed by its coordinators."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from agreements.models import PairSettings
from schemes.models import Role, Scheme
from schemes.permissions import scheme_roles

__all__ = ["pair_settings_update"]


@transaction.atomic
def pair_settings_update(*, scheme: Scheme, coordinator: Any, wind_up_weeks: int) -> PairSettings:
    """A coordinator of ``scheme`` sets how many weeks before their end date its pairs
    move to the wind-up stage on their own."""
    if Role.COORDINATOR not in scheme_roles(coordinator, scheme):
        raise PermissionDenied("Only the scheme's coordinators change its pair settings.")
    settings, _ = PairSettings.objects.select_for_update().get_or_create(scheme=scheme)
    settings.wind_up_weeks = wind_up_weeks
    settings.full_clean()
    settings.save()
    return settings
