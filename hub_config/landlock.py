"""Landlock: the outgoing TCP ports a lab may connect to, and its abstract sockets.

On one machine, the LMS's PostgreSQL and Redis listen on 127.0.0.1, where any
local account can reach them, and a development database may trust local
connections. A lab is kept to an allow-list of ports (the hub's API, the LMS,
the web and DNS): every other TCP connect, to 5432, 6379, other labs, the
proxy's API, fails with "Permission denied". From ABI 6 (Linux 6.12) the lab is
also scoped: it may connect only to abstract Unix sockets made inside its own
Landlock domain (its own processes), never to those of the hub or a service.
Named Unix sockets are files, outside Landlock's reach on these kernels: see
``mountns``. The rules are inherited by every process of the lab and cannot be
lifted from inside. Standard library only (ctypes), called in the lab's process
between setuid and exec.
"""

import ctypes
import os
import struct

SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446
CREATE_RULESET_VERSION = 1
RULE_NET_PORT = 2
ACCESS_NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0
PR_SET_NO_NEW_PRIVS = 38
NET_ABI = 4  # the first Landlock ABI with network rules
SCOPE_ABI = 6  # the first with scopes (struct landlock_ruleset_attr.scoped)


class LandlockUnavailable(OSError):
    """This kernel cannot restrict network connections (Landlock ABI < 4)."""


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def abi_version() -> int:
    """The kernel's Landlock ABI, 0 when Landlock is off or absent."""
    version = _libc().syscall(SYS_CREATE_RULESET, None, 0, CREATE_RULESET_VERSION)
    return max(version, 0)


def restrict_tcp_connect(ports: list[int]) -> None:
    """Allow this process and its children TCP connects only to ``ports``."""
    confine(ports=ports, abstract_unix=False)


def confine(*, ports: list[int] | None, abstract_unix: bool = True) -> None:
    """TCP connects only to ``ports`` (None: any port), and with
    ``abstract_unix`` no abstract Unix socket made outside this domain.

    Raises LandlockUnavailable when ``ports`` is given and the kernel cannot
    restrict them; the scope is skipped on kernels without it (``abi_version``
    tells the caller, who may warn)."""
    abi = abi_version()
    if ports is not None and abi < NET_ABI:
        raise LandlockUnavailable("Landlock network rules need Linux 6.7 or later")
    handled_net = ACCESS_NET_CONNECT_TCP if ports is not None else 0
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET if abstract_unix and abi >= SCOPE_ABI else 0
    if not (handled_net or scoped):
        return
    # struct landlock_ruleset_attr {u64 handled_access_fs, handled_access_net,
    # scoped}: older kernels know only the first two fields.
    attr = struct.pack("QQQ", 0, handled_net, scoped)[: 24 if scoped else 16]
    buffer = ctypes.create_string_buffer(attr, len(attr))
    libc = _libc()
    fd = libc.syscall(SYS_CREATE_RULESET, buffer, len(attr), 0)
    if fd < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset")
    try:
        for port in sorted(set(ports or [])):
            rule = ctypes.create_string_buffer(
                struct.pack("QQ", ACCESS_NET_CONNECT_TCP, port), 16
            )
            if libc.syscall(SYS_ADD_RULE, fd, RULE_NET_PORT, rule, 0) != 0:
                raise OSError(ctypes.get_errno(), f"landlock_add_rule {port}")
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
        if libc.syscall(SYS_RESTRICT_SELF, fd, 0) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self")
    finally:
        os.close(fd)
