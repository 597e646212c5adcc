"""The lab's nbgrader exchange (hub_config/lms_exchange) against a fake LMS.

nbgrader's own classes drive it, configured by hub_config/nbgrader_config.py:
``ExchangeFactory`` (as the lab's Assignments tab and nbgrader's apps do), the
Assignments tab's server-side manager, and the ``nbgrader`` command itself. The
LMS is ``tests/hub_config/fake_lms.py``, which speaks docs/exchange-api.md; the
end-to-end test against the real LMS and a real lab lives elsewhere.
No database: nothing here is marked django_db.

Fixtures: ``lms`` (a started FakeLMS), ``lab`` (a learner's home and the exchange
as nbgrader runs it, with the lab's environment variables), ``tab_for`` (the
Assignments tab's manager in that lab), ``terminal`` (``nbgrader …`` as a
subprocess with the lab's installation), ``closed_port`` (an LMS that is down).
"""

import copy
import hashlib
import io
import logging
import os
import shutil
import socket
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeError, ExchangeFactory
from nbgrader.server_extensions.assignment_list import handlers
from nbgrader.server_extensions.assignment_list.handlers import AssignmentList
from traitlets.config import LoggingConfigurable
from traitlets.config.loader import PyFileConfigLoader

from tests.hub_config.fake_lms import FakeLMS, zip_of

# In a lab, lms_exchange is installed at the top level of site-packages.
HUB_CONFIG = Path(__file__).parents[2] / "hub_config"
sys.path.insert(0, str(HUB_CONFIG))
from lms_exchange import messages  # noqa: E402
from lms_exchange import tab as tab_extension  # noqa: E402
from lms_exchange.tab import LMSAssignmentList  # noqa: E402

TOKEN = "lab-token-of-learner-a"
COURSE = "ml-basics-2026-12"
OTHER_COURSE = "data-viz-2026-12"


def notebook(source: str = "x = 1") -> bytes:
    cell = nbformat.v4.new_code_cell(source, id="answer")
    nb = nbformat.v4.new_notebook(cells=[cell])
    return nbformat.writes(nb).encode()


PS1 = {"ps1.ipynb": notebook(), "data/train.csv": b"a,b\n1,2\n"}


class Lab:
    """A learner's lab: its home folder and the exchange as nbgrader runs it."""

    def __init__(self, home: Path, log: logging.Logger):
        self.home = home
        self.log = log
        self.config = PyFileConfigLoader(
            "nbgrader_config.py", path=str(HUB_CONFIG)
        ).load_config()
        self.config.Exchange.assignment_dir = str(home)
        self.config.LMSExchange.retry_delay = 0

    def run(self, action, course_id="", assignment_id="", **traits):
        config = copy.deepcopy(self.config)
        config.CourseDirectory.course_id = course_id
        config.CourseDirectory.assignment_id = assignment_id
        factory = ExchangeFactory(config=config)
        exchange = getattr(factory, action)(
            coursedir=CourseDirectory(config=config),
            authenticator=Authenticator(config=config),
            config=config,
            log=self.log,
            **traits,
        )
        return exchange.start()

    def list(self, course_id="", **traits):
        return self.run("List", course_id, **traits)

    def fetch(self, course_id, assignment_id, **traits):
        return self.run("FetchAssignment", course_id, assignment_id, **traits)

    def submit(self, course_id, assignment_id, **traits):
        return self.run("Submit", course_id, assignment_id, **traits)

    def fetch_feedback(self, course_id, assignment_id):
        return self.run("FetchFeedback", course_id, assignment_id)


