"""Completion rules, completions, track completions and certificates."""
