"""Bundled, offline demo scenario (filled in by scenario.py)."""
