"""Certificates: granted and withdrawn with the completion they prove, and a
bilingual PDF made on request. What a certificate says (name, titles) is fixed
when it is granted; its code is fixed for good.
"""

import datetime as dt
from pathlib import Path

import qrcode
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from wagtail.models import Page

from courses.completion.models import Certificate, Completion, TrackCompletion
from courses.core.errors import ServiceError

ERROR_NO_FONT = "no_font"


def page_titles(page: Page) -> tuple[str, str]:
    """The page's title in Korean and in English (published translations),
    each falling back to the page's own title."""
    titles = {
        p.locale.language_code: p.title
        for p in page.get_translations(inclusive=True).live().select_related("locale")
    }
    return titles.get("ko", page.title), titles.get("en", page.title)


def _grant(user, issued_at: dt.datetime, page: Page, **of) -> Certificate:
    title_ko, title_en = page_titles(page)
    certificate, _created = Certificate.objects.update_or_create(
        **of,
        defaults={
            "user": user,
            # Never the email: the verification page is public.
            "name": user.full_name.strip() or user.username,
            "title_ko": title_ko,
            "title_en": title_en,
            "issued_at": issued_at,
            "revoked_at": None,
            "revoked_reason": "",
        },
    )
    return certificate


def certificate_grant(
    *, completion: Completion | None = None, track_completion=None
) -> Certificate:
    """The certificate of a valid completion or track completion: made, or made
    valid again (same code) with today's name and titles."""
    if completion is not None:
        return _grant(
            completion.user,
            completion.passed_at,
            completion.cohort.course,
            completion=completion,
        )
    return _grant(
        track_completion.user,
        track_completion.completed_at,
        track_completion.track,
        track_completion=track_completion,
    )


def certificate_withdraw(
    *,
    completion: Completion | None = None,
    track_completion: TrackCompletion | None = None,
    reason: str = "",
) -> int:
    """Revoke the certificate of a revoked completion or track completion, with
    the same reason (the public verification page shows it)."""
    of = (
        {"completion": completion}
        if completion
        else {"track_completion": track_completion}
    )
    # One save per certificate (there are one or two), so the audit trail sees it.
    certificates = list(Certificate.objects.filter(revoked_at__isnull=True, **of))
    for certificate in certificates:
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason
        certificate.save(update_fields=["revoked_at", "revoked_reason"])
    return len(certificates)


# The PDF -------------------------------------------------------------------------
# The document is always bilingual, whatever the reader's language: its fixed
# texts are written in both languages here rather than translated.


def _fonts() -> tuple[Path, Path]:
    regular = Path(settings.CERTIFICATE_FONT)
    bold = Path(settings.CERTIFICATE_FONT_BOLD)
    if not regular.is_file():
        raise ServiceError(
            _(
                "Certificates cannot be printed: the Korean font %(path)s is missing. "
                "Install Debian's fonts-nanum (scripts/bootstrap does) or set "
                "CERTIFICATE_FONT."
            )
            % {"path": regular},
            code=ERROR_NO_FONT,
        )
    return regular, bold if bold.is_file() else regular


def _qr_image(url: str):
    code = qrcode.QRCode(border=1, box_size=8)
    code.add_data(url)
    code.make(fit=True)
    return code.make_image().get_image()


def _heading(pdf: FPDF, certificate: Certificate) -> None:
    track = certificate.track_completion_id is not None
    pdf.set_font("cert", "B", 30)
    pdf.cell(
        0, 16, "이수증" if track else "수료증", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("cert", "", 16)
    english = (
        "Certificate of Track Completion" if track else "Certificate of Completion"
    )
    pdf.cell(0, 10, english, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)


def _body(pdf: FPDF, certificate: Certificate) -> None:
    track = certificate.track_completion_id is not None
    line = {"align": "C", "new_x": "LMARGIN", "new_y": "NEXT"}
    pdf.set_font("cert", "B", 26)
    pdf.cell(0, 16, certificate.name, **line)
    pdf.set_font("cert", "", 13)
    pdf.cell(
        0,
        9,
        "위 사람은 다음 트랙을 이수하였음을 증명합니다."
        if track
        else "위 사람은 다음 과정을 수료하였음을 증명합니다.",
        **line,
    )
    pdf.cell(
        0,
        9,
        "This certifies that the person above completed the track"
        if track
        else "This certifies that the person above completed the course",
        **line,
    )
    pdf.ln(4)
    pdf.set_font("cert", "B", 18)
    pdf.multi_cell(0, 11, certificate.title_ko, **line)
    pdf.set_font("cert", "", 15)
    pdf.multi_cell(0, 9, certificate.title_en, **line)


def _footer(pdf: FPDF, certificate: Certificate, verify_url: str) -> None:
    # The city's date (Seoul), whoever prints it, as each language writes it.
    day = timezone.localtime(certificate.issued_at, timezone.get_default_timezone())
    with translation.override("ko"):
        day_ko = formats.date_format(day, "DATE_FORMAT")
    with translation.override("en"):
        day_en = formats.date_format(day, "DATE_FORMAT")
    pdf.set_y(-62)
    pdf.set_font("cert", "", 11)
    for text in (
        f"수료일 {day_ko} · Date: {day_en}",
        f"확인 코드 · Verification code: {certificate.code}",
        f"확인 · Verify: {verify_url}",
    ):
        pdf.cell(200, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.image(_qr_image(verify_url), x=pdf.w - 62, y=pdf.h - 66, w=42, h=42)


def certificate_pdf(*, certificate: Certificate, verify_url: str) -> bytes:
    """The certificate as a bilingual A4 PDF with a QR code to ``verify_url``."""
    regular, bold = _fonts()
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(f"{certificate.title_en} · {certificate.name}")
    pdf.set_creator(settings.WAGTAIL_SITE_NAME)
    pdf.add_font("cert", "", str(regular))
    pdf.add_font("cert", "B", str(bold))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(31, 78, 140)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)
    pdf.set_margins(20, 24, 20)
    pdf.set_y(28)
    _heading(pdf, certificate)
    _body(pdf, certificate)
    _footer(pdf, certificate, verify_url)
    return bytes(pdf.output())


def certificate_pdf_name(certificate: Certificate) -> str:
    return f"certificate-{certificate.code}.pdf"
