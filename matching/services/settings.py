"""Changes to a scheme's matching settings that have a page of their own: the weights."""

from django.core.exceptions import ValidationError
from django.db import transaction

from matching.engine.criteria import CRITERIA_BY_KEY
from schemes.models import Scheme


@transaction.atomic
def matching_weights_update(
    *, scheme: Scheme, weights: dict[str, int] | None, updated_by
) -> Scheme:
    """Set how many points each built-in matching criterion is worth in ``scheme``.

    ``weights`` maps criterion keys (``matching.engine.criteria.CRITERIA``) to whole
    numbers from 0 to 100; ``None`` (or ``{}``) goes back to the defaults. Only weights
    that differ from the default are stored, so that a criterion left at its default
    follows the default if it ever changes. The scheme's own questions keep their weights
    (they are changed with the questions). Runs already made keep the weights they used.
    ``updated_by`` is the coordinator making the change.
    """
    weights = dict(weights or {})
    unknown = sorted(set(weights) - set(CRITERIA_BY_KEY))
    if unknown:
        raise ValidationError(
            {"matching_weights": f"Unknown matching criteria: {', '.join(unknown)}."},
            code="unknown_criterion",
        )
    scheme.matching_weights = {
        key: weight
        for key, weight in weights.items()
        if weight != CRITERIA_BY_KEY[key].default_weight
    }
    scheme.full_clean()
    scheme.save(update_fields=["matching_weights", "updated_at"])
    return scheme
