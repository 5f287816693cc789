"""Hostile input to every parser: each answers with a value or a clear message, never a
crash, and nothing it stores breaks the model's rules."""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import re
import time
import unicodedata
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot import answering
from bot.bootstrap import Deps
from bot.console import Console
from bot.feedback_commands import parse_age
from bot.listeners.commands import FEEDBACK_SUBCOMMANDS, parse_pcn_command
from bot.slack_forms import metadata, read_feedback, read_roadshow, value
from bot.views import answer_message
from feedback.csv_import import CSV_COLUMNS, import_rows, read_csv
from feedback.digest import SERIES_WEEKS
from feedback.errors import InvalidRating
from feedback.models import MAX_COMMENT_CHARS, AskedQuestion, FaqDraft, Response, Target
from feedback.privacy import scrub
from feedback.questions import MAX_STORED_QUESTION_CHARS
from feedback.responses import parse_rating
from feedback.targets import NewTarget, create_target
from feedback.weeks import WeekError, parse_week
from tests.conftest import SIGNING_SECRET
from tests.fake_slack import TEAM_ID, FakeSlackApi
from tests.slack_requests import USER_ID, PcnbotServer
from tests.test_hostile_roles import everything

NEGOTIATOR = "U0NEG0001"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

#: Text that has broken programs before: control characters, lone surrogates, direction
#: overrides, zero-width characters, emoji sequences, markup, SQL, formulas, sheer length.
NASTY = (
    "\x00",
    "\ud800",
    "\udfff",
    "\u202e",
    "\u200b\u200d\ufeff",
    "👩🏽‍⚕️🙂",
    "\r\n",
    " \t ",
    "<!channel>",
    "'; DROP TABLE responses; --",
    '=HYPERLINK("https://evil.example","x")',
    "x" * 10_000,
    "²",
    "٣",
    "９",
    "99999999999999999999999",
    "-1",
    "0",
    "1.5",
    "5",
    "07700 900123",
    "ada@example.org",
)
hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(NASTY),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=8)), max_size=4).map("".join),
)
#: The same, for form-encoded bodies and files, which cannot carry lone surrogates.
encodable_text = hostile_text.map(lambda t: t.encode("utf-8", "replace").decode("utf-8"))


def is_polite(message: object) -> bool:
    """A message for a person: a non-empty line of text, not a traceback or a repr."""
    return (
        isinstance(message, str)
        and 0 < len(message.strip()) <= 600
        and "Traceback" not in message
        and "Error(" not in message
    )


def stored_text_is_clean(text: str) -> bool:
    """Stored text encodes as UTF-8 and holds no control characters but newline and tab."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not any(ord(ch) < 32 and ch not in "\n\t" for ch in text) and "\x7f" not in text


def assert_model_rules(deps: Deps) -> None:
    """Every stored response and target obeys the model's constraints, whichever database."""
    with deps.sessions() as session:
        for r in session.scalars(select(Response)):
            assert r.rating is None or 1 <= r.rating <= 5
            assert r.rating is not None or r.comment is not None
            if r.comment is not None:
                assert 0 < len(r.comment) <= MAX_COMMENT_CHARS
                assert stored_text_is_clean(r.comment)
                assert scrub(r.comment) == r.comment, "a stored comment still holds identifiers"
            assert r.anonymous or r.display_name
            assert r.display_name is None or stored_text_is_clean(r.display_name)
            assert r.source in ("slack", "console", "import")
            assert r.submitted_at.year >= 1970
        for t in session.scalars(select(Target)):
            assert t.kind in ("roadshow", "article") and 0 < len(t.title) <= 200
            assert stored_text_is_clean(t.title)
            assert t.url is None or (len(t.url) <= 1000 and stored_text_is_clean(t.url))
            assert not any(unicodedata.category(ch)[0] == "C" for ch in t.url or "")
        for q in session.scalars(select(AskedQuestion)):
            assert len(q.text) <= MAX_STORED_QUESTION_CHARS and stored_text_is_clean(q.text)


def snapshot(deps: Deps) -> list[tuple[Any, ...]]:
    with deps.sessions() as session:
        return [
            (r.id, r.target_id, r.rating, r.comment, r.anonymous, r.display_name, r.hidden)
            for r in session.scalars(select(Response).order_by(Response.id))
        ]


# Week strings ---------------------------------------------------------------------------

