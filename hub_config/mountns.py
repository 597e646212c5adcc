"""A lab's own mount namespace: no named Unix socket of the machine in sight.

A Unix socket is a file, and connecting to one is not a Landlock right on the
kernels we run (see NOTES.md): PostgreSQL's ``/run/postgresql/.s.PGSQL.5432``
trusts local connections, MariaDB's ``/run/mysqld/mysqld.sock`` and Redis's
socket sit beside it, and anything an account leaves listening in ``/tmp`` is
reachable by every other. Called as root in the lab's first process, before it
drops privileges, ``isolate`` gives the lab a mount namespace of its own where
the directories that hold the machine's sockets are empty: ``HIDDEN`` behind a
read-only tmpfs, ``PRIVATE`` behind a writable tmpfs (mode 1777) that only the
lab's processes share and that vanishes with them. Sockets the lab makes in its
home or its private ``/tmp`` keep working. Standard library only (ctypes).
"""

import ctypes
import os
import stat

CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18

# Where services put their sockets: /run (= /var/run, /var/lock on most
# systems; PostgreSQL, MariaDB, Redis, D-Bus, systemd), MariaDB's data directory
# on Red Hat systems, and the syslog socket. A socket file is covered by
# /dev/null, a directory by an empty read-only tmpfs; absent paths are skipped.
HIDDEN = ("/run", "/var/run", "/var/lock", "/var/lib/mysql", "/dev/log")
# World-writable: any account may leave a listening socket there.
PRIVATE = ("/tmp", "/var/tmp", "/dev/shm")
# Files the lab still needs from a hidden directory, copied into its tmpfs:
# with systemd-resolved, /etc/resolv.conf points into /run.
CARRIED = ("/etc/resolv.conf",)
PRIVATE_TMP_BYTES = 1 << 30

_libc = ctypes.CDLL(None, use_errno=True)


def _mount(source: str | None, target: str, fstype: str | None, flags: int,
           options: str | None = None) -> None:  # fmt: skip
    encode = lambda text: None if text is None else text.encode()  # noqa: E731
    args = (encode(source), encode(target), encode(fstype), flags, encode(options))
    if _libc.mount(*args) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"mount {target}: {os.strerror(error)}")


def isolate(
    *,
    hidden: tuple[str, ...] = HIDDEN,
    private: tuple[str, ...] = PRIVATE,
    tmp_bytes: int = PRIVATE_TMP_BYTES,
    carried: tuple[str, ...] = CARRIED,
) -> None:
    """Move this process (root) into a mount namespace of its own where
    ``hidden`` are empty and read-only and ``private`` are empty and its own."""
    targets = _unique_targets(hidden)
    kept = _carried_files(carried, targets)
    if _libc.unshare(CLONE_NEWNS) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"unshare(CLONE_NEWNS): {os.strerror(error)}")
    # Nothing mounted here may reach the machine's namespace, nor back.
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    for target in targets:
        _hide(target, kept)
    for target in _unique_targets(private):
        if os.path.isdir(target) and target not in targets:
            options = f"size={tmp_bytes},mode=1777"
            _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, options)


def _unique_targets(paths: tuple[str, ...]) -> list[str]:
    """The real paths, once each: /var/run is usually a link to /run."""
    return list(dict.fromkeys(os.path.realpath(path) for path in paths))


def _carried_files(paths: tuple[str, ...], hidden: list[str]) -> dict[str, bytes]:
    kept = {}
    for path in paths:
        real = os.path.realpath(path)
        if any(real.startswith(f"{h}/") for h in hidden) and os.path.isfile(real):
            with open(real, "rb") as handle:
                kept[real] = handle.read()
    return kept


def _hide(target: str, kept: dict[str, bytes]) -> None:
    try:
        mode = os.lstat(target).st_mode  # gone when under a hidden directory
    except FileNotFoundError:
        return
    flags = MS_NOSUID | MS_NODEV | MS_NOEXEC
    if stat.S_ISDIR(mode):
        _mount("tmpfs", target, "tmpfs", flags, "size=1m,mode=0755")
        for path, data in kept.items():
            if path.startswith(f"{target}/"):
                _write_readable(target, path, data)
        _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)
    elif stat.S_ISSOCK(mode):
        _mount("/dev/null", target, None, MS_BIND)


def _write_readable(root: str, path: str, data: bytes) -> None:
    """``path`` under ``root`` with ``data``, readable by all (whatever the umask)."""
    directory = root
    for part in os.path.relpath(os.path.dirname(path), root).split(os.sep):
        directory = os.path.join(directory, part)
        os.makedirs(directory, exist_ok=True)
        os.chmod(directory, 0o755)
    with open(path, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o644)
