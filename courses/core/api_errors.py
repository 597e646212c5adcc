"""The API's error body: one shape for every refusal."""

from django.http import JsonResponse

# ServiceError codes → HTTP status (docs/exchange-api.md, "Errors").
STATUS = {
    "not_authenticated": 401,
    "not_enrolled": 403,
    "not_found": 404,
    "no_attempts_left": 409,
    "deadline_passed": 409,
    "too_large": 413,
    "bad_archive": 400,
    "bad_notebook": 400,
    "no_notebook": 400,
}


def error_response(detail: str, code: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)
