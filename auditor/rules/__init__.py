"""The rule format: metadata, the declarative matcher, Python checks, discovery and cases."""
