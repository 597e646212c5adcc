"""Notebook assignments: release, exchange, submissions, autograding, feedback,
formgrader, extensions and hand grading."""
