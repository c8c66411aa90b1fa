"""The mentee's self-ratings per development area drawn as grouped bars, on the server.

As ``agreements.chart``: a plain ``<svg>`` string, no JavaScript, nothing fetched, no
``style`` attribute; colours are presentation attributes and every element has a
class. A screen reader reads it as one image named by its ``<title>`` and described
by its ``<desc>``; each bar has its own ``<title>`` ("Baseline: 2 out of 5"). The
table beside it on the page gives the same numbers.

One row per area, with a bar for the baseline, the end and the follow-up on a 1-5
scale (a bar's length is its rating). Deterministic output: tests compare strings.
"""

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from sessions.selectors.evaluations import AreaChange

SERIES = (
    ("baseline", "Baseline", "#b1b4b6"),
    ("end", "End", "#1d70b8"),
    ("follow_up", "Follow-up", "#00703c"),
)
LABEL_WIDTH = 220
BAR_HEIGHT = 10
ROW_GAP = 14
TOP = 28
WIDTH = 560
SCALE_MAX = 5
TEXT_COLOUR = "#0b0c0c"
GRID_COLOUR = "#dddddd"
FONT_SIZE = 12


def _clip(text: str, length: int = 32) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def describe(changes: Sequence[AreaChange]) -> str:
    """The chart in a sentence or two, for its ``<desc>``."""
    parts = []
    for change in changes:
        given = [
            f"{label.lower()} {getattr(change, key)}"
            for key, label, _ in SERIES
            if getattr(change, key) is not None
        ]
        parts.append(f"{change.area}: {', '.join(given) if given else 'not rated'}")
    return "Your ratings out of 5. " + "; ".join(parts) + "."


def change_svg(changes: Sequence[AreaChange], *, title: str) -> SafeString:
    """``changes`` as a complete ``<svg>``; an empty string when there is nothing."""
    if not changes:
        return SafeString("")
    plot_width = WIDTH - LABEL_WIDTH - 16
    row_height = BAR_HEIGHT * len(SERIES) + ROW_GAP
    height = TOP + row_height * len(changes) + 8
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="change-chart" width="{}" height="{}" '
            'viewBox="0 0 {} {}" role="img" aria-labelledby="change-chart-title '
            'change-chart-desc">',
            WIDTH,
            height,
            WIDTH,
            height,
        ),
        format_html('<title id="change-chart-title">{}</title>', title),
        format_html('<desc id="change-chart-desc">{}</desc>', describe(changes)),
    ]
    # The legend, then a gridline and a label at each rating.
    x = LABEL_WIDTH
    for _, label, colour in SERIES:
        parts.append(
            format_html(
                '<rect class="change-chart__key" x="{}" y="4" width="10" height="10" fill="{}"/>'
                '<text class="change-chart__label" x="{}" y="13" font-size="{}" fill="{}">'
                "{}</text>",
                x,
                colour,
                x + 14,
                FONT_SIZE,
                TEXT_COLOUR,
                label,
            )
        )
        x += 90
    for rating in range(1, SCALE_MAX + 1):
        gx = LABEL_WIDTH + plot_width * rating / SCALE_MAX
        parts.append(
            format_html(
                '<line class="change-chart__grid" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
                'stroke-width="1"/>',
                f"{gx:.1f}",
                TOP - 4,
                f"{gx:.1f}",
                height - 8,
                GRID_COLOUR,
            )
        )
    for row, change in enumerate(changes):
        y = TOP + row * row_height
        parts.append(
            format_html(
                '<text class="change-chart__label" x="{}" y="{}" text-anchor="end" '
                'dominant-baseline="middle" font-size="{}" fill="{}">{}</text>',
                LABEL_WIDTH - 8,
                y + BAR_HEIGHT * len(SERIES) / 2,
                FONT_SIZE,
                TEXT_COLOUR,
                _clip(change.area),
            )
        )
        for index, (key, label, colour) in enumerate(SERIES):
            value = getattr(change, key)
            if value is None:
                continue
            parts.append(
                format_html(
                    '<rect class="change-chart__bar change-chart__bar--{}" x="{}" y="{}" '
                    'width="{}" height="{}" fill="{}"><title>{}, {}: {} out of 5</title></rect>',
                    key,
                    LABEL_WIDTH,
                    y + index * BAR_HEIGHT,
                    f"{plot_width * value / SCALE_MAX:.1f}",
                    BAR_HEIGHT - 1,
                    colour,
                    change.area,
                    label,
                    value,
                )
            )
    parts.append(SafeString("</svg>"))
    # Every inserted text went through format_html, which escapes it.
    return mark_safe("".join(parts))  # noqa: S308
