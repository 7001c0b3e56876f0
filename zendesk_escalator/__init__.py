"""Automatic, visible support-case escalation for Zendesk."""

__version__ = "0.1.0"
