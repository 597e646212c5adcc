"""The LMS's exchange API over HTTP (docs/exchange-api.md).

One small client: the lab's hub token on every request, timeouts, and every
failure turned into nbgrader's ExchangeError with a sentence a learner can act on.
"""

import re
import time
import uuid
from urllib.parse import quote, urlsplit

import requests
from nbgrader.exchange.abc.exchange import ExchangeError

from . import messages

USER_AGENT = "lms-exchange (nbgrader lab)"
CHUNK = 64 * 1024


def api_path(*parts: str) -> str:
    """``/courses/c/assignments/a`` from ``("courses", "c", ...)``, each part quoted."""
    return "/" + "/".join(quote(str(part), safe="") for part in parts)


def _reason(error: requests.RequestException, url: str, timeout: float) -> str:
    """A short cause: "127.0.0.1:8000: Connection refused", not urllib3's essay."""
    host = urlsplit(url).netloc or url
    if isinstance(error, requests.Timeout):
        return f"{host}: no answer within {timeout:g} s"
    match = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", str(error))
    if match:
        return f"{host}: {match.group(1).strip()}"
    if isinstance(error, requests.ConnectionError):
        return f"{host}: the connection closed without an answer"
    return f"{host}: {type(error).__name__}"


def _refusal(response: requests.Response) -> str:
    """The LMS's ``detail`` for a 4xx, verbatim; a generic sentence otherwise."""
    if response.status_code >= 500:
        return messages.SERVER_ERROR.format(status=response.status_code)
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, str) and detail:
        return detail
    return messages.REFUSED.format(status=response.status_code)


class LMSClient:
    """Requests to ``base_url`` as the lab's owner (``Authorization: token …``)."""

    def __init__(self, *, base_url, token, timeout, retries, retry_delay, log):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.retry_delay = retry_delay
        self.log = log
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {token}"
        self.session.headers["User-Agent"] = USER_AGENT

    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        """``path`` is under the base URL, or a full URL the caller has checked."""
        url = path if path.startswith(("http://", "https://")) else self.base_url + path
        try:
            return self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            reason = _reason(error, url, self.timeout)
            raise ExchangeError(messages.UNREACHABLE.format(reason=reason)) from error

    def _checked(self, response: requests.Response) -> requests.Response:
        if response.status_code >= 400:
            with response:
                raise ExchangeError(_refusal(response))
        return response

    def _json(self, response: requests.Response) -> dict:
        try:
            return response.json()
        except ValueError as error:
            raise ExchangeError(messages.NOT_JSON.format(url=response.url)) from error

    def get_json(self, path: str, params: dict | None = None) -> dict:
        return self._json(self._checked(self._send("GET", path, params=params)))

    def get_bytes(self, path: str, limit: int) -> bytes:
        """The body of a download, refusing more than ``limit`` bytes."""
        response = self._checked(self._send("GET", path, stream=True))
        body = bytearray()
        with response:
            try:
                for chunk in response.iter_content(CHUNK):
                    body += chunk
                    if len(body) > limit:
                        raise ExchangeError(
                            messages.DOWNLOAD_TOO_LARGE.format(
                                url=response.url, limit_mb=limit / 2**20
                            )
                        )
            except requests.RequestException as error:
                reason = _reason(error, response.url, self.timeout)
                raise ExchangeError(
                    messages.UNREACHABLE.format(reason=reason)
                ) from error
        return bytes(body)

    def post_archive(self, path: str, archive: bytes) -> tuple[int, dict]:
        """POST a zip as field ``archive``; retry with the same Idempotency-Key.

        A dropped connection or a 5xx may come after the LMS stored the attempt:
        the same key makes the LMS answer a retry with that first attempt.
        """
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        files = {"archive": ("submission.zip", archive, "application/zip")}
        for attempt in range(1, self.retries + 1):
            try:
                response = self._send("POST", path, headers=headers, files=files)
                if response.status_code < 500:
                    break
                problem = messages.SERVER_ERROR.format(status=response.status_code)
            except ExchangeError as error:
                problem = str(error)
            self.log.warning(
                "%s Retrying (%d of %d) with the same Idempotency-Key.",
                problem,
                attempt,
                self.retries,
            )
            time.sleep(self.retry_delay * 2 ** (attempt - 1))
        else:
            response = self._send("POST", path, headers=headers, files=files)
        return response.status_code, self._json(self._checked(response))