@pytest.fixture
def lms():
    server = FakeLMS(token=TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def lab_env(lms, monkeypatch):
    monkeypatch.setenv("LMS_EXCHANGE_URL", lms.url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", TOKEN)
    monkeypatch.setenv("JUPYTERHUB_USER", "learner-a")


@pytest.fixture
def lab(tmp_path, lab_env, caplog):
    caplog.set_level(logging.INFO, logger="lab")
    home = tmp_path / "home"
    home.mkdir()
    return Lab(home, logging.getLogger("lab"))


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def by_id(assignments):
    return {(a["course_id"], a["assignment_id"]): a for a in assignments}


def posts(lms):
    return [r for r in lms.requests if r.method == "POST"]


def logged(caplog) -> str:
    return "\n".join(record.getMessage() for record in caplog.records)


# -- list ------------------------------------------------------------------------


def test_list_shows_released_assignments_of_every_course_and_marks_fetched(lab, lms):
    lms.release(COURSE, "ps1", PS1)
    lms.release(COURSE, "ps2", {"ps2.ipynb": notebook()})
    lms.release(OTHER_COURSE, "ps1", {"charts.ipynb": notebook()})
    lab.fetch(COURSE, "ps1")

    listed = by_id(lab.list())

    assert set(listed) == {(COURSE, "ps1"), (COURSE, "ps2"), (OTHER_COURSE, "ps1")}
    fetched = listed[COURSE, "ps1"]
    assert fetched["status"] == "fetched"
    assert fetched["path"] == str(lab.home / COURSE / "ps1")
    assert fetched["notebooks"] == [
        {"notebook_id": "ps1", "path": str(lab.home / COURSE / "ps1" / "ps1.ipynb")}
    ]
    assert listed[COURSE, "ps2"]["status"] == "released"
    assert listed[COURSE, "ps2"]["notebooks"][0]["notebook_id"] == "ps2"
    assert listed[OTHER_COURSE, "ps1"]["status"] == "released"
    assert set(by_id(lab.list(COURSE))) == {(COURSE, "ps1"), (COURSE, "ps2")}


def test_list_of_submissions_carries_nbgrader_feedback_flags(lab, lms):
    lms.release(COURSE, "ps1", PS1)
    lab.fetch(COURSE, "ps1")
    lab.submit(COURSE, "ps1")
    lab.submit(COURSE, "ps1")
    lms.release_feedback(COURSE, "ps1", 1, "ps1", b"<html>well done</html>")

    [assignment] = lab.list(COURSE, cached=True)
    first, second = assignment["submissions"]

    assert assignment["status"] == "submitted"
    assert assignment["student_id"] == "learner-a"
    assert first["attempt"] == 1 and second["attempt"] == 2
    assert first["timestamp"] < second["timestamp"]
    assert first["has_exchange_feedback"] and not first["has_local_feedback"]
    assert not second["has_exchange_feedback"]
    assert first["local_feedback_path"] is None
    [nb] = first["notebooks"]
    assert nb["notebook_id"] == "ps1" and nb["has_exchange_feedback"]

    lab.fetch_feedback(COURSE, "ps1")
    [assignment] = lab.list(COURSE, inbound=True)
    first = assignment["submissions"][0]
    folder = lab.home / COURSE / "ps1" / "feedback" / first["timestamp"]
    assert first["has_local_feedback"] and not first["feedback_updated"]
    assert first["local_feedback_path"] == str(folder)
    assert first["notebooks"][0]["local_feedback_path"] == str(folder / "ps1.html")

    lms.release_feedback(COURSE, "ps1", 1, "ps1", b"<html>regraded</html>")
    [assignment] = lab.list(COURSE, cached=True)
    assert assignment["submissions"][0]["feedback_updated"]


def test_a_notebook_the_learner_added_does_not_hide_released_feedback(lab, lms):
    lms.release(COURSE, "ps1", PS1)
    lab.fetch(COURSE, "ps1")
    (lab.home / COURSE / "ps1" / "scratch.ipynb").write_bytes(notebook())
    lab.submit(COURSE, "ps1")
    lms.release_feedback(COURSE, "ps1", 1, "ps1", b"<html>7/10</html>")

    [assignment] = lab.list(COURSE, cached=True)

    [submission] = assignment["submissions"]
    assert [nb["notebook_id"] for nb in submission["notebooks"]] == ["ps1", "scratch"]
    assert submission["has_exchange_feedback"]


@pytest.fixture
def tab_for(lab, tmp_path, monkeypatch):
    """``tab_for(manager_class)``: the Assignments tab's manager in this lab."""
    etc = tmp_path / "etc-jupyter"
    etc.mkdir()
    shutil.copy(HUB_CONFIG / "nbgrader_config.py", etc)
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(etc))
    monkeypatch.chdir(lab.home)  # a lab server runs in the learner's home

    def make(manager_class=AssignmentList):
        manager = manager_class()
        manager.root_dir = str(lab.home)
        return manager

    return make


@pytest.mark.parametrize("manager_class", [AssignmentList, LMSAssignmentList])
def test_assignments_tab_shows_released_fetched_and_submitted(
    lab, lms, tab_for, manager_class
):
    lms.release(COURSE, "ps1", PS1)
    lms.release(COURSE, "ps2", {"ps2.ipynb": notebook()})
    tab = tab_for(manager_class)

    assert tab.fetch_assignment(COURSE, "ps1") == {"success": True}
    assert tab.submit_assignment(COURSE, "ps1") == {"success": True}
    listed = tab.list_assignments(course_id=COURSE)

    assert listed["success"], listed["value"]
    statuses = sorted((a["assignment_id"], a["status"]) for a in listed["value"])
    assert statuses == [("ps1", "fetched"), ("ps1", "submitted"), ("ps2", "released")]
    fetched = next(a for a in listed["value"] if a["status"] == "fetched")
    assert fetched["path"] == os.path.join(COURSE, "ps1")
    assert tab.list_courses() == {"success": True, "value": [COURSE]}


def test_list_cannot_remove_anything(lab, lms):
    lms.release(COURSE, "ps1", PS1)

    with pytest.raises(ExchangeError, match="^Removing assignments is not possible"):
        lab.list(COURSE, remove=True)
    assert lms.assignments


# -- fetch -----------------------------------------------------------------------


def test_fetch_unpacks_the_release_into_course_and_assignment_folder(lab, lms):
    lms.release(COURSE, "ps1", PS1)

    lab.fetch(COURSE, "ps1")

    folder = lab.home / COURSE / "ps1"
    assert (folder / "ps1.ipynb").read_bytes() == PS1["ps1.ipynb"]
    assert (folder / "data" / "train.csv").read_bytes() == PS1["data/train.csv"]
    assert os.listdir(lab.home / COURSE) == ["ps1"]  # no staging folder left


def test_fetch_refuses_to_overwrite_a_fetched_assignment(lab, lms):
    lms.release(COURSE, "ps1", PS1)
    lab.fetch(COURSE, "ps1")
    work = lab.home / COURSE / "ps1" / "ps1.ipynb"
    work.write_bytes(notebook("my answer"))

    with pytest.raises(ExchangeError) as refused:
        lab.fetch(COURSE, "ps1")

    assert str(refused.value) == messages.ALREADY_FETCHED.format(
        root=os.path.join(COURSE, "ps1")
    )
    assert work.read_bytes() == notebook("my answer")


def test_fetch_with_replace_missing_files_restores_only_deleted_files(lab, lms):
    lms.release(COURSE, "ps1", PS1)
    lab.fetch(COURSE, "ps1")
    folder = lab.home / COURSE / "ps1"
    (folder / "ps1.ipynb").write_bytes(notebook("my answer"))
    (folder / "data" / "train.csv").unlink()

    lab.fetch(COURSE, "ps1", replace_missing_files=True)

    assert (folder / "ps1.ipynb").read_bytes() == notebook("my answer")
    assert (folder / "data" / "train.csv").read_bytes() == PS1["data/train.csv"]


def symlink_zip() -> bytes:
    entry = zipfile.ZipInfo("link.ipynb")
    entry.external_attr = (stat.S_IFLNK | 0o777) << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("ps1.ipynb", notebook())
        zipped.writestr(entry, "/etc/passwd")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("archive", "reason"),
    [
        (zip_of({"ps1.ipynb": notebook(), "../escape.py": b"x"}), "a path with .."),
        (zip_of({"ps1.ipynb": notebook(), "/tmp/abs.py": b"x"}), "an absolute path"),
        (symlink_zip(), "a symbolic link"),
        (b"not a zip", "not a zip archive"),
    ],
)
def test_fetch_refuses_an_unsafe_release_and_writes_nothing(lab, lms, archive, reason):
    lms.release(COURSE, "ps1", PS1)
    lms.releases[COURSE, "ps1"] = archive

    with pytest.raises(ExchangeError) as refused:
        lab.fetch(COURSE, "ps1")

    assert reason in str(refused.value)
    assert "nothing was extracted" in str(refused.value)
    assert not (lab.home / COURSE / "ps1").exists()
    assert list(lab.home.rglob("*")) in ([], [lab.home / COURSE])
    assert not (lab.home.parent / "escape.py").exists()


