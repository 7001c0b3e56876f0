"""`escalator app package`: the sidebar app's zip, as an admin uploads it as a private app (or `app install` does).

The folder zendesk_escalator/sidebar_app is the app. Packaging fills in what belongs to one installation: the
service's host in `domainWhitelist` (Zendesk adds a secure setting only to requests for the hosts listed there),
the author's address, and the version (the service's own). The zip holds the same bytes for the same input, so
a package can be compared with the one installed.
"""

import io
import json
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .. import __version__
from ..errors import ConfigError

APP_FOLDER = Path(__file__).resolve().parent.parent / "sidebar_app"
APP_NAME = "zendesk-escalator"  # the manifest's name, and the name `app install` finds the app by
LARGEST_ZIP = 2 * 1024 * 1024  # Zendesk's limit for a private app's zip
FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # every entry's date: the same files make the same zip
UPLOAD_PAGE = "Admin Center > Apps and integrations > Apps > Zendesk Support apps > Upload private app"


def service_url(url: str) -> str:
    """The service's base address as the app calls it: https, a host, nothing after it."""
    parts = urlsplit(url.strip())
    if (
        parts.scheme != "https"
        or not parts.hostname
        or parts.path.strip("/")
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise ConfigError(
            "--url",
            f"expected the service's https address, such as https://escalator.example.com "
            f"(the app reads /app/tickets/<id> there), not {url!r}",
        )
    return f"https://{parts.netloc.lower()}"


def manifest(url: str, author_email: str | None) -> dict[str, Any]:
    """The app's manifest for a service at `url`."""
    if not author_email or "@" not in author_email:
        raise ConfigError(
            "--email",
            "the app's author address is needed (agents write there about the app): give --email or set ZENDESK_EMAIL",
        )
    found: dict[str, Any] = json.loads((APP_FOLDER / "manifest.json").read_text(encoding="utf-8"))
    found["author"] = {**found["author"], "email": author_email}
    found["version"] = __version__
    found["domainWhitelist"] = [urlsplit(service_url(url)).hostname]
    return found


def package(url: str, author_email: str | None) -> bytes:
    """The zip: the app's files, its manifest filled in for `url`."""
    files = {
        path.relative_to(APP_FOLDER).as_posix(): path.read_bytes()
        for path in sorted(APP_FOLDER.rglob("*"))
        if path.is_file()
    }
    files["manifest.json"] = (json.dumps(manifest(url, author_email), indent=2) + "\n").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            entry = zipfile.ZipInfo(name, FIXED_TIME)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(entry, files[name])
    data = out.getvalue()
    if len(data) > LARGEST_ZIP:  # only an edited folder gets here
        raise ConfigError("app package", f"the zip is {len(data)} bytes; Zendesk takes at most {LARGEST_ZIP}")
    return data


def run_package(url: str, author_email: str | None, out: Path) -> int:
    """Write the zip to `out` and say what to do with it."""
    data = package(url, author_email)
    out.write_bytes(data)
    print(
        f"Wrote {out} ({len(data) // 1024 + 1} KB): the sidebar app {APP_NAME} {__version__} for "
        f"{service_url(url)}.\nInstall it with `escalator app install --url {service_url(url)}`, which also fills "
        f"in its settings; or upload it in {UPLOAD_PAGE} and give it the service address and ESCALATOR_APP_TOKEN."
    )
    return 0
