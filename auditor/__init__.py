"""trailaudit: a policy-as-code auditor for AWS IAM built on CloudTrail replay."""

__version__ = "0.1.0"
