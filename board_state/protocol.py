"""The wire protocol: every frame a client and the server exchange over the websocket.

Frames are JSON text, one message per frame, tagged by `type` (or, for a client that asks for
it, a `batch` of messages). A client sends `hello` first, then ops (see `ops.py`) and `ping`s;
the server answers `welcome`, then streams `event`s, and answers each op with `ack` (durable,
with its `seq`) or `reject` (nothing changed). `docs/
protocol.md` is the contract in prose. Encoders and decoders are made once, here.

Versioning: the protocol evolves only by adding fields with defaults (old peers ignore unknown
fields, and new fields have defaults), so `version` changes only for a break.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

import msgspec
from msgspec import Meta

from .errors import Rejected
from .guardrails import Finding
from .ops import OP_TYPES, Op
from .views import AnyView, BoardView

VERSION = 1
MAX_FRAME = 64 * 1024  # bytes; larger frames are refused with `too_large`


class Message(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    pass


# --- client to server ------------------------------------------------------------------------


class Hello(Message, frozen=True, tag="hello"):
    board: Annotated[str, Meta(min_length=1, max_length=64)]
    credential: Annotated[str, Meta(min_length=1, max_length=200)]
    last_seq: Annotated[int, Meta(ge=0)] = 0  # the last seq this client has applied; 0: none
    epoch: Annotated[str, Meta(max_length=64)] = ""
    version: int = VERSION
    batch: bool = False  # this client reads `batch` frames (several messages in one frame)


class Ping(Message, frozen=True, tag="ping"):
    t: int = 0  # echoed back: lets a client measure round trips and its clock offset


class Check(Message, frozen=True, tag="check"):
    """Ask for guardrail hints on words you are typing (not an op: nothing is stored, and the
    answer goes to this connection alone). `kind="action"` adds the checks for action wording."""

    text: Annotated[str, Meta(max_length=4000)]
    cid: Annotated[str, Meta(max_length=64)] = ""
    kind: Literal["text", "action"] = "text"


class CountNudges(Message, frozen=True, tag="count_nudges"):
    """Facilitator only: how many nudges are open, per phase (never which item or whose)."""


# --- server to client ------------------------------------------------------------------------


class Welcome(Message, frozen=True, tag="welcome"):
    """Reply to `hello`. `seq` is the board's latest seq. With `snapshot`, replace your board:
    you are now at `seq`. Without one, the events after your `last_seq` up to `seq` follow
    at once; keep your own seq until they arrive."""

    board_id: str
    you: str
    role: str
    seq: int
    epoch: str
    server_time: int
    snapshot: BoardView | None = None
    version: int = VERSION


class Event(Message, frozen=True, tag="event"):
    """The board changed at `seq`: upsert each view by (type, id); drop each `removed`."""

    seq: int
    at: int
    changes: list[AnyView]


class Ack(Message, frozen=True, tag="ack"):
    """Your op `cid` is durable at `seq` (its event carries the same seq)."""

    cid: str
    seq: int
    duplicate: bool = False  # you had sent this cid before; this is the original seq


class Reject(Message, frozen=True, tag="reject"):
    """Your op `cid` was refused; nothing changed."""

    cid: str
    code: str
    message: str


class Error(Message, frozen=True, tag="error"):
    """A frame-level problem (bad frame, too large, rate limit). The connection stays open
    unless it is followed by a close."""

    code: str
    message: str


class Pong(Message, frozen=True, tag="pong"):
    t: int
    server_time: int


class Advice(Message, frozen=True, tag="advice"):
    """The answer to `check`: hints for the words sent with `cid` (empty: nothing to say)."""

    cid: str
    findings: list[Finding]


class NudgeCounts(Message, frozen=True, tag="nudge_counts"):
    """The answer to `count_nudges`: open nudges per phase id ("" for none of them)."""

    by_phase: dict[str, int]
    total: int


class Presence(Message, frozen=True, tag="presence"):
    """Who is here now. Names only on named boards; otherwise a count. `seats_online` (the
    facilitator's copy only) lists the participant ids connected now, so the facilitator can
    tell the seats nobody uses from the ones in use before removing any."""

    online: int
    names: list[str] = []
    seats_online: list[str] = []


class Batch(Message, frozen=True, tag="batch"):
    """Several server messages in one frame, to be handled in order as if each had come alone.

    Sent only to a client whose hello said `batch: true`. The server never waits to fill one:
    when it writes to a connection it joins whatever is already queued for it (under load, an
    ack with the events of the same round), which saves a frame, a write and a wake-up each."""

    messages: list[Welcome | Event | Ack | Reject | Error | Pong | Presence | Advice | NudgeCounts]


ClientMessage = Union[(Hello, Ping, Check, CountNudges) + OP_TYPES]  # type: ignore[valid-type]
ServerMessage = Union[
    Welcome, Event, Ack, Reject, Error, Pong, Presence, Advice, NudgeCounts, Batch
]


class _CidOnly(msgspec.Struct):
    cid: str = ""


_client_decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(ClientMessage)
_server_decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(ServerMessage)
_cid_decoder = msgspec.json.Decoder(_CidOnly)
_encoder = msgspec.json.Encoder()


def encode(message: msgspec.Struct) -> bytes:
    return _encoder.encode(message)


_BATCH_HEAD, _BATCH_TAIL = b'{"type":"batch","messages":[', b"]}"


def encode_batch(frames: list[bytes]) -> bytes:
    """A `batch` frame holding already-encoded server frames, without decoding them again."""
    return _BATCH_HEAD + b",".join(frames) + _BATCH_TAIL


def decode_client(frame: bytes | str) -> Hello | Ping | Check | CountNudges | Op:
    """Decode one client frame or raise `Rejected` naming what is wrong (and where)."""
    size = len(frame) if isinstance(frame, bytes) else len(frame.encode("utf-8", "replace"))
    if size > MAX_FRAME:
        raise Rejected("too_large", f"frame of {size} bytes exceeds the {MAX_FRAME}-byte limit")
    try:
        message: Hello | Ping | Check | CountNudges | Op = _client_decoder.decode(frame)
        return message
    except msgspec.DecodeError as e:
        raise Rejected("bad_message", str(e)) from None
    except UnicodeError:
        # msgspec checks UTF-8 only in the strings it keeps, and raises this, not DecodeError
        # (a binary frame can carry any bytes; a str from a test harness, lone surrogates).
        raise Rejected("bad_message", "the frame is not valid UTF-8") from None
    except RecursionError:
        # Deep nesting fits well within the size limit ("[" * 30000 is 30 KB).
        raise Rejected("bad_message", "the frame is nested too deeply") from None


ServerFrame = (
    Welcome | Event | Ack | Reject | Error | Pong | Presence | Advice | NudgeCounts | Batch
)


def decode_server(frame: bytes | str) -> ServerFrame:
    message: ServerFrame = _server_decoder.decode(frame)
    return message


def salvage_cid(frame: bytes | str) -> str:
    """The `cid` of a frame that failed to decode, when it can be read, so the sender can match
    the reject to its op."""
    try:
        cid = _cid_decoder.decode(frame).cid
        return cid if isinstance(cid, str) and len(cid) <= 64 else ""
    except (msgspec.DecodeError, ValueError, RecursionError):
        return ""
