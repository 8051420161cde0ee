"""Accounts: the user and coach commands, how secrets are stored, login throttling, and the
session cookie's flags."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import text

from engine.app.account_admin import list_users
from engine.app.accounts import AccessSettings
from engine.app.throttle import LoginThrottle, Throttled
from engine.cli.main import cli
from engine.evaluation.evaluators import get_evaluator
from engine.web.app import create_app
from engine.web.state import WebSettings
from tests.web.conftest import PASSWORD, REAL_HASHER, World, csrf_of


def _run(world: World, *args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, ["--db", world.url, *args], input=stdin)


def test_user_add_token_and_assign_from_the_command_line(world: World):
    added = _run(
        world,
        "user",
        "add",
        "lee",
        "--role",
        "coach",
        "--password-stdin",
        stdin="s3cret-pass-word\n",
    )
    assert added.exit_code == 0, added.output
    assert "added coach lee" in added.output
    assigned = _run(world, "coach", "assign", "lee", "cleo")
    assert assigned.exit_code == 0, assigned.output
    assert world.store.get_athlete("cleo").has_coach is True
    token = _run(world, "user", "token", "lee").output.strip()
    client = TestClient(create_app(world.store, get_evaluator()))
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me == {"name": "lee", "role": "coach", "athletes": ["cleo"]}


def test_secrets_are_stored_only_as_hashes(world: World):
    result = _run(
        world,
        "user",
        "add",
        "mo",
        "--role",
        "coach",
        "--password-stdin",
        stdin="another-long-one\n",
    )
    assert result.exit_code == 0
    token = _run(world, "user", "token", "mo").output.strip()
    with world.store.reading() as session:
        stored_hash = session.execute(
            text("SELECT password_hash FROM users WHERE name='mo'")
        ).scalar()
        tokens = list(session.execute(text("SELECT token_hash FROM api_tokens")).scalars())
    assert "another-long-one" not in stored_hash
    assert stored_hash.startswith("$argon2id$")
    assert token not in tokens
    assert hashlib.sha256(token.encode()).hexdigest() in tokens


def test_the_real_password_hash_is_memory_hard():
    from argon2 import Type

    # The tests swap in a cheap hasher; the app's own is argon2id with at least 64 MiB.
    assert REAL_HASHER.type is Type.ID
    assert REAL_HASHER.memory_cost >= 64 * 1024
    assert REAL_HASHER.hash("x" * 12).startswith("$argon2id$")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["user", "add", "x", "--role", "athlete", "--password-stdin"],
            "athlete: an athlete user needs",
        ),
        (
            ["user", "add", "y", "--role", "coach", "--athlete", "ana", "--password-stdin"],
            "athlete: a coach",
        ),
        (["user", "add", "bad name", "--role", "coach", "--password-stdin"], "name: use letters"),
        (["user", "add", "sam", "--role", "coach", "--password-stdin"], "already exists"),
        (
            ["user", "add", "z", "--role", "athlete", "--athlete", "nobody", "--password-stdin"],
            "no athlete 'nobody'",
        ),
        (["coach", "assign", "ana-user", "ben"], "'ana-user' is not a coach"),
        (["coach", "assign", "sam", "nobody"], "no athlete 'nobody'"),
        (["user", "token", "nobody"], "no user 'nobody'"),
    ],
)
def test_bad_account_commands_exit_2_and_say_why(world: World, args, message):
    result = _run(world, *args, stdin="long-enough-password\n")
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "password: use at least 12 characters"),
        ("0123456789", "password: use at least 12 characters"),
        ("qwerty123456", "password: this is one of the most common passwords"),
        ("1Q2W3E4R5T6Y", "password: this is one of the most common passwords"),
        ("a-user-named-this", "password: the password must not be the user name"),
    ],
)
def test_a_weak_password_is_refused(world: World, password: str, message: str):
    name = "a-user-named-this"
    result = _run(
        world, "user", "add", name, "--role", "coach", "--password-stdin", stdin=password + "\n"
    )
    assert result.exit_code == 2
    assert message in result.output
    assert "a-user-named-this" not in [user.user.name for user in list_users(world.store)]


def test_throttle_locks_out_after_the_limit_and_lifts(world: World):
    now = [dt.datetime(2026, 12, 1, 8, 0)]
    settings = AccessSettings(max_failed_logins=3, failed_login_window_s=60)
    throttle = LoginThrottle(world.store, settings, lambda: now[0])
    for _ in range(2):
        throttle.failed("sam", "10.0.0.1")
    throttle.check("sam", "10.0.0.1")  # two failures: still allowed
    now[0] += dt.timedelta(seconds=10)
    throttle.failed("sam", "10.0.0.1")
    with pytest.raises(Throttled) as caught:
        throttle.check("sam", "10.0.0.1")
    assert caught.value.retry_after_s == 50  # until the first failure leaves the window
    now[0] += dt.timedelta(seconds=51)
    throttle.check("sam", "10.0.0.1")


def test_failed_logins_are_throttled_even_with_the_right_password(world: World):
    settings = WebSettings(access=AccessSettings(max_failed_logins=3))
    client = TestClient(create_app(world.store, get_evaluator(), settings), follow_redirects=False)
    for _ in range(3):
        page = client.get("/login")
        wrong = client.post(
            "/login", data={"name": "sam", "password": "nope-nope-nope", "csrf": csrf_of(page.text)}
        )
        assert wrong.status_code == 401
        assert "wrong user name or password" in wrong.text.lower()
    page = client.get("/login")
    right = client.post(
        "/login", data={"name": "sam", "password": PASSWORD, "csrf": csrf_of(page.text)}
    )
    assert right.status_code == 401
    assert "too many failed logins" in right.text.lower()
    assert "runstrong_session" not in right.cookies


def _login_response(client: TestClient, headers: dict[str, str] | None = None):
    page = client.get("/login", headers=headers)
    return client.post(
        "/login",
        data={"name": "sam", "password": PASSWORD, "csrf": csrf_of(page.text)},
        headers=headers,
    )


def test_the_session_cookie_is_httponly_and_samesite(client: TestClient):
    cookie = _login_response(client).headers["set-cookie"]
    assert "runstrong_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http on 127.0.0.1


def test_the_session_cookie_is_secure_behind_https(client: TestClient):
    response = _login_response(client, {"X-Forwarded-Proto": "https"})
    assert "Secure" in response.headers["set-cookie"]


def test_secure_cookies_can_be_forced(world: World):
    settings = WebSettings(secure_cookies="always")
    client = TestClient(create_app(world.store, get_evaluator(), settings), follow_redirects=False)
    assert "Secure" in _login_response(client).headers["set-cookie"]


def test_login_redirects_only_within_the_site(client: TestClient):
    page = client.get("/login?next=//evil.example/x")
    response = client.post(
        "/login",
        data={
            "name": "sam",
            "password": PASSWORD,
            "csrf": csrf_of(page.text),
            "next": "//evil.example/x",
        },
    )
    assert response.headers["location"] == "/"


def test_login_goes_back_to_the_page_asked_for(client: TestClient, world: World):
    target = client.get(f"/recommendations/{world.ana_rec}").headers["location"]
    page = client.get(target)
    response = client.post(
        "/login",
        data={
            "name": "sam",
            "password": PASSWORD,
            "csrf": csrf_of(page.text),
            "next": f"/recommendations/{world.ana_rec}",
        },
    )
    assert response.headers["location"] == f"/recommendations/{world.ana_rec}"
