"""Zendesk's API: the client, the wire format of its writes, the reader, the admin and Apps APIs, stand-ins."""
