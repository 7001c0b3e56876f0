"""The HTTP session under Zenpy: base-URL override, call counting, Retry-After capture."""

import requests


class ZendeskSession(requests.Session):
    """A requests session that Zenpy (and our raw reads) send every API call through."""

    def __init__(self, canonical_base: str, api_base: str):
        super().__init__()
        # Zenpy always builds https://{subdomain}.zendesk.com/...; ZENDESK_API_URL
        # (staging proxy, fake server in tests) replaces that prefix here.
        self.canonical_base = canonical_base.rstrip("/")
        self.api_base = api_base.rstrip("/")
        self.calls: list[tuple[str, str]] = []
        self.last_retry_after: float | None = None

    def request(self, method, url, *args, **kwargs):
        """Send one request to the configured base and record it."""
        if url.startswith(self.canonical_base):
            url = self.api_base + url[len(self.canonical_base):]
        self.calls.append((method.upper(), url))
        response = super().request(method, url, *args, **kwargs)
        if response.status_code == 429:
            self.last_retry_after = retry_after_seconds(response)
        return response


def retry_after_seconds(response: requests.Response) -> float | None:
    """Parse Retry-After (seconds) from a response; None when absent or not a number."""
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None
