"""Settings: command-line flags win over environment variables, which win over defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _env_list(name: str) -> tuple[str, ...]:
    return tuple(x.strip().rstrip("/") for x in os.environ.get(name, "").split(",") if x.strip())


def _tracker_env() -> dict[str, object]:
    """The issue tracker's settings from HINDSIGHT_TRACKER* (docs/operators.md, Issue trackers)."""
    env: dict[str, object] = {}
    for name in ("url", "project", "token", "user", "issue_type"):
        value = os.environ.get(f"HINDSIGHT_TRACKER_{name.upper()}")
        if value is not None:
            env[f"tracker_{name}"] = value.strip()
    if "HINDSIGHT_TRACKER" in os.environ:
        env["tracker"] = os.environ["HINDSIGHT_TRACKER"].strip().lower()
    if "HINDSIGHT_TRACKER_POLL" in os.environ:
        env["tracker_poll"] = float(os.environ["HINDSIGHT_TRACKER_POLL"])
    return env


def _env_items(name: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in os.environ.get(name, "").split(",") if x.strip())


# Sign-in (docs/operators.md, Sign-in): the environment variable of each setting. The session
# secret and the OIDC client secret are read from the environment only (flags show in `ps`).
SIGN_IN_TEXT = (
    "auth",
    "session_secret",
    "oidc_issuer",
    "oidc_client_id",
    "oidc_client_secret",
    "oidc_scopes",
    "oidc_groups_claim",
    "auth_email_header",
    "auth_name_header",
    "auth_groups_header",
    "auth_signout_url",
)
SIGN_IN_LISTS = ("member_domains", "member_groups", "trusted_proxies")


