"""The hub's classes: sign-in through the LMS, and one system account per lab.

Names shared with the LMS (group prefixes, the admin group, the account prefix)
are in ``names``, the one source the LMS imports them from too
(courses/jupyter/names.py); tests/hub_config checks the hub's config uses them.
"""

import os
import pwd
from collections.abc import Callable, Iterable

from jupyterhub.apihandlers.auth import OAuthAuthorizeHandler
from jupyterhub.handlers.base import BaseHandler
from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from oauthenticator.generic import GenericOAuthenticator
from traitlets import Integer, List, Unicode

from hub_config import mountns, names
from hub_config.accounts import ensure_system_user
from hub_config.landlock import NET_ABI, SCOPE_ABI, abi_version, confine

# JupyterHub 6.1.1's BaseHandler.refresh_auth reads self._token_authenticated,
# which only token-authenticated requests set: when the refresh of a browser's
# (cookie) session fails, as for a disabled account or a learner who withdrew,
# the hub answered 500 instead of refusing. A class default makes it read False.
BaseHandler._token_authenticated = False

# A cohort's formgrader is a server of its grader user, shared by the LMS with
# the cohort's instructors: opening it only identifies them to it, and the LMS
# sent them there, so the hub's "Authorize access" page is left out.
_needs_oauth_confirm = OAuthAuthorizeHandler.needs_oauth_confirm
FORMGRADER_CLIENT_PREFIX = f"jupyterhub-user-{names.GRADER_USER_PREFIX}"


def _formgrader_needs_no_confirm(self, user, oauth_client, requested_scopes):
    if oauth_client.identifier.startswith(FORMGRADER_CLIENT_PREFIX):
        return False
    return _needs_oauth_confirm(self, user, oauth_client, requested_scopes)


OAuthAuthorizeHandler.needs_oauth_confirm = _formgrader_needs_no_confirm

# What makes a formgrader server grade by hand only, on its command line: it
# outranks every config file (the grader's ~/.jupyter included), and holds when
# the config directory is missing, being replaced, or unreadable. A server that
# cannot import these classes does not start (fails closed).
FORMGRADER_ARGS = [
    "--ServerApp.terminals_enabled=False",
    "--ServerApp.contents_manager_class="
    "lms_exchange.formgrader.ReadOnlyContentsManager",
    "--ServerApp.kernel_manager_class=lms_exchange.formgrader.NoKernelManager",
]


def teaches(groups: Iterable[str]) -> bool:
    """Whether a hub user in ``groups`` gets nbgrader's instructor menus: they
    teach a cohort (a formgrade- group) or administer the LMS."""
    return any(
        group == names.ADMIN_GROUP or group.startswith(names.GRADER_GROUP_PREFIX)
        for group in groups
    )


