"""Installs in many workspaces (OAuth): two workspaces installed through /slack/install and
/slack/oauth_redirect stay fully apart, and an uninstalled one gets nothing more."""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import jobs
from bot.app import create_app, make_web_client
from bot.bootstrap import Deps, build_deps
from bot.cli import main
from bot.oauth import make_installation_store
from classifier.faq import FaqMatcher
from feedback.weeks import week_containing
from feedback.workspaces import get_workspace, list_negotiators
from tests.conftest import SIGNING_SECRET, make_settings
from tests.fake_slack import FakeSlackApi, InstallCode, bot_token
from tests.live_server import LiveServer
from tests.slack_requests import HttpResult, PcnbotServer, SignedRequests

ALPHA, BETA = "T0ALPHA01", "T0BETA001"
ALPHA_NEGOTIATOR, BETA_NEGOTIATOR = "U0ALPHA01", "U0BETA001"
ALPHA_GP = "U0ALPHA02"
SECRET_COMMENT = "Alpha's PCN funding is a pittance and nobody in Beta may read this"
ARTICLE = "https://pulse.example/alpha-funding"


@dataclass
class Installed:
    deps: Deps
    server: PcnbotServer
    environ: dict[str, str]


def oauth_environ(tmp_path: Path, database_url: str, slack: FakeSlackApi) -> dict[str, str]:
    return {
        "PCNBOT_VAR_DIR": str(tmp_path / "var"),
        "PCNBOT_SECRET_KEY": "test-secret-key-0123456789",
        "PCNBOT_DATABASE_URL": database_url,
        "PCNBOT_SLACK_API_URL": slack.base_url,
        "PCNBOT_MIN_GROUP": "1",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_CLIENT_ID": "1111.2222",
        "SLACK_CLIENT_SECRET": "oauth-client-secret-0123",
    }


@pytest.fixture
def oauth(
    tmp_path: Path, database_url: str, slack: FakeSlackApi, matcher: FaqMatcher
) -> Iterator[Installed]:
    environ = oauth_environ(tmp_path, database_url, slack)
    settings = make_settings(tmp_path, **environ)
    deps = build_deps(settings, matcher=matcher, with_tagger=False)
    server = PcnbotServer(deps, slack, SIGNING_SECRET)
    yield Installed(deps, server, environ)
    server.stop()
    deps.engine.dispose()


def start_install(server: SignedRequests) -> tuple[str, str]:
    """GET /slack/install: the state in the 'Add to Slack' link, and the state cookie."""
    page = server.get("/slack/install")
    assert page.status == 200
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page.body)
    assert link is not None
    state = re.search(r"state=([^&\"]+)", link.group(1))
    assert state is not None
    [set_cookie] = [v for k, v in page.headers.items() if k.lower() == "set-cookie"]
    cookie = set_cookie.split(";")[0]
    assert cookie.startswith("slack-app-oauth-state=")
    return state.group(1), cookie


def install(
    server: SignedRequests, slack: FakeSlackApi, team: str, name: str, installer: str
) -> HttpResult:
    """The whole install: our install page, Slack's consent (the fake hands out a code),
    and the redirect back to us."""
    state, cookie = start_install(server)
    code = f"code-{team}"
    slack.install_codes[code] = InstallCode(team, name, installer)
    return server.get(
        f"/slack/oauth_redirect?code={code}&state={state}", headers={"Cookie": cookie}
    )