week_strings = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.from_regex(r"\A\s*-?\d{1,5}-?[wW]\d{1,3}\s*\Z"),
    st.builds(lambda y, w: f"{y:04d}-W{w:02d}", st.integers(0, 9999), st.integers(0, 99)),
)


@given(text=week_strings)
@settings(max_examples=150)
def test_a_week_string_is_a_week_a_digest_can_cover_or_a_clear_message(text: str | None) -> None:
    try:
        week = parse_week(text, zone="Europe/London", now=NOW)
    except WeekError as exc:
        assert is_polite(str(exc))
        return
    assert week.start <= NOW
    # A digest reads the week's end and eight weeks of history before it.
    assert week.previous(SERIES_WEEKS).start < week.start < week.end
    assert parse_week(week.label, zone="Europe/London", now=NOW) == week


@pytest.mark.parametrize("text", ["0001-W01", "0000-W01", "1969-W52", "0100-W10"])
def test_weeks_from_before_any_data_are_refused_not_crashed_on(text: str) -> None:
    with pytest.raises(WeekError):
        parse_week(text, zone="Europe/London", now=NOW)


# Ratings ---------------------------------------------------------------------------------

ratings = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@given(raw=ratings)
@settings(max_examples=200)
def test_a_rating_is_1_to_5_or_none_or_a_clear_message(raw: object) -> None:
    try:
        rating = parse_rating(raw)
    except InvalidRating as exc:
        assert is_polite(str(exc)) and "1 to 5" in str(exc)
        return
    assert rating is None or (type(rating) is int and 1 <= rating <= 5)


# Prune ages ------------------------------------------------------------------------------

ages = st.one_of(
    st.text(max_size=8),
    st.from_regex(r"\A\s*\d{1,5}[dwmyDWMY]\s*\Z"),
    st.builds(lambda n, u: f"{n}{u}", st.integers(0, 99999), st.sampled_from("dwmy")),
)


@given(text=ages)
@settings(max_examples=150)
def test_a_prune_age_is_a_usable_cutoff_or_a_clear_message(text: str) -> None:
    try:
        age = parse_age(text)
    except argparse.ArgumentTypeError as exc:
        assert is_polite(str(exc))
        return
    assert age >= timedelta(days=1)
    assert datetime.now(UTC) - age < datetime.now(UTC)  # what prune computes; must not overflow


# /pcn text -------------------------------------------------------------------------------


@given(text=hostile_text)
@settings(max_examples=200)
def test_pcn_text_always_routes_somewhere(text: str) -> None:
    subcommand, rest = parse_pcn_command(text)
    assert subcommand in {"help", "ask", *FEEDBACK_SUBCOMMANDS}
    assert isinstance(rest, str) and len(rest) <= 4000


@pytest.fixture
def server(deps: Deps, slack: FakeSlackApi) -> Iterator[PcnbotServer]:
    running = PcnbotServer(deps, slack, SIGNING_SECRET, negotiators=(NEGOTIATOR,))
    yield running
    running.stop()


@given(
    head=st.sampled_from(["", "ask ", "help ", "feedback ", "close ", "close #", "article "]),
    text=encodable_text,
    user=st.sampled_from([USER_ID, NEGOTIATOR]),
)
@settings(max_examples=30)
@example(head="close ", text="²", user=NEGOTIATOR)
@example(head="close #", text="99999999999999999999999", user=NEGOTIATOR)
@example(head="article ", text="https://x.org/" + "a" * 990 + " t", user=NEGOTIATOR)
@example(head="article ", text="https://x.org/\x00a NUL", user=NEGOTIATOR)
@example(head="article ", text="<https://x.org/\u202ea> RTL", user=NEGOTIATOR)
def test_any_pcn_command_gets_a_polite_reply_and_stores_only_valid_rows(
    server: PcnbotServer, slack: FakeSlackApi, deps: Deps, head: str, text: str, user: str
) -> None:
    result = server.command(head + text, slack.response_url(), user=user)
    assert result.status == 200, result.body
    assert is_polite(result.json()["text"])
    assert_model_rules(deps)


# Questions -------------------------------------------------------------------------------


def questions(deps: Deps) -> int:
    with deps.sessions() as session:
        return int(session.scalar(select(func.count(AskedQuestion.id))) or 0)


@given(text=hostile_text)
@settings(max_examples=40)
def test_any_question_is_answered_and_logged_as_clean_bounded_text(deps: Deps, text: str) -> None:
    before = questions(deps)
    asked = answering.ask(deps, text, channel="slack", workspace_id=TEAM_ID, user_id=USER_ID)
    assert is_polite(answer_message(asked.answer, asked.question_id).text)
    assert questions(deps) - before == (0 if asked.question_id is None else 1)
    assert_model_rules(deps)


