"""Each year's trained talents against the plan as a bar chart: the geometry is
computed here and drawn as inline SVG by ``courses/includes/year_chart.html``,
on the server, with no JavaScript. The years table beside it is its text form.
"""

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 8, 20, 28
TICKS = 4


@dataclass(frozen=True)
class Bar:
    kind: str  # "actual" or "plan"
    x: float
    y: float
    width: float
    height: float
    value: int | str  # a suppressed count ("<5") is labelled, never drawn

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class Column:
    year: int
    x: float  # centre, for the year's label
    bars: tuple[Bar, Bar]
    selected: bool


@dataclass(frozen=True)
class YearChart:
    width: int
    height: int
    left: int
    right: int
    baseline: float
    ticks: list[tuple[float, int]]  # (y, value)
    columns: list[Column]


def _nice_step(largest: int) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving about TICKS lines."""
    if largest <= TICKS:
        return 1
    raw = largest / TICKS
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def year_chart(rows, *, selected: int | None = None) -> YearChart:
    """The chart of ``rows`` (``year``, ``trained``, ``plan`` each)."""
    values = [v for r in rows for v in (r.trained, r.plan) if isinstance(v, int)]
    step = _nice_step(max(values, default=0))
    top = step * max(1, math.ceil(max(values, default=0) / step))
    baseline = HEIGHT - BOTTOM
    scale = (baseline - TOP) / top
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(rows))
    bar = slot * 0.36

    def make(kind: str, value, x: float) -> Bar:
        height = value * scale if isinstance(value, int) else 0
        return Bar(
            kind,
            round(x, 1),
            round(baseline - height, 1),
            round(bar, 1),
            round(height, 1),
            value,
        )

    columns = []
    for index, row in enumerate(rows):
        centre = LEFT + slot * (index + 0.5)
        columns.append(
            Column(
                year=row.year,
                x=round(centre, 1),
                bars=(
                    make("actual", row.trained, centre - bar - 1),
                    make("plan", row.plan, centre + 1),
                ),
                selected=row.year == selected,
            )
        )
    ticks = [
        (round(baseline - value * scale, 1), value) for value in range(0, top + 1, step)
    ]
    return YearChart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, baseline, ticks, columns)