def uninstalled(deps: Deps, team: str, timeout: float = 5.0) -> bool:
    """Wait until the workspace is marked uninstalled (event listeners run in threads)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workspace = get_workspace(deps.sessions, team)
        if workspace is not None and not workspace.active:
            return True
        time.sleep(0.01)
    return False


def calls_with_token(slack: FakeSlackApi, team: str) -> list[str]:
    return [json.dumps(c.payload) for c in slack.calls if c.token == bot_token(team)]


class TestInstalling:
    def test_a_workspace_installs_through_oauth_and_its_installer_negotiates(
        self, oauth: Installed, slack: FakeSlackApi
    ) -> None:
        result = install(oauth.server, slack, ALPHA, "Alpha LMC", ALPHA_NEGOTIATOR)
        assert result.status == 200
        [exchange] = slack.of("oauth.v2.access")
        assert exchange.payload["code"] == f"code-{ALPHA}"
        bot = make_installation_store(oauth.deps).find_bot(enterprise_id=None, team_id=ALPHA)
        assert bot is not None and bot.bot_token == bot_token(ALPHA)
        workspace = get_workspace(oauth.deps.sessions, ALPHA)
        assert workspace is not None and workspace.active and workspace.name == "Alpha LMC"
        assert list_negotiators(oauth.deps.sessions, ALPHA) == [ALPHA_NEGOTIATOR]

    def test_the_install_link_asks_for_the_manifests_scopes(self, oauth: Installed) -> None:
        page = oauth.server.get("/slack/install")
        assert "client_id=1111.2222" in page.body
        assert "chat%3Awrite" in page.body or "chat:write" in page.body

    def test_a_forged_state_is_refused_and_nothing_is_installed(
        self, oauth: Installed, slack: FakeSlackApi
    ) -> None:
        slack.install_codes["code-x"] = InstallCode(BETA, "Beta", BETA_NEGOTIATOR)
        forged = "0f0f0f0f-forged-state"
        result = oauth.server.get(
            f"/slack/oauth_redirect?code=code-x&state={forged}",
            headers={"Cookie": f"slack-app-oauth-state={forged}"},
        )
        assert result.status in (400, 401)  # refused: no install
        assert slack.of("oauth.v2.access") == []
        assert get_workspace(oauth.deps.sessions, BETA) is None

    def test_a_state_that_does_not_match_the_browsers_cookie_is_refused(
        self, oauth: Installed, slack: FakeSlackApi
    ) -> None:
        state, _ = start_install(oauth.server)
        slack.install_codes["code-x"] = InstallCode(BETA, "Beta", BETA_NEGOTIATOR)
        result = oauth.server.get(
            f"/slack/oauth_redirect?code=code-x&state={state}",
            headers={"Cookie": "slack-app-oauth-state=someone-elses"},
        )
        assert result.status in (400, 401)  # refused: no install
        assert get_workspace(oauth.deps.sessions, BETA) is None

    def test_a_state_works_once(self, oauth: Installed, slack: FakeSlackApi) -> None:
        state, cookie = start_install(oauth.server)
        slack.install_codes["code-1"] = InstallCode(ALPHA, "Alpha", ALPHA_NEGOTIATOR)
        slack.install_codes["code-2"] = InstallCode(BETA, "Beta", BETA_NEGOTIATOR)
        first = oauth.server.get(
            f"/slack/oauth_redirect?code=code-1&state={state}", headers={"Cookie": cookie}
        )
        again = oauth.server.get(
            f"/slack/oauth_redirect?code=code-2&state={state}", headers={"Cookie": cookie}
        )
        assert first.status == 200 and again.status in (400, 401)
        assert get_workspace(oauth.deps.sessions, BETA) is None

    def test_install_pages_are_not_served_with_a_single_token(
        self, deps: Deps, slack: FakeSlackApi
    ) -> None:
        server = PcnbotServer(deps, slack, SIGNING_SECRET)
        try:
            assert server.get("/slack/install").status == 404
            assert server.get("/slack/oauth_redirect?code=a&state=b").status == 404
        finally:
            server.stop()

    def test_requests_from_a_workspace_that_never_installed_are_not_served(
        self, oauth: Installed, slack: FakeSlackApi
    ) -> None:
        oauth.server.command("help", slack.response_url(), team="T0NEVER01")
        assert calls_with_token(slack, "T0NEVER01") == []
        assert slack.of("chat.postMessage") == []


def two_workspaces(oauth: Installed, slack: FakeSlackApi) -> None:
    assert install(oauth.server, slack, ALPHA, "Alpha", ALPHA_NEGOTIATOR).status == 200
    assert install(oauth.server, slack, BETA, "Beta", BETA_NEGOTIATOR).status == 200
    for team, user, channel in (
        (ALPHA, ALPHA_NEGOTIATOR, "C0ALPHA01"),
        (BETA, BETA_NEGOTIATOR, "C0BETA001"),
    ):
        reply = oauth.server.command(
            f"digest-channel <#{channel}|digest>", slack.response_url(), user=user, team=team
        )
        assert "will be posted in <#" in reply.json()["text"]


def alpha_comment(oauth: Installed, slack: FakeSlackApi) -> tuple[int, int]:
    """Alpha's negotiator registers an article, an Alpha GP comments, the negotiator tags
    it 'funding'. Returns (target id, response id)."""
    server = oauth.server
    server.command(f"article {ARTICLE} Alpha funding", "", user=ALPHA_NEGOTIATOR, team=ALPHA)
    [announced] = slack.wait_for("chat.postMessage")
    assert announced.token == bot_token(ALPHA)
    target_id = int(announced.payload["blocks"][1]["elements"][0]["value"])
    submitted = server.view_submission(
        "feedback_modal",
        {
            "rating": {"type": "static_select", "selected_option": {"value": "2"}},
            "comment": {"type": "plain_text_input", "value": SECRET_COMMENT},
            "anonymous": {"type": "checkboxes", "selected_options": [{"value": "anonymous"}]},
        },
        private_metadata=json.dumps({"target": target_id}),
        user=ALPHA_GP,
        team=ALPHA,
    )
    assert submitted.status == 200 and submitted.body == ""
    from feedback.export import export_rows

    [row] = list(export_rows(oauth.deps.sessions, ALPHA))
    retagged = server.view_submission(
        "retag_modal",
        {"themes": {"type": "checkboxes", "selected_options": [{"value": "funding"}]}},
        private_metadata=json.dumps({"response": row["id"]}),
        user=ALPHA_NEGOTIATOR,
        team=ALPHA,
    )
    assert retagged.status == 200 and retagged.body == ""
    return target_id, int(row["id"])


def monday_after_this_week() -> datetime:
    return week_containing(datetime.now(UTC), "Europe/London").next().start + timedelta(hours=9)


def cli(oauth: Installed, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), environ=oauth.environ, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


class TestTwoWorkspacesStayApart:
    def test_alphas_comment_is_in_alphas_digest_and_never_in_betas(
        self, oauth: Installed, slack: FakeSlackApi
    ) -> None:
        two_workspaces(oauth, slack)
        alpha_comment(oauth, slack)
        slack.calls.clear()
        client = make_web_client(oauth.deps.settings)
        outcomes = jobs.send_due_digests(oauth.deps, client, monday_after_this_week())
        assert len(outcomes) == 2
        alpha_calls = calls_with_token(slack, ALPHA)
        beta_calls = calls_with_token(slack, BETA)
        assert any("C0ALPHA01" in c for c in alpha_calls)
        assert any("C0BETA001" in c for c in beta_calls)
        # Alpha's digest counts its comment and shows its article's rating ...
        assert any("*1* responses, *1* comments" in c for c in alpha_calls)
        assert any("Alpha funding: 1 responses" in c for c in alpha_calls)
        # ... and Beta's has none of it, and went only to Beta's channel.
        for leak in ("Alpha funding", "*1* responses", "nobody in Beta", "C0ALPHA01"):
            assert not any(leak in c for c in beta_calls), leak
        assert not any("C0BETA001" in c for c in alpha_calls)

    def test_the_export_of_one_workspace_holds_only_its_own_feedback(
        self, oauth: Installed, slack: FakeSlackApi
    ) -> None:
        two_workspaces(oauth, slack)
        alpha_comment(oauth, slack)
        code, beta_export, _ = cli(
            oauth, "feedback", "export", "--format", "jsonl", "--workspace", BETA
        )
        assert code == 0 and beta_export == ""
        code, alpha_export, _ = cli(
            oauth, "feedback", "export", "--format", "jsonl", "--workspace", ALPHA
        )
        assert code == 0 and "nobody in Beta may read this" in alpha_export

    def test_the_command_line_posts_a_digest_with_that_workspaces_token(
        self, oauth: Installed, slack: FakeSlackApi
    ) -> None:
        two_workspaces(oauth, slack)
        slack.calls.clear()
        code, out, _ = cli(oauth, "digest", "--workspace", BETA, "--post", "--format", "json")
        assert code == 0 and "posted the" in out and "C0BETA001" in out
        posts = slack.of("chat.postMessage")
        assert posts and {(p.token, p.payload["channel"]) for p in posts} == {
            (bot_token(BETA), "C0BETA001")
        }

    def test_without_a_workspace_the_command_line_will_not_guess_one(
        self, oauth: Installed
    ) -> None:
        code, _, err = cli(oauth, "feedback", "export")
        assert code == 1 and "--workspace" in err
        code, _, err = cli(oauth, "digest", "--format", "json")
        assert code == 1 and "--workspace" in err

    def test_betas_negotiator_never_sees_or_touches_alphas_feedback(
        self, oauth: Installed, slack: FakeSlackApi
    ) -> None:
        two_workspaces(oauth, slack)
        target_id, response_id = alpha_comment(oauth, slack)
        server = oauth.server
        # Listing what is open in Beta shows nothing of Alpha's.
        listed = server.command("feedback", "", user=BETA_NEGOTIATOR, team=BETA).json()
        assert "Alpha funding" not in json.dumps(listed)
        # Crafted payloads naming Alpha's comment and article are refused.
        for verb in ("hide", "retag"):
            server.action(
                "digest_quote",
                "",
                slack.response_url(verb),
                user=BETA_NEGOTIATOR,
                team=BETA,
                selected=f"{verb}:{response_id}",
            )
        replies = slack.wait_for("response_url", 2)
        assert all("no comment number" in r.payload["text"] for r in replies)
        retag = server.view_submission(
            "retag_modal",
            {"themes": {"type": "checkboxes", "selected_options": [{"value": "trust"}]}},
            private_metadata=json.dumps({"response": response_id}),
            user=BETA_NEGOTIATOR,
            team=BETA,
        )
        assert "no comment number" in retag.json()["errors"]["themes"]
        server.action(
            "give_feedback",
            str(target_id),
            slack.response_url("g"),
            user=BETA_NEGOTIATOR,
            team=BETA,
        )
        [gone] = [r for r in slack.wait_for("response_url", 3) if r.path.endswith("/g")]
        assert "no longer exists" in gone.payload["text"]
        stolen = server.view_submission(
            "feedback_modal",
            {"rating": {"type": "static_select", "selected_option": {"value": "1"}}},
            private_metadata=json.dumps({"target": target_id}),
            user=BETA_NEGOTIATOR,
            team=BETA,
        )
        assert stolen.json()["response_action"] == "errors"
        assert slack.of("views.open") == []
        code, alpha_export, _ = cli(
            oauth, "feedback", "export", "--format", "jsonl", "--workspace", ALPHA
        )
        [row] = [json.loads(line) for line in alpha_export.splitlines()]
        assert row["themes"] == ["funding"] and row["rating"] == 2

    def test_a_negotiator_of_one_workspace_is_nobody_in_another(
        self, oauth: Installed, slack: FakeSlackApi
    ) -> None:
        two_workspaces(oauth, slack)
        reply = oauth.server.command(
            f"article {ARTICLE} x", "", user=ALPHA_NEGOTIATOR, team=BETA
        ).json()
        assert "negotiators only" in reply["text"]
        reply = oauth.server.command(
            "digest-channel <#C0HIJACK1|x>", "", user=ALPHA_NEGOTIATOR, team=BETA
        ).json()
        assert "negotiators only" in reply["text"]
        workspace = get_workspace(oauth.deps.sessions, BETA)
        assert workspace is not None and workspace.digest_channel == "C0BETA001"

    def test_replies_in_each_workspace_use_that_workspaces_token(
        self, oauth: Installed, slack: FakeSlackApi
    ) -> None:
        two_workspaces(oauth, slack)
        for n, team in enumerate((ALPHA, BETA)):
            oauth.server.event(
                {
                    "type": "message",
                    "channel_type": "im",
                    "channel": f"D0{team}",
                    "user": "U0SOMEGP1",
                    "text": "what is a pcn",
                    "ts": f"1700000000.00010{n}",
                },
                f"Ev0{team}",
                team=team,
            )
        posts = slack.wait_for("chat.postMessage", 2)
        assert {(p.payload["channel"], p.token) for p in posts} == {
            (f"D0{ALPHA}", bot_token(ALPHA)),
            (f"D0{BETA}", bot_token(BETA)),
        }


class TestUninstalling:
    def test_an_uninstalled_workspace_gets_no_more_digests(
        self, oauth: Installed, slack: FakeSlackApi
    ) -> None:
        two_workspaces(oauth, slack)
        result = oauth.server.event({"type": "app_uninstalled"}, "EvUninstall1", team=BETA)
        assert result.status == 200
        assert uninstalled(oauth.deps, BETA)
        store = make_installation_store(oauth.deps)
        assert store.find_bot(enterprise_id=None, team_id=BETA) is None
        assert store.find_bot(enterprise_id=None, team_id=ALPHA) is not None
        slack.calls.clear()
        client = make_web_client(oauth.deps.settings)
        outcomes = jobs.send_due_digests(oauth.deps, client, monday_after_this_week())
        assert len(outcomes) == 1 and "C0ALPHA01" in outcomes[0]
        assert calls_with_token(slack, BETA) == []

    def test_revoked_bot_tokens_count_as_uninstalled_and_a_reinstall_restores(
        self, oauth: Installed, slack: FakeSlackApi
    ) -> None:
        two_workspaces(oauth, slack)
        event = {"type": "tokens_revoked", "tokens": {"bot": ["UPCNBOT01"]}}
        assert oauth.server.event(event, "EvRevoke1", team=ALPHA).status == 200
        assert uninstalled(oauth.deps, ALPHA)
        store = make_installation_store(oauth.deps)
        assert store.find_bot(enterprise_id=None, team_id=ALPHA) is None
        assert install(oauth.server, slack, ALPHA, "Alpha", "U0SOMEONE").status == 200
        workspace = get_workspace(oauth.deps.sessions, ALPHA)
        assert workspace is not None and workspace.active and workspace.digest_channel
        # The workspace already had a negotiator, so a re-install adds nobody.
        assert list_negotiators(oauth.deps.sessions, ALPHA) == [ALPHA_NEGOTIATOR]


class TestNegotiatorCommands:
    def test_negotiators_are_added_listed_and_removed_per_workspace(
        self, oauth: Installed, slack: FakeSlackApi
    ) -> None:
        two_workspaces(oauth, slack)
        assert cli(oauth, "negotiator", "add", "U0NEW0001", "--workspace", ALPHA)[0] == 0
        code, listed, _ = cli(oauth, "negotiator", "list", "--workspace", ALPHA)
        assert code == 0 and listed.split() == ["U0ALPHA01", "U0NEW0001"]
        code, listed, _ = cli(oauth, "negotiator", "list", "--workspace", BETA)
        assert listed.split() == [BETA_NEGOTIATOR]
        assert cli(oauth, "negotiator", "remove", "U0NEW0001", "--workspace", ALPHA)[0] == 0
        code, _, err = cli(oauth, "negotiator", "remove", "U0NEW0001", "--workspace", ALPHA)
        assert code == 1 and "not a negotiator" in err

    def test_an_unknown_workspace_or_user_id_is_refused(self, oauth: Installed) -> None:
        code, _, err = cli(oauth, "negotiator", "add", "U0NEW0001", "--workspace", "T0NOPE001")
        assert code == 1 and "never been installed" in err
        code, _, err = cli(oauth, "negotiator", "list", "--workspace", "T0NOPE001")
        assert code == 1 and "never been installed" in err

    def test_the_digest_channel_is_for_negotiators_only(
        self, oauth: Installed, slack: FakeSlackApi
    ) -> None:
        assert install(oauth.server, slack, ALPHA, "Alpha", ALPHA_NEGOTIATOR).status == 200
        reply = oauth.server.command("digest-channel", "", user=ALPHA_GP, team=ALPHA).json()
        assert "negotiators only" in reply["text"]
        reply = oauth.server.command(
            "digest-channel", "", user=ALPHA_NEGOTIATOR, team=ALPHA, channel="C0HERE001"
        ).json()
        assert "<#C0HERE001>" in reply["text"]
        reply = oauth.server.command(
            "digest-channel #general", "", user=ALPHA_NEGOTIATOR, team=ALPHA
        ).json()
        assert "cannot tell which channel" in reply["text"]
        workspace = get_workspace(oauth.deps.sessions, ALPHA)
        assert workspace is not None and workspace.digest_channel == "C0HERE001"


def test_the_app_needs_a_signing_secret_for_oauth(
    tmp_path: Path, database_url: str, slack: FakeSlackApi, matcher: FaqMatcher
) -> None:
    environ = oauth_environ(tmp_path, database_url, slack)
    del environ["SLACK_SIGNING_SECRET"]
    settings = make_settings(tmp_path, **environ)
    deps = build_deps(settings, matcher=matcher, with_tagger=False)
    try:
        with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
            create_app(settings, deps)
    finally:
        deps.engine.dispose()


def test_with_a_single_token_an_uninstall_is_acknowledged_and_changes_nothing(
    deps: Deps, slack: FakeSlackApi
) -> None:
    server = PcnbotServer(deps, slack, SIGNING_SECRET)
    try:
        result = server.event({"type": "app_uninstalled"}, "EvSingle1")
        assert result.status == 200
        assert get_workspace(deps.sessions, "T0PCN0001") is None
    finally:
        server.stop()


def test_roadshow_reminders_go_out_in_each_workspace_with_its_own_token(
    oauth: Installed, slack: FakeSlackApi
) -> None:
    two_workspaces(oauth, slack)
    for team, negotiator, channel in (
        (ALPHA, ALPHA_NEGOTIATOR, "C0ALPHA01"),
        (BETA, BETA_NEGOTIATOR, "C0BETA001"),
    ):
        submitted = oauth.server.view_submission(
            "roadshow_modal",
            {
                "title": {"type": "plain_text_input", "value": f"{team} roadshow"},
                "date": {"type": "datepicker", "selected_date": "2026-11-18"},
            },
            private_metadata=json.dumps({"channel": channel}),
            user=negotiator,
            team=team,
        )
        assert submitted.status == 200 and submitted.body == ""
    slack.wait_for("chat.postMessage", 2)
    assert oauth.server.event({"type": "app_uninstalled"}, "EvUninstall2", team=BETA).status == 200
    assert uninstalled(oauth.deps, BETA)
    slack.calls.clear()
    client = make_web_client(oauth.deps.settings)
    day_after = datetime(2026, 11, 19, 10, tzinfo=UTC)
    assert jobs.send_reminders(oauth.deps, client, day_after) == 1
    [reminder] = slack.of("chat.postMessage")
    assert reminder.token == bot_token(ALPHA) and reminder.payload["channel"] == "C0ALPHA01"
    assert "T0ALPHA01 roadshow" in reminder.payload["text"]


def test_oauth_installs_are_served_over_http_only(oauth: Installed) -> None:
    code, _, err = cli(oauth, "serve", "--socket")
    assert code == 1 and "pcnbot serve --http" in err


def test_with_a_single_token_negotiators_come_from_the_settings(
    tmp_path: Path, database_url: str
) -> None:
    environ = {
        "PCNBOT_VAR_DIR": str(tmp_path / "var"),
        "PCNBOT_SECRET_KEY": "test-secret-key-0123456789",
        "PCNBOT_DATABASE_URL": database_url,
    }
    out, err = io.StringIO(), io.StringIO()
    code = main(["negotiator", "list", "--workspace", ALPHA], environ=environ, out=out, err=err)
    assert code == 1 and "PCNBOT_NEGOTIATORS" in err.getvalue()


def test_installs_work_across_the_workers_of_pcnbot_serve(
    database_url: str, slack: FakeSlackApi, trained_var_dir: Path
) -> None:
    """Under gunicorn the install page and the redirect may reach different workers: the
    one-time states are in the database, so every install still completes."""
    var_dir = trained_var_dir
    server = LiveServer(
        database_url=database_url,
        var_dir=var_dir,
        slack_url=slack.base_url,
        signing_secret=SIGNING_SECRET,
        workers=2,
        env={"SLACK_BOT_TOKEN": "", "SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "s3"},
    ).start()
    try:
        teams = [f"T0LIVE{n:03d}" for n in range(6)]
        for team in teams:
            result = install(server, slack, team, team, "U0LIVE001")
            assert result.status == 200, server.logs()[-2000:]
    finally:
        server.stop()
    settings = make_settings(
        var_dir,
        PCNBOT_DATABASE_URL=database_url,
        SLACK_CLIENT_ID="1111.2222",
        SLACK_CLIENT_SECRET="s3",
    )
    deps = build_deps(settings, with_tagger=False)
    try:
        store = make_installation_store(deps)
        for team in teams:
            bot = store.find_bot(enterprise_id=None, team_id=team)
            assert bot is not None and bot.bot_token == bot_token(team)
    finally:
        deps.engine.dispose()
