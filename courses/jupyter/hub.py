"""A minimal client of JupyterHub's REST API, with the LMS service's token.

Errors become ``HubUnavailable`` (the hub cannot be reached: try again later) or
``HubError`` (the hub answered with an error), with messages a person can act on.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

import requests

PAGINATION = "application/jupyterhub-pagination+json"


class HubUnavailable(Exception):
    """The hub did not answer; the request can be retried later."""


class HubError(Exception):
    """The hub refused or failed a request."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"JupyterHub answered {status}: {message}")
        self.status = status


@dataclass
class HubClient:
    api_url: str  # e.g. http://127.0.0.1:8081/hub/api
    token: str
    timeout: float = 15.0  # the hub waits up to 10 s for a slow spawn or stop

    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {self.token}", **kwargs.pop("headers", {})}
        try:
            response = requests.request(
                method,
                f"{self.api_url}{path}",
                headers=headers,
                timeout=self.timeout,
                **kwargs,
            )
        except requests.RequestException as error:
            raise HubUnavailable(
                f"JupyterHub at {self.api_url} is unreachable: {error}"
            ) from error
        if response.status_code >= 400 and response.status_code != 404:
            try:
                message = response.json().get("message") or response.text
            except ValueError:
                message = response.text
            raise HubError(response.status_code, str(message)[:300])
        return response

    @staticmethod
    def time(value: str | None) -> dt.datetime | None:
        """A timestamp of the hub's API (ISO 8601, UTC) as an aware datetime.

        None for a missing or unreadable one: a display must not fail on it.
        """
        if not value:
            return None
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)

    def whoami(self) -> dict | None:
        """The owner of this client's token, or None if the hub does not know it."""
        try:
            response = self._request("GET", "/user")
        except HubError as error:
            if error.status in (401, 403):
                return None
            raise
        return None if response.status_code == 404 else response.json()

    def user(self, name: str) -> dict | None:
        """The hub's model of user ``name`` (groups, servers, activity), or None."""
        response = self._request("GET", f"/users/{quote(name)}")
        return None if response.status_code == 404 else response.json()

    def users(self) -> list[dict]:
        """Every hub user, following the API's pages."""
        users, offset = [], 0
        while True:
            response = self._request(
                "GET",
                "/users",
                params={"offset": offset, "limit": 200},
                headers={"Accept": PAGINATION},
            )
            page = response.json()
            users.extend(page["items"])
            following = (page.get("_pagination") or {}).get("next")
            if not following:
                return users
            offset = following["offset"]

    def ensure_group(self, name: str) -> None:
        if self._request("GET", f"/groups/{quote(name)}").status_code == 404:
            response = self._request("POST", f"/groups/{quote(name)}")
            if response.status_code == 404:
                raise HubError(404, f"could not create group {name}")

    def add_member(self, group: str, user: str) -> None:
        self.ensure_group(group)
        self._request("POST", f"/groups/{quote(group)}/users", json={"users": [user]})

    def remove_member(self, group: str, user: str) -> None:
        self._request("DELETE", f"/groups/{quote(group)}/users", json={"users": [user]})

    def delete_group(self, name: str) -> None:
        self._request("DELETE", f"/groups/{quote(name)}")

    def stop_server(self, user: str) -> None:
        self._request("DELETE", f"/users/{quote(user)}/server")

    def ensure_user(self, name: str) -> None:
        """Create hub user ``name`` unless it exists (a cohort's formgrader)."""
        if self.user(name) is None:
            self._request("POST", f"/users/{quote(name)}")

    def share(self, owner: str, *, group: str = "", user: str = "") -> None:
        """Let ``group``'s members, or ``user``, open ``owner``'s server
        (JupyterHub 5+ shares; granting it again changes nothing)."""
        if group:
            self.ensure_group(group)
        body = {"group": group} if group else {"user": user}
        self._request("POST", f"/shares/{quote(owner)}/", json=body)

    def unshare(self, owner: str, *, user: str) -> None:
        self._request("PATCH", f"/shares/{quote(owner)}/", json={"user": user})

    def shared_users(self, owner: str) -> set[str]:
        """The users ``owner``'s server is shared with one by one."""
        response = self._request("GET", f"/shares/{quote(owner)}/")
        if response.status_code == 404:
            return set()
        body = response.json()
        items = body.get("items", []) if isinstance(body, dict) else body
        return {s["user"]["name"] for s in items if s.get("user")}

    def start_server(self, user: str) -> None:
        """Ask the hub to start ``user``'s server; it may take a few seconds."""
        try:
            self._request("POST", f"/users/{quote(user)}/server")
        except HubError as error:
            if error.status != 400 or "already running" not in str(error):
                raise

    def server_ready(self, user: str) -> bool:
        model = self.user(user) or {}
        return bool(((model.get("servers") or {}).get("") or {}).get("ready"))