# -- submit ----------------------------------------------------------------------


def test_submit_sends_the_folder_without_feedback_hidden_files_or_programs(lab, lms):
    lms.release(COURSE, "ps1", PS1)
    lab.fetch(COURSE, "ps1")
    folder = lab.home / COURSE / "ps1"
    (folder / "helper.py").write_text("def f(): pass\n")
    (folder / "helper.py").chmod(0o755)
    (folder / "feedback" / "old").mkdir(parents=True)
    (folder / "feedback" / "old" / "ps1.html").write_text("<html/>")
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "ps1-checkpoint.ipynb").write_bytes(notebook())
    (folder / ".secret").write_text("token")
    (folder / "a.out").write_bytes(b"\x7fELF" + b"\0" * 100)
    (folder / "model.bin").write_bytes(b"0" * 2048)
    (folder / "link.txt").symlink_to("/etc/hostname")

    lab.submit(COURSE, "ps1", max_file_bytes=1024)

    [post] = posts(lms)
    assert sorted(post.files) == ["data/train.csv", "helper.py", "ps1.ipynb"]
    assert post.files["ps1.ipynb"] == PS1["ps1.ipynb"]
    assert all(mode == stat.S_IFREG | 0o644 for mode in post.modes.values())
    assert post.headers["Authorization"] == f"token {TOKEN}"


