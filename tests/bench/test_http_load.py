"""bench/http_load.py against a local http.server: the load generator counts
answered requests and errors, ``fetch`` reads one answer, and the CPU of a
process group is read from /proc. (The benches cover it on gunicorn too.)"""

import contextlib
import http.server
import os
import threading

import pytest

from bench import http_load


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the load generator expects

    def do_GET(self) -> None:
        status, body = (200, b"ok") if self.path == "/ok" else (404, b"no")
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serving():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(params=["threads", "wrk"])
def loader(request, monkeypatch):
    if request.param == "wrk" and not http_load.wrk_path():
        pytest.skip(reason="wrk is not installed (the benches then use threads)")
    if request.param == "threads":
        monkeypatch.setattr(http_load, "wrk_path", lambda: None)
    return request.param


def test_measure_counts_answered_requests(loader):
    with serving() as base:
        load = http_load.measure(base + "/ok", seconds=0.3, connections=2)

    assert load.requests > 0
    assert load.errors == 0
    assert load.rps > 0


def test_measure_counts_answers_that_are_not_2xx_as_errors(loader):
    with serving() as base:
        load = http_load.measure(base + "/missing", seconds=0.3, connections=2)

    assert load.errors > 0


def test_fetch_reads_one_answer():
    with serving() as base:
        assert http_load.fetch(base + "/ok") == (200, "ok")
        assert http_load.fetch(base + "/missing") == (404, "no")


def test_group_cpu_seconds_counts_this_process_group():
    assert http_load.group_cpu_seconds(os.getpgrp()) > 0
    assert http_load.group_cpu_seconds(2**22 + 1) == 0  # no such group
