"""The progress chart: what a screen reader hears, where the points go, and that a
hostile goal title stays text."""

import re
from datetime import date
from itertools import pairwise

import pytest

from agreements.chart import ProgressPoint, describe, progress_svg


def circles(svg: str) -> list[tuple[float, float]]:
    return [
        (float(x), float(y))
        for x, y in re.findall(r'<circle [^>]*cx="([\d.]+)" cy="([\d.]+)"', svg)
    ]


def test_no_ratings_draw_nothing():
    assert progress_svg([], title="Public speaking") == ""


def test_the_chart_is_an_image_named_by_its_title_and_described_in_words():
    points = [
        ProgressPoint(date(2026, 3, 2), 3),
        ProgressPoint(date(2026, 3, 12), 5),
        ProgressPoint(date(2026, 4, 30), 7),
    ]

    svg = progress_svg(points, title="Public speaking")

    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert 'role="img"' in svg
    title_id, desc_id = re.search(r'aria-labelledby="(\S+) (\S+)"', svg).groups()
    assert f'<title id="{title_id}">Public speaking</title>' in svg
    assert (
        f'<desc id="{desc_id}">3 ratings from 2 Mar 2026 to 30 Apr 2026, latest 7 out of 10.</desc>'
    ) in svg


def test_a_single_rating_is_described_on_its_day():
    assert (
        describe([ProgressPoint(date(2026, 3, 12), 7)]) == "1 rating on 12 Mar 2026, 7 out of 10."
    )


def test_a_hostile_title_is_escaped_and_the_result_is_safe_to_insert():
    svg = progress_svg(
        [ProgressPoint(date(2026, 3, 12), 7)], title='<script>alert("x")</script> & more'
    )

    assert "<script>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in svg
    assert hasattr(svg, "__html__")  # a SafeString: {{ svg }} does not escape it again


def test_each_rating_is_a_circle_with_its_own_title():
    points = [ProgressPoint(date(2026, 3, day), rating) for day, rating in [(1, 2), (5, 4), (9, 9)]]

    svg = progress_svg(points, title="Delegating")

    assert svg.count("<circle ") == len(points)
    assert "<title>1 Mar 2026: 2 out of 10</title></circle>" in svg
    assert "<title>9 Mar 2026: 9 out of 10</title></circle>" in svg
    assert svg.count("<polyline ") == 1


def test_a_higher_rating_is_drawn_higher():
    svg = progress_svg(
        [ProgressPoint(date(2026, 3, 1), 1), ProgressPoint(date(2026, 3, 2), 10)], title="t"
    )

    (_, y_of_1), (_, y_of_10) = circles(svg)
    assert y_of_10 < y_of_1  # SVG's y grows downwards


def test_points_are_spaced_in_proportion_to_the_days_between_them():
    points = [
        ProgressPoint(date(2026, 3, 1), 5),
        ProgressPoint(date(2026, 3, 4), 5),  # 3 days after the first
        ProgressPoint(date(2026, 3, 13), 5),  # 12 days after the first
    ]

    (x0, _), (x1, _), (x2, _) = circles(progress_svg(points, title="t"))

    assert (x1 - x0) / (x2 - x0) == pytest.approx(3 / 12, abs=0.01)


def test_points_are_drawn_in_date_order_whatever_order_they_come_in():
    early, late = ProgressPoint(date(2026, 3, 1), 2), ProgressPoint(date(2026, 4, 1), 8)

    assert progress_svg([late, early], title="t") == progress_svg([early, late], title="t")


def test_ratings_all_on_one_day_are_spread_evenly():
    day = date(2026, 3, 12)
    points = [ProgressPoint(day, rating) for rating in (2, 4, 6, 8)]

    xs = [x for x, _ in circles(progress_svg(points, title="t"))]

    gaps = [b - a for a, b in pairwise(xs)]
    assert all(gap > 0 for gap in gaps)
    assert max(gaps) - min(gaps) <= 0.1
    assert progress_svg(points, title="t").count(">12 Mar</text>") == 1


def test_the_axes_show_ratings_1_5_10_and_short_dates():
    svg = progress_svg(
        [ProgressPoint(date(2026, 3, 12), 4), ProgressPoint(date(2026, 5, 1), 6)], title="t"
    )

    labels = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    assert labels == ["1", "5", "10", "12 Mar", "1 May"]
    assert svg.count('<line class="progress-chart__grid"') == 3


def test_the_same_ratings_give_the_same_string_and_numbers_have_one_decimal():
    points = [ProgressPoint(date(2026, 1, 1), 3), ProgressPoint(date(2026, 1, 4), 8)]

    svg = progress_svg(points, title="Goal", width=500, height=200)

    assert svg == progress_svg(list(points), title="Goal", width=500, height=200)
    for x, y in circles(svg):
        assert round(x, 1) == x and round(y, 1) == y
    assert not re.search(r"\d\.\d{2}", svg)
    assert 'viewBox="0 0 500 200"' in svg


def test_two_different_charts_have_different_ids():
    point = ProgressPoint(date(2026, 1, 1), 3)

    first = re.search(r'aria-labelledby="([^"]+)"', progress_svg([point], title="A")).group(1)
    second = re.search(r'aria-labelledby="([^"]+)"', progress_svg([point], title="B")).group(1)
    assert first != second


def test_nothing_a_strict_content_security_policy_would_block():
    svg = progress_svg(
        [ProgressPoint(date(2026, 3, 1), 1), ProgressPoint(date(2026, 6, 1), 10)], title="t"
    )

    assert "style" not in svg
    assert "<script" not in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.parametrize("rating", [0, 11, -3])
def test_a_rating_outside_1_to_10_is_refused(rating):
    with pytest.raises(ValueError, match="from 1 to 10"):
        ProgressPoint(date(2026, 3, 1), rating)


def test_a_chart_too_small_to_draw_is_refused():
    with pytest.raises(ValueError, match="at least"):
        progress_svg([ProgressPoint(date(2026, 3, 1), 5)], title="t", width=50)
