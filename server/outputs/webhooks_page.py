"""The webhook delivery log, for the operator: `GET /api/webhooks/deliveries` and `/webhooks`.

Sign-in does not exist yet, so both need the operator's token (`HINDSIGHT_OPERATOR_TOKEN`):
`Authorization: Bearer <token>`, or HTTP Basic with the token as the password (any user name),
which is what a browser asks for when `/webhooks` answers 401. Without the setting they answer
403: a delivery log readable by anyone who reaches the server would tell them which boards
closed and which actions are late. Neither ever shows a hook's URL (a chat hook's URL is its
secret) nor a secret: hooks are shown by name, format, events, tags and host.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hindsight.server.outputs.webhooks_config import KINDS, WebhookConfig
from hindsight.server.outputs.webhooks_payload import iso
from hindsight.server.storage import outbox
from hindsight.server.web.common import error, hub_of, page

MAX_LIMIT = 1000


def _presented_token(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2]
    return ""


def refusal(request: Request, *, browser: bool) -> Response | None:
    """None when the request carries the operator's token; the answer to send otherwise."""
    token: str = request.app.state.settings.operator_token
    if not token:
        return error(
            403,
            "forbidden",
            "the delivery log is off: set HINDSIGHT_OPERATOR_TOKEN on the server to read it",
        )
    if hmac.compare_digest(_presented_token(request).encode(), token.encode()):
        return None
    response = error(401, "unauthorized", "the operator's token is needed here")
    response.headers["www-authenticate"] = (
        'Basic realm="Hindsight operator", charset="UTF-8"' if browser else "Bearer"
    )
    return response


def _when(ms: int | None) -> str | None:
    return iso(ms) if ms else None


def delivery_json(d: outbox.Delivery) -> dict[str, Any]:
    data = json.loads(d.data)
    return {
        "hook": d.hook,
        "key": d.key,
        "event": d.kind,
        "board_id": d.board_id or None,
        "owner": data.get("owner") if d.kind == "digest.weekly" else None,
        "status": d.status,
        "attempts": d.attempts,
        "last_code": d.last_code,
        "last_error": d.last_error,
        "created_at": _when(d.created_at),
        "updated_at": _when(d.updated_at),
        "next_try": _when(d.next_try) if d.status == "pending" else None,
        "delivered_at": _when(d.delivered_at),
    }


def hooks_json(config: WebhookConfig) -> list[dict[str, Any]]:
    return [
        {
            "name": h.name,
            "format": h.format,
            "host": h.host,
            "events": [k for k in KINDS if k in h.events],
            "tags": sorted(h.tags),
            "due_days": h.due_days,
            "signed": bool(h.secret),
        }
        for h in config.hooks
    ]


async def _log(request: Request) -> dict[str, Any]:
    q = request.query_params
    status = q.get("status", "")
    status = status if status in outbox.STATUSES else ""
    try:
        limit = max(1, min(MAX_LIMIT, int(q.get("limit", "100"))))
    except ValueError:
        limit = 100
    store = hub_of(request).store
    rows = await asyncio.to_thread(
        outbox.recent_deliveries, store, status=status, hook=q.get("hook", ""), limit=limit
    )
    counts = await asyncio.to_thread(outbox.delivery_counts, store)
    return {
        "hooks": hooks_json(request.app.state.webhooks),
        "counts": counts,
        "status": status,
        "deliveries": [delivery_json(d) for d in rows],
    }


async def api_deliveries(request: Request) -> Response:
    refused = refusal(request, browser=False)
    if refused is not None:
        return refused
    return JSONResponse(await _log(request))


async def deliveries_page(request: Request) -> Response:
    refused = refusal(request, browser=True)
    if refused is not None:
        return refused
    response = page(request, "webhooks.html", **await _log(request), kinds=KINDS)
    response.headers["cache-control"] = "no-store"
    return response


routes = [
    Route("/api/webhooks/deliveries", api_deliveries),
    Route("/webhooks", deliveries_page),
]
