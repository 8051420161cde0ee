"""The bounded password hasher: at most N hashes at once and M waiting; the rest are told to
come back (503 with Retry-After) rather than queue without end. The memory bound under a
burst of real logins is in test_serve.py (a real server); this checks the gate itself."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from engine.app.accounts import AccessSettings
from engine.app.passwords import HashGate, HashingBusy
from engine.evaluation.evaluators import get_evaluator
from engine.web.app import create_app
from engine.web.state import WebSettings
from tests.web.conftest import PASSWORD, World, csrf_of


def test_the_gate_admits_running_plus_queued_and_refuses_the_rest():
    gate = HashGate(running=1, queued=1, retry_after_s=7)
    inside, release = threading.Event(), threading.Event()
    order: list[str] = []

    def hold(name: str) -> None:
        with gate.slot():
            order.append(name)
            inside.set()
            release.wait(5)

    first = threading.Thread(target=hold, args=("first",))
    first.start()
    inside.wait(5)
    second = threading.Thread(target=hold, args=("second",))  # waits: one queue place
    second.start()
    while gate._admitted._value != 0:  # the second has taken the queue place
        threading.Event().wait(0.01)
    with pytest.raises(HashingBusy) as caught, gate.slot():
        pass
    assert caught.value.retry_after_s == 7
    release.set()
    first.join(5)
    second.join(5)
    assert order == ["first", "second"]
    with gate.slot():  # free again
        pass


def test_a_login_while_the_gate_is_full_gets_503_with_retry_after(world: World):
    access = AccessSettings(max_concurrent_hashes=1, max_queued_hashes=0, hashing_retry_after_s=9)
    app = create_app(world.store, get_evaluator(), WebSettings(access=access))
    client = TestClient(app, follow_redirects=False)
    page = client.get("/login")
    with app.state.runstrong.gate.slot():  # another login is hashing
        busy = client.post(
            "/login", data={"name": "sam", "password": PASSWORD, "csrf": csrf_of(page.text)}
        )
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "9"
    assert "runstrong_session" not in busy.cookies
    after = client.post(
        "/login", data={"name": "sam", "password": PASSWORD, "csrf": csrf_of(page.text)}
    )
    assert after.status_code == 303
