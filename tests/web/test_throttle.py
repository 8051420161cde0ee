"""The login throttle lives in the database: it holds across a restart and across workers
(two apps on one database), and it is keyed so that wrong passwords from one address do not
lock the user out at another, while per-name attempts over many addresses stay bounded.
(test_serve.py checks the same against real ``serve --workers 2`` processes.)"""

from __future__ import annotations

from fastapi.testclient import TestClient

from engine.app.accounts import AccessSettings
from engine.evaluation.evaluators import get_evaluator
from engine.storage.store import Store
from engine.storage.throttle import ThrottleStore
from engine.web.app import create_app
from engine.web.state import WebSettings
from tests.web.conftest import PASSWORD, World, csrf_of

SETTINGS = WebSettings(
    access=AccessSettings(
        max_failed_logins=3, max_failed_logins_per_client=6, max_failed_logins_per_name=5
    )
)


def _client(world: World, address: str) -> TestClient:
    """A client at ``address``, on an app of its own (as a worker or a restart has)."""
    store = Store.open(world.url)
    app = create_app(store, get_evaluator(), SETTINGS)
    return TestClient(app, follow_redirects=False, client=(address, 40000))


def _login(client: TestClient, name: str, password: str) -> int:
    page = client.get("/login")
    response = client.post(
        "/login", data={"name": name, "password": password, "csrf": csrf_of(page.text)}
    )
    return response.status_code


def test_the_throttle_survives_a_restart(world: World):
    before = _client(world, "10.0.0.9")
    for _ in range(3):
        assert _login(before, "sam", "wrong password!") == 401
    restarted = _client(world, "10.0.0.9")
    assert _login(restarted, "sam", PASSWORD) == 401  # still locked out, the right password too


def test_two_workers_share_the_count(world: World):
    workers = [_client(world, "10.0.0.9"), _client(world, "10.0.0.9")]
    for attempt in range(3):
        assert _login(workers[attempt % 2], "sam", "wrong password!") == 401
    assert _login(workers[1], "sam", PASSWORD) == 401
    assert _login(workers[0], "sam", PASSWORD) == 401


def test_an_attacker_elsewhere_does_not_lock_out_the_user(world: World):
    attacker = _client(world, "203.0.113.7")
    for _ in range(4):
        assert _login(attacker, "sam", "wrong password!") == 401
    assert _login(attacker, "sam", PASSWORD) == 401  # the attacker's address is locked
    assert _login(_client(world, "10.0.0.1"), "sam", PASSWORD) == 303  # the user is not


def test_per_name_attempts_over_many_addresses_stay_bounded(world: World):
    for address in ("203.0.113.1", "203.0.113.2"):
        for _ in range(2):
            assert _login(_client(world, address), "kim", "wrong password!") == 401
    fifth = _client(world, "203.0.113.3")
    assert _login(fifth, "kim", "wrong password!") == 401  # the fifth failure for kim
    assert _login(_client(world, "203.0.113.4"), "kim", PASSWORD) == 401  # kim: at the bound


def test_one_address_cannot_spray_many_names(world: World):
    sprayer = _client(world, "198.51.100.5")
    for name in ("sam", "kim", "ana-user", "ben-user", "cleo-user", "nobody"):
        assert _login(sprayer, name, "wrong password!") == 401
    assert _login(sprayer, "ben-user", PASSWORD) == 401


def test_a_good_login_clears_that_address_and_names_are_stored_as_digests(world: World):
    client = _client(world, "10.0.0.1")
    for _ in range(2):
        assert _login(client, "sam", "wrong password!") == 401
    assert _login(client, "sam", PASSWORD) == 303
    assert ThrottleStore(world.store).count() == 0
    assert _login(_client(world, "10.0.0.1"), "sam", "wrong password!") == 401
    with world.store.reading() as session:
        from sqlalchemy import text

        row = session.execute(text("SELECT name_key, client_key FROM login_failures")).one()
    assert "sam" not in row[0] and "10.0.0.1" not in row[1] and len(row[0]) == 64
