"""Moving boards: JSON export of a whole board and import into a fresh one.

    GET  /api/boards/{board_id}/export   (Authorization: Bearer <facilitator credential>)
    POST /api/boards/import              (the exported document, + optional facilitator_name)

The export is the board as an outsider sees it (`room.read("")`): it goes through projection
like every other path that sends board data, so it carries no authors on anonymous boards, no
unrevealed private writing and no votes by person (round totals only once revealed).

Import rebuilds the board with ordinary ops sent by its new facilitator, so the rules that
guard a live board guard an imported one too. Everything is first played against an empty
board in memory (the core is pure), and only if every op passes is the real board created:
a bad document leaves nothing half-imported behind. Ops that do not depend on each other go to
the room as one batch, which it commits in one transaction (the largest board the core allows
imports in about 3 s instead of 25). Participants are re-created by name with new credentials,
returned to the importer. Each author's writing comes back with the server's own op for it
(`restore_writing`, which writes as the author it names, in any phase): on a named board under
its author's name; on an anonymous board under the facilitator's. The ids of what each op
created come back in its receipt, so old ids map to new ones without searching the board. What ops
cannot recreate (voting rounds, timer history, creation times) is listed in `notes`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from hindsight.board_state import Rejected
from hindsight.board_state import ops as o
from hindsight.board_state.rules import check_read
from hindsight.server.outputs.transfer_doc import FORMAT, VERSION, Invalid, decode
from hindsight.server.outputs.transfer_rebuild import Rebuild, notes_of
from hindsight.server.outputs.transfer_targets import Live, Rehearsal
from hindsight.server.web.common import bearer, error, hub_of, room_of
from hindsight.server.web.http import join_links
from hindsight.server.web.members import remember_reader

MAX_DOCUMENT = 32 << 20  # bytes: the largest board the core allows, with room to spare

# --- export ----------------------------------------------------------------------------------


async def export_board(request: Request) -> Response:
    room = await room_of(request)
    pid = room.authenticate(bearer(request)) if room else None
    if room is None or pid is None:
        return error(401, "unauthorized", "no board with that id opens with this credential")
    await room.consult(lambda board: check_read(board, pid, "export_board"))
    # The outsider's view: what anyone may be shown, and nothing tied to the exporting person.
    seq, view = await room.read("")
    exported_at = datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
    body = msgspec.json.encode(
        {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": exported_at,
            "seq": seq,
            "board": view,
        }
    )
    return Response(
        body,
        media_type="application/json",
        headers={
            "cache-control": "no-store",
            "content-disposition": f'attachment; filename="hindsight-{room.board_id}.json"',
        },
    )


async def _read_capped(request: Request) -> bytes | None:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_DOCUMENT:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def import_board(request: Request) -> Response:
    raw = await _read_capped(request)
    if raw is None:
        return error(413, "too_large", f"a board export is at most {MAX_DOCUMENT >> 20} MiB")
    try:
        doc = decode(raw)
    except Invalid as e:
        return error(422, "bad_message", str(e))
    fac_name = doc.facilitator_name or next(
        (p.name for p in doc.board.participants if p.id == doc.board.board.facilitator),
        "Facilitator",
    )
    m = doc.board.board
    create = o.CreateBoard(
        template=m.template,
        title=m.header.title,
        severity=m.header.severity,
        learning_question=m.header.learning_question,
        facilitator_name=fac_name,
        anonymity=m.settings.anonymity,
    )
    try:
        await Rebuild(Rehearsal(create), doc.board).run()
    except Rejected as e:
        return error(422, e.code, e.message)
    except Invalid as e:
        return error(422, "invalid", str(e))
    hub = hub_of(request)
    board_id, fac_pid, credential = await hub.create_board(create)
    await remember_reader(request, board_id, fac_pid)
    room = await hub.room(board_id)
    assert room is not None
    rebuild = Rebuild(Live(room, fac_pid), doc.board)
    try:
        await rebuild.run()  # the rehearsal passed: the same ops on the same rules pass again
    except Rejected as e:  # only if someone raced us on the new board: say where it stopped
        return error(
            500, "incomplete", f"board {board_id} was created but its import stopped at {e.message}"
        )
    owners = {a.owner_id for a in doc.board.actions if a.owner_id}
    people = [{k: v for k, v in p.items() if k != "old_id"} for p in rebuild.people]
    return JSONResponse(
        {
            "board_id": board_id,
            "participant_id": fac_pid,
            "credential": credential,
            "facilitator_url": f"/b/{board_id}#k={credential}",
            **join_links(board_id, await room.consult(lambda b: dict(b.links))),
            "owners": [
                {k: p[k] for k in ("name", "participant_id", "credential")}
                for p in rebuild.people
                if p["old_id"] in owners
            ],
            "participants": people,
            "notes": notes_of(doc.board),
        },
        status_code=201,
    )


routes: list[BaseRoute] = [
    Route("/api/boards/import", import_board, methods=["POST"]),
    Route("/api/boards/{board_id}/export", export_board),
]
