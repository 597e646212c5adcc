"""Zip archives both ways, checked: a release in, a learner's folder out.

A release is unpacked only when every entry is a plain relative file inside the
assignment folder; a submission leaves out what the LMS would refuse (links,
programs, hidden files) or cannot take (files over the limits).
"""

import fnmatch
import io
import os
import re
import shutil
import stat
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath

from nbgrader.exchange.abc.exchange import ExchangeError

from . import messages

# Magic numbers of programs (ELF, Windows PE, Mach-O): the LMS refuses them.
EXECUTABLE_MAGIC = (
    b"\x7fELF",
    b"MZ",
    b"\xcf\xfa\xed\xfe",
    b"\xfe\xed\xfa\xcf",
    b"\xca\xfe\xba\xbe",
)
FILE_MODE = stat.S_IFREG | 0o644  # no execute bits: the LMS refuses those too
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    max_files: int
    max_bytes: int  # the upload, or what a release may unpack to
    max_file_bytes: int = 0  # one file other than a notebook (submissions)


def _unsafe(name: str, reason: str) -> ExchangeError:
    return ExchangeError(messages.UNSAFE_ARCHIVE.format(name=name, reason=reason))


def _ignored(parts, ignore) -> bool:
    return any(fnmatch.fnmatch(part, glob) for part in parts for glob in ignore)


# -- a release in ---------------------------------------------------------------


def unsafe_reason(info: zipfile.ZipInfo) -> str | None:
    """Why an entry must not be unpacked, or None."""
    name = info.filename
    path = PurePosixPath(name)
    kind = stat.S_IFMT(info.external_attr >> 16)  # 0: not recorded (writestr)
    if "\\" in name or "\0" in name:
        return "not a plain path"
    if path.is_absolute() or re.match(r"[A-Za-z]:", name):
        return "an absolute path"
    if ".." in path.parts:
        return "a path with .."
    if kind == stat.S_IFLNK:
        return "a symbolic link"
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "a special file"
    return None


def _checked_entries(archive: zipfile.ZipFile, limits: Limits) -> list:
    for info in archive.infolist():
        reason = unsafe_reason(info)
        if reason:
            raise _unsafe(info.filename, reason)
    files = [info for info in archive.infolist() if not info.is_dir()]
    if len(files) > limits.max_files:
        raise _unsafe("the archive", f"more than {limits.max_files} files")
    if sum(info.file_size for info in files) > limits.max_bytes:
        raise _unsafe("the archive", f"over {limits.max_bytes // 2**20} MB unpacked")
    return files


def _copy_capped(source, sink, budget: int) -> int:
    """Copy at most ``budget`` bytes: declared sizes in a zip can lie."""
    copied = 0
    while chunk := source.read(CHUNK):
        copied += len(chunk)
        if copied > budget:
            raise _unsafe("the archive", "it unpacks to more than it declares")
        sink.write(chunk)
    return copied


def _unpack(archive, entries, staging: str, ignore, budget: int) -> None:
    for info in entries:
        parts = PurePosixPath(info.filename).parts
        if not parts or _ignored(parts, ignore):
            continue
        target = os.path.join(staging, *parts)
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with archive.open(info) as source, open(target, "wb") as sink:
                budget -= _copy_capped(source, sink, budget)
        except (OSError, zipfile.BadZipFile, RuntimeError) as error:
            raise _unsafe(info.filename, f"cannot be unpacked: {error}") from error


@contextmanager
def unpacked_release(data: bytes, *, beside: str, ignore, limits: Limits):
    """The release unpacked into a temporary folder in ``beside``; all or nothing."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise _unsafe("the download", "not a zip archive") from error
    with archive:
        entries = _checked_entries(archive, limits)
        os.makedirs(beside, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".fetching-", dir=beside)
        try:
            os.chmod(staging, 0o755)
            _unpack(archive, entries, staging, ignore, limits.max_bytes)
            yield staging
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def copy_missing(src: str, dest: str, log) -> None:
    """Copy into ``dest`` the files of ``src`` it lacks (nbgrader's replace)."""
    for root, _dirs, files in os.walk(src):
        for name in sorted(files):
            relative = os.path.relpath(os.path.join(root, name), src)
            target = os.path.join(dest, relative)
            if not os.path.exists(target):
                log.warning("Replacing missing file '%s'", relative)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copy(os.path.join(root, name), target)


# -- a submission out -----------------------------------------------------------


def _skip_reason(path: str, limits: Limits) -> str | None:
    try:
        return _file_skip_reason(path, limits)
    except OSError as error:
        return f"cannot be read: {error.strerror}"


def _file_skip_reason(path: str, limits: Limits) -> str | None:
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return "a link"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if not path.endswith(".ipynb") and info.st_size > limits.max_file_bytes:
        return f"larger than {limits.max_file_bytes / 2**20:g} MB"
    with open(path, "rb") as stream:
        if stream.read(4).startswith(EXECUTABLE_MAGIC):
            return "a program"
    return None


def _kept(name: str, ignore) -> bool:
    return not name.startswith(".") and not _ignored([name], ignore)


def _submittable(src: str, ignore, limits: Limits, log):
    """(name in the zip, path) of each file to submit, warning about the rest."""
    for root, dirs, files in os.walk(src):
        links = [d for d in dirs if os.path.islink(os.path.join(root, d))]
        dirs[:] = sorted(d for d in dirs if _kept(d, ignore) and d not in links)
        for name in sorted(files) + links:
            path = os.path.join(root, name)
            relative = os.path.relpath(path, src).replace(os.sep, "/")
            if not _kept(name, ignore):
                continue
            reason = "a link" if name in links else _skip_reason(path, limits)
            if reason:
                log.warning(messages.SKIPPED.format(name=relative, reason=reason))
                continue
            yield relative, path


def zip_folder(src: str, *, ignore, limits: Limits, log) -> tuple[bytes, list[str]]:
    """The learner's assignment folder as a zip, and the names it holds."""
    chosen = list(_submittable(src, ignore, limits, log))
    if len(chosen) > limits.max_files:
        raise ExchangeError(
            messages.TOO_MANY_FILES.format(path=src, limit=limits.max_files)
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, path in chosen:
            info = zipfile.ZipInfo.from_file(path, name, strict_timestamps=False)
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as stream:
                archive.writestr(info, stream.read())
    data = buffer.getvalue()
    if len(data) > limits.max_bytes:
        raise ExchangeError(
            messages.TOO_LARGE.format(
                size_mb=len(data) / 2**20, limit_mb=limits.max_bytes / 2**20, path=src
            )
        )
    return data, [name for name, _path in chosen]
