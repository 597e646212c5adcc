"""Benchmarks that print ratios; run each as ``.venv/bin/python bench/<name>.py``."""
