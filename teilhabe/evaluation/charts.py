"""A small server-rendered line chart per indicator: baseline, measurements and the target over time.

Only coordinates are computed here; the template draws the SVG, which is decorative next to its data table and text
alternative (the figures are never only in the picture)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 320, 160
PAD_X, PAD_Y = 12, 14


@dataclass
class Chart:
    width: int
    height: int
    points: str  # polyline: baseline and measurements
    dots: list  # (x, y) of each measurement
    baseline: tuple  # (x, y) of the square's corner
    target: tuple  # (x, y)
    target_y: float  # the dashed target line


def indicator_chart(view) -> Chart:
    indicator = view.indicator
    series = [(indicator.baseline_date, float(indicator.baseline_value))]
    series += [(item.measured_on, float(item.value)) for item in view.measurements]
    target = (indicator.target_date, float(indicator.target_value))
    first = min(day for day, _value in [*series, target])
    last = max(day for day, _value in [*series, target])
    days = max((last - first).days, 1)
    values = [value for _day, value in [*series, target]]
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1

    def x(day) -> float:
        return round(PAD_X + (day - first).days / days * (WIDTH - 2 * PAD_X), 1)

    def y(value) -> float:
        return round(HEIGHT - PAD_Y - (value - low) / (high - low) * (HEIGHT - 2 * PAD_Y), 1)

    coordinates = [(x(day), y(value)) for day, value in series]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=" ".join(f"{px},{py}" for px, py in coordinates),
        dots=coordinates[1:],
        baseline=(round(coordinates[0][0] - 4, 1), round(coordinates[0][1] - 4, 1)),
        target=(x(target[0]), y(target[1])),
        target_y=y(target[1]),
    )
