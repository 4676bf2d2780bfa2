"""Ids for boards, people and items (server/ids.py)."""

from __future__ import annotations

from hindsight.server.meeting import ids


def test_ids_are_safe_to_paste_into_a_shell_and_a_url() -> None:
    """Ids are lowercase letters and digits: none starts with '-' (argparse would take it for
    an option) and none needs escaping in a URL."""
    made = [ids.new_id() for _ in range(2000)] + [ids.new_id(15) for _ in range(200)]
    assert all(i.isalnum() and i.islower() or i.isdigit() for i in made)
    assert len(set(made)) == len(made)
    assert {len(ids.new_id()), len(ids.new_id(15))} == {16, 24}
