"""Sign-in's settings (server/web/auth_settings.py, config.py, cli.py): a wrong one stops the
server at start naming the variable; the session secret is kept next to the database; a
sign-in ends after its lifetime; with sign-in off the layer only says "nobody"."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from hindsight.server import cli
from hindsight.server.app import create_app
from hindsight.server.config import Settings
from hindsight.server.web.auth import uvicorn_options
from hindsight.server.web.auth_policy import admit
from hindsight.server.web.auth_session import local_path, remember, remembered
from hindsight.server.web.auth_settings import SECRET_FILE, SignIn, sign_in_config
from hindsight.server.web.members import Member, member_of

OIDC: dict[str, Any] = {
    "auth": "oidc",
    "oidc_issuer": "https://login.example.com/realms/staff",
    "oidc_client_id": "hindsight",
    "oidc_client_secret": "s3cret",
    "member_domains": ("example.com",),
    "public_url": "https://retro.example.com",
}
HEADER: dict[str, Any] = {
    "auth": "header",
    "trusted_proxies": ("127.0.0.1", "10.0.0.0/24"),
    "member_domains": ("*",),
}


@pytest.mark.parametrize(
    "settings, variable",
    [
        ({"auth": "saml"}, "HINDSIGHT_AUTH"),
        ({**OIDC, "oidc_issuer": ""}, "HINDSIGHT_OIDC_ISSUER"),
        ({**OIDC, "oidc_issuer": "http://login.example.com"}, "HINDSIGHT_OIDC_ISSUER"),
        ({**OIDC, "oidc_client_id": ""}, "HINDSIGHT_OIDC_CLIENT_ID"),
        ({**OIDC, "oidc_client_secret": ""}, "HINDSIGHT_OIDC_CLIENT_SECRET"),
        ({**OIDC, "oidc_scopes": "email profile"}, "HINDSIGHT_OIDC_SCOPES"),
        ({**OIDC, "public_url": ""}, "HINDSIGHT_PUBLIC_URL"),
        ({**OIDC, "member_domains": ()}, "HINDSIGHT_MEMBER_DOMAINS"),
        ({**OIDC, "session_hours": 0.0}, "HINDSIGHT_SESSION_HOURS"),
        ({**OIDC, "session_secret": "short"}, "HINDSIGHT_SESSION_SECRET"),
        ({**HEADER, "trusted_proxies": ()}, "HINDSIGHT_TRUSTED_PROXIES"),
        ({**HEADER, "trusted_proxies": ("proxy.local",)}, "HINDSIGHT_TRUSTED_PROXIES"),
        ({**HEADER, "auth_email_header": " "}, "HINDSIGHT_AUTH_EMAIL_HEADER"),
        ({**HEADER, "auth_signout_url": "https://x/"}, "HINDSIGHT_AUTH_SIGNOUT_URL"),
    ],
)
def test_a_wrong_setting_is_named(settings: dict[str, Any], variable: str) -> None:
    with pytest.raises(ValueError, match=variable):
        sign_in_config(Settings(**settings))


def test_good_settings_are_read() -> None:
    oidc = sign_in_config(Settings(**OIDC))
    assert (oidc.mode, oidc.callback_url, oidc.secure_cookie) == (
        "oidc",
        "https://retro.example.com/auth/callback",
        True,
    )
    header = sign_in_config(Settings(**HEADER, auth_email_header="X-Auth-Request-Email"))
    assert header.email_header == b"x-auth-request-email" and len(header.proxies) == 2
    assert sign_in_config(Settings()).mode == "off"
    assert sign_in_config(Settings(**{**OIDC, "oidc_issuer": "http://127.0.0.1:9400/"})).issuer == (
        "http://127.0.0.1:9400"
    )


def test_the_environment_sets_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HINDSIGHT_AUTH", "header")
    monkeypatch.setenv("HINDSIGHT_TRUSTED_PROXIES", "127.0.0.2, 10.1.0.0/16")
    monkeypatch.setenv("HINDSIGHT_MEMBER_DOMAINS", "example.com,example.org")
    monkeypatch.setenv("HINDSIGHT_MEMBER_GROUPS", "/sre,on-call")
    monkeypatch.setenv("HINDSIGHT_SESSION_HOURS", "8")
    monkeypatch.setenv("HINDSIGHT_SESSION_SECRET", "z" * 40)
    s = Settings.from_env()
    assert (s.auth, s.trusted_proxies, s.member_groups) == (
        "header",
        ("127.0.0.2", "10.1.0.0/16"),
        ("/sre", "on-call"),
    )
    assert s.member_domains == ("example.com", "example.org") and s.session_hours == 8.0
    assert "z" * 40 not in repr(s)  # secrets stay out of logs and tracebacks


def test_the_cli_stops_at_start_naming_the_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HINDSIGHT_OIDC_CLIENT_SECRET", raising=False)
    code = cli.main(
        ["serve", "--db", str(tmp_path / "t.db"), "--auth", "oidc", "--oidc-issuer",
         "https://login.example.com", "--oidc-client-id", "h", "--member-domain", "example.com"]
    )  # fmt: skip
    assert code == 2
    assert "HINDSIGHT_OIDC_CLIENT_SECRET" in capsys.readouterr().err


def test_header_mode_moves_x_forwarded_for_after_the_sign_in_layer() -> None:
    assert uvicorn_options(Settings(**HEADER)) == {"proxy_headers": False}
    assert uvicorn_options(Settings()) == {}


def test_the_session_secret_is_made_once_next_to_the_database(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "data" / "t.db"), **HEADER)
    create_app(settings)
    secret = tmp_path / "data" / SECRET_FILE
    first = secret.read_text()
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and len(first.strip()) >= 32
    create_app(settings)  # a restart keeps it, so people stay signed in
    assert secret.read_text() == first


def test_a_session_secret_from_the_environment_leaves_no_file(tmp_path: Path) -> None:
    create_app(Settings(db=str(tmp_path / "t.db"), session_secret="y" * 40, **HEADER))
    assert not (tmp_path / SECRET_FILE).exists()
    create_app(Settings(db=str(tmp_path / "t.db")))  # sign-in off: no secret at all
    assert not (tmp_path / SECRET_FILE).exists()


def test_a_sign_in_ends_after_its_lifetime_however_active() -> None:
    conf = SignIn(mode="oidc", lifetime=3600)
    session: dict[str, Any] = {}
    remember(session, Member("ann@example.com", "Ann", ("sre",)), now=1000.0)
    assert remembered(session, conf, 1000.0 + 3599) == Member("ann@example.com", "Ann", ("sre",))
    assert remembered(session, conf, 1000.0 + 3601) is None
    assert "member" not in session  # forgotten, so the cookie is rewritten without it


@pytest.mark.parametrize(
    "raw, safe",
    [
        ("/log?q=x", "/log?q=x"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        (None, "/"),
    ],
)
def test_next_is_only_ever_a_local_path(raw: str | None, safe: str) -> None:
    assert local_path(raw) == safe


def test_who_is_a_member() -> None:
    conf = SignIn(mode="header", domains=("example.com",), groups=("sre",))
    assert admit(conf, "Ann@Example.com", "Ann", "sre, staff") == Member(
        "ann@example.com", "Ann", ("sre",)
    )
    assert "example.com" in str(admit(conf, "eve@example.org", groups=["sre"]))
    assert "group" in str(admit(conf, "bob@example.com", groups=["finance"]))
    assert "email" in str(admit(conf, "not an email", groups=["sre"]))
    anyone = SignIn(mode="oidc", domains=("*",))
    assert isinstance(admit(anyone, "kim@gmail.com"), Member)


def test_with_sign_in_off_the_layer_says_nobody(tmp_path: Path) -> None:
    app = create_app(Settings(db=str(tmp_path / "t.db"), allowed_hosts=("testserver",)))
    seen: list[Any] = []

    async def probe(request: Request) -> Response:
        seen.append(member_of(request))
        return PlainTextResponse("ok")

    app.router.routes.append(Route("/probe", probe))
    with TestClient(app) as c:
        c.get("/probe", headers={"x-forwarded-email": "ann@example.com"})
    assert seen == [None]  # no layer at all with sign-in off: nobody, whatever the headers