# Modal payloads --------------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), hostile_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)
views = st.one_of(
    st.dictionaries(st.sampled_from(["state", "private_metadata", "callback_id"]), json_values),
    st.builds(
        lambda values, meta: {"state": {"values": values}, "private_metadata": meta},
        st.dictionaries(
            st.sampled_from(["rating", "comment", "anonymous", "target", "date", "title"]),
            st.one_of(json_values, st.dictionaries(st.just("value"), json_values, max_size=1)),
        ),
        st.one_of(hostile_text, json_values.map(json.dumps)),
    ),
)


@given(view=views)
@settings(max_examples=200)
def test_reading_any_submitted_view_never_raises(view: dict[str, Any]) -> None:
    form = read_feedback(view)
    assert form.target_id is None or isinstance(form.target_id, int)
    assert isinstance(form.anonymous, bool)
    assert isinstance(metadata(view), dict)
    read_roadshow(view)
    value(view, "comment")


@pytest.fixture
def open_roadshow(deps: Deps) -> int:
    info, _ = create_target(
        deps.sessions,
        NewTarget("roadshow", "Leeds roadshow", TEAM_ID, NEGOTIATOR, event_date=date(2026, 11, 18)),
    )
    return info.id


def rating_element(raw: object) -> dict[str, Any]:
    if isinstance(raw, str):
        return {"type": "static_select", "selected_option": {"value": raw}}
    return {"type": "plain_text_input", "value": raw}


@given(
    rating=st.one_of(st.none(), st.integers(-2, 8), hostile_text, st.booleans()),
    comment=st.one_of(st.none(), hostile_text),
    anonymous=st.one_of(
        st.none(), st.lists(st.sampled_from(["anonymous", "named", "", "\x00"]), max_size=2)
    ),
    target=st.one_of(st.none(), st.just("OPEN"), hostile_text, st.integers()),
)
@settings(max_examples=30)
@example(rating="5", comment="ok", anonymous=None, target="99999999999999999999999")
@example(rating="5", comment="ok", anonymous=None, target=2**70)
@example(rating="²", comment="\x00\ud800", anonymous=["\x00"], target="OPEN")
@example(rating="4", comment="Clear on the DES\u202e\x00", anonymous=[], target="OPEN")
@example(rating=None, comment="x" * 10_000, anonymous=["anonymous"], target="OPEN")
def test_any_feedback_form_is_stored_within_the_rules_or_refused_in_the_form(
    server: PcnbotServer,
    slack: FakeSlackApi,
    deps: Deps,
    open_roadshow: int,
    rating: object,
    comment: str | None,
    anonymous: list[str] | None,
    target: object,
) -> None:
    values: dict[str, dict[str, Any]] = {"rating": rating_element(rating)}
    if comment is not None:
        values["comment"] = {"type": "plain_text_input", "value": comment}
    if anonymous is not None:
        values["anonymous"] = {
            "type": "checkboxes",
            "selected_options": [{"value": v} for v in anonymous],
        }
    meta = {"target": open_roadshow if target == "OPEN" else target}
    before = snapshot(deps)
    confirmations = len(slack.of("chat.postMessage"))
    result = server.view_submission("feedback_modal", values, private_metadata=json.dumps(meta))
    assert result.status == 200, result.body
    if result.body:
        body = result.json()
        assert body["response_action"] == "errors"
        assert body["errors"] and all(is_polite(m) for m in body["errors"].values())
        assert snapshot(deps) == before
    else:
        # A signed response is named, and every comment tagged, after the ack and before
        # the confirmation goes out: wait for it so the next example starts from rest.
        assert slack.wait_for("chat.postMessage", confirmations + 1, timeout=10)
        after = snapshot(deps)
        assert len(after) - len(before) in (0, 1)
        [mine] = [row for row in after if row[1] == open_roadshow]
        assert mine[2] == parse_rating(rating)  # the rating that was sent, as a number
    assert_model_rules(deps)


# CSV import ------------------------------------------------------------------------------

