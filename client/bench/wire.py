"""A lean websocket client for the load generator: one `asyncio.Protocol` per connection.

Why not the SDK (`client/sdk.py`, on `websockets`' asyncio client)? The generator runs on one
core and must read tens of thousands of frames per second from thousands of sockets. A task,
a queue and an async iterator per connection cost more than the frames themselves, so this
client parses frames straight in `data_received` and calls back synchronously; a frame's
arrival time is taken once per read, before any parsing, so the generator's own work does not
inflate the latencies it reports. It speaks plain RFC 6455 (no extensions, so no compression,
like the server), masks what it sends, answers pings and closes cleanly.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import random
import socket
import struct
import time
from collections.abc import Callable
from typing import cast

from websockets.speedups import apply_mask  # C helper shipped with `websockets`

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10

OnMessage = Callable[["WireClient", bytes, float], None]
OnClosed = Callable[["WireClient", int], None]


def encode_frame(opcode: int, payload: bytes) -> bytes:
    """A final, masked client frame."""
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    # The key only has to stop a browser script from shaping bytes on the wire for a proxy;
    # a load generator has no such script, so a fast non-cryptographic generator is enough.
    key = random.randbytes(4)
    return header + key + apply_mask(payload, key)


class WireClient(asyncio.Protocol):
    """One websocket connection. `on_message(client, payload, arrived_at)` gets every text
    message; `on_closed(client, code)` once, when the connection ends for any reason
    (1006 when it just dropped)."""

    def __init__(
        self, host: str, port: int, path: str, on_message: OnMessage, on_closed: OnClosed
    ) -> None:
        self.host, self.port, self.path = host, port, path
        self.on_message, self.on_closed = on_message, on_closed
        self.transport: asyncio.Transport | None = None
        self.open = asyncio.get_running_loop().create_future()  # set at the 101 response
        self._key = base64.b64encode(random.randbytes(16))
        self._buf = bytearray()
        self._fragments: list[bytes] = []
        self._close_code = 1006
        self._done = False
        self.seat: object = None  # the load generator's own state for this connection

    # --- asyncio.Protocol ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass
        cast(asyncio.WriteTransport, transport).write(
            b"GET " + self.path.encode() + b" HTTP/1.1\r\n"
            b"Host: " + f"{self.host}:{self.port}".encode() + b"\r\n"
            b"Upgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: " + self._key + b"\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        buf = self._buf
        buf += data
        if not self.open.done():
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[:end]).decode("latin-1")
            del buf[: end + 4]
            if not self._handshake_ok(head):
                self.open.set_exception(ConnectionError(head.split("\r\n", 1)[0]))
                self._abort()
                return
            self.open.set_result(None)
        pos, size = 0, len(buf)
        while size - pos >= 2:
            b0, b1 = buf[pos], buf[pos + 1]
            n, hdr = b1 & 0x7F, 2
            if n == 126:
                if size - pos < 4:
                    break
                n, hdr = struct.unpack_from("!H", buf, pos + 2)[0], 4
            elif n == 127:
                if size - pos < 10:
                    break
                n, hdr = struct.unpack_from("!Q", buf, pos + 2)[0], 10
            if b1 & 0x80:  # servers never mask
                self._abort()
                return
            start = pos + hdr
            if size - start < n:
                break
            payload = bytes(buf[start : start + n])
            pos = start + n
            self._frame(b0 & 0x80, b0 & 0x0F, payload, now)
            if self._done:
                return
        if pos:
            del buf[:pos]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.open.done():
            self.open.set_exception(ConnectionError(str(exc or "closed during the handshake")))
        self._finish()

    # --- frames -----------------------------------------------------------------------------

    def _frame(self, fin: int, opcode: int, payload: bytes, now: float) -> None:
        if opcode in (OP_TEXT, OP_BINARY, OP_CONT):
            if not fin:
                self._fragments.append(payload)
                return
            if self._fragments:
                payload = b"".join(self._fragments) + payload
                self._fragments = []
            self.on_message(self, payload, now)
        elif opcode == OP_PING:
            self._write(encode_frame(OP_PONG, payload))
        elif opcode == OP_CLOSE:
            self._close_code = struct.unpack_from("!H", payload)[0] if len(payload) >= 2 else 1005
            self._write(encode_frame(OP_CLOSE, payload[:2]))
            self._abort()

    def _handshake_ok(self, head: str) -> bool:
        lines = head.split("\r\n")
        if not lines[0].startswith("HTTP/1.1 101"):
            return False
        accept = base64.b64encode(hashlib.sha1(self._key + GUID).digest()).decode()
        return any(
            line.lower().startswith("sec-websocket-accept:")
            and line.split(":", 1)[1].strip() == accept
            for line in lines[1:]
        )

    # --- the public surface ------------------------------------------------------------------

    def send_text(self, payload: bytes) -> bool:
        """Queue a text frame; False when the connection is not open (nothing was sent)."""
        if self._done or not self.open.done() or self.open.exception() is not None:
            return False
        self._write(encode_frame(OP_TEXT, payload))
        return True

    def close(self, code: int = 1000) -> None:
        if not self._done and self.open.done() and self.open.exception() is None:
            self._close_code = code
            self._write(encode_frame(OP_CLOSE, struct.pack("!H", code)))
        self._abort()

    def pause_reading(self) -> None:
        if self.transport is not None and not self._done:
            self.transport.pause_reading()

    def resume_reading(self) -> None:
        if self.transport is not None and not self._done:
            self.transport.resume_reading()

    @property
    def closed(self) -> bool:
        return self._done

    def _write(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def _abort(self) -> None:
        if self.transport is not None:
            self.transport.close()
        self._finish()

    def _finish(self) -> None:
        if not self._done:
            self._done = True
            self.on_closed(self, self._close_code)


async def connect(
    host: str,
    port: int,
    on_message: OnMessage,
    on_closed: OnClosed,
    path: str = "/ws",
    timeout: float = 10.0,
    rcvbuf: int | None = None,
) -> WireClient:
    """Open a connection; `rcvbuf` fixes a small kernel receive buffer before connecting (a
    reader on a slow link: what it does not read stays queued on the server's side)."""
    loop = asyncio.get_running_loop()
    sock = None
    if rcvbuf is not None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.setblocking(False)
        await loop.sock_connect(sock, (host, port))
    factory = lambda: WireClient(host, port, path, on_message, on_closed)  # noqa: E731
    if sock is not None:
        _, client = await asyncio.wait_for(loop.create_connection(factory, sock=sock), timeout)
    else:
        _, client = await asyncio.wait_for(loop.create_connection(factory, host, port), timeout)
    await asyncio.wait_for(asyncio.shield(client.open), timeout)
    return client
