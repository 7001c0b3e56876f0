"""Zendesk's side of the sidebar app, for browser tests: it serves the app's pages (the ZAF SDK from Zendesk's CDN
replaced by tests/support/zaf_stub.js), the installation's non-secure settings, and a proxy that, like Zendesk's, adds
the secure setting to a `secure` request on the server and only for the hosts of the manifest's domainWhitelist.
"""

import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import requests
from flask import Flask, jsonify, request, send_from_directory
from werkzeug.serving import make_server

from zendesk_escalator.ops.app_package import APP_FOLDER

SDK = "https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js"
STUB = Path(__file__).with_name("zaf_stub.js")
SECURE = re.compile(r"\{\{setting\.(\w+)\}\}")


def serve(app) -> tuple[str, callable]:
    """Serve a WSGI app on a free loopback port in a thread; its base URL and a function that stops it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown


def zendesk_host(installations: dict[str, dict]) -> Flask:
    """The host: `installations` maps a name (?installation=…) to its settings, the secure token among them."""
    host, proxied = Flask(__name__), []
    host.extensions["proxied"] = proxied  # what the proxy sent on, for assertions

    def installation() -> dict:
        return installations[request.args.get("installation", "default")]

    @host.get("/gallery")
    def gallery():
        frames = "".join(
            f'<iframe title="{title}" src="/app/assets/iframe.html?{query}"></iframe>'
            for title, query in request.args.items(multi=True)
        )
        return (
            f"<!doctype html><title>Sidebar app</title><link rel=icon href='data:,'>"
            f"<style>body{{margin:0;background:#f8f9f9;display:flex;"
            f"gap:12px;padding:12px}} iframe{{width:300px;height:900px;border:1px solid #d8dcde;"
            f"background:#fff}}</style>{frames}"
        )

    @host.get("/app/assets/<path:name>")
    def asset(name):
        if name == "iframe.html":
            page = (APP_FOLDER / "assets/iframe.html").read_text()
            assert SDK in page, "the app no longer loads the ZAF SDK from Zendesk's CDN"
            return page.replace(SDK, "/zaf_stub.js")
        return send_from_directory(APP_FOLDER / "assets", name)

    @host.get("/zaf_stub.js")
    def stub():
        return STUB.read_text(), 200, {"Content-Type": "text/javascript"}

    @host.get("/settings")
    def settings():
        # What client.metadata() gives the app: the secure token never reaches the browser (nor the manifest's list).
        return jsonify({k: v for k, v in installation().items() if k not in ("token", "domain_whitelist")})

    @host.post("/proxy")
    def proxy():
        options, settings = request.get_json(), installation()
        if urlsplit(options["url"]).hostname not in settings["domain_whitelist"]:
            return jsonify(status=403, body="Proxy error: the host is not in domainWhitelist")
        headers = {
            name: SECURE.sub(lambda m: settings[m.group(1)] if options.get("secure") else m.group(0), value)
            for name, value in (options.get("headers") or {}).items()
        }
        answer = requests.request(options.get("type", "GET"), options["url"], headers=headers, timeout=10)
        proxied.append((options["url"], headers))
        return jsonify(status=answer.status_code, body=answer.text)

    return host
