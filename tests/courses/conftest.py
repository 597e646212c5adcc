from tests.grading import (  # noqa: F401 - fixtures
    answer,
    assignment,
    backend,
    cohort_enrol,
    formgrader_accounts,
    grading_on,
    manual_assignment,
    sandbox,
    submit,
    worker,
)
