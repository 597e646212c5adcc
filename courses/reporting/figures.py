"""The pipeline's figures as tables: shown in the admin dashboard, downloaded as
CSV or XLSX, and — small counts suppressed — on the public progress page.

The page and its downloads are made from ``figure_tables`` so they never
disagree. Suppression happens here, before any template sees a number.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:  # annotations only: selectors/catalogue.py imports this module
    from courses.reporting.pipeline import Forecast, PipelineFigures, YearRow


SMALLEST_SHOWN = 5  # public counts below this are shown as "<5"
SUPPRESSED = "<5"
# A stage of the funnel, not an enrolment's status (also "Applied", "Enrolled").
FUNNEL_LABELS = {
    "applied": pgettext_lazy("funnel step", "Applied"),
    "admitted": pgettext_lazy("funnel step", "Admitted"),
    "enrolled": pgettext_lazy("funnel step", "Enrolled"),
    "active": pgettext_lazy("funnel step", "Active"),
    "completed": pgettext_lazy("funnel step", "Completed"),
}


@dataclass(frozen=True)
class Table:
    key: str  # in the download's URL and file name
    title: str
    headers: list[str]
    rows: list[list]  # int, float, str; "" for nothing


def percent(part, whole) -> float | str:
    """``part`` of ``whole`` in percent, one decimal; "" when either is unknown."""
    if not isinstance(part, int) or not isinstance(whole, int) or not whole:
        return ""
    return round(100 * part / whole, 1)


def _year_or_never(year: int | None) -> str:
    return str(year) if year is not None else _("Not at this pace")


def forecast_text(forecast: Forecast) -> str:
    """The year the target is reached, as a person reads it."""
    if forecast.reached:
        return _("Reached in %(year)s") % {"year": forecast.year}
    if not forecast.history or not forecast.target:
        return _("Not enough history yet")
    return _year_or_never(forecast.year)


def history_text(forecast: Forecast) -> str:
    return ", ".join(f"{h.year}: {h.trained:,}" for h in forecast.history)


def overview_table(figures: PipelineFigures) -> Table:
    forecast = figures.forecast
    rows = [
        [_("Trained talents"), figures.trained],
        [_("Target"), figures.target],
        [_("Progress (%)"), percent(figures.trained, figures.target)],
        [_("Trained talents, all years"), forecast.achieved],
        [_("Target, all years"), forecast.target],
        [_("Forecast: people trained in the years it follows"), history_text(forecast)],
        [_("Forecast: year the target is reached"), forecast_text(forecast)],
    ]
    if forecast.history and not forecast.reached and forecast.target:
        rows += [
            [_("Forecast: earliest (upper edge)"), _year_or_never(forecast.earliest)],
            [_("Forecast: latest (lower edge)"), _year_or_never(forecast.latest)],
        ]
    rows.append([_("Forecast: method"), forecast.method])
    return Table("overview", _("Overview"), [_("Figure"), _("Value")], rows)


def tracks_table(figures: PipelineFigures) -> Table:
    headers = [
        _("Track"),
        _("Code"),
        _("Trained talents"),
        _("Target"),
        _("Progress (%)"),
        _("Last 12 months"),
    ]
    rows = [
        [
            t.title,
            t.code,
            t.trained,
            t.target,
            percent(t.trained, t.target),
            t.last_12_months,
        ]
        for t in figures.tracks
    ]
    return Table("tracks", _("By track"), headers, rows)


def years_table(figures: PipelineFigures) -> Table:
    headers = [
        _("Year"),
        _("Trained talents"),
        _("Plan"),
        _("Trained, cumulative"),
        _("Plan, cumulative"),
    ]
    rows, trained, plan = [], 0, 0
    for row in figures.years:
        known = isinstance(row.trained, int) and isinstance(trained, int)
        trained = trained + row.trained if known else ""
        plan += row.plan
        rows.append([row.year, row.trained, row.plan, trained, plan])
    return Table("years", _("By year: actual and plan"), headers, rows)


def institutions_table(figures: PipelineFigures) -> Table:
    headers = [_("Institution"), _("Code"), _("Trained talents")]
    rows = [[p.name, p.code, p.trained] for p in figures.institutions]
    return Table("institutions", _("By institution"), headers, rows)


def funnel_table(figures: PipelineFigures) -> Table:
    headers = [
        _("Stage"),
        _("People"),
        _("Drop-off from the stage before"),
        _("Of the stage before (%)"),
        _("Of those who applied (%)"),
    ]
    rows, before = [], None
    applied = figures.funnel["applied"]
    for step, people in figures.funnel.items():
        drop = "" if before is None else before - people
        share = "" if before is None else percent(people, before)
        rows.append(
            [str(FUNNEL_LABELS[step]), people, drop, share, percent(people, applied)]
        )
        before = people
    return Table("funnel", _("Funnel"), headers, rows)


def figure_tables(figures: PipelineFigures) -> dict[str, Table]:
    """Every table of the dashboard, by key, in the order shown."""
    tables = (
        overview_table,
        tracks_table,
        years_table,
        institutions_table,
        funnel_table,
    )
    return {table.key: table for table in (make(figures) for make in tables)}


def _shown(count: int) -> int | str:
    return count if count >= SMALLEST_SHOWN else SUPPRESSED


def suppressed(figures: PipelineFigures, *, this_year: int) -> PipelineFigures:
    """Figures for the public: counts below 5 as "<5", and anything that would
    give one away (a percentage of it, a lone suppressed year beside the total).

    Years after ``this_year`` have no talents yet and are not suppressed.
    """
    years = [
        dataclasses.replace(r, trained=_shown(r.trained)) if r.year <= this_year else r
        for r in figures.years
    ]
    hidden = [r for r in years if r.trained == SUPPRESSED]
    total = _shown(figures.trained)
    if len(hidden) == 1 and total != SUPPRESSED:
        # The total minus the years shown would give the hidden one away: hide
        # the next smallest year too, or the total if there is none.
        visible = [
            r for r in years if isinstance(r.trained, int) and r.year <= this_year
        ]
        if visible:
            smallest = min(visible, key=lambda r: r.trained)
            years = [_hide(r) if r is smallest else r for r in years]
        else:
            total = SUPPRESSED
    return dataclasses.replace(
        figures,
        trained=total,
        tracks=[
            dataclasses.replace(t, trained=_shown(t.trained), last_12_months="")
            for t in figures.tracks
        ],
        years=years,
        institutions=[],
        funnel={},
        forecast=None,
    )


def _hide(row: YearRow) -> YearRow:
    return dataclasses.replace(row, trained=SUPPRESSED)
