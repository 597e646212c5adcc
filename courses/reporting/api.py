"""The city's reporting API: the talent pipeline's figures, read-only, as JSON.

``Authorization: Bearer <key>``; keys come from ``manage.py
reporting_token_create <name>`` and are kept only as sha256 hashes. The figures
are the dashboard's for the whole city (docs/dashboard.md), and small counts are
NOT suppressed: the API is for the city's own reporting, not for publication.
"""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.security import HttpBearer

from courses.core.errors import ServiceError
from courses.reporting.choices import dashboard_choices
from courses.reporting.pipeline import PipelineFigures, pipeline_figures
from courses.reporting.tokens import api_token_use
from lms.ratelimit import rate_limit

ERROR_TOKEN = "Send a valid reporting token: 'Authorization: Bearer <key>'."


class ReportingToken(HttpBearer):
    """``Authorization: Bearer <key>`` of a live ApiToken."""

    def __call__(self, request: HttpRequest):
        token = super().__call__(request)
        if token is None:
            raise ServiceError(ERROR_TOKEN, code="not_authenticated")
        return token

    def authenticate(self, request: HttpRequest, token: str):
        return api_token_use(key=token.strip())


router = Router(auth=ReportingToken(), tags=["reporting"])
# Counted before the token is checked, so guessing keys is limited too.
router.add_decorator(rate_limit("reporting"), mode="view")


class FiguresQuery(Schema):
    year: int | None = None
    track: str | None = None
    institution: str | None = None


class ProgrammeOut(Schema):
    name: str
    total_target: int
    start_year: int
    end_year: int


class TrackOut(Schema):
    code: str
    title: str
    trained: int
    target: int
    last_12_months: int


class YearOut(Schema):
    year: int
    trained: int
    plan: int


class InstitutionOut(Schema):
    code: str
    name: str
    trained: int


class FunnelOut(Schema):
    """People at each stage, nested: each stage is a subset of the one before."""

    applied: int
    admitted: int
    enrolled: int
    active: int
    completed: int


class HistoryOut(Schema):
    year: int
    trained: int


class ForecastOut(Schema):
    """The year the (filter's) target is reached on the line through the last
    complete years (``history``); ``earliest`` and ``latest`` at the band's
    edges; null: not within 50 years, or no history yet."""

    method: str
    achieved: int
    target: int
    this_year: int
    history: list[HistoryOut]
    intercept: float | None
    slope: float | None
    spread: float | None
    year: int | None
    earliest: int | None
    latest: int | None
    reached: bool


class FiguresOut(Schema):
    filter: FiguresQuery
    generated_at: dt.datetime
    programme: ProgrammeOut | None
    trained: int
    target: int
    progress_percent: float | None
    tracks: list[TrackOut]
    years: list[YearOut]
    institutions: list[InstitutionOut]
    funnel: FunnelOut
    forecast: ForecastOut


def _check_codes(query: FiguresQuery) -> None:
    choices = dashboard_choices(scope=None)
    for name, label in (("track", _("track")), ("institution", _("institution"))):
        code = getattr(query, name)
        if code is not None and code not in {c for c, _t in choices[f"{name}s"]}:
            raise ServiceError(
                _("No %(what)s has the code %(code)s.") % {"what": label, "code": code}
            )


def _figures_out(query: FiguresQuery, figures: PipelineFigures) -> dict:
    programme = figures.programme
    return {
        "filter": query,
        "generated_at": timezone.now(),
        "programme": programme
        and {
            "name": programme.name,
            "total_target": programme.total_target,
            "start_year": programme.start_year,
            "end_year": programme.end_year,
        },
        "trained": figures.trained,
        "target": figures.target,
        "progress_percent": figures.progress,
        "tracks": figures.tracks,
        "years": figures.years,
        "institutions": figures.institutions,
        "funnel": figures.funnel,
        "forecast": figures.forecast,
    }


@router.get("/figures", response=FiguresOut, summary="The pipeline's figures")
def figures(request: HttpRequest, query: Query[FiguresQuery]):
    """Trained talents against the targets (total, by track, year, institution),
    the funnel and the forecast, for an optional year, track code and
    institution code. Counts are not suppressed. Definitions: docs/dashboard.md.
    """
    _check_codes(query)
    return _figures_out(query, pipeline_figures(**query.dict()))
