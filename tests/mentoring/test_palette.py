"""The site's palette (static/css/site.css) meets WCAG AA: every text colour has a
contrast ratio of at least 4.5:1 with each background it is drawn on. The browser tests
also run axe's color-contrast rule on every page they visit; this test names the pairs
so that a change to one colour fails here first, with the pair that broke."""

import re
from pathlib import Path

import pytest

SITE_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"
AA_NORMAL_TEXT = 4.5

WHITE, BLACK = "#ffffff", "#000000"

# (text, background, where the pair is used). Names are the palette's variables without
# "--mt-"; a literal colour is Bootstrap's own text colour for that component.
PAIRS = [
    ("ink", "paper", "body text on the page"),
    ("ink", "surface", "body text on a card"),
    ("ink", "mist", "text on a light badge, a card header or a tertiary background"),
    ("ink-soft", "paper", "secondary text (.text-body-secondary) on the page"),
    ("ink-soft", "surface", "secondary text on a card"),
    ("ink-soft", "mist", "secondary text on a tertiary background"),
    ("teal", "paper", "links on the page"),
    ("teal", "surface", "links and outline buttons on a card"),
    ("teal", "teal-soft", "links inside a primary alert"),
    (WHITE, "teal", "primary buttons and badges"),
    (WHITE, "teal-hover", "a primary button under the pointer"),
    (WHITE, "teal-deep", "the brand and active links in the navigation bar"),
    ("nav-text", "teal-deep", "links in the navigation bar"),
    (WHITE, "sage", "success buttons and badges"),
    (WHITE, "rose", "danger buttons and badges"),
    (WHITE, "slate", "secondary badges"),
    ("slate", "surface", "outline secondary buttons"),
    (BLACK, "amber", "warning badges (Bootstrap draws them in black)"),
    (BLACK, "sky", "info badges (Bootstrap draws them in black)"),
    (BLACK, "mist", "light badges"),
    ("teal-text", "teal-soft", "primary alerts"),
    ("sage-text", "sage-soft", "success alerts"),
    ("amber-text", "amber-soft", "warning alerts"),
    ("rose-text", "rose-soft", "danger alerts"),
    ("sky-text", "sky-soft", "info alerts"),
    ("ink", "mist", "secondary alerts"),
    ("rose", "surface", "a field's error message, the required mark"),
    ("rose", "paper", "an error message on the page"),
    ("sage", "surface", "a valid field's message"),
    ("teal-deep", "paper", "code on the page"),
    ("teal-deep", "mist", "code on a tertiary background"),
]


def palette() -> dict[str, str]:
    """The ``--mt-*`` colours declared in site.css, by name without the prefix."""
    css = SITE_CSS.read_text()
    return {
        name: value.lower()
        for name, value in re.findall(r"--mt-([a-z-]+):\s*(#[0-9a-fA-F]{3,6})\s*;", css)
    }


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2's relative luminance of a ``#rgb`` or ``#rrggbb`` colour."""
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)))[::-1]
    return (lighter + 0.05) / (darker + 0.05)


def _colour(colours: dict[str, str], name: str) -> str:
    return name if name.startswith("#") else colours[name]


def test_the_contrast_ratio_follows_wcag():
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21)
    assert contrast_ratio("#777", WHITE) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#0d6efd", WHITE) == pytest.approx(4.50, abs=0.01)
    assert contrast_ratio(WHITE, "#767676") == contrast_ratio("#767676", WHITE)


def test_the_palette_declares_every_colour_the_pairs_name():
    colours = palette()
    names = {name for pair in PAIRS for name in pair[:2] if not name.startswith("#")}
    assert names <= colours.keys(), f"missing from site.css: {sorted(names - colours.keys())}"


@pytest.mark.parametrize(("text", "background", "use"), PAIRS)
def test_each_text_colour_meets_wcag_aa_on_its_background(text, background, use):
    colours = palette()
    ratio = contrast_ratio(_colour(colours, text), _colour(colours, background))
    assert ratio >= AA_NORMAL_TEXT, (
        f"{text} on {background} ({use}) has a contrast of {ratio:.2f}:1, "
        f"below WCAG AA's {AA_NORMAL_TEXT}:1"
    )


def test_bootstraps_colours_are_the_palettes():
    """Bootstrap's theme colours point at the palette, so the pairs above are the ones a
    page draws."""
    css = SITE_CSS.read_text()
    for variable, name in [
        ("--bs-primary", "teal"),
        ("--bs-body-color", "ink"),
        ("--bs-body-bg", "paper"),
        ("--bs-secondary-color", "ink-soft"),
        ("--bs-link-color", "teal"),
        ("--bs-success", "sage"),
        ("--bs-danger", "rose"),
        ("--bs-warning", "amber"),
        ("--bs-info", "sky"),
    ]:
        assert re.search(rf"{variable}:\s*var\(--mt-{name}\);", css), variable
    colours = palette()
    for variable, name in [
        ("--bs-primary-rgb", "teal"),
        ("--bs-body-color-rgb", "ink"),
        ("--bs-body-bg-rgb", "paper"),
        ("--bs-link-color-rgb", "teal"),
        ("--bs-success-rgb", "sage"),
        ("--bs-danger-rgb", "rose"),
        ("--bs-warning-rgb", "amber"),
        ("--bs-info-rgb", "sky"),
        ("--bs-secondary-rgb", "slate"),
        ("--bs-light-rgb", "mist"),
    ]:
        digits = colours[name].lstrip("#")
        rgb = ", ".join(str(int(digits[i : i + 2], 16)) for i in (0, 2, 4))
        assert re.search(rf"{variable}:\s*{rgb};", css), f"{variable} is not {name} ({rgb})"