def test_submit_reports_what_it_left_out(lab, lms, caplog):
    lms.release(COURSE, "ps1", PS1)
    lab.fetch(COURSE, "ps1")
    folder = lab.home / COURSE / "ps1"
    (folder / "a.out").write_bytes(b"\x7fELF" + b"\0" * 100)
    (folder / "model.bin").write_bytes(b"0" * 2048)
    (folder / "link.txt").symlink_to("/etc/hostname")

    lab.submit(COURSE, "ps1", max_file_bytes=1024)

    log = logged(caplog)
    assert messages.SKIPPED.format(name="a.out", reason="a program") in log
    assert messages.SKIPPED.format(name="link.txt", reason="a link") in log
    assert "Not submitted: model.bin (larger than" in log


def test_submit_shows_the_lms_answer_with_lateness_and_warnings(lab, lms, caplog):
    lms.release(COURSE, "ps1", PS1)
    lms.late = True
    lms.warnings = ["ps1.ipynb: cell 'q1-tests' was changed"]
    lab.fetch(COURSE, "ps1")

    lab.submit(COURSE, "ps1")

    log = logged(caplog)
    assert "Attempt 1 received late, by 1 h 5 min." in log
    assert "The LMS noted: ps1.ipynb: cell 'q1-tests' was changed" in log
    assert f"Submitted as: {COURSE} ps1 " in log


def test_each_submit_is_a_new_attempt_with_a_fresh_idempotency_key(lab, lms):
    lms.release(COURSE, "ps1", PS1)
    lab.fetch(COURSE, "ps1")

    lab.submit(COURSE, "ps1")
    lab.submit(COURSE, "ps1")

    keys = [p.headers["Idempotency-Key"] for p in posts(lms)]
    assert len(set(keys)) == 2
    assert [s["attempt"] for s in lms.attempts[COURSE, "ps1"]] == [1, 2]


def test_submit_retries_with_the_same_key_when_the_answer_is_lost(lab, lms, caplog):
    lms.release(COURSE, "ps1", PS1)
    lab.fetch(COURSE, "ps1")
    lms.drop_next_posts = 1  # the LMS stores the attempt; the lab hears nothing

    lab.submit(COURSE, "ps1")

    first, retry = posts(lms)
    assert first.headers["Idempotency-Key"] == retry.headers["Idempotency-Key"]
    assert len(lms.attempts[COURSE, "ps1"]) == 1
    assert "The LMS already had this submission (attempt 1)." in logged(caplog)