def lab_preexec_fn(
    system_user: str,
    *,
    ports: list[int],
    hidden: tuple[str, ...] = mountns.HIDDEN,
    tmp_bytes: int = mountns.PRIVATE_TMP_BYTES,
) -> Callable[[], None]:
    """What a lab's first process does before exec: a mount namespace of its
    own (as root), then the learner's account, then Landlock."""
    become_user = set_user_setuid(system_user)

    def preexec() -> None:
        # No Unix socket of the machine in sight: PostgreSQL and MariaDB trust
        # local socket connections, and Landlock cannot refuse them (mountns).
        mountns.isolate(hidden=hidden, tmp_bytes=tmp_bytes)
        become_user()
        confine(ports=ports or None, abstract_unix=True)

    return preexec


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

    hidden_paths = List(
        Unicode(),
        default_value=list(mountns.HIDDEN),
        help="Directories (empty read-only tmpfs) and socket files (/dev/null) "
        "hidden from labs: wherever the machine's services keep Unix sockets.",
    ).tag(config=True)

    private_tmp_bytes = Integer(
        mountns.PRIVATE_TMP_BYTES,
        help="Size of each lab's private /tmp, /var/tmp and /dev/shm (tmpfs).",
    ).tag(config=True)

    formgrader_config_dir = Unicode(
        "",
        help="JUPYTER_CONFIG_PATH of the cohorts' formgrader servers "
        "(hub users grader_<course id>; see hub_config/formgrader).",
    ).tag(config=True)

    learner_config_dir = Unicode(
        "",
        help="JUPYTER_CONFIG_PATH of learners' labs: no Formgrader, Create "
        "assignment or Course list (see hub_config/learner).",
    ).tag(config=True)

    @property
    def is_formgrader(self) -> bool:
        return names.is_grader_user(self.user.name)

    @property
    def is_instructor(self) -> bool:
        # The groups as of this spawn: the hub refreshes them from the LMS first
        # (refresh_pre_spawn), so a new instructor gets the menus at the next start.
        return teaches(group.name for group in self.user.groups)

    def make_preexec_fn(self, name):
        return lab_preexec_fn(
            self.system_user,
            ports=list(self.allowed_connect_ports),
            hidden=tuple(self.hidden_paths),
            tmp_bytes=self.private_tmp_bytes,
        )

    async def start(self):
        if self.allowed_connect_ports and abi_version() < NET_ABI:
            self.log.warning(
                "Landlock network rules are not available on this kernel: the lab "
                "of %s can connect to every local port (docs/lab.md)",
                self.user.name,
            )
        if abi_version() < SCOPE_ABI:
            self.log.warning(
                "Landlock scopes are not available on this kernel (Linux 6.12): "
                "the lab of %s can connect to abstract Unix sockets (docs/lab.md)",
                self.user.name,
            )
        account = ensure_system_user(self.system_user, f"LMS lab of {self.user.name}")
        if self.is_formgrader:
            # The LMS put the cohort's course in the account's home first; a
            # grader server started any other way (the hub's admin page) before
            # that would only fail later, less clearly.
            home = account.pw_dir
            course = os.path.join(home, names.FORMGRADER_COURSE_DIR)
            if not os.path.exists(os.path.join(home, names.FORMGRADER_STATE_FILE)):
                raise RuntimeError(
                    f"{self.user.name} is a cohort's formgrader: open it from the "
                    "LMS (cohort → Formgrader), which prepares its course first"
                )
            config_dir = self.formgrader_config_dir
            config = os.path.join(config_dir, "jupyter_server_config.py")
            if not (config_dir and os.path.isfile(config)):
                raise RuntimeError(
                    f"{self.user.name} is a cohort's formgrader, whose configuration "
                    f"is missing ({config}): run courses.jupyter.provision"
                )
            self.notebook_dir = course
            self.default_url = "/formgrader"
        return await super().start()

    def get_args(self):
        args = super().get_args()
        return [*args, *FORMGRADER_ARGS] if self.is_formgrader else args

    def user_env(self, env):
        account = pwd.getpwnam(self.system_user)
        env.update(USER=self.system_user, HOME=account.pw_dir, SHELL=account.pw_shell)
        env.update(self.lab_config_env())
        return env

    def lab_config_env(self) -> dict[str, str]:
        """Which configuration a server reads besides the lab environment's:
        the formgrader's, the learners' (instructor menus and the formgrader's
        pages left out), or none for an instructor."""
        if self.is_formgrader:
            return {"JUPYTER_CONFIG_PATH": self.formgrader_config_dir}
        if self.is_instructor or not self.learner_config_dir:
            return {}
        # The menus only lead to tools that act on the learner's own files
        # (release and collect happen in the LMS: lms_exchange/instructor.py):
        # a missing directory costs a warning, not the lab.
        page_config = os.path.join(self.learner_config_dir, "labconfig")
        if not os.path.isdir(page_config):
            self.log.warning(
                "%s is missing: the lab of %s shows nbgrader's instructor menus; "
                "run courses.jupyter.provision",
                page_config,
                self.user.name,
            )
            return {}
        # Before the home's ~/.jupyter on Jupyter's config path: it outranks it.
        return {"JUPYTER_CONFIG_PATH": self.learner_config_dir}
