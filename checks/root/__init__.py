"""Rules about the account root user."""
