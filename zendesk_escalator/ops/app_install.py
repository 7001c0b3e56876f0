"""`escalator app install`: the sidebar app uploaded, built and installed through Zendesk's Apps API, its settings
(the service's address and ESCALATOR_APP_TOKEN) filled in; idempotent; `--dry-run` says what it would do.

What an installation holds is told by two hidden settings: a fingerprint of the package (the zip is the same
bytes for the same release and address) and one of the token, since Zendesk never shows a secure setting back.
A run that finds both, and the address, as they should be changes nothing. A fingerprint is the first 16 hex
digits of a SHA-256: it tells tokens apart, and says nothing of a token of 32 random characters.
"""

import hashlib
import time
from pathlib import Path
from typing import Any, Callable

from ..errors import ConfigError, EscalatorError
from ..settings import Settings
from ..zendesk.apps import ZendeskApps
from ..zendesk.client import build_admin
from .app_package import APP_NAME, package, run_package, service_url

TITLE = "Escalation"  # the installation's name: what agents see above the app
DESCRIPTION = "The ticket's escalation as zendesk-escalator keeps it"
JOB_POLLS = 60  # a build takes seconds; after this many polls the run stops and says so
SHOWN = ("service_url", "token_fingerprint", "package_fingerprint")  # the settings a run compares


def fingerprint(data: bytes) -> str:
    """What tells two packages or two tokens apart, without showing them."""
    return hashlib.sha256(data).hexdigest()[:16]


def run_app_install(
    apps: ZendeskApps,
    url: str,
    token: str | None,
    author_email: str | None,
    dry_run: bool,
    sleep: Callable[[float], None] | None = None,
) -> int:
    """Build and install the app, or update what differs; print each step (or, in a dry run, the plan)."""
    base, sleep = service_url(url), sleep or time.sleep
    if not token:
        raise ConfigError(
            "ESCALATOR_APP_TOKEN",
            "not set: the app needs the service's token (at least 32 random "
            "characters); set it where the service runs and here, then run again",
        )
    zipped = package(base, author_email)
    wanted = {
        "service_url": base,
        "token": token,
        "token_fingerprint": fingerprint(token.encode()),
        "package_fingerprint": fingerprint(zipped),
    }
    print(f"{APP_NAME} sidebar app for {base}" + (" — DRY RUN: nothing will be changed" if dry_run else ""))
    app = next((found for found in apps.owned_apps() if found.get("name") == APP_NAME), None)
    installed = next((found for found in apps.installations() if app and found.get("app_id") == app["id"]), None)
    kept = (installed or {}).get("settings") or {}
    differs = [name for name in SHOWN if kept.get(name) != wanted[name]]
    app_id = _build(apps, app, zipped, "package_fingerprint" in differs, dry_run, sleep)
    if installed is None:
        # Not a dry run: _build answered Zendesk's id of the app (an int), not the dry run's placeholder.
        made = {"id": "<new>"} if dry_run else apps.install(app_id, {"name": TITLE, **wanted})  # type: ignore[arg-type]
        _say("create" if dry_run else "created", "installation", TITLE, made.get("id"))
    elif differs:
        if not dry_run:
            apps.update_installation(installed["id"], {"name": kept.get("name") or TITLE, **wanted})
        _say(
            "update" if dry_run else "updated",
            "installation",
            kept.get("name") or TITLE,
            installed["id"],
            ", ".join(name.removesuffix("_fingerprint") for name in differs) + " changed",
        )
    else:
        _say("unchanged", "installation", kept.get("name") or TITLE, installed["id"])
    print(
        f"Settings: service_url = {base}; token = ESCALATOR_APP_TOKEN, a secure setting: Zendesk adds it to the "
        f"app's requests on its own servers, and agents' browsers never see it."
    )
    writes = sum(n for (method, _, _), n in apps.session.calls.items() if method != "GET")
    print(f"Zendesk API calls: {apps.session.total} ({apps.session.total - writes} reads, {writes} writes)")
    return 0


def _build(
    apps: ZendeskApps,
    app: dict[str, Any] | None,
    zipped: bytes,
    changed: bool,
    dry_run: bool,
    sleep: Callable[[float], None],
) -> int | str:
    """The app's id, after uploading and building the package when the app is new or its package changed."""
    if app is not None and not changed:
        _say("unchanged", "app", APP_NAME, app["id"])
        app_id: int = app["id"]
        return app_id
    verb = ("create" if app is None else "update") if dry_run else ("created" if app is None else "updated")
    if dry_run:
        _say(verb, "app", APP_NAME, app["id"] if app else None, "a new package" if app else "")
        return app["id"] if app else "<new app id>"
    upload_id = apps.upload_package(zipped, f"{APP_NAME}.zip")
    job = apps.create_app(APP_NAME, DESCRIPTION, upload_id) if app is None else apps.update_app(app["id"], upload_id)
    app_id = _wait(apps, job, sleep)
    _say(verb, "app", APP_NAME, app_id, "a new package" if app else "")
    return app_id


def _wait(apps: ZendeskApps, job_id: str, sleep: Callable[[float], None]) -> int:
    """Poll the build until Zendesk says it completed (the app's id) or failed (its message)."""
    for _ in range(JOB_POLLS):
        status = apps.job_status(job_id)
        if status.get("status") == "completed":
            built: int = status["app_id"]
            return built
        if status.get("status") in ("failed", "killed"):
            raise EscalatorError(f"Zendesk could not build the app: {status.get('message') or status['status']}")
        sleep(min(float(status.get("retry_in") or 1), 5.0))
    raise EscalatorError(f"Zendesk is still building the app (job {job_id}): run `escalator app install` again later")


def _say(verb: str, kind: str, name: str, object_id: object, why: str = "") -> None:
    shown = f" [{object_id}]" if object_id not in (None, "<new>") else ""
    print(f"  {verb:<10} {kind:<12} {name + shown:<40}{f' ({why})' if why else ''}".rstrip())


def run_app_command(settings: Settings, action: str, url: str, out: str, email: str | None, dry_run: bool) -> int:
    """`escalator app package` (the zip an admin uploads) or `install` (through Zendesk's Apps API)."""
    email = email or settings.email
    if action == "package":
        return run_package(url, email, Path(out))
    apps = ZendeskApps(build_admin(settings).session, settings.api_timeout)
    return run_app_install(apps, url, settings.app_token, email, dry_run)
