"""Block Kit builders are pure functions: data in, dicts out, within Slack's limits."""

from __future__ import annotations

from bot.views import answer_message, escape_mrkdwn, help_message, rated_blocks
from classifier.faq import FaqAnswer
from classifier.faq_content import FaqEntry


def entry(n: int, question: str = "Q", answer: str = "A") -> FaqEntry:
    return FaqEntry(f"e{n}", question, (), answer, "An article", ("basics",))


def test_escaping_neutralises_links_mentions_and_broadcasts() -> None:
    escaped = escape_mrkdwn("<!channel> <@U1> <https://x|y> & @here @everyone")
    assert "<" not in escaped and ">" not in escaped
    assert "&amp;" in escaped
    assert "@here" not in escaped and "@everyone" not in escaped


def test_an_answer_has_text_source_buttons_and_related_questions() -> None:
    answer = FaqAnswer(
        question="q",
        answered=True,
        reason="matched",
        confidence=0.9,
        entry=entry(1, answer="Use <b>this</b> & that"),
        related=(entry(2, "Related one?"), entry(3, "x" * 200)),
    )
    message = answer_message(answer, question_id=42)
    section, context, feedback, heading, related = message.blocks
    assert section["text"]["text"] == "Use &lt;b&gt;this&lt;/b&gt; &amp; that"
    assert "An article" in context["elements"][0]["text"]
    assert [e["value"] for e in feedback["elements"]] == ["42", "42"]
    assert [e["value"] for e in related["elements"]] == ["e2", "e3"]
    assert all(len(e["text"]["text"]) <= 75 for e in related["elements"])
    assert len({e["action_id"] for e in related["elements"]}) == 2


def test_an_abstention_has_no_helpful_buttons() -> None:
    answer = FaqAnswer(question="q", answered=False, reason="unsure", confidence=0.1)
    message = answer_message(answer, question_id=7)
    assert "I don't know" in message.text
    assert not any(b.get("type") == "actions" for b in message.blocks)


def test_rating_replaces_only_the_feedback_buttons() -> None:
    answer = FaqAnswer(
        question="q",
        answered=True,
        reason="matched",
        confidence=0.9,
        entry=entry(1),
        related=(entry(2),),
    )
    blocks = answer_message(answer, question_id=1).blocks
    rated = rated_blocks(blocks, helpful=True)
    assert len(rated) == len(blocks)
    assert not any(b.get("block_id") == "faq_feedback" for b in rated)
    assert any(b.get("block_id") == "faq_related" for b in rated)


def test_help_lists_every_way_to_ask() -> None:
    text = str(help_message().blocks)
    assert "/pcn ask" in text and "direct message" in text
