"""Sign-in's settings, read once at start: `sign_in_config(settings)` checks them and says which
one is wrong (a ValueError naming the environment variable), so a mistake stops the server
instead of locking people out, or letting everyone in, later.

Also the session secret: `HINDSIGHT_SESSION_SECRET`, or else one made on first start and kept
in the database's folder (`session-secret`, mode 0600), so a restart keeps people signed in.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from hindsight.server.config import Settings
from hindsight.server.storage.choose import is_postgres, sqlite_path

log = logging.getLogger("hindsight.auth")

Mode = Literal["off", "oidc", "header"]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

SECRET_FILE = "session-secret"
MIN_SECRET = 32  # characters of HINDSIGHT_SESSION_SECRET


@dataclass(frozen=True)
class SignIn:
    """What the sign-in layer runs with (see the settings in config.py)."""

    mode: Mode = "off"
    lifetime: float = 12 * 3600.0  # seconds
    secure_cookie: bool = False
    domains: tuple[str, ...] = ()  # lowercased; "*" admits any
    groups: tuple[str, ...] = ()
    # OpenID Connect
    issuer: str = ""
    client_id: str = ""
    scopes: str = ""
    groups_claim: str = "groups"
    callback_url: str = ""
    # trusted header
    email_header: bytes = b""  # lowercased, as ASGI gives header names
    name_header: bytes = b""
    groups_header: bytes = b""
    proxies: tuple[Network, ...] = ()
    signout_url: str = ""


def _problem(variable: str, message: str) -> ValueError:
    return ValueError(f"{variable}: {message} (docs/operators.md, Sign-in)")


def _loopback_http(url: str) -> bool:
    parts = urlsplit(url)
    try:
        return parts.scheme == "http" and ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        return parts.scheme == "http" and parts.hostname == "localhost"


def _proxies(values: tuple[str, ...]) -> tuple[Network, ...]:
    found = []
    for value in values:
        try:
            found.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise _problem(
                "HINDSIGHT_TRUSTED_PROXIES",
                f"'{value}' is neither an IP address nor a network such as 10.0.0.0/24",
            ) from None
    return tuple(found)


def _members(settings: Settings, mode: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    domains = tuple(d.strip().lower().lstrip("@") for d in settings.member_domains if d.strip())
    groups = tuple(g.strip() for g in settings.member_groups if g.strip())
    if not domains and not groups:
        raise _problem(
            "HINDSIGHT_MEMBER_DOMAINS",
            f"with HINDSIGHT_AUTH={mode}, say who is a member: your organisation's email "
            "domains (HINDSIGHT_MEMBER_DOMAINS=example.com, or '*' for everyone the sign-in "
            "vouches for) and/or groups (HINDSIGHT_MEMBER_GROUPS)",
        )
    return domains, groups


def _oidc(settings: Settings) -> dict[str, object]:
    issuer = settings.oidc_issuer.strip().rstrip("/")
    if not issuer:
        raise _problem("HINDSIGHT_OIDC_ISSUER", "required with HINDSIGHT_AUTH=oidc")
    if not (issuer.startswith("https://") or _loopback_http(issuer)):
        raise _problem(
            "HINDSIGHT_OIDC_ISSUER",
            f"'{issuer}' must be an https:// URL (plain http only on loopback, for testing)",
        )
    if not settings.oidc_client_id.strip():
        raise _problem("HINDSIGHT_OIDC_CLIENT_ID", "required with HINDSIGHT_AUTH=oidc")
    if not settings.oidc_client_secret:
        raise _problem(
            "HINDSIGHT_OIDC_CLIENT_SECRET",
            "required with HINDSIGHT_AUTH=oidc (environment only, never a flag)",
        )
    if "openid" not in settings.oidc_scopes.split():
        raise _problem("HINDSIGHT_OIDC_SCOPES", "must include 'openid'")
    public = settings.public_url.strip().rstrip("/")
    if not public:
        raise _problem(
            "HINDSIGHT_PUBLIC_URL",
            "required with HINDSIGHT_AUTH=oidc: the provider sends people back to "
            "<public URL>/auth/callback, which you register with it",
        )
    return dict(
        issuer=issuer,
        client_id=settings.oidc_client_id.strip(),
        scopes=" ".join(settings.oidc_scopes.split()),
        groups_claim=settings.oidc_groups_claim.strip() or "groups",
        callback_url=f"{public}/auth/callback",
    )


def _header(settings: Settings) -> dict[str, object]:
    if not settings.trusted_proxies:
        raise _problem(
            "HINDSIGHT_TRUSTED_PROXIES",
            "required with HINDSIGHT_AUTH=header: the addresses of the authenticating proxy "
            "(its header is ignored from anywhere else)",
        )
    email = settings.auth_email_header.strip()
    if not email:
        raise _problem("HINDSIGHT_AUTH_EMAIL_HEADER", "must name a header")
    signout = settings.auth_signout_url.strip()
    if signout and (not signout.startswith("/") or signout.startswith("//")):
        raise _problem(
            "HINDSIGHT_AUTH_SIGNOUT_URL",
            f"'{signout}' must be a path on this site, such as /oauth2/sign_out",
        )
    return dict(
        email_header=email.lower().encode("latin-1"),
        name_header=settings.auth_name_header.strip().lower().encode("latin-1"),
        groups_header=settings.auth_groups_header.strip().lower().encode("latin-1"),
        proxies=_proxies(settings.trusted_proxies),
        signout_url=signout,
    )


def sign_in_config(settings: Settings) -> SignIn:
    """The checked sign-in settings; ValueError naming the variable when one is wrong."""
    mode = settings.auth.strip().lower()
    if mode == "off":
        return SignIn()
    if mode not in ("oidc", "header"):
        raise _problem("HINDSIGHT_AUTH", f"'{settings.auth}' is not one of off, oidc, header")
    if not 0 < settings.session_hours <= 24 * 90:
        raise _problem("HINDSIGHT_SESSION_HOURS", "must be more than 0 and at most 2160 (90 days)")
    if settings.session_secret and len(settings.session_secret) < MIN_SECRET:
        raise _problem("HINDSIGHT_SESSION_SECRET", f"must be at least {MIN_SECRET} characters long")
    domains, groups = _members(settings, mode)
    extra = _oidc(settings) if mode == "oidc" else _header(settings)
    return SignIn(
        mode="oidc" if mode == "oidc" else "header",
        lifetime=settings.session_hours * 3600.0,
        secure_cookie=settings.public_url.strip().lower().startswith("https://"),
        domains=domains,
        groups=groups,
        **extra,  # type: ignore[arg-type]
    )


def session_secret(settings: Settings) -> str:
    """HINDSIGHT_SESSION_SECRET, or the secret kept next to the database (made on first use,
    readable by the server's user only)."""
    if settings.session_secret:
        return settings.session_secret
    if is_postgres(settings.db):  # several nodes: each must accept the others' sessions
        from hindsight.server.storage.pg_store import shared_secret

        return shared_secret(settings.db, "session_secret", secrets.token_urlsafe(48))
    path = Path(sqlite_path(settings.db)).resolve().parent / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            log.warning("%s can be read by other users: chmod 600 it", path)
        secret = path.read_text().strip()
        if len(secret) < MIN_SECRET:
            raise _problem("HINDSIGHT_SESSION_SECRET", f"{path} holds too short a secret") from None
        return secret
    secret = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as f:
        f.write(secret + "\n")
    log.info("made a session secret in %s (keep it with the database)", path)
    return secret
