"""`escalator app package`: the zip an admin uploads as a private app, checked here as Zendesk's app validation
checks it (zendesk_apps_support's validations, which Zendesk runs on upload: the manifest's required keys,
locations and parameters, the default locale's translation, the files the locations name), and the CLI around it.

Zendesk's own validator (`zcli apps:validate`, from npm) validates on Zendesk's servers (POST /api/v2/apps/validate):
it needs a Zendesk account, so .ci/run runs it only when one is configured (ZCLI_SUBDOMAIN, ZCLI_EMAIL,
ZCLI_API_TOKEN) and says why it skipped otherwise.
"""

import io
import json
import re
import struct
import zipfile
from pathlib import Path

import pytest

from zendesk_escalator import __version__
from zendesk_escalator.cli import main
from zendesk_escalator.errors import ConfigError
from zendesk_escalator.ops.app_package import APP_FOLDER, package, service_url

URL = "https://escalator.acme.example"
SDK = "https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js"
# zendesk_apps_support: Manifest::Parameter::TYPES, Product locations (support), Validations::Translations.
PARAMETER_TYPES = {"text", "password", "checkbox", "url", "number", "multiline", "hidden", "oauth"}
SUPPORT_LOCATIONS = {
    "ticket_sidebar",
    "new_ticket_sidebar",
    "organization_sidebar",
    "user_sidebar",
    "top_bar",
    "nav_bar",
    "background",
    "ticket_editor",
    "modal",
}
LOCALE = re.compile(r"^[a-z]{2}(-\w{2,3})?$")
SECRET_WORDS = re.compile("token|key|pwd|password", re.I)  # a parameter named so must be secure


def problems(archive: dict[str, bytes]) -> list[str]:
    """What Zendesk's app validation would refuse (or warn of) in a package: empty when it takes it."""
    if "manifest.json" not in archive:
        return ["missing manifest.json at the root"]
    manifest = json.loads(archive["manifest.json"])
    found = [
        f"missing key {key}"
        for key in ("author", "defaultLocale", "location", "frameworkVersion")
        if manifest.get(key) is None
    ]
    author = manifest.get("author") or {}
    found += [f"author {field} is no string" for field in ("name", "email") if not isinstance(author.get(field), str)]
    if manifest.get("frameworkVersion") != "2.0":
        found.append("frameworkVersion must be 2.0")
    if not isinstance(manifest.get("private"), bool) or not isinstance(manifest.get("version"), str):
        found.append("private must be a boolean and version a string")
    found += _translation_problems(archive, manifest)
    found += _location_problems(archive, manifest.get("location") or {})
    found += _parameter_problems(manifest.get("parameters") or [], manifest.get("domainWhitelist"))
    return found


def _translation_problems(archive, manifest) -> list[str]:
    locale = manifest.get("defaultLocale", "")
    if not LOCALE.match(locale) or f"translations/{locale}.json" not in archive:
        return [f"no translations/{locale}.json for the default locale"]
    translation = json.loads(archive[f"translations/{locale}.json"])
    return (
        []
        if isinstance(translation.get("app"), dict) and translation["app"].get("name")
        else ["the default locale's translation has no app.name (required of a private app)"]
    )


def _location_problems(archive, location) -> list[str]:
    found = [f"unknown host {host}" for host in location if host != "support"]
    for name, options in (location.get("support") or {}).items():
        url = options.get("url") if isinstance(options, dict) else options
        if name not in SUPPORT_LOCATIONS:
            found.append(f"unknown location {name}")
        elif not (isinstance(url, str) and url.startswith("assets/") and url in archive):
            found.append(f"location {name} names {url!r}, which is no file of the package under assets/")
    return found or ([] if location else ["no location"])


def _parameter_problems(parameters, whitelist) -> list[str]:
    names = [p.get("name") for p in parameters]
    found = [f"duplicate parameter {n}" for n in set(names) if names.count(n) > 1]
    for p in parameters:
        name = p.get("name")
        if name == "name":
            found.append("a parameter may not be called name (every installation has one)")
        if p.get("type", "text") not in PARAMETER_TYPES:
            found.append(f"parameter {name}: unknown type {p.get('type')}")
        if any(not isinstance(p.get(flag, False), bool) for flag in ("required", "secure")):
            found.append(f"parameter {name}: required and secure are booleans")
        if p.get("type") == "hidden" and p.get("required"):
            found.append(f"parameter {name}: a hidden parameter cannot be required")
        if (p.get("secure") or p.get("type") == "hidden") and "default" in p:
            found.append(f"parameter {name}: a secure or hidden parameter takes no default")
        if p.get("secure") and not p.get("scopes"):
            found.append(f"parameter {name}: a secure parameter should name its scopes")
        if SECRET_WORDS.search(name or "") and p.get("type", "text") in ("text", "password") and not p.get("secure"):
            found.append(f"parameter {name}: looks like a secret and is not secure")
    if any(p.get("secure") for p in parameters) and not (
        isinstance(whitelist, list) and whitelist and all(isinstance(d, str) for d in whitelist)
    ):
        found.append("a secure setting is sent only to the hosts of domainWhitelist: it lists none")
    return found