cells = st.one_of(
    encodable_text,
    st.sampled_from(["1", "5", "6", "yes", "no", "2026-11-18", "2026-11-18T18:30", "9999-01-01"]),
    st.sampled_from(["2026-13-45", "0001-01-01T00:00+14:00", "tomorrow", "Dr Ada", "=1+1"]),
)
headers = st.lists(
    st.one_of(st.sampled_from(CSV_COLUMNS), st.sampled_from([" Rating ", "COMMENT", "extra"])),
    min_size=1,
    max_size=6,
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(headers)
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=len(header) + 1), max_size=6))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    data = text.encode(encoding, "replace")
    if draw(st.booleans()):
        data = data.replace(b",", draw(st.sampled_from([b";", b'"', b"\x00", b"\r", b",,"])), 1)
    return data


@given(data=st.one_of(csv_files(), st.binary(max_size=200)), skip_invalid=st.booleans())
@settings(max_examples=40)
@example(
    data="comment,rating,respondent,anonymous\nhi,3,Dr\x00Ada\u202e,no\n".encode(),
    skip_invalid=False,
)
@example(data="rating,respondent,anonymous\n4,\x00\u200b,no\n".encode(), skip_invalid=True)
@example(
    data=b"comment,rating,submitted_at\nhi,3,0001-01-01T00:00+14:00\nho,4,9999-12-31T23:59-14:00\n"
    b"hu,5,0001-01-01\n",
    skip_invalid=True,
)
def test_any_csv_file_is_imported_within_the_rules_or_rejected_with_reasons(
    deps: Deps, tmp_path: Path, open_roadshow: int, data: bytes, skip_invalid: bool
) -> None:
    path = tmp_path / "forms.csv"
    path.write_bytes(data)
    before = snapshot(deps)
    rows, problems = read_csv(path)
    for problem in problems:
        assert problem.line >= 0 and is_polite(problem.message)
    if problems and (not skip_invalid or any(p.line <= 1 for p in problems)):
        assert snapshot(deps) == before  # what `pcnbot feedback import` does: nothing
        return
    if rows:
        result = import_rows(
            deps.sessions,
            rows,
            target_id=open_roadshow,
            workspace_id=TEAM_ID,
            secret=deps.secret,
        )
        assert len(snapshot(deps)) == len(before) + result.added
    assert_model_rules(deps)


def test_a_csv_comment_full_of_identifiers_is_stored_scrubbed(
    deps: Deps, tmp_path: Path, open_roadshow: int
) -> None:
    path = tmp_path / "forms.csv"
    path.write_text(
        'comment,rating\n"Call 07700 900123 or ada@example.org\x00\u202e, LS1 4AP",3\n',
        encoding="utf-8",
    )
    rows, problems = read_csv(path)
    assert problems == []
    import_rows(
        deps.sessions, rows, target_id=open_roadshow, workspace_id=TEAM_ID, secret=deps.secret
    )
    [(_, _, _, comment, *_)] = snapshot(deps)
    assert not re.search(r"07700|ada@|LS1", comment)
    assert_model_rules(deps)


# The terminal console -------------------------------------------------------------------

console_lines = st.one_of(
    hostile_text,
    st.builds(
        lambda command, target, rest: f"{command} {target} {rest}",
        st.sampled_from(["/rate", "/comment", "/targets", "/help", "/nonsense"]),
        st.one_of(st.just("OPEN"), hostile_text),
        hostile_text,
    ),
)


@given(lines=st.lists(console_lines, min_size=1, max_size=4))
@settings(max_examples=40)
@example(lines=["who can set up a pcn", "²"])
@example(lines=["/rate ² 5"])
@example(lines=["/comment 99999999999999999999 hello"])
def test_any_console_line_gets_a_polite_reply_and_stores_only_valid_rows(
    deps: Deps, open_roadshow: int, lines: list[str]
) -> None:
    out = io.StringIO()
    console = Console(deps, read=lambda _: "", out=out)
    for line in lines:
        out.seek(0)
        out.truncate()
        assert console.handle(line.replace("OPEN", str(open_roadshow))) in (True, False)
        assert "Traceback" not in out.getvalue()
    assert_model_rules(deps)


# Buttons, shortcuts and events with hand-made values ------------------------------------


