"""Seats are not a free-for-all: joins are limited per client address (a room of people joining
at once fits the burst; a script filling a board's seats does not). That observers have places
of their own is the core's: tests/board_state/test_reducer.py."""

from __future__ import annotations

from pathlib import Path

from tests.server.conftest import create_board, make_client


def test_a_join_flood_from_one_address_is_refused_after_the_burst(tmp_path: Path) -> None:
    with make_client(tmp_path, join_rate=0.01, join_burst=5) as client:
        made = create_board(client)
        board, token = made["board_id"], made["observer_token"]
        codes = [
            client.post(
                f"/api/boards/{board}/join",
                json={"name": f"Bot {i}", "role": "observer", "token": token},
            ).status_code
            for i in range(8)
        ]
        assert codes == [201] * 5 + [429] * 3
        r = client.post(
            f"/api/boards/{board}/join", json={"name": "Bot", "role": "observer", "token": token}
        )
        assert r.json() == {
            "error": {
                "code": "rate_limited",
                "message": "too many joins from your address in a short time; try again in a minute",
            }
        }
        # The HTML join form says the same, as a page.
        page = client.post(f"/b/{board}/join", data={"name": "Bot"}, follow_redirects=False)
        assert page.status_code == 429 and "Too many joins" in page.text
        # Nothing else is limited: the board and its facilitator carry on.
        assert client.post("/api/boards", json={"title": "Another"}).status_code == 201
