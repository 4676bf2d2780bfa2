"""'Refocus on systems' is anonymous at rest too: the server checks who sent it and then stores
it as nobody's. No op row, dedupe record or client op id ties it to the person who pressed it,
and the board still replays to the same state after a restart."""

from __future__ import annotations

from pathlib import Path

from hindsight.board_state import ANONYMOUS
from tests.server.conftest import board_view, create_board, hello, join, make_client, op
from tests.server.stored import stored


def op_rows(folder: Path, board_id: str) -> list[tuple[int, str, str]]:
    return stored(
        folder, "SELECT seq, actor, cid FROM ops WHERE board_id = ? ORDER BY seq", (board_id,)
    )


def test_a_refocus_is_logged_without_its_sender_or_client_id_and_replays(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        made = create_board(client)
        board = made["board_id"]
        sam = join(client, board, "Sam")
        with client.websocket_connect("/ws") as ws:
            hello(ws, board, sam["credential"])
            ack, event = op(ws, {"type": "refocus", "cid": "sam-refocus-1"})
            assert ack["cid"] == "sam-refocus-1"  # Sam's page still learns its op landed
            (meta,) = [c for c in event["changes"] if c["type"] == "board"]
            assert meta["refocus_count"] == 1
            op(ws, {"type": "raise_hand", "cid": "sam-hand-1", "raised": True})
    rows = op_rows(tmp_path, board)
    refocus_seq = ack["seq"]
    (row,) = [r for r in rows if r[0] == refocus_seq]
    assert row[1:] == (ANONYMOUS, "")
    # The control: Sam's other op is stored as his, so the check above can see a sender.
    assert (sam["participant_id"], "sam-hand-1") in [(r[1], r[2]) for r in rows]
    assert not any(r[2] == "sam-refocus-1" for r in rows)

    # A restart replays the log (the anonymous refocus included) to the same board.
    with make_client(tmp_path) as client:
        view = board_view(client, board, made["credential"])["view"]
        assert view["board"]["refocus_count"] == 1
        assert view["board"]["hands"] == [sam["participant_id"]]
