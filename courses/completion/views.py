"""Certificates: the public verification page and the holder's PDF.

Thin: each finds the certificate through a selector and renders it.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from courses.completion.selectors.certificates import (
    certificate_by_code,
    certificate_of_user,
)
from courses.completion.selectors.progress import cohort_progress, track_progress
from courses.completion.services.certificates import (
    certificate_pdf,
    certificate_pdf_name,
)
from courses.core.errors import ServiceError
from courses.core.http import attachment_response
from courses.enrollment import selectors as enrollment_selectors
from courses.enrollment.selectors import cohorts_taught_by
from courses.grading.selectors.assignments import assignments_by_cohort
from lms.ratelimit import rate_limit


@require_GET
@rate_limit("certificate")
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone checks a certificate by its code: name, title, date, revoked or
    not; nothing else. An unknown code answers 404 with a message.

    Template: ``courses/certificates/verify.html``; context: ``certificate``,
    ``title``, ``code``.
    """
    certificate = certificate_by_code(code=code)
    if certificate is None:
        context = {"certificate": None, "code": code[:40]}
        return render(request, "courses/certificates/verify.html", context, status=404)
    english = (get_language() or "").startswith("en")
    context = {
        "certificate": certificate,
        "title": certificate.title_en if english else certificate.title_ko,
        "code": certificate.code,
    }
    return render(request, "courses/certificates/verify.html", context)


@never_cache
@login_required
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    """The holder's own valid certificate as a bilingual PDF (404 otherwise)."""
    certificate = certificate_of_user(user=request.user, code=code)
    if certificate is None:
        raise Http404
    url = reverse("courses:certificate", args=[certificate.code])
    try:
        data = certificate_pdf(
            certificate=certificate, verify_url=request.build_absolute_uri(url)
        )
    except ServiceError as error:
        return HttpResponse(error.message, status=503, content_type="text/plain")
    return attachment_response(
        data,
        filename=certificate_pdf_name(certificate),
        content_type="application/pdf",
    )


@login_required
def my_learning(request: HttpRequest) -> HttpResponse:
    """The signed-in person's cohorts with status and next steps.

    Template: ``courses/my_learning.html``; context: ``enrollments`` (each with
    its ``assignments`` and ``progress``), ``tracks``, ``teaching``.
    """
    enrollments = enrollment_selectors.my_learning(user=request.user)
    assignments = assignments_by_cohort(user=request.user)
    progress = cohort_progress(user=request.user, enrollments=enrollments)
    for enrollment in enrollments:
        enrollment.assignments = assignments.get(enrollment.cohort_id, [])
        enrollment.progress = progress.get(enrollment.pk)
    context = {
        "enrollments": enrollments,
        "tracks": track_progress(user=request.user, enrollments=enrollments),
        "teaching": cohorts_taught_by(user=request.user),
    }
    return render(request, "courses/my_learning.html", context)
