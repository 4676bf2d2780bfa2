"""The blame model the server installs (server/nudge_model, issue 14 round eight): it keeps the
rules' findings it does not clearly disagree with, drops the others, and adds its own."""

from __future__ import annotations

from pathlib import Path

from hindsight.board_state.guardrails import check_action, check_text, learned
from hindsight.board_state.guardrails.blame import check_text as blame_check
from hindsight.board_state.model import Action
from hindsight.server import nudge_model
from hindsight.server.app import create_app
from hindsight.server.config import Settings


def _rules(text: str) -> list[object]:
    """What the rules alone say (no model, no word weights)."""
    return list(blame_check(text, learned=False))


def test_the_server_installs_both_models_at_start(tmp_path: Path) -> None:
    for check in nudge_model.SHIPPED:
        learned.install(check, None)
    create_app(Settings(db=str(tmp_path / "h.db")))
    assert isinstance(learned.installed("blame"), nudge_model.TransformerScorer)
    assert isinstance(learned.installed("vague_action"), nudge_model.TransformerScorer)


def test_plain_blame_keeps_the_rules_nudge_and_its_words() -> None:
    nudge_model.install()
    for text in (
        "Sarah didn't notice the alert",
        "If Jonas had checked the graphs, we would have caught it at 09:05",
        "The root cause was the on-call engineer",
    ):
        found = check_text(text)
        assert found and found == _rules(text), text  # the rule's finding, word for word


def test_a_rule_finding_the_model_clearly_disagrees_with_is_dropped() -> None:
    text = "We did not receve alerts on kafka-exporter' /metrics endpoint response times."
    assert _rules(text)  # "did not" with "we": a lapse to the rules
    m = nudge_model.install()["blame"]
    assert m.score(text) < m.agree
    assert check_text(text) == []


def test_where_no_rule_fires_the_model_nudges_and_names_the_words() -> None:
    text = "The engineer pushed the change without waiting for the canary results."
    assert _rules(text) == []
    m = nudge_model.install()["blame"]
    assert m.score(text) >= m.threshold
    (f,) = check_text(text)
    assert f.check == "blame" and f.words and all(w in text for w in f.words)
    assert "real post-mortems" in f.message and f.reframe
    # Every such nudge on real sentences names its words: test_nudge_model.py, ALONE.


def test_a_note_is_read_sentence_by_sentence() -> None:
    m = nudge_model.install()["blame"]
    calm = "The deploy finished at 10:02."
    blunt = "The new engineer forgot to drain the node first."
    note = f"{calm} {blunt}"
    assert m.score(note) == max(m.score(calm), m.score(blunt)) >= m.threshold
    (f,) = check_text(note)
    assert all(w in blunt for w in f.words)


def test_action_items_are_left_to_the_rules_for_blame() -> None:
    """The blame model learned from narrative sentences, not actions: an action's blame nudges
    are the rules' alone, as before."""
    nudge_model.install()
    action = Action(
        id="a1", text="The engineer pushed the change without waiting for the canary results."
    )
    assert [f for f in check_action(action) if f.check == "blame"] == []
