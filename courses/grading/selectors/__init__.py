"""The grading slice's reads."""
