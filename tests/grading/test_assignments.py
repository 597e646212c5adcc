"""Assignments: sources checked by nbgrader in the worker, then released."""

import copy
import datetime as dt
import io
import json
import uuid
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.core.errors import ServiceError
from courses.enrollment.services import enrollment_create
from courses.grading.models import Assignment, AssignmentFile, Submission
from courses.grading.services.assignments import assignment_release, assignment_save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_ui")]
SOURCE = Path(__file__).parents[1] / "jupyter" / "fixtures" / "source" / "ps1"


def sources(**replace: bytes) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in SOURCE.iterdir() if p.is_file()}
    files.update(replace)
    return files


def source_notebook() -> dict:
    return json.loads((SOURCE / "ps1.ipynb").read_bytes())


def nbgrader_cells(notebook: dict) -> list[dict]:
    return [c for c in notebook["cells"] if c["metadata"].get("nbgrader")]


def checked(cohort, capture, files, **fields) -> Assignment:
    assignment = Assignment(cohort=cohort, name="ps1", title="PS 1", **fields)
    with capture(execute=True):
        assignment_save(assignment=assignment, sources=files)
    assignment.refresh_from_db()
    return assignment


def test_valid_sources_give_a_release_and_a_preview(
    cohort_factory, django_capture_on_commit_callbacks
):
    assignment = checked(
        cohort_factory(), django_capture_on_commit_callbacks, sources()
    )

    assert assignment.state == Assignment.State.READY
    kinds = {(f.kind, f.path) for f in assignment.files.all()}
    assert ("release", "ps1.ipynb") in kinds and ("release", "numbers.txt") in kinds
    assert ("preview", "ps1.ipynb.html") in kinds
    release = assignment.files.get(kind="release", path="ps1.ipynb").file.read()
    assert b"BEGIN SOLUTION" not in release and b"BEGIN HIDDEN TESTS" not in release


def broken(kind: str) -> bytes:
    notebook = source_notebook()
    cells = nbgrader_cells(notebook)
    first, second = (c["metadata"]["nbgrader"] for c in cells[:2])
    test = next(c for c in cells if c["metadata"]["nbgrader"].get("grade"))
    solution = next(c for c in cells if c["metadata"]["nbgrader"].get("solution"))
    if kind == "duplicate grade id":
        second["grade_id"] = first["grade_id"]
    elif kind == "missing grade id":
        del first["grade_id"]
    elif kind == "grade cell without points":
        del test["metadata"]["nbgrader"]["points"]
    elif kind == "negative points":
        test["metadata"]["nbgrader"]["points"] = -1
    elif kind == "unclosed solution":
        solution["source"] = "def squares(n):\n    ### BEGIN SOLUTION\n    return []\n"
    elif kind == "nested solution":
        solution["source"] = "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION"
    elif kind == "solution outside a solution cell":
        test["source"] += "\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION"
    elif kind == "graded markdown that is no answer":
        test["cell_type"], test["metadata"]["nbgrader"]["locked"] = "markdown", False
        del test["outputs"], test["execution_count"]
    elif kind == "grade id with spaces":
        first["grade_id"] = "my cell"
    return json.dumps(notebook).encode()


# Each is refused by nbgrader's generate_assignment too (tried with nbgrader 0.9).
@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("duplicate grade id", "is also used by cell"),
        ("missing grade id", "without a grade id"),
        ("grade cell without points", "is graded but has no points"),
        ("negative points", "must be a number, 0 or more"),
        ("unclosed solution", "without a matching '### END SOLUTION'"),
        ("nested solution", "inside another solution region"),
        ("solution outside a solution cell", "is not a solution cell"),
        ("graded markdown that is no answer", "must also be a solution cell"),
        ("grade id with spaces", "may hold only letters"),
        ("unreadable json", "unreadable JSON"),
    ],
)
def test_what_nbgrader_refuses_is_refused_with_the_cell_and_reason(
    cohort_factory, django_capture_on_commit_callbacks, kind, says
):
    notebook = b"{oops" if kind == "unreadable json" else broken(kind)

    assignment = checked(
        cohort_factory(),
        django_capture_on_commit_callbacks,
        sources(**{"ps1.ipynb": notebook}),
    )

    assert assignment.state == Assignment.State.INVALID
    problems = " ".join(assignment.problem_texts())
    assert says in problems and "ps1.ipynb" in problems
    assert not assignment.files.filter(kind="release").exists()


def test_the_nbgrader_refusals_read_in_korean(
    cohort_factory, django_capture_on_commit_callbacks
):
    from django.utils import translation

    assignment = checked(
        cohort_factory(),
        django_capture_on_commit_callbacks,
        sources(**{"ps1.ipynb": broken("unclosed solution")}),
    )

    with translation.override("ko"):
        problems = " ".join(assignment.problem_texts())
    assert "### END SOLUTION" in problems and "없" in problems


