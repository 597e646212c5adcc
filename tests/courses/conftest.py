from tests.grading import (  # noqa: F401 - fixtures
    answer,
    assignment,
    backend,
    cohort_enrol,
    grading_on,
    sandbox,
    submit,
    worker,
)
