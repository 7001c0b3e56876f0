"""The marshmallow schemas: webhook payloads and the policy file (one module per section), loaded into core types."""
