"""System accounts of labs and formgraders (standard library only: the hub's
spawner and the LMS's worker both create them, whichever comes first)."""

import os
import pwd
import subprocess


def ensure_system_user(name: str, comment: str) -> pwd.struct_passwd:
    """Create the account on first use, with a private home; make its home
    again if it was deleted."""
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        done = subprocess.run(
            ["useradd", "--create-home", "--user-group", "--shell", "/bin/bash",
             "--comment", comment, name],
            check=False, capture_output=True,
        )  # fmt: skip
        try:
            account = pwd.getpwnam(name)
        except KeyError:  # not made by another process meanwhile either
            raise OSError(f"useradd {name}: {done.stderr.decode().strip()}") from None
    if not os.path.isdir(account.pw_dir):
        os.makedirs(account.pw_dir, mode=0o700, exist_ok=True)
        os.chown(account.pw_dir, account.pw_uid, account.pw_gid)
    # Private, whatever the system's HOME_MODE: no learner reads another's files.
    os.chmod(account.pw_dir, 0o700)
    return account
