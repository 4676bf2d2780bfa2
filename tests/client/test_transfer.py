"""Whole-board export and import: a backup that moves a board to a fresh one, through
projection (nothing an outsider may not see), rebuilt by ordinary ops (nothing the rules
forbid), all or nothing."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from hindsight.board_state import Entry, decode_entry
from hindsight.board_state import ops as o
from hindsight.board_state.errors import Rejected
from hindsight.client.http import (
    call,
    create_board,
    export_board,
    fetch,
    fetch_view,
    import_board,
    join_board,
)
from hindsight.client.sdk import BoardClient
from tests.realserver import RealServer
from tests.server.stored import stored


def _phase(c: BoardClient, kind: str, title: str | None = None) -> str:
    return str(
        next(
            p.id
            for p in c.local.meta.agenda
            if p.kind == kind and (title is None or p.title == title)
        )
    )


async def _go(c: BoardClient, phase_id: str) -> None:
    ack = await c.submit(o.GoToPhase(phase_id=phase_id, start_timer=False))
    await c.wait_for_seq(ack.seq)


async def _made(c: BoardClient, op: o.Op, kind: str) -> str:
    """Submit an op that creates one `kind`; return the new item's id once it is seen (found
    by its text: other clients' items may arrive meanwhile)."""
    ack = await c.submit(op)
    await c.wait_for_seq(ack.seq)
    field = next(f for f in ("text", "name", "problem") if hasattr(op, f))
    [new] = [v.id for v in c.local.of(kind) if getattr(v, field) == getattr(op, field)]
    return str(new)


