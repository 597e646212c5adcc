"""The learners of bench/deadline.py, in a process of their own.

``python bench/deadline_client.py <plan.json> <results.json>``. One thread a
learner: at its moment of the window it submits its folder (the notebook and
the assignment's data file, zipped) with the lab's own exchange client
(hub_config/lms_exchange: its timeout, its retries with one Idempotency-Key),
then reloads its assignment page, signed in, every ``poll_s`` seconds until the
attempt's result shows there (a score, "waiting for grading by hand" or
"grading delayed"). A learner whose notebook is malformed is refused, fixes it
and submits again ``fix_s`` seconds later. A submission that fails altogether
(the LMS unreachable past the client's retries) is sent again after a pause,
as a learner would, up to three times.

The plan (written by bench/deadline.py): ``base``, ``course``, ``assignment``,
``poll_s``, ``fix_s``, ``watch_s`` (how long from the window's start learners
keep watching for their result) and
``learners``: each ``name``, ``token`` (a hub API token, as the lab holds),
``cookie`` (a signed-in session), ``page`` (the assignment's URL path),
``kind``, ``at`` (seconds into the window), ``files`` (archive name -> local
path) and ``broken`` (the malformed notebook's path, or null). The results: one
object a learner, times in epoch seconds; beside them, ``start_at``: when the
window opened.
"""

import io
import json
import logging
import re
import sys
import threading
import time
import zipfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# nbgrader's ExchangeError, as the lab's client raises it.
from hub_config.lms_exchange.client import (  # noqa: E402
    ExchangeError,
    LMSClient,
    api_path,
)

FINAL = {"graded", "manual", "failed"}
SUBMIT_TRIES = 3
# One attempt's row of "Your attempts": number, date, status cell, score cell.
ROW = re.compile(
    r'<tr>\s*<td>(\d+)</td>\s*<td>.*?</td>\s*<td class="status-(\w+)">.*?</td>'
    r"\s*<td>(.*?)</td>",
    re.S,
)
SCORE = re.compile(r"<strong>([\d.]+)</strong>")
log = logging.getLogger("deadline-client")


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()))


def _submit(client: LMSClient, path: str, archive: bytes, out: dict) -> dict | None:
    """The accepted attempt's answer, or None once every try failed."""
    for _ in range(SUBMIT_TRIES):
        try:
            return client.post_archive(path, archive)[1]
        except ExchangeError as error:
            out["submit_errors"].append(str(error)[:300])
            time.sleep(5)
    return None


def _result_shown(html: str, attempt: int) -> tuple[str, float | None] | None:
    """(status, score) of the attempt once its result shows; None before."""
    for number, status, score_cell in ROW.findall(html):
        if int(number) == attempt and status in FINAL:
            score = SCORE.search(score_cell)
            return status, float(score.group(1)) if score else None
    return None


def _watch(plan: dict, who: dict, attempt: int, out: dict) -> None:
    """Reload the learner's page until the attempt's result is on it."""
    session = requests.Session()
    session.headers["Cookie"] = who["cookie"]
    url = plan["base"] + who["page"]
    while time.time() < plan["give_up_at"]:
        try:
            response = session.get(url, timeout=30, allow_redirects=False)
            if response.status_code == 200:
                shown = _result_shown(response.text, attempt)
                if shown:
                    out["visible"] = time.time()
                    out["status"], out["score"] = shown
                    return
            else:
                out["page_errors"] += 1
                out["page_error"] = (
                    f"{response.status_code} {response.headers.get('Location', '')}"
                )
        except requests.RequestException as error:
            out["page_errors"] += 1
            out["page_error"] = type(error).__name__
        time.sleep(plan["poll_s"])


def learner(plan: dict, who: dict) -> dict:
    out = {"name": who["name"], "kind": who["kind"], "submit_errors": []}
    out["page_errors"] = 0
    client = LMSClient(
        base_url=plan["base"] + "/api/exchange",
        token=who["token"],
        timeout=30.0,  # the lab's defaults (LMSExchange)
        retries=3,
        retry_delay=1.0,
        log=log,
    )
    path = api_path("courses", plan["course"], "assignments", plan["assignment"],
                    "submissions")  # fmt: skip
    files = {name: Path(p).read_bytes() for name, p in who["files"].items()}
    _sleep_until(plan["start_at"] + who["at"])
    if who["broken"]:
        broken = {
            **files,
            f"{plan['assignment']}.ipynb": Path(who["broken"]).read_bytes(),
        }
        try:
            client.post_archive(path, zipped(broken))
            out["broken_accepted"] = True
        except ExchangeError as error:
            out["refused"] = str(error)[:300]
        time.sleep(plan["fix_s"])
    out["started"] = time.time()
    answer = _submit(client, path, zipped(files), out)
    if answer is None:
        return out
    out["accepted"], out["attempt"] = time.time(), answer["attempt"]
    _watch(plan, who, answer["attempt"], out)
    return out


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    plan = json.loads(Path(sys.argv[1]).read_text())
    # The window opens once this process is ready (its imports are slow).
    plan["start_at"] = time.time() + 1
    plan["give_up_at"] = plan["start_at"] + plan["watch_s"]
    Path(sys.argv[2]).with_name("start_at").write_text(repr(plan["start_at"]))
    results: list[dict] = []

    def run(who: dict) -> None:
        try:
            results.append(learner(plan, who))
        except Exception as error:  # noqa: BLE001 - reported, not fatal
            results.append({"name": who["name"], "kind": who["kind"],
                            "crashed": repr(error)})  # fmt: skip

    threads = [
        threading.Thread(target=run, args=(who,), daemon=True)
        for who in plan["learners"]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    Path(sys.argv[2]).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
