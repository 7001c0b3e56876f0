"""Zendesk's Apps API for FakeZendesk (its `endpoints=` hook): what `escalator app install` and `check` use.

Shapes from developer.zendesk.com/api-reference/ticketing/apps/apps/: an upload (multipart `uploaded_data`)
answers {"id"}; Create App and Update App answer {"job_id"} and queue a build; Get job status answers "queued"
(for `queued_polls` polls), then "completed" with the app's id, or "failed" with a message ("Cannot unzip the
package", as the page shows, or a manifest problem); Install App answers the installation (201), refusing
settings without a required parameter (422); the lists are {"apps": …} and {"installations": …}. Writes need an
admin (403). A secure setting is kept apart and never listed back (UNCONFIRMED: the page's examples show none).
"""

import copy
import io
import itertools
import json
import re
import zipfile

from support.fake_shapes import invalid, not_found, stamps
from support.fake_zendesk import FORBIDDEN, INTEGRATION_USER


class FakeApps:
    """Uploads, builds, apps and installations of one account."""

    def __init__(self, queued_polls: int = 1):
        self.queued_polls = queued_polls
        self.uploads: dict[int, bytes] = {}
        self.apps: dict[int, dict] = {}
        self.installations: dict[int, dict] = {}
        self.secure: dict[int, dict] = {}  # installation id -> its secure settings, as Zendesk keeps them
        self.jobs: dict[str, dict] = {}
        self.built: list[dict] = []  # the manifest of each build, in order
        self._ids = itertools.count(8000000001)
        self.routes = [
            (
                "GET",
                r"/api/v2/apps/owned\.json",
                lambda q, b: (
                    200,
                    {
                        "apps": copy.deepcopy(list(self.apps.values())),
                        "next_page": None,
                        "previous_page": None,
                        "count": len(self.apps),
                    },
                ),
            ),
            ("POST", r"/api/v2/apps/uploads\.json", self._upload),
            ("POST", r"/api/v2/apps\.json", lambda q, b: self._queue(None, b)),
            ("PUT", r"/api/v2/apps/(\d+)\.json", lambda q, b, app_id: self._queue(int(app_id), b)),
            ("GET", r"/api/v2/apps/job_statuses/(\w+)\.json", self._job),
            (
                "GET",
                r"/api/v2/apps/installations\.json",
                lambda q, b: (200, {"installations": [copy.deepcopy(i) for i in self.installations.values()]}),
            ),
            ("POST", r"/api/v2/apps/installations\.json", self._install),
            ("PUT", r"/api/v2/apps/installations/(\d+)\.json", self._update_installation),
        ]

    def answer(self, fake, method: str, path: str, query: dict, body):
        """Answer the Apps API; None for any other request."""
        for verb, pattern, handler in self.routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                if method != "GET" and fake.users[INTEGRATION_USER].get("role") != "admin":
                    return 403, copy.deepcopy(FORBIDDEN)
                return handler(query, body, *match.groups())
        return None

    def _upload(self, query, body):
        part = (body or {}).get("uploaded_data")
        if not part:
            return 400, {"error": "InvalidValue", "description": "uploaded_data is required"}
        upload_id = next(self._ids)
        self.uploads[upload_id] = part["data"]
        return 200, {"id": upload_id}

    def _queue(self, app_id, body):
        if app_id is not None and app_id not in self.apps:
            return not_found()
        upload = self.uploads.get(int(body.get("upload_id") or 0))
        if upload is None:
            return invalid("upload_id", "Upload: not found")
        job_id = f"job{next(self._ids)}"
        self.jobs[job_id] = {"app_id": app_id, "name": body.get("name"), "upload": upload, "polls": 0}
        return 200, {"job_id": job_id}

    def _job(self, query, body, job_id):
        job = self.jobs.get(job_id)
        if job is None:
            return not_found()
        job["polls"] += 1
        url = f"https://acme.zendesk.com/api/v2/apps/job_statuses/{job_id}.json"
        if job["polls"] <= self.queued_polls:
            return 200, {
                "id": job_id,
                "url": url,
                "status": "queued",
                "message": None,
                "progress": 0,
                "total": 1,
                "retry_in": 1,
            }
        if "status" not in job:
            job.update(self._build(job))
        return 200, {"id": job_id, "url": url, "progress": 1, "total": 1, "retry_in": 3, **job["status"]}

    def _build(self, job) -> dict:
        try:
            with zipfile.ZipFile(io.BytesIO(job["upload"])) as archive:
                manifest = json.loads(archive.read("manifest.json"))
        except (zipfile.BadZipFile, KeyError, ValueError):
            return {"status": {"status": "failed", "message": "Cannot unzip the package"}}
        self.built.append(manifest)
        app_id = job["app_id"] or next(self._ids)
        app = self.apps.setdefault(
            app_id,
            {
                "id": app_id,
                "name": job["name"],
                "visibility": "private",
                "framework_version": manifest["frameworkVersion"],
                **stamps(),
            },
        )
        app.update(
            version=manifest.get("version"),
            parameters=[
                {
                    "name": p["name"],
                    "kind": p.get("type", "text"),
                    "required": p.get("required", False),
                    "secure": p.get("secure", False),
                }
                for p in manifest.get("parameters", [])
            ],
        )
        return {
            "status": {
                "status": "completed",
                "message": "Completed",
                "app_id": app_id,
                "app_url": f"https://acme.zendesk.com/api/v2/apps/{app_id}.json",
            }
        }

    def _install(self, query, body):
        app = self.apps.get(int(body["app_id"]))
        if app is None:
            return invalid("app_id", "App: not found")
        missing = [p["name"] for p in app["parameters"] if p["required"] and not body["settings"].get(p["name"])]
        if missing:
            return invalid("settings", f"Settings: {', '.join(missing)} is required")
        installation = {
            "id": next(self._ids),
            "app_id": app["id"],
            "enabled": body.get("enabled", True),
            "product": "support",
            "settings": {},
            **stamps(),
        }
        self.installations[installation["id"]] = installation
        self._keep(installation, app, body["settings"])
        return 201, copy.deepcopy(installation)

    def _update_installation(self, query, body, installation_id):
        installation = self.installations.get(int(installation_id))
        if installation is None:
            return not_found()
        self._keep(installation, self.apps[installation["app_id"]], body.get("settings") or {})
        installation["updated_at"] = stamps()["updated_at"]
        return 200, copy.deepcopy(installation)

    def _keep(self, installation: dict, app: dict, settings: dict) -> None:
        secure = {p["name"] for p in app["parameters"] if p["secure"]}
        installation["settings"].update({k: v for k, v in settings.items() if k not in secure})
        self.secure.setdefault(installation["id"], {}).update({k: v for k, v in settings.items() if k in secure})
