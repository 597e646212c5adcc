"""Start one ipykernel inside the grading sandbox. Standard library only.

Run by the sandbox's own interpreter, as root, as the first process of fresh
network, PID and mount namespaces made by ``unshare``::

    unshare --net --pid --fork --kill-child --mount-proc \
        PYTHON -I launcher.py --uid U --gid G --workdir W --own F \
        --limits JSON --hide P ... --tmpfs P ... -- KERNEL ARGV...

It hides paths behind empty tmpfs mounts, gives world-writable places a private
tmpfs, then forks: the child sets rlimits, drops to the slot uid for good and
execs the kernel; the parent stays PID 1 of the namespace, reaps orphans (this
machine's real PID 1 does not) and exits with the kernel, which makes the kernel
tear the whole namespace down: nothing a learner starts survives the job.
"""

import argparse
import ctypes
import json
import os
import resource
import signal
import stat
import sys

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_BIND = 1, 2, 4, 8, 4096
PR_SET_NO_NEW_PRIVS = 38
RLIMITS = {
    "memory_bytes": resource.RLIMIT_AS,
    "max_processes": resource.RLIMIT_NPROC,
    "file_size_bytes": resource.RLIMIT_FSIZE,
    "open_files": resource.RLIMIT_NOFILE,
    "core": resource.RLIMIT_CORE,
}

libc = ctypes.CDLL(None, use_errno=True)


def mount_tmpfs(target: str, options: str, flags: int) -> None:
    rc = libc.mount(b"tmpfs", target.encode(), b"tmpfs", flags, options.encode())
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount tmpfs on {target}: {os.strerror(err)}")


def isolate_filesystem(hide: list[str], private_tmp: list[str], tmp_bytes: int):
    for path in hide:
        if os.path.isdir(path) and not os.path.islink(path):
            mount_tmpfs(path, "size=4k,mode=0755", MS_RDONLY | MS_NOSUID | MS_NODEV)
        elif is_socket(path):  # such as /dev/log: a named socket is reachable
            bind_dev_null(path)  # by path, whatever the network namespace
    for path in private_tmp:
        if os.path.isdir(path) and not os.path.islink(path):
            mount_tmpfs(path, f"size={tmp_bytes},mode=1777", MS_NOSUID | MS_NODEV)


def is_socket(path: str) -> bool:
    try:
        return stat.S_ISSOCK(os.lstat(path).st_mode)
    except OSError:  # absent, or under a directory hidden just before
        return False


def bind_dev_null(target: str) -> None:
    if libc.mount(b"/dev/null", target.encode(), None, MS_BIND, None) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"bind /dev/null on {target}: {os.strerror(err)}")


# Learners' code yields the CPU to the LMS: at a deadline, kernels busy with
# hundreds of notebooks must not starve the web processes taking submissions
# (bench/deadline.py: the exchange API timed out under a full grading load).
# Raising one's priority again needs CAP_SYS_NICE, which the kernel lacks.
KERNEL_NICENESS = 10


def become_learner(args: argparse.Namespace, limits: dict) -> None:
    os.nice(KERNEL_NICENESS)
    limits = {**limits, "core": 0}
    for name, which in RLIMITS.items():
        if limits.get(name) is not None:
            resource.setrlimit(which, (limits[name], limits[name]))
    os.setgroups([])
    os.setgid(args.gid)
    os.setuid(args.uid)
    # setuid programs (su, ping ...) must not give privileges back.
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    os.chdir(args.workdir)


def kernel_env() -> dict[str, str]:
    # jupyter_client's parent pid means nothing inside the PID namespace, and
    # ipykernel would take our PID 1 for a dead parent and exit.
    return {k: v for k, v in os.environ.items() if k != "JPY_PARENT_PID"}


def reap_until(kernel_pid: int) -> int:
    """Be the namespace's init: reap every child, return the kernel's status."""
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            return 1
        if pid == kernel_pid:
            return os.waitstatus_to_exitcode(status)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    for name in ("--uid", "--gid"):
        parser.add_argument(name, type=int, required=True)
    for name in ("--workdir", "--limits"):
        parser.add_argument(name, required=True)
    parser.add_argument("--own", action="append", default=[])
    parser.add_argument("--hide", action="append", default=[])
    parser.add_argument("--tmpfs", action="append", default=[])
    parser.add_argument("kernel", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    kernel = args.kernel[1:] if args.kernel[:1] == ["--"] else args.kernel
    limits = json.loads(args.limits)
    isolate_filesystem(args.hide, args.tmpfs, limits["tmp_bytes"])
    for path in args.own:  # the connection file, written by root just before
        os.chown(path, args.uid, args.gid)
    # Interrupts are for the kernel; as PID 1 we would otherwise die of them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        try:
            become_learner(args, limits)
            os.execve(kernel[0], kernel, kernel_env())
        except BaseException as error:  # noqa: BLE001 - report, never return to init
            print(f"sandbox launcher: {error!r}", file=sys.stderr)  # noqa: T201
            os._exit(127)
    return reap_until(pid)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
