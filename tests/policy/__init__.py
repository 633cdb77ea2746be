"""Tests of the policy library (auditor.policy) and its shipped tables."""