def test_submit_retries_a_busy_lms_three_times_then_gives_up(lab, lms):
    lms.release(COURSE, "ps1", PS1)
    lab.fetch(COURSE, "ps1")
    lms.busy_next_posts = 4

    with pytest.raises(ExchangeError) as refused:
        lab.submit(COURSE, "ps1")

    assert str(refused.value) == messages.SERVER_ERROR.format(status=503)
    assert len({p.headers["Idempotency-Key"] for p in posts(lms)}) == 1
    assert len(posts(lms)) == 4
    assert lms.attempts[COURSE, "ps1"] == []


def test_submit_warns_when_released_notebooks_are_missing(lab, lms, caplog):
    lms.release(COURSE, "ps1", {"ps1.ipynb": notebook(), "ps1b.ipynb": notebook()})
    lab.fetch(COURSE, "ps1")
    (lab.home / COURSE / "ps1" / "ps1b.ipynb").unlink()

    lab.submit(COURSE, "ps1")

    log = logged(caplog)
    assert "Possible missing notebooks and/or extra notebooks" in log
    assert "ps1b.ipynb: MISSING" in log
    assert len(posts(lms)) == 1


def test_strict_submit_refuses_when_released_notebooks_are_missing(lab, lms):
    lms.release(COURSE, "ps1", {"ps1.ipynb": notebook(), "ps1b.ipynb": notebook()})
    lab.fetch(COURSE, "ps1")
    (lab.home / COURSE / "ps1" / "ps1b.ipynb").unlink()

    with pytest.raises(ExchangeError, match="ps1b.ipynb: MISSING"):
        lab.submit(COURSE, "ps1", strict=True)
    assert posts(lms) == []


def test_submit_refuses_too_many_files_before_uploading(lab, lms):
    lms.release(COURSE, "ps1", PS1)
    lab.fetch(COURSE, "ps1")
    for i in range(5):
        (lab.home / COURSE / "ps1" / f"out{i}.csv").write_text("1")

    with pytest.raises(ExchangeError) as refused:
        lab.submit(COURSE, "ps1", max_files=4)

    folder = lab.home / COURSE / "ps1"
    assert str(refused.value) == messages.TOO_MANY_FILES.format(path=folder, limit=4)
    assert posts(lms) == []


# -- fetch_feedback --------------------------------------------------------------


def test_fetch_feedback_saves_pages_under_the_submission_timestamp(lab, lms):
    lms.release(COURSE, "ps1", PS1)
    lab.fetch(COURSE, "ps1")
    lab.submit(COURSE, "ps1")
    lms.release_feedback(COURSE, "ps1", 1, "ps1", b"<html>7/10</html>")

    lab.fetch_feedback(COURSE, "ps1")

    timestamp = lms.attempts[COURSE, "ps1"][0]["timestamp"]
    page = lab.home / COURSE / "ps1" / "feedback" / timestamp / "ps1.html"
    assert page.read_bytes() == b"<html>7/10</html>"
    expected = hashlib.sha256(b"<html>7/10</html>").hexdigest()
    assert hashlib.sha256(page.read_bytes()).hexdigest() == expected


def test_fetch_feedback_never_follows_a_url_to_another_server(lab, lms):
    lms.release(COURSE, "ps1", PS1)
    lab.fetch(COURSE, "ps1")
    lab.submit(COURSE, "ps1")
    lms.release_feedback(COURSE, "ps1", 1, "ps1", b"<html>7/10</html>")
    lms.feedback_url = "http://attacker.invalid/steal-token.html"

    lab.fetch_feedback(COURSE, "ps1")

    [page] = (lab.home / COURSE / "ps1" / "feedback").glob("*/ps1.html")
    assert page.read_bytes() == b"<html>7/10</html>"
    assert lms.requests[-1].path.endswith("/feedback/1/ps1.html")


