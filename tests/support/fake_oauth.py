"""Zendesk's OAuth side for FakeZendesk (its `endpoints=` hook): OAuth clients (what `setup` creates), the
authorization page, the token exchange, and users/me.json per access token (through the fake's `bearers`).

The authorization page stands for a person at a browser: `person` is who is signed in to Zendesk there, and
`allows` whether they click Allow. It checks what Zendesk checks: a known client, a registered redirect_uri,
response_type=code, an S256 challenge; the token exchange checks the client's secret, the code (once, within
120 s), the redirect_uri and the PKCE verifier. Users and organizations are served by show_many here too (the
dashboard's names).
"""

import base64
import copy
import hashlib
import itertools
import re
import secrets
from urllib.parse import urlencode

from support.fake_shapes import offset, page

CODE_SECONDS = 120


class OAuthClients:
    """The OAuth clients API (a part of FakeAdmin too: `setup` creates the dashboard's client)."""

    def oauth_client_routes(self, clients=()) -> list:
        """The routes, holding these clients; the token endpoint too (`check` tries the client's secret)."""
        self.clients = {c["id"]: copy.deepcopy(c) for c in clients}
        self._client_ids = itertools.count(7000000900)
        self.codes: dict[str, dict] = {}  # code -> the grant it stands for
        self.tokens: list[dict] = []  # every token exchange Zendesk answered: its body and the user
        return [
            ("POST", r"/oauth/tokens", self._token),
            (
                "GET",
                r"/api/v2/oauth/clients\.json",
                lambda fake, q, b: page([self._listed(c) for c in self.clients.values()], "clients", q),
            ),
            ("POST", r"/api/v2/oauth/clients\.json", self._create),
            ("PUT", r"/api/v2/oauth/clients/(\d+)\.json", self._update),
            ("PUT", r"/api/v2/oauth/clients/(\d+)/generate_secret\.json", self._generate),
            ("DELETE", r"/api/v2/oauth/clients/(\d+)\.json", self._delete_client),
        ]

    def _create(self, fake, query, body):
        client = copy.deepcopy(body["client"])
        if any(c["identifier"] == client.get("identifier") for c in self.clients.values()):
            return 422, {
                "error": "RecordInvalid",
                "description": "Record validation errors",
                "details": {"identifier": [{"description": "Unique identifier: has already been taken"}]},
            }
        client_id = next(self._client_ids)
        client.update(id=client_id, secret=f"oauth-secret-of-{client_id}-1", user_id=900000000001, **{"global": False})
        self.clients[client["id"]] = client
        return 201, {"client": copy.deepcopy(client)}

    def _update(self, fake, query, body, client_id):
        if int(client_id) not in self.clients:
            return 404, {"error": "RecordNotFound", "description": "Not found"}
        self.clients[int(client_id)].update(copy.deepcopy(body["client"]))
        return 200, {"client": self._listed(self.clients[int(client_id)])}

    def _generate(self, fake, query, body, client_id):
        client = self.clients[int(client_id)]
        number = int(client["secret"].rsplit("-", 1)[-1]) + 1 if client["secret"].startswith("oauth-") else 1
        client["secret"] = f"oauth-secret-of-{client_id}-{number}"
        return 200, {"client": copy.deepcopy(client)}

    def _delete_client(self, fake, query, body, client_id):
        return (204, {}) if self.clients.pop(int(client_id), None) else (404, {"error": "RecordNotFound"})

    def _token(self, fake, query, body):
        client = next((c for c in self.clients.values() if c["identifier"] == body.get("client_id")), None)
        grant = self.codes.pop(body.get("code"), None)
        if client is None or body.get("client_secret") != client["secret"]:
            return 401, {"error": "invalid_client", "error_description": "Client authentication failed."}
        verifier = body.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        if (
            grant is None
            or fake.clock() - grant["at"] > CODE_SECONDS
            or grant["client"] != client["identifier"]
            or grant["redirect_uri"] != body.get("redirect_uri")
            or grant["challenge"] != challenge
        ):
            return 400, {"error": "invalid_grant", "error_description": "The provided authorization grant is invalid"}
        token = secrets.token_urlsafe(24)
        fake.bearers[token] = grant["user"]
        self.tokens.append({"body": copy.deepcopy(body), "user": grant["user"]})
        return 200, {
            "access_token": token,
            "token_type": "bearer",
            "scope": grant["scope"],
            "refresh_token": secrets.token_urlsafe(24),
            "expires_in": body.get("expires_in"),
        }

    @staticmethod
    def _listed(client: dict) -> dict:
        """A client as lists and updates show it: the secret's first characters only."""
        return {**copy.deepcopy(client), "secret": client["secret"][:9]}


class OAuthEndpoints(OAuthClients):
    """OAuth clients, the authorization page, the token endpoint; users and organizations by show_many."""

    def __init__(self, clients=(), organizations=(), person: int | None = None, allows: bool = True):
        self.organizations = {o["id"]: copy.deepcopy(o) for o in organizations}
        self.person, self.allows = person, allows
        self.routes = [
            ("GET", r"/oauth/authorizations/new", self._authorize),
            *self.oauth_client_routes(clients),
            ("GET", r"/api/v2/organizations/show_many\.json", self._organizations),
            ("GET", r"/api/v2/users/show_many\.json", self._users),
        ]

    def answer(self, fake, method: str, path: str, query: dict, body):
        for verb, pattern, handler in self.routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                return handler(fake, query, body, *match.groups())
        return None

    def _authorize(self, fake, query, body):
        client = next((c for c in self.clients.values() if c["identifier"] == query.get("client_id")), None)
        if client is None or query.get("redirect_uri") not in client["redirect_uri"]:
            return 400, {"error": "invalid_request", "error_description": "unknown client or redirect_uri"}
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
            return 400, {"error": "invalid_request", "error_description": "response_type or PKCE"}
        answer = {"state": query.get("state", "")}
        if self.allows and self.person is not None:
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "client": client["identifier"],
                "user": self.person,
                "at": fake.clock(),
                "redirect_uri": query["redirect_uri"],
                "challenge": query.get("code_challenge"),
                "scope": query.get("scope"),
            }
            answer["code"] = code
        else:
            answer.update(
                error="access_denied", error_description="The end-user or authorization server denied the request."
            )
        return 302, {}, {"Location": f"{query['redirect_uri']}?{urlencode(answer)}"}

    def _users(self, fake, query, body):
        wanted = [int(i) for i in query["ids"].split(",")]
        return offset([fake.users[i] for i in wanted if i in fake.users], "users")

    def _organizations(self, fake, query, body):
        wanted = [int(i) for i in query["ids"].split(",")]
        return offset([self.organizations[i] for i in wanted if i in self.organizations], "organizations")
