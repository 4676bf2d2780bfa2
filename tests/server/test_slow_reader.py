"""A client that stops reading is disconnected; its board does not wait for it."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
from pathlib import Path

from hindsight.board_state import ops as o
from hindsight.client.http import create_board, join_board
from hindsight.client.sdk import BoardClient
from tests.realserver import RealServer


def _raw_websocket(port: int) -> socket.socket:
    """A bare websocket handshake on a socket with a tiny receive buffer, so it fills fast."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:  # a client speaks only after the 101
        response += sock.recv(1)
    assert response.startswith(b"HTTP/1.1 101"), response
    return sock


def _send_text(sock: socket.socket, text: str) -> None:
    data, mask = text.encode(), os.urandom(4)
    assert len(data) < 126
    sock.sendall(
        bytes([0x81, 0x80 | len(data)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    )


def _close_code(sock: socket.socket) -> int | None:
    """Read what the server sent until its close frame; return the close code (None: no close)."""
    sock.settimeout(10)
    buf = b""
    while True:
        while len(buf) < 10:
            chunk = sock.recv(1 << 20)
            if not chunk:
                return None
            buf += chunk
        opcode, length, head = buf[0] & 0x0F, buf[1] & 0x7F, 2
        if length == 126:
            length, head = struct.unpack("!H", buf[2:4])[0], 4
        elif length == 127:
            length, head = struct.unpack("!Q", buf[2:10])[0], 10
        while len(buf) < head + length:
            chunk = sock.recv(1 << 20)
            if not chunk:
                return None
            buf += chunk
        payload, buf = buf[head : head + length], buf[head + length :]
        if opcode == 0x8:
            return int(struct.unpack("!H", payload[:2])[0])


def test_a_reader_that_stops_reading_is_dropped_and_the_writer_is_not_slowed(
    tmp_path: Path,
) -> None:
    server = RealServer(
        tmp_path / "slow.db",
        env={"HINDSIGHT_SEND_QUEUE": "256", "HINDSIGHT_RATE": "10000", "HINDSIGHT_BURST": "10000"},
    )
    server.start()
    try:
        made = create_board(server.url, title="Slow reader")
        slow_cred = join_board(server.url, made["board_id"], "Slow", token=made["join_token"])[
            "credential"
        ]
        sock = _raw_websocket(server.port)
        _send_text(
            sock, json.dumps({"type": "hello", "board": made["board_id"], "credential": slow_cred})
        )

        async def write() -> int:
            async with BoardClient(server.url, made["board_id"], made["credential"]) as fac:
                seeded = await fac.submit(o.AddTimelineEntry(at="2026-08-14T09:00Z", text="seed"))
                await fac.wait_for_seq(seeded.seq)  # the ack comes before its event
                entry = fac.local.of("timeline")[0].id
                acks = 0
                # 190 KB a burst, until the kernel's socket buffers are full and the server's
                # queue for the silent reader overflows (bounded: about 19 MB in all).
                for burst in range(100):
                    acks += len(
                        await asyncio.gather(
                            *(
                                fac.submit(
                                    o.EditTimelineEntry(entry_id=entry, text=f"{burst}.{i} " * 320),
                                    timeout=20,
                                )
                                for i in range(100)
                            )
                        )
                    )
                    if "disconnecting a slow reader" in server.log.read_text():
                        break
                return acks

        acks = asyncio.run(write())
        assert acks % 100 == 0 and acks < 10_000, "the writer was held up or refused"
        assert "disconnecting a slow reader" in server.log.read_text()
        # When the slow client finally reads, it finds the server's "too slow" close.
        assert _close_code(sock) == 4008
        sock.close()
    finally:
        server.stop()
