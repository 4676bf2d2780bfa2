"""OpenID Connect sign-in, done by Authlib: the authorization code flow with PKCE (S256), a
random `state` and `nonce` kept in the signed session cookie until the provider sends the
person back.

`GET /signin` sends the browser to the provider (after reading its discovery document and
checking that it names the configured issuer); `GET /auth/callback` checks the `state`,
exchanges the code (with the PKCE verifier and the client secret) and verifies the ID token:
its signature against the provider's JWKS (fetched again when a key id is new), `iss`, `aud`
(must contain our client id), `exp`, `iat` and the `nonce`. Only then is the person admitted
by `auth_policy.admit` and the session says who they are. Any failure leaves nobody signed in
and shows a page saying what to do; the tokens themselves are not kept.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx2
from authlib.integrations.base_client.errors import MismatchingStateError
from authlib.integrations.starlette_client import OAuth, OAuthError
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hindsight.server.web.auth_policy import admit
from hindsight.server.web.auth_session import NEXT, local_path, remember, signin_page
from hindsight.server.web.auth_settings import SignIn
from hindsight.server.web.members import member_of

log = logging.getLogger("hindsight.auth")

CLOCK_LEEWAY = 60  # seconds of clock difference allowed with the provider


def oidc_client(conf: SignIn, client_secret: str) -> Any:
    """The Authlib client for the configured provider (its discovery is read on first use)."""
    oauth = OAuth()
    return oauth.register(
        "oidc",
        client_id=conf.client_id,
        client_secret=client_secret,
        server_metadata_url=f"{conf.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": conf.scopes, "code_challenge_method": "S256", "timeout": 10.0},
    )


class ProviderProblem(Exception):
    """The provider cannot be used as configured (it said so, or did not answer)."""


async def _check_issuer(client: Any, conf: SignIn) -> None:
    try:
        metadata = await client.load_server_metadata()
    except (httpx2.HTTPError, ValueError) as e:
        raise ProviderProblem(f"its discovery document could not be read ({e})") from None
    said = str(metadata.get("issuer", "")).rstrip("/")
    if said != conf.issuer:
        client.server_metadata.pop("_loaded_at", None)  # read it again next time
        raise ProviderProblem(f"its discovery document names the issuer '{said}'")


def _provider_down(request: Request, conf: SignIn, problem: str) -> Response:
    log.warning("OpenID provider %s: %s", conf.issuer, problem)
    return signin_page(
        request,
        502,
        "Sign-in is not working right now",
        "This server could not use your organisation's sign-in service. Nobody was signed in.",
        detail=f"For the operator: the provider at {conf.issuer} failed: {problem}.",
        retry="/signin",
        retry_label="Try again",
    )


async def start(request: Request, conf: SignIn) -> Response:
    """GET /signin: off to the provider (or straight back, if already signed in)."""
    back = local_path(request.query_params.get("next"))
    if member_of(request) is not None:
        return RedirectResponse(back, status_code=303)
    client = request.app.state.oidc
    try:
        await _check_issuer(client, conf)
    except ProviderProblem as e:
        return _provider_down(request, conf, str(e))
    request.session[NEXT] = back
    # "Sign in with another account" after a refusal: make the provider ask again.
    extra = {"prompt": "login"} if request.query_params.get("again") else {}
    response: Response = await client.authorize_redirect(request, conf.callback_url, **extra)
    return response


def _email_verified(claims: dict[str, Any]) -> bool:
    value = claims.get("email_verified", True)
    return not (value is False or str(value).lower() == "false")


async def callback(request: Request, conf: SignIn) -> Response:
    """GET /auth/callback: check everything, then sign the session in (see the docstring)."""
    client = request.app.state.oidc
    again = {"retry": "/signin", "retry_label": "Start again"}
    options = {
        "iss": {"essential": True, "value": conf.issuer},
        "aud": {"essential": True, "value": conf.client_id},
    }
    try:
        await _check_issuer(client, conf)
        token = await client.authorize_access_token(
            request, claims_options=options, leeway=CLOCK_LEEWAY
        )
    except MismatchingStateError:
        return signin_page(
            request,
            400,
            "This sign-in cannot be finished",
            "It was started in another browser or tab, or too long ago (its state does not "
            "match this browser's). Nobody was signed in.",
            **again,
        )
    except OAuthError as e:
        log.info("sign-in refused by the provider or the token endpoint: %s", e.error)
        return signin_page(
            request,
            400,
            "The sign-in was not completed",
            f"Your organisation's sign-in service did not complete it ({e.error}): for example "
            "the code it gave was already used or has expired. Nobody was signed in.",
            **again,
        )
    except JoseError as e:
        log.warning("an ID token failed verification: %s %s", e.error, e.description or "")
        return signin_page(
            request,
            400,
            "The sign-in could not be verified",
            "The answer from the sign-in service did not pass this server's checks "
            "(its signature, issuer, audience, expiry or nonce). Nobody was signed in.",
            **again,
        )
    except (ProviderProblem, httpx2.HTTPError) as e:
        return _provider_down(request, conf, str(e) or type(e).__name__)
    return _admit(request, conf, token.get("userinfo") or {})


def _admit(request: Request, conf: SignIn, claims: dict[str, Any]) -> Response:
    back = local_path(request.session.pop(NEXT, None))
    if not claims:  # the token endpoint answered without an ID token
        return signin_page(
            request,
            400,
            "The sign-in could not be verified",
            "No ID token came back.",
            retry="/signin",
            retry_label="Start again",
        )
    name = claims.get("name") or claims.get("preferred_username") or ""
    found = admit(
        conf, claims.get("email"), name, claims.get(conf.groups_claim), _email_verified(claims)
    )
    if isinstance(found, str):
        request.session.clear()
        return signin_page(
            request,
            403,
            "This server is for its organisation's members",
            found[0].upper() + found[1:] + ". Nobody was signed in.",
            detail="If you should have access, ask the people who run this server.",
            retry="/signin?again=1",
            retry_label="Sign in with another account",
        )
    remember(request.session, found, time.time())
    return RedirectResponse(back, status_code=303)