# -- refusals and failures -------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "action", "status", "code", "detail"),
    [
        ("list", "list", 403, "not_enrolled", "You are not enrolled in this course."),
        ("release_zip", "fetch", 404, "not_found", "No released assignment ps9."),
        ("submit", "submit", 409, "no_attempts_left", "You have used all 3 attempts."),
        ("submit", "submit", 413, "too_large", "The upload is larger than 20 MB."),
        ("list", "fetch_feedback", 401, "not_authenticated", "Sign in to the lab."),
    ],
)
def test_lms_refusal_reaches_the_learner_verbatim(
    lab, lms, route, action, status, code, detail
):
    lms.release(COURSE, "ps1", PS1)
    if action == "submit":
        lab.fetch(COURSE, "ps1")
    lms.refuse(route, status, detail, code)

    with pytest.raises(ExchangeError) as refused:
        if action == "list":
            lab.list(COURSE)
        else:
            getattr(lab, action)(COURSE, "ps1")

    assert str(refused.value) == detail


def test_wrong_token_gets_the_lms_sign_in_message(lab, lms, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "forged")

    with pytest.raises(ExchangeError, match="^Sign in to the lab first.$"):
        lab.list()


@pytest.mark.parametrize("action", ["list", "fetch", "submit"])
def test_lms_down_asks_to_try_again(lab, lms, monkeypatch, closed_port, action):
    lms.release(COURSE, "ps1", PS1)
    lab.fetch(COURSE, "ps1")
    if action == "fetch":
        shutil.rmtree(lab.home / COURSE / "ps1")
    monkeypatch.setenv(
        "LMS_EXCHANGE_URL", f"http://127.0.0.1:{closed_port}/api/exchange"
    )

    with pytest.raises(ExchangeError) as refused:
        if action == "list":
            lab.list(COURSE)
        else:
            getattr(lab, action)(COURSE, "ps1")

    reason = f"127.0.0.1:{closed_port}: Connection refused"
    assert str(refused.value) == messages.UNREACHABLE.format(reason=reason)


def test_lab_without_the_lms_address_says_so(lab, monkeypatch):
    monkeypatch.delenv("LMS_EXCHANGE_URL")

    with pytest.raises(ExchangeError) as refused:
        lab.list()

    assert str(refused.value) == messages.NOT_CONFIGURED.format(
        variable="LMS_EXCHANGE_URL"
    )


@pytest.mark.parametrize("action", ["ReleaseAssignment", "ReleaseFeedback", "Collect"])
def test_instructor_actions_point_to_the_lms_admin(lab, lms, action):
    with pytest.raises(ExchangeError) as refused:
        lab.run(action, COURSE, "ps1")

    admin = f"http://127.0.0.1:{lms.port}/admin/"
    assert str(refused.value) == messages.LMS_ONLY.format(admin_url=admin)
    assert lms.requests == []


# -- the Assignments tab's messages (lms_exchange.tab) -------------------------


def test_stock_tab_hides_the_lms_refusal_behind_nbgraders_text(lab, lms, tab_for):
    lms.refuse("list", 403, "You are not enrolled in this course.", "not_enrolled")

    listed = tab_for(AssignmentList).list_assignments(course_id=COURSE)

    assert "exchange directory does not exist" in listed["value"]


def test_tab_shows_the_lms_refusal_instead_of_the_list(lab, lms, tab_for):
    lms.refuse("list", 403, "You are not enrolled in this course.", "not_enrolled")

    listed = tab_for(LMSAssignmentList).list_assignments(course_id=COURSE)

    assert listed == {"success": False, "value": "You are not enrolled in this course."}


def test_tab_shows_why_a_submission_was_refused(lab, lms, tab_for):
    lms.release(COURSE, "ps1", PS1)
    lab.fetch(COURSE, "ps1")
    lms.refuse("submit", 409, "You have used all 3 attempts.", "no_attempts_left")

    submitted = tab_for(LMSAssignmentList).submit_assignment(COURSE, "ps1")

    assert submitted == {"success": False, "value": "You have used all 3 attempts."}


