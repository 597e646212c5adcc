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

from courses.http import attachment_response
from courses.selectors.certificates import certificate_by_code, certificate_of_user
from courses.services import ServiceError
from courses.services.certificates import certificate_pdf, certificate_pdf_name
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
