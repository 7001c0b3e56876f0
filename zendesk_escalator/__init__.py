"""Automatic, visible support-case escalation for Zendesk."""

# The release, read by pyproject.toml (packaging) and `escalator --version`; raise it with each release.
__version__ = "0.2.0"
