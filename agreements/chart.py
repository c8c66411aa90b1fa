"""A goal's progress ratings drawn as an SVG chart, on the server.

The chart is a plain ``<svg>`` string: no JavaScript, nothing fetched, and no ``style``
attribute or ``<style>`` element, so it shows under a strict Content Security Policy.
Colours and lines are SVG presentation attributes (``fill``, ``stroke``), and every
element carries a class a stylesheet may override.

A screen reader reads the chart as one image (``role="img"``) named by its ``<title>``
and described by its ``<desc>``: how many ratings, from when to when, and the latest.
Each point has its own ``<title>`` ("12 Mar 2026: 7 out of 10"), which a pointer shows as
a tooltip.

The y axis runs from 1 at the bottom to 10 at the top, with gridlines at 1, 5 and 10.
The x axis is time: a point's distance from the left is proportional to the days since
the first rating, or, when every rating is on one day, the points are spread evenly.
Points are drawn in date order (ratings on the same day keep the order given).

The output is deterministic, with every coordinate rounded to one decimal place, so tests
compare strings. Pure Python, no ORM: a view loads the ratings and passes them in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

LOWEST_RATING = 1
HIGHEST_RATING = 10
GRIDLINE_RATINGS = (1, 5, 10)
# English month abbreviations, not strftime's %b, which follows the process's locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Room around the plot: the rating labels on the left, the date labels below, and half a
# point's width elsewhere so that no circle is cut off.
MARGIN_LEFT = 32
MARGIN_RIGHT = 24
MARGIN_TOP = 12
MARGIN_BOTTOM = 28
MIN_WIDTH = MARGIN_LEFT + MARGIN_RIGHT + 80
MIN_HEIGHT = MARGIN_TOP + MARGIN_BOTTOM + 60
POINT_RADIUS = 4
# Date labels closer together than this (in pixels) would overlap: the later one is left out.
MIN_LABEL_GAP = 48

LINE_COLOUR = "#1d70b8"
GRID_COLOUR = "#b1b4b6"
TEXT_COLOUR = "#0b0c0c"
FONT_SIZE = 12


@dataclass(frozen=True)
class ProgressPoint:
    """One rating of a goal: on ``when``, ``rating`` out of 10."""

    when: date
    rating: int

    def __post_init__(self) -> None:
        if not LOWEST_RATING <= self.rating <= HIGHEST_RATING:
            raise ValueError(
                f"A rating is from {LOWEST_RATING} to {HIGHEST_RATING}, not {self.rating}."
            )


def progress_svg(
    points: Sequence[ProgressPoint], *, title: str, width: int = 640, height: int = 240
) -> SafeString:
    """The ratings in ``points`` as a complete ``<svg>`` element, safe to insert in a
    template with ``{{ svg }}``.

    ``title`` (the goal, written by a person) names the chart and is escaped like all
    other inserted text. With no points the result is an empty string: there is nothing
    to draw, and the page says so in words rather than with an empty chart.
    """
    if not points:
        return SafeString("")
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise ValueError(f"A chart is at least {MIN_WIDTH} by {MIN_HEIGHT} pixels.")

    ordered = sorted(points, key=lambda point: point.when)
    xs = _x_positions(ordered, width)
    ys = [_y_position(point.rating, height) for point in ordered]
    # Ids that differ between two different charts on one page, yet are the same for the
    # same input, so the output stays deterministic.
    key = repr((title, width, height, [(p.when.isoformat(), p.rating) for p in ordered]))
    prefix = "progress-" + hashlib.sha256(key.encode()).hexdigest()[:10]

    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="progress-chart" '
            'width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
            'aria-labelledby="{}-title {}-desc">',
            width,
            height,
            width,
            height,
            prefix,
            prefix,
        ),
        format_html('<title id="{}-title">{}</title>', prefix, title),
        format_html('<desc id="{}-desc">{}</desc>', prefix, describe(ordered)),
        *_y_axis(width, height),
        *_x_axis(ordered, xs, height),
        format_html(
            '<polyline class="progress-chart__line" points="{}" fill="none" stroke="{}" '
            'stroke-width="2" stroke-linejoin="round"/>',
            " ".join(f"{_num(x)},{_num(y)}" for x, y in zip(xs, ys, strict=True)),
            LINE_COLOUR,
        ),
        *(
            format_html(
                '<circle class="progress-chart__point" cx="{}" cy="{}" r="{}" fill="{}" '
                'stroke="#ffffff" stroke-width="1.5"><title>{}: {} out of 10</title></circle>',
                _num(x),
                _num(y),
                POINT_RADIUS,
                LINE_COLOUR,
                long_date(point.when),
                point.rating,
            )
            for point, x, y in zip(ordered, xs, ys, strict=True)
        ),
        "</svg>",
    ]
    # Every inserted text went through format_html, which escapes it.
    return mark_safe("".join(parts))  # noqa: S308


def describe(points: Sequence[ProgressPoint]) -> str:
    """The chart in one sentence, for its ``<desc>``: "3 ratings from 2 Mar 2026 to
    30 Apr 2026, latest 7 out of 10." (one rating: "1 rating on 2 Mar 2026, 7 out of
    10."). The latest is the last of the latest day's ratings, in the order given."""
    if not points:
        return "No ratings yet."
    ordered = sorted(points, key=lambda point: point.when)
    first, last = ordered[0], ordered[-1]
    if len(ordered) == 1:
        return f"1 rating on {long_date(first.when)}, {first.rating} out of 10."
    return (
        f"{len(ordered)} ratings from {long_date(first.when)} to {long_date(last.when)}, "
        f"latest {last.rating} out of 10."
    )


