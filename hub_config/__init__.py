"""Runs in the hub and the lab servers; never imports Django."""
