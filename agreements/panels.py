"""The one place a higher app adds a section to the pages of a pair.

The pair's page and the coordinators' page of a pair live here, in ``agreements``; the
sessions, reflections and evaluations of a pair live in a higher app. That app never is
imported from here: it registers, in its ``AppConfig.ready``, a function that gives
each page its panel (a template, its context, and for the pair the next steps it adds
to "Next for you"), as apps register outbox handlers on the ground floor.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agreements.permissions import PairAccess
from matching.models import Mentorship

__all__ = [
    "Panel",
    "PanelStep",
    "coordinator_panels",
    "pair_panels",
    "register_coordinator_panel",
    "register_pair_panel",
]


@dataclass(frozen=True)
class PanelStep:
    """A next step a panel adds to the pair's "Next for you": its words and its link."""

    text: str
    url: str


@dataclass(frozen=True)
class Panel:
    """A section of a pair's page: ``template`` rendered with ``context`` (and
    ``access`` or ``mentorship``, as the page has them); ``steps`` join the pair's next
    steps."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    steps: tuple[PanelStep, ...] = ()


_pair: list[Callable[[PairAccess], Panel | None]] = []
_coordinator: list[Callable[[Mentorship, Any], Panel | None]] = []


def register_pair_panel(provider: Callable[[PairAccess], Panel | None]) -> None:
    """Add ``provider``'s panel to the pair's page (in the order registered). It gets
    the ``PairAccess`` and answers a ``Panel``, or None to show nothing; it must read
    in a fixed number of queries."""
    if provider not in _pair:
        _pair.append(provider)


def register_coordinator_panel(provider: Callable[[Mentorship, Any], Panel | None]) -> None:
    """Add ``provider``'s panel to the coordinators' page of a pair. It gets the
    mentorship and the coordinator reading, and must never show what the pair wrote."""
    if provider not in _coordinator:
        _coordinator.append(provider)


def pair_panels(access: PairAccess) -> list[Panel]:
    """The panels of the pair's page for ``access``."""
    return [panel for provider in _pair if (panel := provider(access)) is not None]


def coordinator_panels(mentorship: Mentorship, reader: Any) -> list[Panel]:
    """The panels of the coordinators' page of ``mentorship`` for ``reader``."""
    return [
        panel for provider in _coordinator if (panel := provider(mentorship, reader)) is not None
    ]