def unzipped(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_package_is_what_zendesk_takes_as_a_private_app():
    archive = unzipped(package(URL, "admin@acme.example"))
    assert problems(archive) == []
    manifest = json.loads(archive["manifest.json"])
    assert manifest["location"] == {"support": {"ticket_sidebar": {"url": "assets/iframe.html", "flexible": True}}}
    assert manifest["domainWhitelist"] == ["escalator.acme.example"] and manifest["version"] == __version__
    assert manifest["author"]["email"] == "admin@acme.example" and manifest["private"] is True
    (token,) = [p for p in manifest["parameters"] if p["name"] == "token"]
    assert token == {"name": "token", "type": "text", "required": True, "secure": True, "scopes": ["header"]}
    assert png_size(archive["assets/logo.png"]) == (320, 320) and png_size(archive["assets/logo-small.png"]) == (
        128,
        128,
    )
    assert sorted(archive) == sorted(p.relative_to(APP_FOLDER).as_posix() for p in APP_FOLDER.rglob("*") if p.is_file())


def test_the_page_loads_the_sdk_from_zendesk_and_nothing_else_from_elsewhere():
    page = (APP_FOLDER / "assets/iframe.html").read_text()
    assert re.findall(r'<script src="([^"]+)"', page) == [SDK, "sidebar.js"]
    assert re.findall(r'href="([^"]+)"', page) == ["sidebar.css"]
    script = (APP_FOLDER / "assets/sidebar.js").read_text()
    assert "innerHTML" not in script and "{{setting.token}}" in script and "secure: true" in script


@pytest.mark.parametrize(
    "breaking, problem",
    [
        (lambda m, a: m.pop("author"), "missing key author"),
        (lambda m, a: m.update(frameworkVersion="1.0"), "frameworkVersion must be 2.0"),
        (lambda m, a: a.pop("translations/en.json"), "no translations/en.json"),
        (
            lambda m, a: m["location"]["support"].update(ticket_sidebar={"url": "assets/none.html"}),
            "no file of the package",
        ),
        (lambda m, a: m["location"]["support"].update(ticket_side_bar="assets/iframe.html"), "unknown location"),
        (lambda m, a: m["parameters"][1].pop("secure"), "looks like a secret"),
        (lambda m, a: m["parameters"][1].update(scopes=[]), "should name its scopes"),
        (lambda m, a: m["parameters"].append({"name": "name"}), "may not be called name"),
        (lambda m, a: m["parameters"][2].update(required=True), "hidden parameter cannot be required"),
        (lambda m, a: m.update(domainWhitelist=[]), "domainWhitelist"),
    ],
)
def test_the_check_finds_what_zendesk_would_refuse(breaking, problem):
    archive = unzipped(package(URL, "admin@acme.example"))
    manifest = json.loads(archive["manifest.json"])
    breaking(manifest, archive)
    archive["manifest.json"] = json.dumps(manifest).encode()
    assert any(problem in found for found in problems(archive)), problems(archive)


def test_the_same_input_makes_the_same_zip_and_another_address_another():
    first = package(URL, "admin@acme.example")
    assert package(URL + "/", "admin@acme.example") == first
    assert package("https://other.acme.example", "admin@acme.example") != first


@pytest.mark.parametrize(
    "url",
    [
        "http://escalator.acme.example",
        "https://escalator.acme.example/webhooks/zendesk",
        "https://",
        "escalator.acme.example",
        "https://user:pw@escalator.acme.example",
        "https://escalator.acme.example?x=1",
    ],
)
def test_only_the_services_https_address_is_taken(url):
    with pytest.raises(ConfigError) as refused:
        service_url(url)
    assert refused.value.key == "--url"


def test_the_command_writes_the_zip(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZENDESK_EMAIL", "bot@acme.example")
    assert main(["app", "package", "--url", URL]) == 0
    written = Path(tmp_path / "zendesk-escalator-app.zip").read_bytes()
    assert written == package(URL, "bot@acme.example")
    said = capsys.readouterr().out
    assert "escalator app install --url https://escalator.acme.example" in said and "Upload private app" in said
    monkeypatch.delenv("ZENDESK_EMAIL")
    assert main(["app", "package", "--url", URL, "--out", str(tmp_path / "x.zip")]) == 2
    assert "--email" in capsys.readouterr().err
