"""Shared data tables used by the policy library and the checks (see SOURCES.md)."""
