"""Ingest: read CloudTrail log files, keep the IAM-family records, store them."""
