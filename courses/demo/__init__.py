"""The demo data that `make run` seeds."""
