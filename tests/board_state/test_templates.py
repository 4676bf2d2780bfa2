"""The built-in agendas (board_state/templates.py)."""

from __future__ import annotations

import pytest

from hindsight.board_state.templates import TEMPLATE_TITLES, TEMPLATES

from .helpers import make_board


def test_blameless_90_sums_to_90_minutes_with_its_phases_in_order() -> None:
    agenda = TEMPLATES["blameless-90"]
    assert sum(p.minutes for p in agenda) == 90
    assert [p.kind for p in agenda] == [
        "set_the_room",
        "summary",
        "timeline",
        "five_whys",
        "contributing_factors",
        "reflection",
        "themes",
        "actions",
        "wrap_up",
    ]


def test_blameless_90_reflection_is_private() -> None:
    assert [p.kind for p in TEMPLATES["blameless-90"] if p.private] == ["reflection"]


def test_incident_60_sums_to_60_minutes() -> None:
    agenda = TEMPLATES["incident-60"]
    assert sum(p.minutes for p in agenda) == 60
    assert [p.kind for p in agenda][0] == "set_the_room"
    assert [p.kind for p in agenda][-1] == "actions"


def test_reflection_4_has_four_sections_in_its_private_phase() -> None:
    private = [p for p in TEMPLATES["reflection-4"] if p.private]
    assert len(private) == 1
    assert private[0].sections == ("went_well", "lessons", "future", "ongoing")


def test_every_template_has_a_title() -> None:
    assert set(TEMPLATE_TITLES) == set(TEMPLATES)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_create_board_copies_the_template_into_the_agenda(name: str) -> None:
    board = make_board(template=name)
    template = TEMPLATES[name]
    assert [(p.kind, p.title, p.minutes, p.private, tuple(p.sections)) for p in board.agenda] == [
        (t.kind, t.title, t.minutes, t.private, t.sections) for t in template
    ]
    assert [p.id for p in board.agenda] == [f"p{i + 1}" for i in range(len(template))]
    board.agenda[0].minutes = 99  # the board owns a copy; the template is untouched
    assert template[0].minutes != 99