async def _rich_board(server: RealServer, anonymity: str = "anonymous") -> tuple[str, str, str]:
    """A closed meeting with something of everything, and one private note never revealed."""
    made = create_board(
        server.url,
        title="Checkout outage",
        severity="sev1",
        facilitator_name="Fay",
        anonymity=anonymity,
    )
    board, fac_cred = made["board_id"], made["credential"]
    token = made["join_token"]
    ann_cred = join_board(server.url, board, "Ann", token=token)["credential"]
    bob = join_board(server.url, board, "Bob", token=token)
    join_board(server.url, board, "Obi", "observer", token=made["observer_token"])
    async with (
        BoardClient(server.url, board, fac_cred) as fay,
        BoardClient(server.url, board, ann_cred) as ann,
        BoardClient(server.url, board, bob["credential"]) as bobc,
    ):
        await fay.submit(
            o.EditHeader(
                started_at="2026-08-14T09:00Z",
                detected_at="2026-08-14T09:12Z",
                resolved_at="2026-08-14T10:05:00+01:00",
                users_affected="12% of checkouts",
                duration="65 min",
                cost="about 40k EUR",
                impact_notes="EU only",
                impact_rows=[
                    o.ImpactRowInput(dimension="Failed checkouts", impact="~3,100 in 65 min"),
                    o.ImpactRowInput(dimension="Support tickets", impact="212"),
                ],
                learning_question="Why did the alert come late?",
                summary="A bad resolver config.",
                communications="Status page at 09:20.",
                regulatory="N/A: no personal data",
                sign_off=[
                    o.SignOffEntry(role="Engineering manager", name="Kim", date="2026-08-20")
                ],
            )
        )
        await fay.submit(o.SetTags(tags=["DNS", "vendor"]))
        await fay.submit(o.EditSettings(dot_budget=3, nudges=["blame", "five_whys"]))
        ack = await fay.submit(
            o.AddPhase(
                kind="discussion", title="Open floor", minutes=12, prompt="Anything else?", index=2
            )
        )
        await fay.wait_for_seq(ack.seq)
        await fay.submit(o.RemovePhase(phase_id=_phase(fay, "wrap_up")))
        await fay.submit(
            o.EditPhase(phase_id=_phase(fay, "timeline"), title="Timeline walk", minutes=25)
        )
        ack = await fay.submit(
            o.AddPhase(
                kind="reflection", title="Private thoughts", private=True, sections=["lessons"]
            )
        )
        await fay.wait_for_seq(ack.seq)

        await ann.submit(
            o.AddTimelineEntry(at="2026-08-14T09:12Z", text="Alert fired", kind="signal")
        )
        await fay.submit(
            o.ImportTimeline(
                entries=[
                    o.TimelineItem(
                        at="2026-08-14T09:20Z", text="Rollback decided", kind="decision"
                    ),
                    o.TimelineItem(at="2026-08-14T09:05Z", text="Config pushed"),
                ]
            )
        )

        await _go(fay, _phase(fay, "five_whys"))
        chain = await _made(ann, o.AddChain(problem="Checkouts failed"), "chain")
        await ann.submit(o.AddWhy(chain_id=chain, why="DNS did not resolve", answer="bad config"))
        ack = await ann.submit(
            o.AddWhy(chain_id=chain, why="Config not validated", answer="no schema check in CI")
        )
        await ann.wait_for_seq(ack.seq)
        step = ann.local.items[("chain", chain)].steps[1].id
        await ann.submit(
            o.MarkRootCause(
                chain_id=chain, step_id=step, cause="Resolver config ships without validation"
            )
        )
        await ann.submit(o.EditChain(chain_id=chain, done=True))
        await _made(fay, o.AddChain(problem="Alert late"), "chain")

        await _go(fay, _phase(fay, "contributing_factors"))
        s1 = await _made(
            ann,
            o.AddSticky(section="contributing", text="No config linting", category="tooling"),
            "sticky",
        )
        s2 = await _made(
            bobc, o.AddSticky(section="contributing", text="Alert threshold too high"), "sticky"
        )
        await _made(bobc, o.ParkQuestion(text="Should DNS have its own on-call?"), "sticky")

        await _go(fay, _phase(fay, "reflection", "What went well, what went badly"))
        await ann.submit(o.AddSticky(section="went_well", text="Rollback was quick"))
        await fay.submit(
            o.Reveal(phase_id=_phase(fay, "reflection", "What went well, what went badly"))
        )
        await _go(fay, _phase(fay, "reflection", "Private thoughts"))
        await ann.submit(o.AddSticky(section="lessons", text="SECRET never revealed"))

        await _go(fay, _phase(fay, "themes"))
        theme = await _made(bobc, o.AddTheme(name="Config safety", sticky_ids=[s1, s2]), "theme")
        await _made(fay, o.AddTheme(name="Empty theme"), "theme")
        opened = await fay.submit(o.OpenVote(target="stickies", budget=3))
        await fay.wait_for_seq(opened.seq)
        round_id = fay.local.of("round")[0].id
        await ann.submit(o.CastVote(round_id=round_id, item_id=s1))
        await fay.submit(o.CloseVote(round_id=round_id))
        await fay.submit(o.RevealVote(round_id=round_id))

        await _go(fay, _phase(fay, "actions"))
        a1 = await _made(
            ann,
            o.AddAction(
                text="Lint resolver config in CI",
                owner_id=ann.you,
                due="2026-09-01",
                success="CI fails on a bad config",
                kind="short_term",
                links=[theme, chain],
            ),
            "action",
        )
        a2 = await _made(
            fay,
            o.AddAction(
                text="Lower the alert threshold",
                owner_id=bob["participant_id"],
                kind="immediate",
                links=[s2],
            ),
            "action",
        )
        a3 = await _made(fay, o.AddAction(text="Write a DNS runbook", kind="long_term"), "action")
        await fay.submit(o.RankAction(action_id=a3, index=0))
        await fay.submit(o.SelectAction(action_id=a1))
        await fay.submit(o.SelectAction(action_id=a2))
        await ann.submit(o.ConfirmOwner(action_id=a1))
        await ann.submit(o.SetActionStatus(action_id=a1, status="in_progress"))
        await fay.submit(o.SetActionStatus(action_id=a2, status="done"))
        ack = await fay.submit(o.CloseMeeting())
        await fay.wait_for_seq(ack.seq)
    return board, fac_cred, ann_cred


def _normal(doc: dict[str, Any]) -> dict[str, Any]:
    """A board with its ids replaced by what they point at: equal for equal content."""
    b = doc["board"]
    m = b["board"]
    names = {p["id"]: p["name"] for p in b["participants"]}
    themes = {t["id"]: t["name"] for t in b["themes"]}
    content = {
        **{s["id"]: ("sticky", s["text"]) for s in b["stickies"]},
        **{t["id"]: ("theme", t["name"]) for t in b["themes"]},
        **{c["id"]: ("chain", c["problem"]) for c in b["chains"]},
    }
    actions = {a["id"]: a for a in b["actions"]}

    def root(c: dict[str, Any]) -> int | None:
        ids = [s["id"] for s in c["steps"]]
        return ids.index(c["root_step_id"]) if c["root_step_id"] else None

    return {
        "template": m["template"],
        "header": m["header"],
        "settings": m["settings"],
        "agenda": [
            (
                p["kind"],
                p["title"],
                p["prompt"],
                p["minutes"],
                p["private"],
                p["sections"],
                p["revealed"],
            )
            for p in m["agenda"]
        ],
        "closed": m["closed_at"] is not None,
        "facilitator": names[m["facilitator"]],
        "participants": sorted((p["name"], p["role"]) for p in b["participants"]),
        "timeline": [(e["at"], e["text"], e["kind"], e["author"]) for e in b["timeline"]],
        "stickies": sorted(
            (s["section"], s["text"], s["category"], themes.get(s["theme_id"]), s["author"])
            for s in b["stickies"]
        ),
        "chains": sorted(
            (
                c["problem"],
                [(s["why"], s["answer"]) for s in c["steps"]],
                root(c),
                c["root_cause"],
                c["done"],
            )
            for c in b["chains"]
        ),
        "themes": sorted(themes.values()),
        "actions": [
            (
                a["text"],
                names.get(a["owner_id"]),
                a["due"],
                a["success"],
                a["kind"],
                sorted(content[link] for link in a["links"]),
                a["selected"],
                a["confirmed"],
                a["status"],
            )
            for a in (actions[i] for i in m["action_order"])
        ],
    }


