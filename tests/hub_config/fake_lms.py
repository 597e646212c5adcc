"""A small fake of the LMS's exchange API (docs/exchange-api.md), for fast tests.

It speaks only the contract: the real LMS (courses/api/) is tested on its own,
and end to end with a real lab. ``FakeLMS`` runs a threaded http.server on a
free port; tests arrange it (``release``, ``release_feedback``, ``refuse``,
``drop_next_posts``) and read what it received (``requests``, ``attempts``).
"""

import email.parser
import email.policy
import hashlib
import io
import json
import re
import sys
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PREFIX = "/api/exchange"
COURSE = r"/courses/(?P<course_id>[^/]+)/assignments/(?P<assignment_id>[^/]+)"
ROUTES = [
    ("GET", re.compile(r"/assignments"), "list"),
    ("GET", re.compile(COURSE + r"/release"), "release_zip"),
    ("POST", re.compile(COURSE + r"/submissions"), "submit"),
    (
        "GET",
        re.compile(COURSE + r"/feedback/(?P<attempt>\d+)/(?P<notebook>.+)\.html"),
        "feedback",
    ),
]


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    files: dict[str, bytes] = field(default_factory=dict)
    modes: dict[str, int] = field(default_factory=dict)


@dataclass
class FakeLMS:
    token: str
    port: int = 0
    assignments: dict = field(default_factory=dict)  # (course, id) → fields
    releases: dict = field(default_factory=dict)  # (course, id) → zip bytes
    attempts: dict = field(default_factory=dict)  # (course, id) → [submission]
    feedback: dict = field(default_factory=dict)  # (course, id, attempt, nb) → html
    answers: dict = field(default_factory=dict)  # Idempotency-Key → answer
    refusals: dict = field(default_factory=dict)  # route name → (status, body)
    requests: list = field(default_factory=list)
    drop_next_posts: int = 0  # store the attempt, then close without an answer
    busy_next_posts: int = 0  # answer 503 without storing anything
    late: bool = False
    feedback_url: str = ""  # announce this URL for every feedback page
    warnings: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PREFIX}"

    def release(self, course_id, assignment_id, files, **fields):
        self.releases[course_id, assignment_id] = zip_of(files)
        notebooks = sorted(
            name.removesuffix(".ipynb") for name in files if name.endswith(".ipynb")
        )
        self.assignments[course_id, assignment_id] = {
            "course_id": course_id,
            "assignment_id": assignment_id,
            "title": fields.pop("title", assignment_id.upper()),
            "released_at": "2026-12-01T09:00:00+09:00",
            "due_at": "2026-12-08T23:59:00+09:00",
            "late_policy": "penalty",
            "max_attempts": 3,
            "notebooks": notebooks,
            **fields,
        }
        self.attempts.setdefault((course_id, assignment_id), [])

    def release_feedback(self, course_id, assignment_id, attempt, notebook, html):
        self.feedback[course_id, assignment_id, attempt, notebook] = html

    def refuse(self, route: str, status: int, detail: str, code: str):
        self.refusals[route] = (status, {"detail": detail, "code": code})

    # -- the API's answers ---------------------------------------------------------

    def submission_out(self, course_id, assignment_id, submission) -> dict:
        feedback = {
            nb: {
                "sha256": hashlib.sha256(html).hexdigest(),
                "url": self.feedback_url
                or f"{PREFIX}/courses/{course_id}/assignments/{assignment_id}"
                f"/feedback/{submission['attempt']}/{nb}.html",
            }
            for (c, a, attempt, nb), html in self.feedback.items()
            if (c, a, attempt) == (course_id, assignment_id, submission["attempt"])
        }
        fields = {k: v for k, v in submission.items() if k != "files"}
        return {**fields, "feedback": feedback}

    def listing(self, course_id: str) -> dict:
        found = []
        for key, fields in self.assignments.items():
            if course_id and key[0] != course_id:
                continue
            submissions = self.attempts[key]
            found.append(
                {
                    **fields,
                    "attempts_left": fields["max_attempts"] - len(submissions),
                    "submissions": [self.submission_out(*key, s) for s in submissions],
                }
            )
        return {"assignments": found}

    def create_attempt(self, key, files: dict[str, bytes]) -> dict:
        now = datetime.now(UTC)
        submission = {
            "attempt": len(self.attempts[key]) + 1,
            "timestamp": now.strftime("%Y-%m-%d %H:%M:%S.%f %Z"),
            "submitted_at": now.isoformat(),
            "late": self.late,
            "late_by_seconds": 3900 if self.late else 0,
            "status": "received",
            "notebooks": sorted(
                n.removesuffix(".ipynb") for n in files if n.endswith(".ipynb")
            ),
            "files": files,
        }
        self.attempts[key].append(submission)
        return {**submission, "warnings": list(self.warnings)}

    def start(self) -> "FakeLMS":
        self.server = _Server(("127.0.0.1", self.port), _Handler)
        self.server.lms = self
        self.port = self.server.server_address[1]
        threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        ).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def multipart_files(content_type: str, body: bytes) -> dict[str, bytes]:
    """The file fields of a multipart/form-data body (the cgi module is gone)."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(
            decode=True
        )
        for part in message.iter_parts()
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # a lab hanging up is fine


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    @property
    def lms(self) -> FakeLMS:
        return self.server.lms

    def do_GET(self):
        self.dispatch("GET", b"")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.dispatch("POST", body)

    def dispatch(self, method: str, body: bytes):
        url = urlsplit(self.path)
        received = Received(method, url.path, dict(self.headers))
        self.lms.requests.append(received)
        if self.headers.get("Authorization") != f"token {self.lms.token}":
            return self.send_json(
                401,
                {"detail": "Sign in to the lab first.", "code": "not_authenticated"},
            )
        for route_method, pattern, name in ROUTES:
            match = pattern.fullmatch(url.path.removeprefix(PREFIX))
            if route_method == method and match:
                if name in self.lms.refusals:
                    return self.send_json(*self.lms.refusals[name])
                return getattr(self, name)(match, url.query, body, received)
        self.send_json(404, {"detail": "No such endpoint.", "code": "not_found"})

    def list(self, match, query, body, received):
        course_id = parse_qs(query).get("course_id", [""])[0]
        self.send_json(200, self.lms.listing(course_id))

    def release_zip(self, match, query, body, received):
        key = (match["course_id"], match["assignment_id"])
        if key not in self.lms.releases:
            return self.send_json(404, {"detail": "Not released.", "code": "not_found"})
        self.send_body(200, self.lms.releases[key], "application/zip")

    def submit(self, match, query, body, received):
        if self.lms.busy_next_posts:
            self.lms.busy_next_posts -= 1
            return self.send_json(503, {"detail": "Busy.", "code": "busy"})
        key = (match["course_id"], match["assignment_id"])
        archive = multipart_files(self.headers["Content-Type"], body)["archive"]
        with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
            entries = zipped.infolist()
            received.files = {i.filename: zipped.read(i) for i in entries}
            received.modes = {i.filename: i.external_attr >> 16 for i in entries}
        idempotency_key = self.headers["Idempotency-Key"]
        status = 200 if idempotency_key in self.lms.answers else 201
        if status == 201:
            self.lms.answers[idempotency_key] = self.lms.create_attempt(
                key, received.files
            )
        if self.lms.drop_next_posts:
            self.lms.drop_next_posts -= 1
            self.close_connection = True
            return  # the attempt is stored, but the lab never hears of it
        answer = dict(self.lms.answers[idempotency_key])
        del answer["files"]
        self.send_json(status, answer)

    def feedback(self, match, query, body, received):
        key = (
            match["course_id"],
            match["assignment_id"],
            int(match["attempt"]),
            match["notebook"],
        )
        self.send_body(200, self.lms.feedback[key], "text/html")

    def send_json(self, status: int, data: dict):
        self.send_body(status, json.dumps(data).encode(), "application/json")

    def send_body(self, status: int, body: bytes, content_type: str):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
