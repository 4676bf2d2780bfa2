"""The benchmark's floor: a websocket relay that does nothing but fan each message out.

    python -m hindsight.server.floor --port 8801

It is what any real-time board must pay at least: a Starlette websocket endpoint behind uvicorn
with the settings `hindsight serve` uses (`hindsight.server.cli.UVICORN_OPTIONS`), where
every text frame a member sends is sent, unread, to every member of the same board (the
sender included, which is its acknowledgement). No validation, no sequencing, no storage, no
projection: Hindsight's cost on top of this floor is the ratio the benchmark reports
(`hindsight-client bench`).

Its only protocol: the first frame is `{"type": "hello", "board": "<any id>"}`, answered with
`{"type": "welcome"}`; every later frame is relayed as it came.
"""

from __future__ import annotations

import argparse
import json
import sys

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

WELCOME = '{"type":"welcome"}'


def create_floor_app() -> Starlette:
    boards: dict[str, list[WebSocket]] = {}

    async def relay(ws: WebSocket) -> None:
        await ws.accept()
        try:
            hello = json.loads(await ws.receive_text())
            board = str(hello["board"])
        except (ValueError, KeyError, TypeError, WebSocketDisconnect):
            await ws.close(code=4002)
            return
        members = boards.setdefault(board, [])
        members.append(ws)
        try:
            await ws.send_text(WELCOME)
            while True:
                text = await ws.receive_text()
                # A copy: a member leaving while we await one send must not skip another.
                for member in tuple(members):
                    try:
                        await member.send_text(text)
                    except (WebSocketDisconnect, RuntimeError, OSError):
                        pass  # that member is gone; its own loop removes it
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            members.remove(ws)
            if not members:
                del boards[board]

    async def readyz(request: Request) -> JSONResponse:
        return JSONResponse({"ready": True})

    return Starlette(routes=[WebSocketRoute("/ws", relay), Route("/readyz", readyz)])


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    from hindsight.server.cli import UVICORN_OPTIONS, tune_gc

    parser = argparse.ArgumentParser(
        prog="python -m hindsight.server.floor",
        description=("The benchmark's floor: a websocket relay with Hindsight's server settings."),
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8801)
    # Departures from the shipped settings, only for measuring what they cost
    # (`python -m client.bench_settings`); without them the floor runs exactly as `serve`.
    parser.add_argument("--ws", help="uvicorn websocket implementation instead of ours")
    parser.add_argument("--deflate", action="store_true", help="offer permessage-deflate")
    args = parser.parse_args(argv)
    options = dict(UVICORN_OPTIONS)
    if args.ws:
        options["ws"] = args.ws
    if args.deflate:
        options["ws_per_message_deflate"] = True
    print(f"floor relay on ws://{args.host}:{args.port}/ws", flush=True)
    app = create_floor_app()
    tune_gc()  # the same process settings as `hindsight serve`
    uvicorn.run(app, host=args.host, port=args.port, **options, log_level="info", access_log=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
