"""When the city reaches its target at the pace so far: a least-squares line
through the last complete years (docs/dashboard.md)."""

import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

# Years and "the last 12 months" are counted on the city's clock (Asia/Seoul),
# whatever zone the reader chose.
TIME_ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)


HISTORY_YEARS = 3  # complete years the forecast's line is fitted through


HORIZON_YEARS = 50  # beyond this, "not at this pace"


@dataclass(frozen=True)
class YearCount:
    year: int
    trained: int


@dataclass(frozen=True)
class Forecast:
    """When the target is reached if the line through the last (up to) three
    complete years' trained people goes on; ``earliest``/``latest`` follow the
    band's upper/lower edge. None: not within HORIZON_YEARS (or no history)."""

    achieved: int  # trained people so far, every year
    target: int
    this_year: int  # in Seoul
    history: list[YearCount]  # the years the line is fitted through
    intercept: float | None  # count = intercept + slope * year
    slope: float | None
    spread: float | None  # the band: the largest absolute residual
    year: int | None
    earliest: int | None
    latest: int | None
    reached: bool  # already: ``year`` is the year it was reached

    @property
    def method(self) -> str:
        """How it was made, in a sentence of the active language."""
        if self.reached:
            return _("The target has been reached: no forecast is needed.")
        if not self.target:
            return _("No target is set: nothing to forecast.")
        if not self.history:
            return _(
                "Not enough history yet: the forecast needs at least one complete "
                "year of the programme."
            )
        return _(
            "A straight line fitted (least squares) through the people trained "
            "in each of %(years)s, extended year by year from %(this_year)s and "
            "added to those trained so far; this year counts what is already "
            "done if that is more. The band is the line plus or minus its largest "
            "miss on those years (%(spread)s people a year)."
        ) % {
            "years": ", ".join(str(h.year) for h in self.history),
            "this_year": self.this_year,
            "spread": round(self.spread or 0, 1),
        }


def this_year() -> int:
    """The current year in Seoul (not in the reader's zone)."""
    return timezone.localdate(timezone=TIME_ZONE).year


# The forecast -----------------------------------------------------------------


def _fit(history: list[YearCount]) -> tuple[float, float, float]:
    """Least squares ``count = a + b * year``: (a, b, largest absolute residual).
    One year: a flat line; one or two years: no spread (the line fits them)."""
    n = len(history)
    mean_x = sum(h.year for h in history) / n
    mean_y = sum(h.trained for h in history) / n
    sxx = sum((h.year - mean_x) ** 2 for h in history)
    sxy = sum((h.year - mean_x) * (h.trained - mean_y) for h in history)
    slope = sxy / sxx if sxx else 0.0
    intercept = mean_y - slope * mean_x
    spread = max(abs(h.trained - (mean_y + slope * (h.year - mean_x))) for h in history)
    return intercept, slope, spread if n > 2 else 0.0


def _first_year_reaching(start: float, counts, target: int) -> int | None:
    """The first year whose cumulative count reaches ``target``, or None."""
    total = start
    for year, count in counts:
        total += count
        if total >= target - 1e-9:  # the line's floats: 1500 must reach 1500
            return year
    return None


def forecast_of(
    *,
    by_year: dict[int, int],
    target: int,
    this_year: int,
    start_year: int | None,
) -> Forecast:
    """The forecast from people trained by year (``by_year``), as stated on the
    dashboard: see ``Forecast.method`` and docs/dashboard.md."""
    achieved = sum(by_year.values())
    first = this_year - HISTORY_YEARS
    if start_year is not None:
        first = max(first, start_year)
    history = [YearCount(y, by_year.get(y, 0)) for y in range(first, this_year)]
    common = {"achieved": achieved, "target": target, "this_year": this_year}
    if target and achieved >= target:
        actual = sorted(by_year.items())
        year = _first_year_reaching(0, actual, target)
        return Forecast(
            **common,
            history=history,
            intercept=None,
            slope=None,
            spread=None,
            year=year,
            earliest=year,
            latest=year,
            reached=True,
        )
    if not target or not history:
        return Forecast(
            **common,
            history=history,
            intercept=None,
            slope=None,
            spread=None,
            year=None,
            earliest=None,
            latest=None,
            reached=False,
        )
    a, b, s = _fit(history)
    before = sum(n for y, n in by_year.items() if y < this_year)
    so_far = by_year.get(this_year, 0)
    years = range(this_year, this_year + HORIZON_YEARS + 1)

    def edge(shift: float) -> int | None:
        counts = []
        for y in years:
            projected = max(0.0, a + b * y + shift)
            counts.append((y, max(so_far, projected) if y == this_year else projected))
        return _first_year_reaching(before, counts, target)

    return Forecast(
        **common,
        history=history,
        intercept=a,
        slope=b,
        spread=s,
        year=edge(0),
        earliest=edge(s),
        latest=edge(-s),
        reached=False,
    )
