"""Certificates and progress seen by people (courses/certificate_views.py and
My learning): the public verification page, the PDF, the progress bars."""

import io
import zoneinfo

import pytest
import qrcode
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from courses.completion.models import Certificate
from courses.completion.services.evaluate import completion_evaluate, completion_revoke
from courses.completion.services.reevaluate import completion_reevaluate
from courses.enrollment.models import Cohort
from tests.completion.fixtures import (
    ended,
    enrol,
    make_assignment,
    make_submission,
    passing,
)

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


@pytest.fixture
def completion(cohort_factory, learner, english_course):
    cohort = cohort_factory(**ended())
    return completion_evaluate(enrollment=passing(cohort, learner))


@pytest.fixture
def certificate(completion) -> Certificate:
    return completion.certificate


# The public verification page ------------------------------------------------------


def test_anyone_sees_name_title_and_date_of_a_valid_certificate(
    client, certificate, learner
):
    response = client.get(reverse("courses:certificate", args=[certificate.code]))

    assert response.status_code == 200
    page = response.content.decode()
    assert learner.full_name in page and certificate.title_ko in page
    assert "revoked" not in page.lower() and "취소" not in page
    assert learner.email not in page and learner.affiliation not in page


def test_the_english_page_shows_the_english_title(client, certificate, english_ui):
    url = reverse("courses:certificate", args=[certificate.code])
    assert url.startswith("/en/")

    page = client.get(url).content.decode()

    assert certificate.title_en in page and "This certificate is valid." in page


def test_a_revoked_certificate_says_so_with_the_reason_and_when(
    client, completion, instructor, english_ui
):
    # Issue 13: the public page says why and when (it used to hide the reason).
    completion_revoke(completion=completion, by=instructor, reason="Plagiarism")
    certificate = Certificate.objects.get(completion=completion)

    response = client.get(reverse("courses:certificate", args=[certificate.code]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Revoked" in page and "This certificate was revoked" in page
    assert certificate.revoked_reason == "Plagiarism" and "Plagiarism" in page
    when = timezone.localtime(certificate.revoked_at, SEOUL)
    assert date_format(when, "DATETIME_FORMAT") in page


def test_a_certificate_revoked_by_re_evaluation_says_so_in_korean(client, completion):
    Cohort.objects.filter(pk=completion.cohort_id).update(pass_mark=100)
    completion_reevaluate()
    certificate = Certificate.objects.get(completion=completion)
    track = Certificate.objects.get(track_completion__user=completion.user)

    page = client.get(
        reverse("courses:certificate", args=[certificate.code])
    ).content.decode()
    track_page = client.get(
        reverse("courses:certificate", args=[track.code])
    ).content.decode()

    assert certificate.revoked_reason == track.revoked_reason == "rule re-evaluated"
    for html in (page, track_page):
        assert "취소됨" in html and "규칙 재평가" in html
        assert "이 수료증은 취소되었습니다" in html


def test_a_code_typed_in_lower_case_with_dashes_is_found(client, certificate):
    typed = "-".join([certificate.code[:8], certificate.code[8:]]).lower()

    response = client.get(reverse("courses:certificate", args=[typed]))

    assert response.status_code == 200


def test_an_unknown_code_is_a_404_with_a_message(client, db, english_ui):
    response = client.get(reverse("courses:certificate", args=["NOPE2345NOPE2345"]))

    assert response.status_code == 404
    assert "No certificate has the code" in response.content.decode()


# The PDF ---------------------------------------------------------------------------


def pdf_of(client, certificate):
    response = client.get(reverse("courses:certificate_pdf", args=[certificate.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def test_the_pdf_is_bilingual_with_name_titles_code_and_verification_url(
    client_for, learner, certificate
):
    reader = pdf_of(client_for(learner), certificate)

    text = reader.pages[0].extract_text()
    assert "수료증" in text and "Certificate of Completion" in text
    assert learner.full_name in text
    assert certificate.title_ko in text and certificate.title_en in text
    assert certificate.code in text
    url = f"http://testserver/certificates/{certificate.code}/"
    assert url in text
    day = timezone.localtime(certificate.issued_at, SEOUL)
    assert f"{day.year}년 {day.month}월 {day.day}일" in text
    assert f"{day.year}" in text and "-" not in text.split("Date:")[1].split()[0]


def test_the_pdf_qr_code_encodes_the_verification_url(client_for, learner, certificate):
    reader = pdf_of(client_for(learner), certificate)
    (embedded,) = reader.pages[0].images

    url = f"http://testserver/certificates/{certificate.code}/"
    expected = qrcode.QRCode(border=1, box_size=8)
    expected.add_data(url)
    expected.make(fit=True)
    want = expected.make_image().get_image().convert("L")
    got = embedded.image.convert("L")
    assert got.size == want.size and got.tobytes() == want.tobytes()


def test_a_track_certificate_says_track(client_for, learner, completion):
    track_certificate = Certificate.objects.get(track_completion__user=learner)

    text = pdf_of(client_for(learner), track_certificate).pages[0].extract_text()

    assert "이수증" in text and "Certificate of Track Completion" in text


def test_only_the_holder_downloads_a_valid_certificate(
    client, client_for, other_learner, learner, completion, instructor
):
    url = reverse("courses:certificate_pdf", args=[completion.certificate.code])

    assert client_for(other_learner).get(url).status_code == 404
    assert client.get(url).status_code == 302  # to sign in
    completion_revoke(completion=completion, by=instructor, reason="Plagiarism")
    assert client_for(learner).get(url).status_code == 404


@override_settings(CERTIFICATE_FONT="/nonexistent/NanumGothic.ttf")
def test_a_missing_korean_font_is_named_instead_of_a_broken_pdf(
    client_for, learner, certificate, english_ui
):
    url = reverse("courses:certificate_pdf", args=[certificate.code])

    response = client_for(learner).get(url)

    assert response.status_code == 503
    assert "fonts-nanum" in response.content.decode()


# My learning -----------------------------------------------------------------------


def test_my_learning_shows_progress_and_what_is_left_to_pass(
    client_for, cohort_factory, learner, english_ui
):
    cohort = cohort_factory(attendance_required=True)
    enrol(cohort, learner)
    make_submission(make_assignment(cohort, "ps1"), learner, score=5)
    make_assignment(cohort, "final", required=True, due_in_days=5)

    page = client_for(learner).get(reverse("courses:my_learning")).content.decode()

    assert '<progress id="done-' in page and "1 of 2 graded" in page
    assert "50%" in page and "pass mark 60%" in page
    assert "Reach the pass mark of 60%" in page
    assert "required assignment “FINAL”" in page
    assert "have not marked you as present" in page
    assert "1 assignment is still open" in page
    assert "Download the certificate" not in page


def test_my_learning_links_the_certificates_once_passed(
    client_for, learner, completion, english_ui
):
    page = client_for(learner).get(reverse("courses:my_learning")).content.decode()

    code = completion.certificate.code
    assert reverse("courses:certificate_pdf", args=[code]) in page
    assert reverse("courses:certificate", args=[code]) in page
    assert "You passed on" in page and "You completed this track on" in page
    assert "Courses passed" in page and "1 of 1" in page
