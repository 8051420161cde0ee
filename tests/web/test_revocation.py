"""Accounts that can be managed: token expiry and revocation, disabling a user, a password
change (by the command line or on the user's own page) that ends every session and token,
user list, coach unassign. Each change takes effect on the next request: nothing is cached."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import text

from engine.app.accounts import issue_token
from engine.cli.main import cli
from engine.evaluation.evaluators import get_evaluator
from engine.storage.accounts import AccountStore
from engine.web.app import create_app
from tests.web.conftest import PASSWORD, World, bearer, csrf_of, log_in

NEW_PASSWORD = "a fresh and long passphrase"


def _run(world: World, *args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, ["--db", world.url, *args], input=stdin)


def _me(client: TestClient, headers: dict[str, str] | None = None) -> int:
    return client.get("/api/me", headers=headers).status_code


def test_a_revoked_token_gets_401(client: TestClient, world: World):
    headers = bearer(world, "sam")
    assert _me(client, headers) == 200
    listed = _run(world, "user", "token", "list", "sam")
    assert listed.exit_code == 0, listed.output
    token_id = listed.output.split()[0]
    assert "live" in listed.output
    revoked = _run(world, "user", "token", "revoke", "sam", token_id)
    assert revoked.exit_code == 0, revoked.output
    assert "revoked 1 token of sam" in revoked.output
    assert _me(client, headers) == 401
    assert "revoked" in _run(world, "user", "token", "list", "sam").output
    again = _run(world, "user", "token", "revoke", "sam", token_id)
    assert again.exit_code == 2
    assert f"no live token {token_id}" in again.output


def test_revoke_all_and_the_usage_is_checked(client: TestClient, world: World):
    second = issue_token(world.store, "kim")
    assert _run(world, "user", "token", "revoke", "kim", "--all").exit_code == 0
    assert _me(client, bearer(world, "kim")) == 401
    assert _me(client, {"Authorization": f"Bearer {second}"}) == 401
    assert _run(world, "user", "token", "revoke", "kim").exit_code == 2  # neither id nor --all


def test_a_token_expires(client: TestClient, world: World):
    token = issue_token(world.store, "sam", days=1)
    headers = {"Authorization": f"Bearer {token}"}
    assert _me(client, headers) == 200
    with world.store.transaction() as session:  # a day later
        session.execute(
            text("UPDATE api_tokens SET expires_at = :past"), {"past": dt.datetime(2000, 1, 1)}
        )
    assert _me(client, headers) == 401


def test_a_token_has_the_default_lifetime(world: World):
    from engine.app.accounts import AccessSettings

    issue_token(world.store, "sam")
    user = AccountStore(world.store).get_user("sam")
    newest = AccountStore(world.store).tokens_of(user.id)[-1]
    assert newest.expires_at is not None
    lifetime = newest.expires_at - newest.created_at
    assert abs(lifetime - dt.timedelta(days=AccessSettings().token_days)) < dt.timedelta(minutes=1)


def test_disabling_a_user_ends_their_sessions_and_tokens(world: World):
    client = TestClient(create_app(world.store, get_evaluator()), follow_redirects=False)
    log_in(client, "sam")
    assert client.get("/review").status_code == 200
    disabled = _run(world, "user", "disable", "sam")
    assert disabled.exit_code == 0 and "sam disabled" in disabled.output
    assert client.get("/review").status_code == 303  # back to the login page
    assert _me(client, bearer(world, "sam")) == 401
    page = client.get("/login")
    refused = client.post(
        "/login", data={"name": "sam", "password": PASSWORD, "csrf": csrf_of(page.text)}
    )
    assert refused.status_code == 401
    listing = _run(world, "user", "list").output
    assert any(line.split()[:3] == ["sam", "coach", "disabled"] for line in listing.splitlines())
    assert _run(world, "user", "enable", "sam").exit_code == 0
    log_in(client, "sam")
    assert _me(client, bearer(world, "sam")) == 401  # revoked tokens stay revoked
    events = [action for _, action, _ in AccountStore(world.store).events("sam")]
    assert events == ["disabled", "enabled"]


def test_a_password_change_from_the_command_line_revokes_everything(world: World):
    client = TestClient(create_app(world.store, get_evaluator()), follow_redirects=False)
    log_in(client, "kim")
    changed = _run(world, "user", "password", "kim", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert changed.exit_code == 0, changed.output
    assert client.get("/review").status_code == 303
    assert _me(client, bearer(world, "kim")) == 401
    log_in(client, "kim", NEW_PASSWORD)


def test_a_weak_new_password_is_refused_and_nothing_changes(world: World):
    weak = _run(world, "user", "password", "kim", "--password-stdin", stdin="password1234\n")
    assert weak.exit_code == 2
    assert "password: this is one of the most common passwords" in weak.output
    assert _me(TestClient(create_app(world.store, get_evaluator())), bearer(world, "kim")) == 200


def test_changing_ones_own_password_on_the_page(world: World):
    app = create_app(world.store, get_evaluator())
    browser = TestClient(app, follow_redirects=False)
    other_browser = TestClient(app, follow_redirects=False)
    log_in(other_browser, "ana-user")
    csrf = log_in(browser, "ana-user")
    page = browser.get("/account/password")
    assert page.status_code == 200 and "At least 12 characters" in page.text
    form = {"csrf": csrf, "current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    wrong = browser.post("/account/password", data={**form, "current": "not my password"})
    assert wrong.status_code == 422 and "current password is wrong" in wrong.text
    differ = browser.post("/account/password", data={**form, "confirm": NEW_PASSWORD + "!"})
    assert differ.status_code == 422 and "two new passwords differ" in differ.text
    short = browser.post("/account/password", data={**form, "new": "short", "confirm": "short"})
    assert short.status_code == 422 and "at least 12 characters" in short.text
    forged = browser.post("/account/password", data={**form, "csrf": "forged"})
    assert forged.status_code == 403
    done = browser.post("/account/password", data=form)
    assert done.status_code == 303 and done.headers["location"] == "/login?changed=1"
    assert other_browser.get("/today").status_code == 303  # the other session ended
    assert _me(browser, bearer(world, "ana-user")) == 401
    assert "Password changed" in browser.get("/login?changed=1").text
    log_in(browser, "ana-user", NEW_PASSWORD)


def test_coach_unassign(client: TestClient, world: World):
    assert client.get("/api/athletes/ana/today", headers=bearer(world, "sam")).status_code == 200
    result = _run(world, "coach", "unassign", "sam", "ana")
    assert result.exit_code == 0 and "sam no longer coaches ana" in result.output
    assert client.get("/api/athletes/ana/today", headers=bearer(world, "sam")).status_code == 404
    assert world.store.get_athlete("ana").has_coach is False  # nobody left to review
    assert "(did not)" in _run(world, "coach", "unassign", "sam", "ana").output
    assert _run(world, "coach", "unassign", "nobody", "ana").exit_code == 2


def test_user_list_shows_roles_and_athletes(world: World):
    lines = {
        line.split()[0]: line.split()[1:]
        for line in _run(world, "user", "list").output.splitlines()
    }
    assert lines["sam"] == ["coach", "active", "ana"]
    assert lines["ana-user"] == ["athlete", "active", "ana"]
