"""Reading learners' uploads safely: zip archives and loose files.

Every refusal is a ServiceError with a code the exchange API maps to a 4xx and
a sentence the learner sees. Nothing is written anywhere while reading. Uploads
are read from their (temporary) files, never copied whole into memory first.
"""

import io
import os
import stat
import zipfile
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from courses.core.errors import ServiceError
from courses.jupyter import safe_relative

ERROR_BAD_ARCHIVE = "bad_archive"
ERROR_TOO_LARGE = "too_large"
EXPANSION_LIMIT = 5  # an archive may unpack to 5× the upload limit, no more
# Magic numbers of programs: ELF, Windows PE, Mach-O (both byte orders, fat).
EXECUTABLE_MAGIC = (
    b"\x7fELF",
    b"MZ",
    b"\xcf\xfa\xed\xfe",
    b"\xfe\xed\xfa\xcf",
    b"\xca\xfe\xba\xbe",
)
SKIPPED_PARTS = {"feedback", ".ipynb_checkpoints", "__pycache__"}


def _refuse(message: str, code: str = ERROR_BAD_ARCHIVE) -> ServiceError:
    return ServiceError(message, code=code)


def upload_too_large() -> ServiceError:
    """The refusal of an upload over the limit, before or while it is read."""
    limit = settings.EXCHANGE_MAX_UPLOAD_BYTES
    return _refuse(
        _("The upload is larger than %(mb)d MB.") % {"mb": limit // 2**20},
        ERROR_TOO_LARGE,
    )


def _size(upload: BinaryIO) -> int:
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    upload.seek(0)
    return size


def _keep(path) -> bool:
    """Skip what the lab has but grading must not see: feedback, checkpoints."""
    return not any(p in SKIPPED_PARTS or p.startswith(".") for p in path.parts)


def _check_file(name: str, data: bytes, mode: int = 0) -> None:
    if data.startswith(EXECUTABLE_MAGIC) or mode & 0o111:
        raise _refuse(
            _("%(name)s is a program; only notebooks and data files can be submitted.")
            % {"name": name}
        )


def files_check(files: dict[str, bytes]) -> dict[str, bytes]:
    """Loose uploaded files: plain names, limits, no programs."""
    if len(files) > settings.EXCHANGE_MAX_FILES:
        raise _refuse(
            _("Too many files: at most %(n)d.") % {"n": settings.EXCHANGE_MAX_FILES}
        )
    if sum(len(d) for d in files.values()) > settings.EXCHANGE_MAX_UPLOAD_BYTES:
        raise upload_too_large()
    checked = {}
    for name, data in files.items():
        path = safe_relative(name)
        if path is None:
            raise _refuse(_("%(name)s is not a plain file name.") % {"name": name})
        _check_file(name, data)
        if _keep(path):
            checked[path.as_posix()] = data
    return checked


def archive_read(upload: BinaryIO | bytes) -> dict[str, bytes]:
    """The files of a zip archive (a file or bytes), refusing anything unsafe
    before unpacking."""
    if isinstance(upload, bytes):
        upload = io.BytesIO(upload)
    limit = settings.EXCHANGE_MAX_UPLOAD_BYTES
    if _size(upload) > limit:
        raise upload_too_large()
    try:
        # zipfile seeks in the file: only the directory and the entries are read.
        archive = zipfile.ZipFile(upload)
        entries = [e for e in archive.infolist() if not e.is_dir()]
    except (zipfile.BadZipFile, ValueError) as error:
        raise _refuse(
            _("The upload is not a zip archive (%(error)s).") % {"error": error}
        ) from error
    if len(entries) > settings.EXCHANGE_MAX_FILES:
        raise _refuse(
            _("Too many files: at most %(n)d.") % {"n": settings.EXCHANGE_MAX_FILES}
        )
    budget = limit * EXPANSION_LIMIT
    if sum(e.file_size for e in entries) > budget:
        raise _refuse(
            _("The archive unpacks to more than %(mb)d MB.") % {"mb": budget // 2**20},
            ERROR_TOO_LARGE,
        )
    files = {}
    for entry in entries:
        mode = entry.external_attr >> 16
        if safe_relative(entry.filename) is None:
            raise _refuse(
                _("%(name)s is not a plain file name.") % {"name": entry.filename}
            )
        # Many zip tools leave the type bits out (0): a plain file either way.
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
            raise _refuse(
                _("%(name)s is a link or a special file.") % {"name": entry.filename}
            )
        files[entry.filename] = _read_entry(archive, entry, budget)
        budget -= len(files[entry.filename])
        _check_file(entry.filename, files[entry.filename], mode)
    return {
        safe_relative(name).as_posix(): body
        for name, body in files.items()
        if _keep(safe_relative(name))
    }


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: int) -> bytes:
    # The declared sizes can lie (a zip bomb): read at most what the budget allows.
    try:
        with archive.open(entry) as stream:
            body = stream.read(budget + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as error:
        raise _refuse(
            _("%(name)s cannot be read from the archive (%(error)s).")
            % {"name": entry.filename, "error": error}
        ) from error
    if len(body) > budget:
        raise _refuse(_("The archive unpacks to more than allowed."), ERROR_TOO_LARGE)
    return body


def archive_write(files: dict[str, bytes]) -> bytes:
    """A zip of ``files`` (relative path → bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(files.items()):
            archive.writestr(path, data)
    return buffer.getvalue()


def uploads_read(uploads) -> dict[str, bytes]:
    """Files uploaded in a form: one zip (of a folder, whose top folder is
    dropped), or loose files by their names. Refusals as in ``archive_read``."""
    if sum(upload.size for upload in uploads) > settings.EXCHANGE_MAX_UPLOAD_BYTES:
        raise upload_too_large()  # before reading any of them
    if len(uploads) == 1 and uploads[0].name.lower().endswith(".zip"):
        files = archive_read(uploads[0])
        tops = {path.split("/", 1)[0] for path in files}
        if len(tops) == 1 and all("/" in path for path in files):
            files = {path.split("/", 1)[1]: data for path, data in files.items()}
        return files
    return files_check({upload.name: upload.read() for upload in uploads})
