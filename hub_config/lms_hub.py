"""The hub's classes: sign-in through the LMS, and one system account per lab.

Names shared with the LMS (group prefixes, the admin group, the account prefix)
are in ``names``; tests/hub_config checks them against courses/jupyter/names.py.
"""

import os
import pwd
import subprocess

from jupyterhub.handlers.base import BaseHandler
from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from oauthenticator.generic import GenericOAuthenticator
from traitlets import Integer, List

from hub_config import names
from hub_config.landlock import NET_ABI, abi_version, restrict_tcp_connect

# JupyterHub 6.1.1's BaseHandler.refresh_auth reads self._token_authenticated,
# which only token-authenticated requests set: when the refresh of a browser's
# (cookie) session fails, as for a disabled account or a learner who withdrew,
# the hub answered 500 instead of refusing. A class default makes it read False.
BaseHandler._token_authenticated = False


class LMSAuthenticator(GenericOAuthenticator):
    """Lets in exactly the people with a lab group in their LMS claims."""

    async def check_allowed(self, username, auth_model):
        if await super().check_allowed(username, auth_model):
            return True
        groups = (auth_model or {}).get("groups") or []
        return any(names.is_lab_group(group) for group in groups)

    async def refresh_user(self, user, handler=None, **kwargs):
        """Re-read the claims from the LMS; without a lab group, sign in again.

        oauthenticator's refresh (every ``auth_refresh_age`` and before each
        spawn) fetches the userinfo again, or uses the refresh token, and returns
        False when the LMS refuses both; it never asks ``check_allowed``, so a
        learner who withdrew kept starting labs until the hub cookie expired.
        """
        refreshed = await super().refresh_user(user, handler, **kwargs)
        if isinstance(refreshed, dict) and not await self.check_allowed(
            user.name, refreshed
        ):
            self.log.info("%s has no lab group in the LMS: sign-in required", user.name)
            return False
        return refreshed


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

    allowed_connect_ports = List(
        Integer(),
        help="TCP ports a lab may connect to (Landlock); empty: no restriction.",
    ).tag(config=True)

    def make_preexec_fn(self, name):
        become_user = set_user_setuid(self.system_user)
        ports = list(self.allowed_connect_ports)

        def preexec() -> None:
            become_user()
            if ports:
                restrict_tcp_connect(ports)

        return preexec

    async def start(self):
        if self.allowed_connect_ports and abi_version() < NET_ABI:
            self.log.warning(
                "Landlock network rules are not available on this kernel: the lab "
                "of %s can connect to every local port (docs/lab.md)",
                self.user.name,
            )
        ensure_system_user(self.system_user, f"LMS lab of {self.user.name}")
        return await super().start()

    def user_env(self, env):
        account = pwd.getpwnam(self.system_user)
        env.update(USER=self.system_user, HOME=account.pw_dir, SHELL=account.pw_shell)
        return env