def _log(server: RealServer, board_id: str) -> list[Entry]:
    rows = stored(
        server.db.parent,
        "SELECT body FROM ops WHERE board_id = ? ORDER BY seq",
        (board_id,),
        db=server.db.name,
    )
    return [decode_entry(body) for (body,) in rows]


def _boards(server: RealServer) -> int:
    count: int = stored(server.db.parent, "SELECT count(*) FROM boards", db=server.db.name)[0][0]
    return count


def test_export_then_import_reproduces_the_board(server: RealServer) -> None:
    board, fac, _ = asyncio.run(_rich_board(server))
    first = json.loads(export_board(server.url, board, fac))
    assert (first["format"], first["version"]) == ("hindsight-board", 1)
    assert first["exported_at"].endswith("Z")

    made = import_board(server.url, json.dumps(first).encode())
    assert made["board_id"] != board
    assert made["facilitator_url"] == f"/b/{made['board_id']}#k={made['credential']}"
    assert sorted((p["name"]) for p in made["owners"]) == ["Ann", "Bob"]
    assert sorted((p["name"], p["role"]) for p in made["participants"]) == [
        ("Ann", "participant"),
        ("Bob", "participant"),
        ("Obi", "observer"),
    ]
    assert made["notes"][:2] == [
        "1 voting round(s) were not recreated: votes are never exported by person; revealed "
        "totals stay in the export file",
        "1 private note(s) never revealed were not exported: only their authors ever saw them",
    ]
    again = json.loads(export_board(server.url, made["board_id"], made["credential"]))

    before, after = _normal(first), _normal(again)
    for key in before:
        assert after[key] == before[key], key
    assert before["closed"] and len(before["actions"]) == 3 and len(before["timeline"]) == 3
    assert [r["dimension"] for r in after["header"]["impact"]["rows"]] == [
        "Failed checkouts",
        "Support tickets",
    ]  # the impact table travels too
    assert again["board"]["rounds"] == []  # rounds are not recreated (said in the notes)
    # The re-created owners' credentials open the new board as themselves.
    ann = next(p for p in made["owners"] if p["name"] == "Ann")
    seen = fetch_view(server.url, made["board_id"], ann["credential"])
    assert seen["you"] == ann["participant_id"]


def test_the_export_goes_through_projection(server: RealServer) -> None:
    board, fac, _ = asyncio.run(_rich_board(server))
    doc = json.loads(export_board(server.url, board, fac))
    b = doc["board"]
    assert "SECRET" not in json.dumps(doc)  # unrevealed private writing stays on the server
    assert [
        p["private_count"] for p in b["board"]["agenda"] if p["title"] == "Private thoughts"
    ] == [1]
    assert all(s["author"] is None for s in b["stickies"])
    assert all(e["author"] is None for e in b["timeline"])
    assert not any(s["mine"] for s in b["stickies"]) and not any(e["mine"] for e in b["timeline"])
    # Names appear only in the attendance list, never tied to writing or dots.
    rest = json.dumps({k: v for k, v in b.items() if k != "participants"})
    assert "Ann" not in rest and "Bob" not in rest
    [r] = b["rounds"]
    assert r["mine"] == {} and r["totals"] and r["state"] == "revealed"


def test_a_named_board_keeps_its_authors(server: RealServer) -> None:
    board, fac, _ = asyncio.run(_rich_board(server, "named"))
    first = json.loads(export_board(server.url, board, fac))
    assert {s["author"] for s in first["board"]["stickies"]} == {"Ann", "Bob"}
    made = import_board(server.url, json.dumps(first).encode(), facilitator_name="Fay")
    again = json.loads(export_board(server.url, made["board_id"], made["credential"]))
    before, after = _normal(first), _normal(again)
    assert after == before
    assert any("keep their authors" in n for n in made["notes"])
    # The writing comes back under each author's name by the server's own op: the facilitator
    # role never leaves the importing person (no hand-over in the new board's log, which an
    # open board keeps; closing seals it).
    first["board"]["board"]["closed_at"] = None
    reopened = import_board(server.url, json.dumps(first).encode())
    kinds = [o.op_tag(e.op) for e in _log(server, reopened["board_id"])]
    assert "hand_over" not in kinds and kinds.count("restore_writing") >= 2


