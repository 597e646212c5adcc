# The cohort's formgrader server (the hub starts it for its grader account with
# JUPYTER_CONFIG_PATH pointing here; installed as <lab environment>/etc/jupyter/
# lms-formgrader/). Grading by hand only: see lms_exchange/formgrader.py.
# The spawner also passes the three ServerApp settings on the command line
# (hub_config/lms_hub.py), so they hold even while this directory is replaced.
c = get_config()  # noqa: F821

c.ServerApp.terminals_enabled = False
c.ServerApp.contents_manager_class = "lms_exchange.formgrader.ReadOnlyContentsManager"
# No kernel may start (learners' code runs in the LMS sandbox): the manager
# refuses every start; the allow-list only empties the launcher's list.
c.ServerApp.kernel_manager_class = "lms_exchange.formgrader.NoKernelManager"
c.KernelSpecManager.allowed_kernelspecs = {"lms-formgrader-runs-no-kernels"}
