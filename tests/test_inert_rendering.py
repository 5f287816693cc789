"""What GPs and negotiators write is shown, never run: mentions, links, markup, scripts,
SQL and spreadsheet formulas stored through Slack come out inert in the Slack digest,
the Markdown, HTML, text and JSON digests, and the CSV and JSONL exports."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.bootstrap import Deps
from bot.digest_formats import render
from bot.digests import digest_for
from bot.views.digest import digest_messages
from feedback.digest import Digest
from feedback.export import export_rows, to_csv_lines, to_jsonl_lines
from feedback.models import AskedQuestion, Response, Target
from feedback.responses import CommentTags
from feedback.weeks import week_containing
from tests.conftest import SIGNING_SECRET
from tests.fake_slack import TEAM_ID, FakeSlackApi
from tests.slack_requests import PcnbotServer
from tests.test_slack_faq import dm

NEGOTIATOR = "U0NEG0001"
HOSTILE = (
    "*bold* _it_ ~strike~ `code` <!channel> <!here> <@U123> <https://evil.example|click> "
    "@channel @here <script>alert(1)</script> <img src=x onerror=alert(1)> "
    "'; DROP TABLE responses; -- &amp; [link](https://evil.example)"
)
#: How each GP's comment starts: a spreadsheet formula or a leading character that
#: spreadsheets treat as one.
LEADS = ('=HYPERLINK("https://evil.example","click")', "@SUM(1+1)", "+1", "-1+1", "=1+1", "ok")
TITLE = "<!channel> *Leeds* <https://evil.example|roadshow> <b>bold</b>"
QUESTION = "<!channel> <script>alert(1)</script> what about zebras'; DROP TABLE asked_questions;--"
BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)


def workload(texts: list[str]) -> list[CommentTags]:
    """A stand-in classifier that files every comment under workload."""
    scores = {"workload": 0.9, "funding": 0.1, "bureaucracy": 0.1, "trust": 0.1}
    return [CommentTags(scores, ("workload",), -0.3, "test") for _ in texts]


@pytest.fixture
def tagged(deps: Deps) -> Deps:
    return replace(deps, tagger=workload)


@pytest.fixture
def server(tagged: Deps, slack: FakeSlackApi) -> Iterator[PcnbotServer]:
    running = PcnbotServer(tagged, slack, SIGNING_SECRET, negotiators=(NEGOTIATOR,))
    yield running
    running.stop()


def plain(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


@pytest.fixture
def stored(server: PcnbotServer, slack: FakeSlackApi, tagged: Deps) -> list[str]:
    """A roadshow with a hostile title, six hostile comments and a hostile question, all
    sent through Slack; returns the comments as stored."""
    created = server.view_submission(
        "roadshow_modal",
        {
            "title": plain(TITLE),
            "date": {"type": "datepicker", "selected_date": "2026-11-18"},
            "location": plain("<!here> Leeds"),
        },
        private_metadata=json.dumps({"channel": "C0GENERAL"}),
        user=NEGOTIATOR,
    )
    assert created.status == 200 and created.body == ""
    [announcement] = slack.wait_for("chat.postMessage")
    target = int(announcement.payload["blocks"][1]["elements"][0]["value"])
    for i, lead in enumerate(LEADS):
        values: dict[str, dict[str, Any]] = {
            "rating": {"type": "static_select", "selected_option": {"value": "2"}},
            "comment": plain(f"{lead} {HOSTILE} form {i}"),
        }
        if i == 0:
            values["anonymous"] = {"type": "checkboxes", "selected_options": []}
        result = server.view_submission(
            "feedback_modal",
            values,
            private_metadata=json.dumps({"target": target}),
            user=f"U0GP0000{i}",
        )
        assert result.status == 200 and result.body == "", result.body
    server.event(dm(QUESTION), "Ev0INERT01")
    slack.wait_for("chat.postMessage", 2 + len(LEADS))
    with tagged.sessions() as session:
        comments = list(session.scalars(select(Response.comment).order_by(Response.id)))
    assert len(comments) == len(LEADS)
    return [c for c in comments if c is not None]


@pytest.fixture
def digest(tagged: Deps, stored: list[str]) -> Digest:
    week = week_containing(datetime.now(UTC), tagged.settings.timezone)
    built = digest_for(tagged, week, workspace_id=TEAM_ID)
    [theme] = [t for t in built.themes if t.name == "workload"]
    assert theme.quotes, "the hostile comments should be quoted"
    assert built.targets and built.questions.unanswered
    return built


def test_the_words_are_stored_exactly_as_sent_and_the_database_is_intact(
    tagged: Deps, stored: list[str]
) -> None:
    for lead, comment in zip(LEADS, stored, strict=True):
        assert comment.startswith(lead) and HOSTILE in comment
    with tagged.sessions() as session:
        assert session.scalar(select(func.count(Response.id))) == len(LEADS)
        assert session.scalar(select(Target.title)) == TITLE
        questions = list(session.scalars(select(AskedQuestion.text)))
        assert any("DROP TABLE asked_questions" in q for q in questions)


def mrkdwn_strings(blocks: Any) -> Iterator[str]:
    """Every string Slack reads as mrkdwn in some blocks."""
    if isinstance(blocks, list):
        for item in blocks:
            yield from mrkdwn_strings(item)
    elif isinstance(blocks, dict):
        if blocks.get("type") == "mrkdwn":
            yield str(blocks.get("text"))
        for value in blocks.values():
            if isinstance(value, list | dict):
                yield from mrkdwn_strings(value)


def assert_inert_mrkdwn(text: str) -> None:
    """No link, mention or broadcast can be made from this mrkdwn."""
    assert "<" not in text and ">" not in text.replace("&gt;", "").replace("> ", ""), text
    assert not BROADCAST.search(text), text


def test_the_slack_digest_escapes_everything_users_wrote(digest: Digest) -> None:
    messages = digest_messages(digest)
    shown = []
    for message in messages:
        assert_inert_mrkdwn(message.text)
        for text in mrkdwn_strings(message.blocks):
            assert_inert_mrkdwn(text)
            shown.append(text)
    everything = "\n".join(shown)
    assert "&lt;!channel&gt;" in everything and "&lt;script&gt;" in everything
    assert "@\u200dchannel" in everything  # a literal @channel, broken so it cannot ping
    quotes = [t for t in shown if t.startswith("> ")]
    assert quotes and all("\n" not in q for q in quotes)  # a quote cannot start new lines


def test_slack_messages_about_the_roadshow_escape_its_title_and_the_comment(
    slack: FakeSlackApi, stored: list[str]
) -> None:
    posts = slack.of("chat.postMessage")
    assert len(posts) >= 2
    for post in posts:
        assert_inert_mrkdwn(str(post.payload.get("text") or ""))
        for text in mrkdwn_strings(post.payload.get("blocks") or []):
            assert_inert_mrkdwn(text)


def test_the_markdown_digest_escapes_markup_links_and_html(digest: Digest) -> None:
    markdown = render(digest, "markdown")
    assert not re.search(r"(?<!\\)[<>]", markdown.replace("\n> ", "\n"))
    assert "](" not in markdown.replace("\\](", "")
    assert "\\*bold\\*" in markdown and "\\~strike\\~" in markdown
    assert "\\<\\!channel\\>" in markdown and "\\&amp;" in markdown
    quote_lines = [line for line in markdown.splitlines() if line.startswith("> ")]
    assert quote_lines and all(HOSTILE not in line for line in quote_lines)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_the_html_report_is_only_its_own_markup(digest: Digest) -> None:
    page = render(digest, "html")
    parser = _Tags()
    parser.feed(page)
    own = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "blockquote"}
    own |= {"table", "tr", "th", "td", "ul", "li", "em", "img"}
    assert {tag for tag, _ in parser.tags} <= own
    for _, attrs in parser.tags:
        for name, value in attrs:
            assert not name.startswith("on") and "javascript:" not in (value or "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;!channel&gt;" in page
    assert "Content-Security-Policy" in page


def test_the_text_digest_keeps_each_quote_on_its_own_line(digest: Digest) -> None:
    text = render(digest, "text")
    lines = text.splitlines()
    quoted = [line for line in lines if line.startswith('  "')]
    assert quoted and all("<!channel>" in line for line in quoted)
    # Users' words never start a line of their own, so they cannot pose as a heading.
    for line in lines:
        if "DROP TABLE" in line or "<!channel>" in line:
            assert line.startswith("  "), line


def test_the_json_digest_carries_the_words_as_plain_strings(
    digest: Digest, stored: list[str]
) -> None:
    data = json.loads(render(digest, "json"))
    quotes = data["themes"]["workload"]["quotes"]
    assert quotes and all(any(q.rstrip("…") in c for c in stored) for q in quotes)
    assert data["targets"][0]["title"] == TITLE


def test_the_csv_export_cannot_run_a_formula_and_keeps_the_words(
    tagged: Deps, stored: list[str]
) -> None:
    text = "".join(to_csv_lines(export_rows(tagged.sessions, TEAM_ID)))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(stored)
    for row, comment in zip(rows, stored, strict=True):
        for name in ("comment", "themes"):
            assert not row[name].startswith(("=", "+", "-", "@", "\t", "\r")), row[name]
        assert row["comment"] in (comment, "'" + comment)
        assert row["themes"] == "workload"


def test_the_jsonl_export_round_trips_the_words_exactly(tagged: Deps, stored: list[str]) -> None:
    lines = list(to_jsonl_lines(export_rows(tagged.sessions, TEAM_ID)))
    assert [json.loads(line)["comment"] for line in lines] == stored
    assert all(line.count("\n") == 1 for line in lines)


def test_nothing_stored_was_sent_anywhere_unescaped(slack: FakeSlackApi, stored: list[str]) -> None:
    time.sleep(0.1)
    sent = json.dumps([c.payload for c in slack.calls if c.method == "chat.postMessage"])
    assert "<!channel>" not in sent and "<script>" not in sent