def test_only_the_facilitator_may_export(server: RealServer) -> None:
    made = create_board(server.url, title="Mine")
    ann = join_board(server.url, made["board_id"], "Ann", token=made["join_token"])["credential"]
    with pytest.raises(Rejected) as e:
        export_board(server.url, made["board_id"], ann)
    assert (e.value.code, e.value.message) == (
        "forbidden",
        "only the facilitator may export the whole board",
    )
    with pytest.raises(Rejected) as e:
        fetch(server.url, "GET", f"/api/boards/{made['board_id']}/export")
    assert e.value.code == "unauthorized"


def _minimal() -> dict[str, Any]:
    return {
        "format": "hindsight-board",
        "version": 1,
        "board": {
            "board": {"template": "incident-60", "header": {"title": "Small"}},
            "stickies": [{"id": "s1", "section": "went_well", "text": "ok", "theme_id": None}],
            "timeline": [{"at": "2026-08-14T09:12Z", "text": "alert"}],
        },
    }


def test_a_minimal_hand_written_document_imports(server: RealServer) -> None:
    made = import_board(server.url, json.dumps(_minimal()).encode())
    view = fetch_view(server.url, made["board_id"], made["credential"])["view"]
    assert view["board"]["header"]["title"] == "Small"
    assert [p["title"] for p in view["board"]["agenda"]][:2] == [  # the template's agenda
        "Ground rules",
        "Incident summary",
    ]
    assert [s["text"] for s in view["stickies"]] == ["ok"]
    assert [e["at"] for e in view["timeline"]] == ["2026-08-14T09:12:00Z"]


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: d.update(format="something-else"),
            "not a board export: `format` is 'something-else', expected 'hindsight-board'",
        ),
        (
            lambda d: d.update(version=2),
            "this is version 2 of the board format; this server reads version 1",
        ),
        (
            lambda d: d["board"]["stickies"][0].update(text=5),
            "Expected `str`, got `int` - at `$.board.stickies[0].text`",
        ),
        (
            lambda d: d["board"]["stickies"][0].update(section="nowhere"),
            "Invalid enum value 'nowhere' - at `$.board.stickies[0].section`",
        ),
        (
            lambda d: d["board"]["timeline"][0].update(text=""),
            "Expected `str` of length >= 1 - at `$.board.timeline[0].text`",
        ),
        (lambda d: d["board"].pop("board"), "Object missing required field `board` - at `$.board`"),
    ],
)
def test_a_malformed_document_is_422_naming_the_field(
    server: RealServer, change: Any, message: str
) -> None:
    doc = _minimal()
    change(doc)
    with pytest.raises(Rejected) as e:
        import_board(server.url, json.dumps(doc).encode())
    assert (e.value.code, e.value.message) == ("bad_message", message)


@pytest.mark.parametrize(
    "change, code, message",
    [
        (
            lambda d: d["board"]["stickies"][0].update(theme_id="t9"),
            "invalid",
            "sticky 1: theme 't9' is not in the export",
        ),
        (
            lambda d: d["board"]["timeline"][0].update(at="when the pager went off"),
            "invalid",
            "timeline: entry 1: time 'when the pager went off' is not a date and time; "
            "use ISO 8601 such as 2026-08-14T09:12:00Z",
        ),
        (
            lambda d: d["board"].update(actions=[{"id": "a1", "text": "x", "owner_id": "ghost"}]),
            "invalid",
            "action 1: owner 'ghost' is not in the export",
        ),
        (
            lambda d: d["board"]["board"].update(template="nope"),
            "invalid",
            "unknown template 'nope'; choose one of blameless-90, incident-60, reflection-4",
        ),
    ],
)
def test_a_document_that_does_not_hold_together_creates_nothing(
    server: RealServer, change: Any, code: str, message: str
) -> None:
    doc = _minimal()
    change(doc)
    boards = _boards(server)
    with pytest.raises(Rejected) as e:
        import_board(server.url, json.dumps(doc).encode())
    assert (e.value.code, e.value.message) == (code, message)
    assert _boards(server) == boards  # all or nothing: no half-built board is left behind


def test_an_import_is_a_post_with_json(server: RealServer) -> None:
    with pytest.raises(Rejected) as e:
        call(server.url, "POST", "/api/boards/import", {"hello": "world"})
    assert e.value.message == "not a board export: `format` is '', expected 'hindsight-board'"
