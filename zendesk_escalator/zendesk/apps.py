"""Zendesk's Apps API as raw JSON: a private app's package uploaded and built, its installation and its settings.

developer.zendesk.com/api-reference/ticketing/apps/apps/: Upload App Package (multipart, `uploaded_data`) gives
an upload id; Create App and Update App queue a build of it and give a job id; Get job status says when the
build is "completed" (with the app's id) or "failed" (with a message); Install App and Update App Installation
take the installation's `settings` as a flat object.
"""

from typing import Any, cast

from .admin import ZendeskAdmin


class ZendeskApps(ZendeskAdmin):
    """The Apps API calls `escalator app install` and `check` make; each is one request, counted by the session."""

    def owned_apps(self) -> list[dict[str, Any]]:
        """GET /api/v2/apps/owned.json: the account's own (private) apps."""
        return self._call("GET", "/api/v2/apps/owned.json").get("apps") or []

    def upload_package(self, package: bytes, filename: str) -> int:
        """POST /api/v2/apps/uploads.json with the zip as `uploaded_data`; the upload's id."""
        files = {"uploaded_data": (filename, package, "application/zip")}
        return cast(int, self._call("POST", "/api/v2/apps/uploads.json", files=files)["id"])

    def create_app(self, name: str, short_description: str, upload_id: int) -> str:
        """POST /api/v2/apps.json: queue the build of a new app from an upload; the job's id."""
        body = {"name": name, "short_description": short_description, "upload_id": upload_id}
        return cast(str, self._call("POST", "/api/v2/apps.json", body)["job_id"])

    def update_app(self, app_id: int, upload_id: int) -> str:
        """PUT /api/v2/apps/{id}.json: queue the build of an app from a new upload; the job's id."""
        return cast(str, self._call("PUT", f"/api/v2/apps/{app_id}.json", {"upload_id": upload_id})["job_id"])

    def job_status(self, job_id: str) -> dict[str, Any]:
        """GET /api/v2/apps/job_statuses/{id}.json: status queued, working, completed, failed or killed."""
        return self._call("GET", f"/api/v2/apps/job_statuses/{job_id}.json")

    def installations(self) -> list[dict[str, Any]]:
        """GET /api/v2/apps/installations.json: every installation, with its app_id and (non-secure) settings."""
        return self._call("GET", "/api/v2/apps/installations.json").get("installations") or []

    def install(self, app_id: int, settings: dict[str, Any]) -> dict[str, Any]:
        """POST /api/v2/apps/installations.json: install the app, enabled, with these settings."""
        return self._call("POST", "/api/v2/apps/installations.json", {"app_id": app_id, "settings": settings})

    def update_installation(self, installation_id: int, settings: dict[str, Any]) -> dict[str, Any]:
        """PUT /api/v2/apps/installations/{id}.json: these settings change, the others stay (UNCONFIRMED: the page's
        example sends only some)."""
        return self._call("PUT", f"/api/v2/apps/installations/{installation_id}.json", {"settings": settings})
