"""Built-in checks: one folder per check, and the shared tables in ``checks.data``."""
