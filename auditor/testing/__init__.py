"""Helpers for tests and benchmarks: synthetic CloudTrail corpora in the S3 layout."""
