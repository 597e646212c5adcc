"""The completion slice's writes: evaluation, track completions, certificates."""
