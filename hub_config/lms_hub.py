"""The hub's classes: sign-in through the LMS, and one system account per lab.

Names shared with the LMS (group prefixes, the admin group, the account prefix)
are in ``names``; tests/hub_config checks them against courses/jupyter/names.py.
"""

import os
import pwd
import subprocess

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from oauthenticator.generic import GenericOAuthenticator

from hub_config import names


class LMSAuthenticator(GenericOAuthenticator):
    """Lets in exactly the people with a lab group in their LMS claims."""

    async def check_allowed(self, username, auth_model):
        if await super().check_allowed(username, auth_model):
            return True
        groups = (auth_model or {}).get("groups") or []
        return any(names.is_lab_group(group) for group in groups)


def ensure_system_user(name: str, comment: str) -> pwd.struct_passwd:
    """Create the lab's system account on first use, with a private home."""
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--create-home", "--user-group", "--shell", "/bin/bash",
             "--comment", comment, name],
            check=True, capture_output=True,
        )  # fmt: skip
        account = pwd.getpwnam(name)
    # Private, whatever the system's HOME_MODE: no learner reads another's files.
    os.chmod(account.pw_dir, 0o700)
    return account


class LabSpawner(LocalProcessSpawner):
    """A lab server runs as "lab-<hub user>", never as an existing account.

    Hub user names come from the LMS (its lab handles); the prefix keeps them
    apart from system accounts such as root, postgres or sshd.
    """

    @property
    def system_user(self) -> str:
        return names.system_user(self.user.name)

    async def start(self):
        ensure_system_user(self.system_user, f"LMS lab of {self.user.name}")
        return await super().start()

    def make_preexec_fn(self, name):
        return set_user_setuid(self.system_user)

    def user_env(self, env):
        account = pwd.getpwnam(self.system_user)
        env.update(USER=self.system_user, HOME=account.pw_dir, SHELL=account.pw_shell)
        return env