def settle(slack: FakeSlackApi, caplog: pytest.LogCaptureFixture, calls_before: int) -> None:
    """Wait until the listener (run in a thread after the ack) answered or failed."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if len(slack.calls) > calls_before or failures(caplog):
            return
        time.sleep(0.01)


def failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@given(
    action=st.sampled_from(["faq_helpful", "faq_unhelpful", "faq_related_1", "give_feedback"]),
    raw=st.one_of(json_values, st.just("OPEN")),
)
@settings(max_examples=30)
@example(action="give_feedback", raw=[1])
@example(action="faq_related_1", raw=None)
def test_any_button_value_gets_an_answer_not_a_failure(
    server: PcnbotServer,
    slack: FakeSlackApi,
    open_roadshow: int,
    caplog: pytest.LogCaptureFixture,
    action: str,
    raw: object,
) -> None:
    caplog.clear()
    calls_before = len(slack.calls)
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM_ID},
        "user": {"id": USER_ID},
        "trigger_id": "1.2.3",
        "container": {"type": "message", "channel_id": "D0GP00001", "is_ephemeral": True},
        "channel": {"id": "D0GP00001"},
        "response_url": slack.response_url(),
        "actions": [
            {
                "action_id": action,
                "value": open_roadshow if raw == "OPEN" else raw,
                "type": "button",
            }
        ],
    }
    body = urlencode({"payload": json.dumps(payload)})
    assert server.post(body, "application/x-www-form-urlencoded").status == 200
    settle(slack, caplog, calls_before)
    assert not failures(caplog)
    assert len(slack.calls) > calls_before  # the person was answered


@given(
    text=json_values,
    kind=st.sampled_from(["message", "app_mention"]),
    event_id=st.one_of(st.none(), hostile_text),
)
@settings(max_examples=30)
@example(text={"a": 1}, kind="message", event_id=None)
@example(text=["what is a pcn"], kind="app_mention", event_id=None)
@example(text="what is a pcn", kind="message", event_id="Ev\x00")
@example(text="what is a pcn", kind="message", event_id=["Ev1"])
def test_any_event_text_gets_a_reply_not_a_failure(
    server: PcnbotServer,
    slack: FakeSlackApi,
    deps: Deps,
    caplog: pytest.LogCaptureFixture,
    text: object,
    kind: str,
    event_id: object,
) -> None:
    caplog.clear()
    calls_before = len(slack.calls)
    event = {
        "type": kind,
        "channel_type": "im",
        "channel": "D0GP00001",
        "user": USER_ID,
        "text": text,
        "ts": "1700000000.000100",
    }
    unique = f"Ev{uuid.uuid4().hex[:12]}"
    # Made unique, so that no example is skipped as a repeat of an earlier one.
    sent_id = event_id + unique if isinstance(event_id, str) else event_id or unique
    assert server.event(event, sent_id).status == 200  # type: ignore[arg-type]
    settle(slack, caplog, calls_before)
    assert not failures(caplog)
    assert_model_rules(deps)


# Negotiators' forms ---------------------------------------------------------------------


@given(
    callback=st.sampled_from(["roadshow_modal", "answer_modal"]),
    first=hostile_text,
    second=hostile_text,
    third=hostile_text,
    day=st.one_of(st.just("2026-11-18"), hostile_text),
)
@settings(max_examples=30)
@example(callback="answer_modal", first="locums?\x00", second="Yes.\ud800", third="DES", day="")
@example(callback="answer_modal", first="9434765919 " * 45, second="Yes", third="DES", day="")
@example(callback="roadshow_modal", first="Leeds\x00", second="\ud800", third="", day="2026-02-30")
def test_any_negotiator_form_is_stored_within_the_rules_or_refused_in_the_form(
    server: PcnbotServer,
    slack: FakeSlackApi,
    deps: Deps,
    caplog: pytest.LogCaptureFixture,
    callback: str,
    first: str,
    second: str,
    third: str,
    day: str,
) -> None:
    caplog.clear()
    if callback == "roadshow_modal":
        values = {
            "title": {"type": "plain_text_input", "value": first},
            "location": {"type": "plain_text_input", "value": second},
            "host": {"type": "plain_text_input", "value": third},
            "date": {"type": "datepicker", "selected_date": day},
        }
    else:
        values = {
            "question": {"type": "plain_text_input", "value": first},
            "answer": {"type": "plain_text_input", "value": second},
            "source": {"type": "plain_text_input", "value": third},
        }
    before = everything(deps)
    result = server.view_submission(callback, values, user=NEGOTIATOR)
    assert result.status == 200, result.body
    if result.body:
        errors = result.json()["errors"]
        assert errors and all(is_polite(m) for m in errors.values())
        assert everything(deps) == before
    assert not failures(caplog)
    assert_model_rules(deps)
    with deps.sessions() as session:
        for draft in session.scalars(select(FaqDraft)):
            assert len(draft.question) <= 500 and len(draft.source) <= 300
            assert all(map(stored_text_is_clean, (draft.question, draft.answer, draft.source)))
