"""Background jobs of the pair's stages."""

from celery import shared_task

__all__ = ["move_pairs_to_wind_up"]


@shared_task
def move_pairs_to_wind_up() -> int:
    """Move to wind-up the pairs whose end date is near (daily, from beat)."""
    from agreements.services.stages import stages_wind_up_due

    return stages_wind_up_due()
