"""The wire protocol and op decoding: limits fail at decode time, with a path (protocol.py,
ops.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import msgspec
import pytest

from hindsight.board_state import Entry, Rejected, decode_entry, encode_entry
from hindsight.board_state import ops as o
from hindsight.board_state.protocol import (
    MAX_FRAME,
    Ack,
    Hello,
    Ping,
    decode_client,
    decode_server,
    encode,
    salvage_cid,
)


def frame(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def test_an_op_frame_decodes_to_its_struct() -> None:
    op = decode_client(frame(type="add_sticky", cid="c-1", section="went_well", text="ok"))
    assert op == o.AddSticky(cid="c-1", section="went_well", text="ok")


def test_hello_and_ping_decode() -> None:
    assert isinstance(decode_client(frame(type="hello", board="b", credential="s")), Hello)
    assert decode_client(frame(type="ping", t=5)) == Ping(t=5)


def test_too_long_text_fails_at_decode_time_naming_the_field() -> None:
    with pytest.raises(Rejected) as info:
        decode_client(frame(type="add_sticky", section="went_well", text="x" * 2001))
    assert info.value.code == "bad_message"
    assert "$.text" in info.value.message


def test_empty_text_fails_at_decode_time() -> None:
    with pytest.raises(Rejected) as info:
        decode_client(frame(type="park_question", text=""))
    assert "$.text" in info.value.message


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"type": "add_sticky", "section": "nowhere", "text": "x"}, "$.section"),
        ({"type": "open_vote", "budget": 51}, "$.budget"),
        ({"type": "extend_timer", "minutes": 0}, "$.minutes"),
        ({"type": "add_theme", "name": "t", "sticky_ids": ["s"] * 201}, "$.sticky_ids"),
        ({"type": "rename", "name": "n" * 81}, "$.name"),
    ],
)
def test_field_limits_name_the_offending_field(fields: dict[str, object], path: str) -> None:
    with pytest.raises(Rejected) as info:
        decode_client(json.dumps(fields))
    assert path in info.value.message


def test_unknown_op_type_is_a_bad_message() -> None:
    with pytest.raises(Rejected) as info:
        decode_client(frame(type="delete_board"))
    assert info.value.code == "bad_message"


def test_oversized_frame_is_too_large_before_decoding() -> None:
    with pytest.raises(Rejected) as info:
        decode_client(b"{" + b" " * MAX_FRAME + b"}")
    assert info.value.code == "too_large"


def test_salvage_cid_reads_the_cid_of_an_undecodable_op() -> None:
    assert salvage_cid(frame(type="add_sticky", cid="c-9", text="")) == "c-9"
    assert salvage_cid(b"not json") == ""
    assert salvage_cid(frame(cid="c" * 65)) == ""


def test_server_frames_round_trip() -> None:
    assert decode_server(encode(Ack(cid="c-1", seq=7))) == Ack(cid="c-1", seq=7)


def test_log_entries_round_trip() -> None:
    entry = Entry(
        seq=3, actor="u-1", at=123, new_id="n-1", op=o.AddAction(text="alert", links=["t1"])
    )
    assert decode_entry(encode_entry(entry)) == entry


def test_every_op_type_has_a_row_in_the_ops_section_of_the_protocol_docs() -> None:
    """docs/protocol.md section 4 documents every op a log may hold (spotlight included)."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text()
    ops = text[text.index("## 4. Ops") : text.index("## 5. Views")]
    tags = [str(t.__struct_config__.tag) for t in o.OP_TYPES]
    missing = [tag for tag in tags if not re.search(rf"^\| `{tag}` \|", ops, re.M)]
    assert missing == [], f"undocumented ops: {missing}"


PROTOCOL = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end)]


def test_the_ops_section_names_no_op_that_does_not_exist() -> None:
    ops = _section(PROTOCOL.read_text(), "## 4. Ops", "## 5. Views")
    named = set(re.findall(r"^\| `([a-z_]+)` \|", ops, re.M))
    tags = {str(t.__struct_config__.tag) for t in o.OP_TYPES}
    assert named - tags == set()


def test_every_view_has_a_heading_in_the_views_section_and_every_heading_is_a_view() -> None:
    from hindsight.board_state import views

    views_text = _section(PROTOCOL.read_text(), "## 5. Views", "## 6. Error codes")
    named = set(re.findall(r"^### `([a-z_]+)`", views_text, re.M))
    tags = {
        str(t.__struct_config__.tag)
        for t in vars(views).values()
        if isinstance(t, type) and issubclass(t, views.View) and t is not views.View
    }
    assert tags and named == tags


def test_every_error_code_is_in_the_error_table_and_every_row_is_a_code() -> None:
    from hindsight.board_state.errors import CODES

    table = _section(PROTOCOL.read_text(), "## 6. Error codes", "## 7. Resume")
    named = set(re.findall(r"^\| `([a-z_]+)` \|", table, re.M))
    assert named == set(CODES)


def test_no_struct_of_the_boards_own_state_goes_on_the_wire() -> None:
    """model.py's structs are the server's private state; what a viewer is sent is built from
    views.py's own structs (a model field added is then never sent by accident)."""
    import typing

    from hindsight.board_state import model, views

    seen: set[type] = set()

    def walk(tp: object) -> None:
        for arg in typing.get_args(tp):
            walk(arg)
        if isinstance(tp, type) and issubclass(tp, msgspec.Struct) and tp not in seen:
            seen.add(tp)
            for hint in typing.get_type_hints(tp).values():
                walk(hint)

    for value in vars(views).values():
        walk(value)
    leaked = sorted(t.__name__ for t in seen if t.__module__ == model.__name__)
    assert len(seen) > 15 and leaked == []
