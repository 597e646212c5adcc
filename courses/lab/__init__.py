"""Each learner's JupyterHub lab: access, groups, servers and lab activity."""
