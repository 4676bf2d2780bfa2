"""Who counts as a member, whichever way they signed in: `admit` turns what the provider or
the proxy vouched for into a `Member`, or says why not.

Each restriction the operator set must hold: the email's domain is one of the member domains
("*": any), and, when member groups are set, the person is in at least one of them. An email
the provider says is unverified (`email_verified: false`) is refused, since its domain proves
nothing; a provider that does not send the claim (Entra ID) is taken at its word.
"""

from __future__ import annotations

from collections.abc import Iterable

from hindsight.server.web.auth_settings import SignIn
from hindsight.server.web.members import Member

MAX_GROUPS = 32  # kept on a member when no member groups are set (the cookie stays small)
MAX_FIELD = 254  # characters of an email, a name or a group


def _clean(values: Iterable[object]) -> list[str]:
    return [str(v).strip()[:MAX_FIELD] for v in values if str(v).strip()]


def groups_of(raw: object) -> list[str]:
    """A groups claim or header as a list: a JSON list, or one string of comma-separated
    names (oauth2-proxy's X-Forwarded-Groups)."""
    if isinstance(raw, str):
        return _clean(raw.split(","))
    if isinstance(raw, list | tuple):
        return _clean(raw)
    return []


def admit(
    conf: SignIn, email: object, name: object = "", groups: object = (), verified: object = True
) -> Member | str:
    """The member, or a sentence for the person saying why they are not one."""
    address = str(email or "").strip().lower()
    local, at, domain = address.rpartition("@")
    if (
        not (local and at and domain)
        or len(address) > MAX_FIELD
        or any(c.isspace() for c in address)
    ):
        return "the sign-in did not say which email address you have"
    if verified is False:
        return f"your provider says that {address} is not verified"
    if conf.domains and "*" not in conf.domains and domain not in conf.domains:
        listed = ", ".join(conf.domains)
        return f"you signed in as {address}, and this server's members have addresses at {listed}"
    found = groups_of(groups)
    if conf.groups:
        found = [g for g in found if g in conf.groups]
        if not found:
            return f"you signed in as {address}, who is not in a group this server admits"
    text = str(name or "").strip()[:MAX_FIELD]
    return Member(email=address, name=text, groups=tuple(found[:MAX_GROUPS]))
