"""HTTP responses shared by the learner pages, the admin and the exchange API
(downloads, zips, feedback pages), and the upload limit every upload view
applies before reading a body."""

from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from courses.core.archives import ERROR_TOO_LARGE, archive_write, upload_too_large
from courses.core.errors import ServiceError

# What a multipart body carries besides the files: boundaries, part headers and
# the form's other fields.
FORM_OVERHEAD = 64 * 1024


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    """Make ``response`` a download saved as ``filename``.

    Names come from course titles and learners' uploads: Korean text, quotes or
    line breaks are encoded (RFC 6266/5987), never written raw into the header."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def attachment_response(
    content: bytes, *, filename: str, content_type: str
) -> HttpResponse:
    """``content`` as a download saved as ``filename``."""
    return attachment(HttpResponse(content, content_type=content_type), filename)


def zip_response(files: dict[str, bytes], *, filename: str) -> HttpResponse:
    """``files`` (relative path → bytes) as a zip download saved as ``filename``."""
    return attachment_response(
        archive_write(files), filename=filename, content_type="application/zip"
    )


def body_too_large(request: HttpRequest) -> bool:
    """Whether the body's declared length is over the upload limit."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True  # a length that is not a number is not read either
    return length > settings.EXCHANGE_MAX_UPLOAD_BYTES + FORM_OVERHEAD


class UploadLimitHandler(FileUploadHandler):
    """Stops reading the files of a body at the upload limit, whatever its
    Content-Length said; the files themselves go on to Django's handlers."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)  # every file of the body counts
        if self.received > settings.EXCHANGE_MAX_UPLOAD_BYTES:
            raise upload_too_large()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file


def limit_upload(request: HttpRequest) -> None:
    """Refuse a body over the upload limit, by its length now and while it is read.

    Call before anything reads ``request.POST`` or ``request.FILES``."""
    if body_too_large(request):
        raise upload_too_large()
    request.upload_handlers.insert(0, UploadLimitHandler(request))


def upload_limited(view):
    """Check a POST's size before the CSRF check reads its body, then CSRF.

    The view sees ``request.upload_refusal``: None, or the sentence to show
    (and answer 413 with), in which case it must not read the form."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        request.upload_refusal = None
        if request.method != "POST":
            return protected(request, *args, **kwargs)
        try:
            limit_upload(request)
            return protected(request, *args, **kwargs)
        except ServiceError as error:
            if error.code != ERROR_TOO_LARGE:
                raise
            request.upload_refusal = error.message
            return view(request, *args, **kwargs)

    return wrapper
