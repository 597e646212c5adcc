"""The public catalogue: Wagtail pages (catalogue, tracks, courses), search and
the page cache."""