def _sign_in_env() -> dict[str, object]:
    env: dict[str, object] = {}
    for name in SIGN_IN_TEXT:
        value = os.environ.get(f"HINDSIGHT_{name.upper()}")
        if value is not None:
            env[name] = value.strip().lower() if name == "auth" else value.strip()
    for name in SIGN_IN_LISTS:
        if f"HINDSIGHT_{name.upper()}" in os.environ:
            env[name] = _env_items(f"HINDSIGHT_{name.upper()}")
    if "HINDSIGHT_SESSION_HOURS" in os.environ:
        env["session_hours"] = float(os.environ["HINDSIGHT_SESSION_HOURS"])
    return env


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")
ANY_ADDRESS = ("0.0.0.0", "::", "")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    db: str = "data/hindsight.db"
    synchronous: str = "FULL"
    # Browser origins allowed to open the websocket besides the server's own (same host:port).
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    # Host names the server answers to besides loopback and the address it listens on: the
    # public name behind a reverse proxy. Anything else is refused (DNS rebinding). "*": any.
    allowed_hosts: tuple[str, ...] = field(default_factory=tuple)
    # The issue tracker actions become issues in (docs/operators.md, Issue trackers): github,
    # gitlab or jira ("": none), its API's address ("": GitHub's or GitLab's public service),
    # the project, the token (environment only: flags show in `ps`), the Jira Cloud account's
    # email, Jira's issue type, and the seconds between reads of linked issues' states (0: never).
    tracker: str = ""
    tracker_url: str = ""
    tracker_project: str = ""
    tracker_token: str = field(default="", repr=False)
    tracker_user: str = ""
    tracker_issue_type: str = "Task"
    tracker_poll: float = 300.0
    hello_timeout: float = 5.0  # seconds a new connection has to say hello
    rate: float = 30.0  # frames per second a connection may send, on average
    burst: int = 60  # ... and in a burst
    send_queue: int = 1024  # frames queued for a slow reader before it is disconnected
    max_connections_per_address: int = 200  # open websockets per client address; 0: no cap
    join_rate: float = 1.0  # joins per second per client address, on average; 0: no limit
    join_burst: int = 30  # ... and in a burst (a room of people joining at once)
    link_join_rate: float = 2.0  # joins per second through one join link; 0: no limit
    link_join_burst: int = 100  # ... and in a burst (a big meeting's first minute)
    idle_close_days: float = (
        14.0  # an open board nobody touched this long is closed and sealed; 0: never
    )
    # Outgoing webhooks (docs/operators.md, Webhooks): the TOML file listing them ("": none),
    # the address people reach the server at (links in messages), how often the reminders and
    # digests are looked for, and the first retry's delay (each later one doubles, to an hour).
    webhooks: str = ""
    public_url: str = ""
    webhook_tick: float = 60.0  # seconds
    webhook_retry: float = 30.0  # seconds
    # The operator's token for the webhook delivery log ("": the log is not served).
    operator_token: str = field(default="", repr=False)
    # Sign-in for the organisation's pages (docs/operators.md, Sign-in; server/web/auth.py):
    # off, oidc or header. Checked at start (auth_settings.py), with errors naming the setting.
    auth: str = "off"
    session_hours: float = 12.0  # a sign-in lasts this long, however active the person is
    session_secret: str = field(default="", repr=False)  # "": kept in the database's folder
    # OpenID Connect: the issuer (its /.well-known/openid-configuration is read), this client's
    # id and secret (environment only), the scopes asked for, and the claim carrying groups.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = field(default="", repr=False)
    oidc_scopes: str = "openid email profile"
    oidc_groups_claim: str = "groups"
    # Who is a member, in either mode: email domains ("*": any) and/or groups.
    member_domains: tuple[str, ...] = field(default_factory=tuple)
    member_groups: tuple[str, ...] = field(default_factory=tuple)
    # A trusted header from an authenticating proxy: which headers, from which addresses, and
    # where "Sign out" sends the browser (the proxy's own sign-out; "": no button).
    auth_email_header: str = "X-Forwarded-Email"
    auth_name_header: str = ""
    auth_groups_header: str = ""
    trusted_proxies: tuple[str, ...] = field(default_factory=tuple)
    auth_signout_url: str = ""

    def host_names(self) -> list[str]:
        """What the `Host` header may name: loopback, the listening address (unless it is the
        wildcard), and the configured names. A page on some other name that resolves here (DNS
        rebinding) is refused before it reaches any handler."""
        names = [*LOOPBACK_NAMES, *self.allowed_hosts]
        if self.host not in ANY_ADDRESS:
            names.append(self.host)
        return list(dict.fromkeys(n.lower() for n in names))

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env: dict[str, object] = {**_tracker_env(), **_sign_in_env()}
        if "HINDSIGHT_HOST" in os.environ:
            env["host"] = os.environ["HINDSIGHT_HOST"]
        if "HINDSIGHT_PORT" in os.environ:
            env["port"] = int(os.environ["HINDSIGHT_PORT"])
        if "HINDSIGHT_DB" in os.environ:
            env["db"] = os.environ["HINDSIGHT_DB"]
        if "HINDSIGHT_SYNCHRONOUS" in os.environ:
            env["synchronous"] = os.environ["HINDSIGHT_SYNCHRONOUS"].upper()
        if "HINDSIGHT_ALLOWED_ORIGINS" in os.environ:
            env["allowed_origins"] = _env_list("HINDSIGHT_ALLOWED_ORIGINS")
        if "HINDSIGHT_ALLOWED_HOSTS" in os.environ:
            env["allowed_hosts"] = _env_list("HINDSIGHT_ALLOWED_HOSTS")
        for name in ("webhooks", "public_url", "operator_token"):
            if f"HINDSIGHT_{name.upper()}" in os.environ:
                env[name] = os.environ[f"HINDSIGHT_{name.upper()}"].strip()
        for name, cast in (
            ("hello_timeout", float),
            ("rate", float),
            ("burst", int),
            ("send_queue", int),
            ("max_connections_per_address", int),
            ("join_rate", float),
            ("join_burst", int),
            ("link_join_rate", float),
            ("link_join_burst", int),
            ("idle_close_days", float),
            ("webhook_tick", float),
            ("webhook_retry", float),
        ):
            value = os.environ.get(f"HINDSIGHT_{name.upper()}")
            if value is not None:
                env[name] = cast(value)
        env.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**env)  # type: ignore[arg-type]
