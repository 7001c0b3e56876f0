"""Posting to chat: Slack (slack_sdk) and Microsoft Teams (a Workflows webhook), the secrets from the environment."""
