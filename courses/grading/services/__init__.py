"""The grading slice's writes: one module per step of an attempt's life."""
