"""A real OpenID provider on loopback for the sign-in tests (test_auth_oidc*.py), and the
browser's part of the dance, played by hand.

The provider is `oidc-provider-mock` (Authlib's authorization server on Flask, in a thread): it
signs ID tokens with its own RSA key, publishes it as a JWKS, keeps codes single-use and checks
the redirect URI. In front of it sits `ProviderProxy`, a plain HTTP reverse proxy that passes
the `Host` header through, so the provider believes it lives at the proxy's address: the issuer,
every endpoint in the discovery document and the ID tokens' `iss` all name the proxy. That lets
a test see what the client sends (the authorization request's PKCE challenge and nonce, the
token request's verifier) and play the attacker between the client and the token endpoint
(`tamper`): re-sign the ID token with another key, change its claims, swap in another token.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import authlib.deprecate  # its import adds an "always" filter; the one below goes first
import httpx2 as httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.testclient import TestClient

with warnings.catch_warnings():  # the provider imports a module Authlib now calls deprecated
    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    import oidc_provider_mock

Json = dict[str, Any]
# oidc-provider-mock 0.3 (the last for Python 3.11) calls Authlib's server through an API that
# Authlib now calls deprecated, in the provider's thread; the test suite turns warnings into
# errors. This one, from the provider's side only, is let through.
PROVIDER_WARNINGS = pytest.mark.filterwarnings(
    "ignore:get_jwt_config.*is deprecated:DeprecationWarning"
)
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class ProviderProxy:
    """A reverse proxy to the provider on 127.0.0.1 that records and can rewrite answers."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.authorize_queries: list[dict[str, str]] = []
        self.token_forms: list[dict[str, str]] = []
        self.token_answers: list[Json] = []  # as the provider sent them
        self.tamper: Callable[[Json], Json] | None = None  # rewrites the token endpoint's answer
        self.discovery_tamper: Callable[[Json], Json] | None = None
        self.extra_keys: list[Json] = []  # public keys added to the provider's JWKS
        # Codes expire (RFC 6749 4.1.2: "a maximum authorization code lifetime of 10 minutes
        # is RECOMMENDED"); the mock's never do, so the proxy plays the provider's expiry and
        # answers an old code as a real provider does: 400 invalid_grant.
        self.code_max_age: float | None = None
        self.code_issued: dict[str, float] = {}
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                proxy.forward(self)

            def do_POST(self) -> None:
                proxy.forward(self)

            def do_PUT(self) -> None:
                proxy.forward(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def reset(self) -> None:
        """Forget what was recorded and stop tampering (a provider shared by a module's tests)."""
        self.authorize_queries.clear()
        self.token_forms.clear()
        self.token_answers.clear()
        self.tamper = self.discovery_tamper = None
        self.extra_keys.clear()
        self.code_max_age = None
        self.code_issued.clear()

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        body = handler.rfile.read(length) if length else b""
        path = urlsplit(handler.path).path
        if path == "/oauth2/authorize":
            self.authorize_queries.append(dict(parse_qsl(urlsplit(handler.path).query)))
        if path == "/oauth2/token":
            form = dict(parse_qsl(body.decode()))
            self.token_forms.append(form)
            issued = self.code_issued.get(form.get("code", ""))
            if self.code_max_age is not None and issued is not None:
                if time.monotonic() - issued > self.code_max_age:
                    expired = {"error": "invalid_grant", "error_description": "code expired"}
                    self._answer(handler, 400, json.dumps(expired).encode())
                    return
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=10)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["Host"] = handler.headers.get("host", "")  # the provider names the proxy
        upstream.request(handler.command, handler.path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        if path == "/oauth2/token" and answer.status == 200:
            original = json.loads(data)
            self.token_answers.append(original)
            if self.tamper is not None:
                data = json.dumps(self.tamper(original)).encode()
        if path == "/.well-known/openid-configuration" and self.discovery_tamper is not None:
            data = json.dumps(self.discovery_tamper(json.loads(data))).encode()
        if path == "/jwks" and self.extra_keys:
            keys = json.loads(data)
            data = json.dumps({"keys": [*keys["keys"], *self.extra_keys]}).encode()
        if path == "/oauth2/authorize" and answer.status == 302:  # a code handed out: when
            code = dict(parse_qsl(urlsplit(answer.getheader("location") or "").query)).get("code")
            if code:
                self.code_issued[code] = time.monotonic()
        handler.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP:
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(data)
        upstream.close()

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, status: int, data: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(data)

    def set_user(self, email: str, **claims: Any) -> None:
        """The provider's claims for this person (their `sub` is the email)."""
        body = {"email": email, "email_verified": True, **claims}
        r = httpx.put(f"{self.url}/users/{quote(email)}", json=body)
        assert r.status_code == 204, r.text


@contextmanager
def provider(token_max_age: timedelta = timedelta(hours=1)) -> Iterator[ProviderProxy]:
    """The provider (nonces required) behind its proxy, for the length of a test."""
    with oidc_provider_mock.run_server_in_thread(
        require_nonce=True, access_token_max_age=token_max_age
    ) as server:
        proxy = ProviderProxy(server.server_port)
        proxy.thread.start()
        try:
            yield proxy
        finally:
            proxy.server.shutdown()
            proxy.server.server_close()


# --- the browser, by hand ----------------------------------------------------------------------


def start_sign_in(client: TestClient, next_path: str = "/log") -> str:
    """GET /signin on the app: the provider's authorization URL it redirects to."""
    r = client.get("/signin", params={"next": next_path}, follow_redirects=False)
    assert r.status_code == 302, r.text
    location: str = r.headers["location"]
    return location


def authorize(authorization_url: str, email: str) -> str:
    """The person says who they are at the provider: the callback URL it sends them to."""
    r = httpx.post(authorization_url, data={"sub": email}, follow_redirects=False)
    assert r.status_code == 302, r.text
    location: str = r.headers["location"]
    return location


def callback(client: TestClient, callback_url: str) -> httpx.Response:
    return client.get(callback_url, follow_redirects=False)


def sign_in(client: TestClient, email: str, next_path: str = "/log") -> httpx.Response:
    return callback(client, authorize(start_sign_in(client, next_path), email))


def with_query(url: str, **params: str) -> str:
    """`url` with some of its query parameters replaced."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(params)
    return parts._replace(query="&".join(f"{k}={quote(v)}" for k, v in query.items())).geturl()


def signed_in(client: TestClient) -> bool:
    """Whether the client's session opens a member's page (the incident log)."""
    r = client.get("/log", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code in (200, 303), r.status_code
    return r.status_code == 200


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no csrf field on the page"
    return found.group(1)


# --- forging ID tokens ---------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parts_of(id_token: str) -> tuple[Json, Json]:
    """The header and claims of a JWT, read without checking anything."""
    header, claims, _ = id_token.split(".")
    return json.loads(_unb64(header)), json.loads(_unb64(claims))


def resigned(id_token: str, key: RSAKey | None = None, **changes: Any) -> str:
    """The same token (claims changed if asked), signed with `key` under its key id, or with
    a key the provider never had under the provider's own key id."""
    header, claims = parts_of(id_token)
    kid = key.kid if key is not None else header.get("kid")
    key = key or RSAKey.generate_key(2048)
    head = {"alg": "RS256", **({"kid": kid} if kid else {})}  # the provider's has none
    return jwt.encode(head, {**claims, **changes}, key)


def trusted_key(proxy: ProviderProxy) -> RSAKey:
    """A key the provider's JWKS lists besides its own (as after a key rotation), whose
    private half the test holds: tokens it signs pass the signature check, so a test can see
    each claim checked on its own."""
    key = RSAKey.generate_key(2048, parameters={"kid": "rotated-in", "use": "sig"})
    proxy.extra_keys.append(key.as_dict(private=False))
    return key


def claims_swapped(id_token: str, **changes: Any) -> str:
    """The provider's header and signature around changed claims."""
    header, claims, signature = id_token.split(".")
    new = _b64(json.dumps({**json.loads(_unb64(claims)), **changes}).encode())
    return f"{header}.{new}.{signature}"


def unsigned(id_token: str, **changes: Any) -> str:
    """`alg: none`: claims with no signature at all."""
    _, claims = parts_of(id_token)
    head = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{head}.{_b64(json.dumps({**claims, **changes}).encode())}."


def token_for_another_client(proxy: ProviderProxy, email: str, nonce: str) -> str:
    """A genuine ID token from the same provider, for the same person and nonce, issued to
    another client (another application of the organisation)."""
    redirect = "http://other.example/callback"
    query = {
        "response_type": "code",
        "client_id": "another-app",
        "redirect_uri": redirect,
        "scope": "openid email profile",
        "state": "x",
        "nonce": nonce,
    }
    r = httpx.post(f"{proxy.url}/oauth2/authorize", params=query, data={"sub": email})
    code = dict(parse_qsl(urlsplit(r.headers["location"]).query))["code"]
    token = httpx.post(
        f"{proxy.url}/oauth2/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect},
        auth=("another-app", "its-secret"),
    )
    assert token.status_code == 200, token.text
    id_token: str = token.json()["id_token"]
    return id_token
