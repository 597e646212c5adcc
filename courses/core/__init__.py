"""The shared ground: institutions, roles, permissions, HTTP, CSV and audit helpers."""
