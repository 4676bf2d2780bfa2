"""The trusted-header mode: an authenticating reverse proxy (oauth2-proxy, or nginx with its
`auth_request`) signs people in and names them in a header such as `X-Forwarded-Email`.

The header is believed only when the TCP peer, the address the connection really comes from,
is one of `HINDSIGHT_TRUSTED_PROXIES`; from anywhere else it is ignored, as if absent (anyone
can send any header). That is why this mode needs the peer as the socket saw it: uvicorn's own
X-Forwarded-For handling would replace it with the client's address first, so `hindsight serve`
turns that off in this mode and the app applies it after the sign-in layer instead
(`auth.uvicorn_options`, `auth.install`).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from starlette.types import Scope

from hindsight.server.web.auth_policy import admit
from hindsight.server.web.auth_settings import SignIn
from hindsight.server.web.members import Member


@lru_cache(maxsize=1024)
def _trusted(host: str, proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in proxies)


def from_proxy(conf: SignIn, scope: Scope) -> bool:
    """Whether this connection's peer is a trusted proxy."""
    client = scope.get("client")
    return client is not None and _trusted(str(client[0]), conf.proxies)


def _header(scope: Scope, name: bytes) -> list[str]:
    return [v.decode("utf-8", "replace") for k, v in scope["headers"] if k == name]


def header_member(conf: SignIn, scope: Scope) -> Member | str | None:
    """The member the trusted proxy names; a sentence when it names someone who is not a
    member (or names two people); None when there is no header or it is not to be believed."""
    if not from_proxy(conf, scope):
        return None
    emails = _header(scope, conf.email_header)
    if not emails or not emails[0].strip():
        return None
    if len(emails) > 1:
        return "the proxy named more than one person"
    names = _header(scope, conf.name_header) if conf.name_header else []
    groups = ",".join(_header(scope, conf.groups_header)) if conf.groups_header else ""
    return admit(conf, emails[0], names[0] if names else "", groups)