def test_solution_cells_without_markers_are_replaced_whole_as_nbgrader_does(
    cohort_factory, django_capture_on_commit_callbacks
):
    notebook = source_notebook()
    cells = nbgrader_cells(notebook)
    code = next(c for c in cells if c["metadata"]["nbgrader"].get("solution"))
    code["source"] = "def squares(n):\n    return [i * i for i in range(1, n + 1)]"
    written = {
        "cell_type": "markdown",
        "id": "written",
        "metadata": {
            "nbgrader": {
                "grade": True,
                "grade_id": "explain",
                "locked": False,
                "points": 1,
                "schema_version": 3,
                "solution": True,
                "task": False,
            }
        },  # fmt: skip
        "source": "Squares grow quadratically.",
    }
    notebook["cells"].append(written)

    assignment = checked(
        cohort_factory(),
        django_capture_on_commit_callbacks,
        sources(**{"ps1.ipynb": json.dumps(notebook).encode()}),
    )

    assert assignment.state == Assignment.State.READY, assignment.problem_texts()
    release = json.loads(
        assignment.files.get(kind="release", path="ps1.ipynb").file.read()
    )
    by_id = {c["metadata"]["nbgrader"]["grade_id"]: c for c in nbgrader_cells(release)}
    assert "".join(by_id["squares"]["source"]) == (
        "# YOUR CODE HERE\nraise NotImplementedError()"
    )
    assert "".join(by_id["explain"]["source"]) == "YOUR ANSWER HERE"


def test_a_50_mb_output_in_the_sources_is_dropped_from_the_release(
    cohort_factory, django_capture_on_commit_callbacks
):
    notebook = source_notebook()
    notebook["cells"][1]["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": "z" * 50 * 2**20}
    ]

    assignment = checked(
        cohort_factory(),
        django_capture_on_commit_callbacks,
        sources(**{"ps1.ipynb": json.dumps(notebook).encode()}),
    )

    assert assignment.state == Assignment.State.READY  # nbgrader clears outputs
    release = assignment.files.get(kind="release", path="ps1.ipynb")
    assert release.size < 100_000


def test_sources_without_a_notebook_are_refused(
    cohort_factory, django_capture_on_commit_callbacks
):
    assignment = checked(
        cohort_factory(),
        django_capture_on_commit_callbacks,
        {"data.csv": b"a,b\n1,2\n"},
    )
    assert assignment.state == Assignment.State.INVALID
    assert "no notebook" in " ".join(assignment.problem_texts())


def test_only_a_ready_assignment_can_be_released(
    cohort_factory, django_capture_on_commit_callbacks
):
    bad = checked(
        cohort_factory(),
        django_capture_on_commit_callbacks,
        sources(**{"ps1.ipynb": b"{"}),
    )
    with pytest.raises(ServiceError):
        assignment_release(assignment=bad)


def test_an_assignment_past_its_due_date_is_not_released(
    cohort_factory, django_capture_on_commit_callbacks
):
    assignment = checked(
        cohort_factory(), django_capture_on_commit_callbacks, sources()
    )
    Assignment.objects.filter(pk=assignment.pk).update(
        due_at=timezone.now() - dt.timedelta(hours=1)
    )

    with pytest.raises(ServiceError) as refused:
        assignment_release(assignment=assignment)

    assert "due date has passed" in refused.value.message
    assignment.refresh_from_db()
    assert assignment.release_at is None


