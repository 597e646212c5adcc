"""The LMS's REST API (django-ninja): the nbgrader exchange for labs, and the
read-only reporting of the talent pipeline's figures for the city.

OpenAPI schema at /api/openapi.json, browsable docs at /api/docs.
"""

from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from courses.core.api_errors import STATUS, error_response
from courses.core.errors import ServiceError
from courses.grading.api import router as exchange_router
from courses.reporting.api import router as reporting_router

api = NinjaAPI(
    title="Talent Pipeline LMS",
    version="1",
    description=(
        "The nbgrader exchange of the labs (docs/exchange-api.md) and the "
        "talent pipeline's figures for city reporting (docs/dashboard.md)."
    ),
    urls_namespace="api",
)
api.add_router("/exchange/", exchange_router)
api.add_router("/reporting/", reporting_router)


@api.exception_handler(ServiceError)
def _refused(request, error: ServiceError):
    return error_response(error.message, error.code, STATUS.get(error.code, 400))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, error):
    return error_response(
        "Sign in to the lab first: this request has no valid hub token.",
        "not_authenticated",
        401,
    )
