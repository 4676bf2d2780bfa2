"""Forged and misused ID tokens are refused (server/web/auth_oidc.py): the real provider on
loopback answers the token request, and the proxy in front of it (tests/server/auth_provider.py)
swaps in what an attacker between the client and the token endpoint could send. Each time the
person gets a page saying the sign-in could not be verified, and nobody is signed in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from joserfc import jwt
from starlette.testclient import TestClient

from .auth_provider import (
    PROVIDER_WARNINGS,
    Json,
    ProviderProxy,
    authorize,
    callback,
    claims_swapped,
    parts_of,
    provider,
    resigned,
    sign_in,
    signed_in,
    start_sign_in,
    token_for_another_client,
    trusted_key,
    unsigned,
)
from .test_auth_oidc import oidc_app

# A real provider and its proxy on loopback: the whole suite, not the quick lane.
pytestmark = [PROVIDER_WARNINGS, pytest.mark.slow]
NOT_VERIFIED = "The sign-in could not be verified"


@pytest.fixture(scope="module")
def shared() -> Iterator[ProviderProxy]:
    with provider() as proxy:
        yield proxy


@pytest.fixture
def idp(shared: ProviderProxy) -> ProviderProxy:
    """The module's provider, its proxy reset, with this module's people."""
    shared.reset()
    shared.set_user("ann@example.com", name="Ann")
    shared.set_user("boss@example.com", name="The Boss")
    return shared


@pytest.fixture
def client(tmp_path: Path, idp: ProviderProxy) -> Iterator[TestClient]:
    with oidc_app(tmp_path, idp.url) as c:
        yield c


def replacing_id_token(make: Callable[[str], str]) -> Callable[[Json], Json]:
    return lambda answer: {**answer, "id_token": make(answer["id_token"])}


def refused(client: TestClient, email: str = "ann@example.com") -> None:
    r = sign_in(client, email)
    assert r.status_code == 400, r.text
    assert NOT_VERIFIED in r.text and "Nobody was signed in" in r.text
    assert "set-cookie" not in r.headers or "member" not in r.headers["set-cookie"]
    assert not signed_in(client)


def test_the_genuine_token_passes_so_the_forgeries_below_are_refused_for_their_forgery(
    client: TestClient, idp: ProviderProxy
) -> None:
    idp.tamper = replacing_id_token(lambda t: t)
    assert sign_in(client, "ann@example.com").status_code == 303
    assert signed_in(client)


def test_an_id_token_re_signed_with_another_key_is_refused(
    client: TestClient, idp: ProviderProxy
) -> None:
    idp.tamper = replacing_id_token(lambda t: resigned(t, email="boss@example.com"))
    refused(client)


def test_an_id_token_with_swapped_claims_is_refused(client: TestClient, idp: ProviderProxy) -> None:
    idp.tamper = replacing_id_token(lambda t: claims_swapped(t, email="boss@example.com"))
    refused(client)


def test_an_unsigned_id_token_is_refused(client: TestClient, idp: ProviderProxy) -> None:
    idp.tamper = replacing_id_token(lambda t: unsigned(t, email="boss@example.com"))
    refused(client)


def test_a_genuine_id_token_issued_to_another_application_is_refused(
    client: TestClient, idp: ProviderProxy
) -> None:
    """Signed by the provider, same person, same nonce: only the audience is wrong."""
    url = start_sign_in(client)
    nonce = dict(parse_qsl(urlsplit(url).query))["nonce"]
    other = token_for_another_client(idp, "boss@example.com", nonce)
    assert parts_of(other)[1]["aud"] == ["another-app"]
    idp.tamper = replacing_id_token(lambda _: other)
    r = callback(client, authorize(url, "ann@example.com"))
    assert r.status_code == 400 and NOT_VERIFIED in r.text
    assert not signed_in(client)


def test_a_replayed_token_answer_from_an_earlier_sign_in_is_refused(
    client: TestClient, idp: ProviderProxy
) -> None:
    """A whole earlier answer (ID token and its access token): its nonce is not this one's."""
    assert sign_in(client, "boss@example.com").status_code == 303
    earlier = idp.token_answers[-1]
    client.cookies.clear()
    idp.tamper = lambda _: earlier
    refused(client)


def test_an_answer_without_an_id_token_signs_nobody_in(
    client: TestClient, idp: ProviderProxy
) -> None:
    idp.tamper = lambda answer: {k: v for k, v in answer.items() if k != "id_token"}
    r = sign_in(client, "ann@example.com")
    assert r.status_code == 400 and "No ID token came back" in r.text
    assert not signed_in(client)


def test_an_expired_id_token_is_refused(tmp_path: Path) -> None:
    with provider(token_max_age=timedelta(minutes=-10)) as idp:
        idp.set_user("ann@example.com")
        with oidc_app(tmp_path, idp.url) as c:
            refused(c)
        # The provider's own signature; only its expiry is past.
        _, claims = parts_of(idp.token_answers[-1]["id_token"])
        assert claims["exp"] < claims["iat"]


def test_a_token_signed_with_a_listed_key_passes(client: TestClient, idp: ProviderProxy) -> None:
    """The harness for the test below: a token re-signed with the extra listed key is good."""
    key = trusted_key(idp)
    idp.tamper = replacing_id_token(lambda t: resigned(t, key))
    assert sign_in(client, "ann@example.com").status_code == 303


@pytest.mark.parametrize(
    "claim, value",
    [
        ("iss", "https://impostor.example"),
        ("aud", "another-app"),
        ("exp", int(time.time()) - 600),
        ("nonce", "another nonce"),
        ("iss", None),
        ("aud", None),
        ("exp", None),
        ("nonce", None),
    ],
    ids=["iss", "aud", "exp", "nonce", "no-iss", "no-aud", "no-exp", "no-nonce"],
)
def test_each_claim_is_checked_on_its_own(
    client: TestClient, idp: ProviderProxy, claim: str, value: Any
) -> None:
    """The signature is good (a key the JWKS lists); one claim is wrong, or missing."""
    key = trusted_key(idp)

    def forge(token: str) -> str:
        if value is None:
            header, claims = parts_of(token)
            del claims[claim]
            return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
        return resigned(token, key, **{claim: value})

    idp.tamper = replacing_id_token(forge)
    refused(client)