def test_tab_shows_why_a_fetch_failed_once_then_the_list(lab, lms, tab_for):
    lms.release(COURSE, "ps1", PS1)
    lab.fetch(COURSE, "ps1")
    tab = tab_for(LMSAssignmentList)

    tab.fetch_assignment(COURSE, "ps1")  # the tab then asks for the list

    refused = messages.ALREADY_FETCHED.format(root=os.path.join(COURSE, "ps1"))
    assert tab.list_assignments(course_id=COURSE) == {
        "success": False,
        "value": refused,
    }
    assert tab.list_assignments(course_id=COURSE)["success"]


class FakeServer(LoggingConfigurable):
    """What nbgrader's and our extension loaders use of a jupyter_server."""

    def __init__(self, root_dir):
        super().__init__()
        self.root_dir = root_dir
        self.web_app = SimpleNamespace(
            settings={"base_url": "/"}, add_handlers=lambda *args: None
        )


@pytest.mark.parametrize("ours_first", [True, False])
def test_extension_gives_the_tab_the_lms_manager(tmp_path, monkeypatch, ours_first):
    monkeypatch.setattr(handlers, "AssignmentList", handlers.AssignmentList)
    server = FakeServer(str(tmp_path))
    loaders = [
        tab_extension._load_jupyter_server_extension,
        handlers.load_jupyter_server_extension,
    ]

    for load in loaders if ours_first else loaders[::-1]:
        load(server)

    manager = server.web_app.settings["assignment_list_manager"]
    assert isinstance(manager, LMSAssignmentList)
    assert manager.root_dir == str(tmp_path)
    assert tab_extension._jupyter_server_extension_points() == [
        {"module": "lms_exchange.tab"}
    ]


# -- the nbgrader command in a lab's terminal ------------------------------------


@pytest.fixture
def terminal(tmp_path, lms):
    """Run ``nbgrader …`` as a learner would, with the lab's installation."""
    site = tmp_path / "site-packages"
    shutil.copytree(
        HUB_CONFIG / "lms_exchange",
        site / "lms_exchange",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    etc = tmp_path / "etc-jupyter"
    etc.mkdir()
    shutil.copy(HUB_CONFIG / "nbgrader_config.py", etc)
    home = tmp_path / "learner"
    home.mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "PYTHONPATH": str(site),
        "JUPYTER_CONFIG_DIR": str(etc),
        "LMS_EXCHANGE_URL": lms.url,
        "JUPYTERHUB_API_TOKEN": TOKEN,
        "JUPYTERHUB_USER": "learner-a",
    }

    def nbgrader(*args):
        return subprocess.run(
            [sys.executable, "-m", "nbgrader", *args],
            cwd=home,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    nbgrader.home = home
    return nbgrader


def test_nbgrader_commands_fetch_submit_and_fetch_feedback(terminal, lms):
    lms.release(COURSE, "ps1", PS1)

    listed = terminal("list")
    fetched = terminal("fetch_assignment", "ps1", "--course", COURSE)
    submitted = terminal("submit", "ps1", "--course", COURSE)
    lms.release_feedback(COURSE, "ps1", 1, "ps1", b"<html>ok</html>")
    feedback = terminal("fetch_feedback", "ps1", "--course", COURSE)
    cached = terminal("list", "--cached", "--course", COURSE)

    for run in (listed, fetched, submitted, feedback, cached):
        assert run.returncode == 0, run.stderr
    assert f"{COURSE} ps1" in listed.stderr
    assert (terminal.home / COURSE / "ps1" / "ps1.ipynb").exists()
    assert "Attempt 1 received on time." in submitted.stderr
    assert "Fetched feedback:" in feedback.stderr
    assert "(feedback already fetched)" in cached.stderr


def test_nbgrader_command_prints_the_lms_refusal(terminal, lms):
    lms.release(COURSE, "ps1", PS1)
    lms.refuse("release_zip", 403, "You are not enrolled in this course.", "x")

    run = terminal("fetch_assignment", "ps1", "--course", COURSE)

    assert run.returncode == 1
    assert "You are not enrolled in this course." in run.stderr
