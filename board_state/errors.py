"""The one error the core raises.

Every refusal, whatever its cause, is a `Rejected(code, message)`: `code` is a stable
machine-readable word from `CODES` (clients branch on it), `message` is a sentence a person can
read. The shell turns it into a `reject` frame for the op's sender; nothing else changes.
"""

from __future__ import annotations

CODES: dict[str, str] = {
    "bad_message": "the frame is not valid JSON or does not match the protocol",
    "too_large": "the frame is larger than the size limit",
    "rate_limited": "too many frames in too short a time",
    "unauthorized": "the credential does not open this board",
    "forbidden": "your role may not do this",
    "wrong_phase": "the current phase does not allow this",
    "not_found": "the thing referred to does not exist (or is not visible to you)",
    "invalid": "the request breaks a rule of the board",
    "limit": "a count or size limit of the board is reached",
    "budget_exceeded": "no dots left in this voting round",
    "vote_closed": "the voting round is not open",
    "vote_pending": "the item is on the ballot of a vote whose results are not revealed yet",
    "closed": "the meeting is closed",
    "too_soon": "the same signal was sent moments ago; it is not repeated",
    "join_link": "the join link is missing, wrong or replaced by the facilitator",
    "already_linked": "the action already has an issue in the issue tracker",
    # HTTP only:
    "name_taken": "a saved agenda of that name exists (send replace to overwrite it)",
    "unavailable": "the board could not be saved just now",
    "incomplete": "a board import made the board but its rebuild stopped",
    "tracker_refused": "the issue tracker refused the request (token, project or fields)",
    "tracker_unavailable": "the issue tracker could not be reached or failed",
}


class Rejected(Exception):
    """An op or frame was refused; the board is unchanged."""

    def __init__(self, code: str, message: str) -> None:
        assert code in CODES, code
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
