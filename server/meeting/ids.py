"""Ids, secrets' hashes and the wall clock, for the rooms and the hub (kept out of the core:
`board_state` gets ids and times as arguments)."""

from __future__ import annotations

import base64
import hashlib
import os
import threading
import time


def now_ms() -> int:
    return time.time_ns() // 1_000_000


_POOL_SIZE = 4096
_pool, _pool_at, _pool_lock = b"", 0, threading.Lock()


def _random_bytes(n: int) -> bytes:
    """Bytes from the OS's CSPRNG (what `secrets` reads), fetched 4 KiB at a time: every op
    gets an id, and one getrandom call per op was 2-5% of the event loop's time on a busy
    core (docs/performance.md). Each byte is handed out once."""
    global _pool, _pool_at
    with _pool_lock:
        if _pool_at + n > len(_pool):
            _pool, _pool_at = os.urandom(_POOL_SIZE), 0
        chunk = _pool[_pool_at : _pool_at + n]
        _pool_at += n
        return chunk


def new_id(nbytes: int = 10) -> str:
    """A random id of lowercase letters and digits (base32): safe in URLs and on a command
    line, where a leading '-' from base64 would read as an option."""
    return base64.b32encode(_random_bytes(nbytes)).decode().rstrip("=").lower()


def hash_secret(secret: str) -> str:
    # Secrets are 192 random bits, so a plain SHA-256 is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()