def long_date(day: date) -> str:
    """``day`` as "12 Mar 2026"."""
    return f"{short_date(day)} {day.year}"


def short_date(day: date) -> str:
    """``day`` as "12 Mar", for the axis."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def _num(value: float) -> str:
    """A coordinate rounded to one decimal place, always written the same way."""
    return f"{value:.1f}"


def _x_positions(ordered: Sequence[ProgressPoint], width: int) -> list[float]:
    """Each point's distance from the left: proportional to its days since the first
    rating, or evenly spread when all are on one day (a single point sits in the middle)."""
    left, right = MARGIN_LEFT + POINT_RADIUS, width - MARGIN_RIGHT
    span_px = right - left
    days = (ordered[-1].when - ordered[0].when).days
    if days > 0:
        return [left + span_px * (p.when - ordered[0].when).days / days for p in ordered]
    if len(ordered) == 1:
        return [left + span_px / 2]
    return [left + span_px * index / (len(ordered) - 1) for index in range(len(ordered))]


def _y_position(rating: float, height: int) -> float:
    """The height of ``rating`` on the chart: 10 at the top of the plot, 1 at its bottom."""
    top, bottom = MARGIN_TOP, height - MARGIN_BOTTOM
    fraction = (rating - LOWEST_RATING) / (HIGHEST_RATING - LOWEST_RATING)
    return bottom - (bottom - top) * fraction


def _y_axis(width: int, height: int) -> list[SafeString]:
    """A gridline and a label for each of ``GRIDLINE_RATINGS``."""
    parts = []
    for rating in GRIDLINE_RATINGS:
        y = _num(_y_position(rating, height))
        parts.append(
            format_html(
                '<line class="progress-chart__grid" x1="{}" y1="{}" x2="{}" y2="{}" '
                'stroke="{}" stroke-width="1"/>',
                MARGIN_LEFT,
                y,
                width - MARGIN_RIGHT,
                y,
                GRID_COLOUR,
            )
        )
        parts.append(
            format_html(
                '<text class="progress-chart__label" x="{}" y="{}" text-anchor="end" '
                'dominant-baseline="middle" font-size="{}" fill="{}">{}</text>',
                MARGIN_LEFT - 6,
                y,
                FONT_SIZE,
                TEXT_COLOUR,
                rating,
            )
        )
    return parts


def _x_axis(ordered: Sequence[ProgressPoint], xs: Sequence[float], height: int) -> list[SafeString]:
    """A date label under each distinct day, leaving out a label that would overlap the
    one before it (the first day is always labelled)."""
    parts = []
    last_day: date | None = None
    last_x: float | None = None
    for point, x in zip(ordered, xs, strict=True):
        if point.when == last_day or (last_x is not None and x - last_x < MIN_LABEL_GAP):
            continue
        last_day, last_x = point.when, x
        parts.append(
            format_html(
                '<text class="progress-chart__label" x="{}" y="{}" text-anchor="middle" '
                'font-size="{}" fill="{}">{}</text>',
                _num(x),
                height - MARGIN_BOTTOM + 18,
                FONT_SIZE,
                TEXT_COLOUR,
                short_date(point.when),
            )
        )
    return parts
