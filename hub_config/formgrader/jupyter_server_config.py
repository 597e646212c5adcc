# The cohort's formgrader server (the hub starts it for its grader account with
# JUPYTER_CONFIG_PATH pointing here; installed as <lab environment>/etc/jupyter/
# lms-formgrader/). Grading by hand only: see lms_exchange/formgrader.py.
c = get_config()  # noqa: F821

c.ServerApp.terminals_enabled = False
c.ServerApp.contents_manager_class = "lms_exchange.formgrader.ReadOnlyContentsManager"
# No kernel may start: none is allowed (learners' code runs in the LMS sandbox).
c.KernelSpecManager.allowed_kernelspecs = {"lms-formgrader-runs-no-kernels"}
