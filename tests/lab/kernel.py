"""Running code inside a learner's lab, as the learner could.

- ``signed_in_context(browser, lms_url, person)``: a browser of its own for
  ``person``, signed in to the LMS.
- ``open_labs(browser, hub, lms_url, people)``: each person signs in to the hub
  through the LMS in their own browser; their labs start at once; returns an
  API token per hub user name, once every lab is ready.
- ``lab_token(context, hub_url, name)``: an API token for hub user ``name``, made
  with their signed-in browser context (as on the hub's token page).
- ``run_in_lab(lab_url, token, code)``: runs Python in a new kernel of the lab at
  ``lab_url`` through its REST and websocket API; returns what it printed.
"""

import json
import uuid

import requests
from django.conf import settings
from django.test import Client

from tests.labs import SPAWN_MS


def signed_in_context(browser, lms_url: str, person):
    """A browser of its own for ``person``, signed in to the LMS."""
    client = Client()
    client.force_login(person)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context()
    context.set_default_timeout(SPAWN_MS)
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": lms_url}])
    return context


def open_labs(browser, hub, lms_url: str, people) -> dict[str, str]:
    """Sign ``people`` in to ``hub`` (a tests/labs.py LabHub) through the LMS and
    start their labs; return ``{hub user name: API token}`` once all are ready."""
    contexts = {p.username: signed_in_context(browser, lms_url, p) for p in people}
    try:
        for name, context in contexts.items():
            page = context.new_page()
            page.goto(f"{hub.url}/hub/login?next=%2Fhub%2Fhome")  # signed in, no lab
            assert page.url == f"{hub.url}/hub/home", page.url
            hub.request("POST", f"/users/{name}/server")  # the labs start at once
        for name in contexts:
            hub.wait_until_ready(name)
        return {name: lab_token(c, hub.url, name) for name, c in contexts.items()}
    finally:
        for context in contexts.values():
            context.close()


def lab_token(context, hub_url: str, name: str) -> str:
    """An API token for ``name``, made with their browser's hub session."""
    xsrf = next(
        c["value"]
        for c in context.cookies(f"{hub_url}/hub/")
        if c["name"] == "_xsrf" and c["path"].startswith("/hub")
    )
    response = context.request.post(
        f"{hub_url}/hub/api/users/{name}/tokens",
        headers={"X-XSRFToken": xsrf, "Referer": f"{hub_url}/hub/token"},
        data={"note": "tests/labs.py", "expires_in": 900},
    )
    assert response.status == 201, response.text()
    return response.json()["token"]


def run_in_lab(lab_url: str, token: str, code: str, *, timeout=120.0) -> str:
    """Run ``code`` in a new kernel of the lab at ``lab_url`` (…/user/<name>/);
    return its standard output. Fails on an exception in the code."""
    import websocket

    headers = {"Authorization": f"token {token}"}
    kernels = f"{lab_url.rstrip('/')}/api/kernels"
    response = requests.post(kernels, headers=headers, json={}, timeout=30)
    assert response.status_code == 201, response.text
    kernel = response.json()["id"]
    channel = websocket.create_connection(
        f"{kernels.replace('http', 'ws', 1)}/{kernel}/channels",
        header=[f"Authorization: token {token}"],
        timeout=timeout,
    )
    try:
        return _execute(channel, code)
    finally:
        channel.close()
        requests.delete(f"{kernels}/{kernel}", headers=headers, timeout=30)


def _execute(channel, code: str) -> str:
    msg_id = uuid.uuid4().hex
    channel.send(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": "test",
                    "session": uuid.uuid4().hex,
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "content": {"code": code, "silent": False, "store_history": False},
                "channel": "shell",
                "buffers": [],
            }
        )
    )
    out, error, replied, idle = [], None, False, False
    # The reply (shell channel) may overtake the output (iopub): wait for both
    # the reply and the kernel's "idle", which follows its last output.
    while not (replied and idle):
        message = json.loads(channel.recv())
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream" and content["name"] == "stdout":
            out.append(content["text"])
        elif kind == "error":
            error = "\n".join(content["traceback"])
        elif kind == "execute_reply":
            replied = True
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
    assert error is None, f"the code failed in the lab:\n{error}"
    return "".join(out)