def test_new_sources_replace_the_old_files_and_are_checked_again(
    cohort_factory, django_capture_on_commit_callbacks
):
    assignment = checked(
        cohort_factory(), django_capture_on_commit_callbacks, sources()
    )
    old = set(assignment.files.values_list("file", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        assignment_save(
            assignment=assignment, sources=sources(**{"extra.txt": b"more"})
        )

    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.READY
    assert set(assignment.files.values_list("file", flat=True)).isdisjoint(old)
    assert assignment.files.filter(kind="release", path="extra.txt").exists()


def test_the_assignment_id_cannot_change_once_released(
    cohort_factory, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    assignment = checked(
        cohort_factory(), django_capture_on_commit_callbacks, sources()
    )
    assignment_release(assignment=assignment)
    assignment.name = "ps9"

    with pytest.raises(ValidationError):
        assignment_save(assignment=assignment)


def test_due_date_before_release_is_refused_on_the_field(cohort_factory):
    from django.core.exceptions import ValidationError

    now = timezone.now()
    assignment = Assignment(
        cohort=cohort_factory(), name="ps1", title="x", release_at=now, due_at=now
    )
    with pytest.raises(ValidationError) as refused:
        assignment.full_clean()
    assert "due_at" in refused.value.message_dict


# -- the admin ----------------------------------------------------------------


def test_an_instructor_uploads_a_zip_of_the_source_folder_in_the_admin(
    english_admin_client_for,
    instructor,
    cohort_factory,
    django_capture_on_commit_callbacks,
):
    cohort = cohort_factory(instructors=[instructor])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sources().items():
            archive.writestr(f"ps1/{name}", data)  # the folder, as zipped by hand
    buffer.seek(0)
    buffer.name = "ps1.zip"

    with django_capture_on_commit_callbacks(execute=True):
        response = english_admin_client_for(instructor).post(
            reverse("assignment:add"),
            {
                "cohort": cohort.pk,
                "name": "ps1",
                "title": "Problem set 1",
                "instructions": "",
                "late_policy": "penalty",
                "penalty_per_day": "10",
                "penalty_cap": "50",
                "max_attempts": "3",
                "weight": "1",
                "timeout_per_cell": "30",
                "source_files": buffer,
            },
        )

    assert response.status_code == 302, response.context["form"].errors
    assignment = Assignment.objects.get()
    assert assignment.state == Assignment.State.READY
    assert sorted(
        assignment.files.filter(kind="source").values_list("path", flat=True)
    ) == [
        "numbers.txt",
        "ps1.ipynb",
    ]
    inspect = english_admin_client_for(instructor).get(
        reverse("assignment:inspect", args=[assignment.pk])
    )
    assert b"Release now" in inspect.content

    english_admin_client_for(instructor).post(
        reverse("assignment_release_now", args=[assignment.pk])
    )
    assignment.refresh_from_db()
    assert assignment.is_released()


def test_preview_is_served_without_scripts(
    client_for, instructor, cohort_factory, django_capture_on_commit_callbacks
):
    assignment = checked(
        cohort_factory(instructors=[instructor]),
        django_capture_on_commit_callbacks,
        sources(),
    )
    preview = assignment.files.get(kind=AssignmentFile.Kind.PREVIEW)

    response = client_for(instructor).get(
        reverse("assignment_preview", args=[assignment.pk, preview.pk])
    )

    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert b"YOUR CODE HERE" in response.content


def test_staff_of_another_institution_see_no_assignment_or_submission(
    client_for, staff_member, cohort_factory, django_capture_on_commit_callbacks
):
    from tests.factories import InstitutionFactory

    elsewhere = cohort_factory(institution=InstitutionFactory(code="elsewhere"))
    assignment = checked(elsewhere, django_capture_on_commit_callbacks, sources())
    client = client_for(staff_member)

    assert (
        client.get(reverse("assignment:inspect", args=[assignment.pk])).status_code
        == 404
    )
    preview = assignment.files.get(kind="preview")
    url = reverse("assignment_preview", args=[assignment.pk, preview.pk])
    assert client.get(url).status_code == 404
    assert (
        assignment.title not in client.get(reverse("assignment:index")).content.decode()
    )


# -- the learner's assignment page ------------------------------------------------


@pytest.fixture
def released(cohort_factory, django_capture_on_commit_callbacks):
    assignment = checked(
        cohort_factory(), django_capture_on_commit_callbacks, sources()
    )
    return assignment_release(assignment=assignment)


def student_notebook(assignment) -> bytes:
    return assignment.files.get(kind="release", path="ps1.ipynb").file.read()


def test_a_learner_uploads_on_the_assignment_page_and_a_double_click_counts_once(
    client_for, learner, released
):
    enrollment_create(user=learner, cohort=released.cohort)
    client = client_for(learner)
    page = reverse("courses:assignment", args=[released.pk])
    key = uuid.uuid4().hex

    for _ in range(2):  # the same page, submitted twice
        upload = io.BytesIO(student_notebook(released))
        upload.name = "ps1.ipynb"
        response = client.post(page, {"files": upload, "key": key}, follow=True)

    assert Submission.objects.filter(user=learner).count() == 1
    content = response.content.decode()
    assert "Attempt 1 received" in content and "Download" in content
    download = client.get(reverse("courses:submission_download", args=[released.pk, 1]))
    assert zipfile.ZipFile(io.BytesIO(download.content)).read(
        "ps1.ipynb"
    ) == student_notebook(released)


def test_the_assignment_page_is_only_for_the_cohorts_learners(
    client_for, learner, other_learner, released
):
    enrollment_create(user=learner, cohort=released.cohort)
    page = reverse("courses:assignment", args=[released.pk])

    assert client_for(learner).get(page).status_code == 200
    assert client_for(other_learner).get(page).status_code == 404


def test_my_learning_lists_released_assignments_with_attempts(
    client_for, learner, released
):
    enrollment_create(user=learner, cohort=released.cohort)
    released.due_at = timezone.now() + dt.timedelta(days=3)
    released.save()

    page = client_for(learner).get(reverse("courses:my_learning")).content.decode()

    assert released.title in page and "0 of 3 attempts used" in page


def test_submission_notebook_tampering_warns_on_the_page(client_for, learner, released):
    enrollment_create(user=learner, cohort=released.cohort)
    notebook = json.loads(student_notebook(released))
    edited = copy.deepcopy(notebook)
    for cell in nbgrader_cells(edited):
        if cell["metadata"]["nbgrader"].get("locked"):
            cell["source"] = "# I removed the test"
            break
    upload = io.BytesIO(json.dumps(edited).encode())
    upload.name = "ps1.ipynb"

    response = client_for(learner).post(
        reverse("courses:assignment", args=[released.pk]),
        {"files": upload, "key": "k1"},
        follow=True,
    )

    assert "was edited" in response.content.decode()
