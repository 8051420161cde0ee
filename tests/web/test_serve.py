"""A real ``runstrong serve`` (child processes on 127.0.0.1): the memory bound under a burst
of logins with the real argon2 costs, a 20 MB anonymous body refused without the server
growing, and the login throttle across two workers and a restart."""

from __future__ import annotations

import http.client
import re
import shutil
import socket
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from engine.app.accounts import AccessSettings
from tests.web.browser import serving
from tests.web.conftest import PASSWORD, World

MIB = 1024 * 1024
# argon2-cffi's default memory cost (the app's hasher: test_accounts checks it).
HASH_MEMORY = 64 * MIB
LOGIN_FORM_CSRF = re.compile(r'name="csrf" value="([^"]*)"')


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} for {pid}")


def _connection(base: str) -> http.client.HTTPConnection:
    parsed = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port, timeout=120)


def _login_form(base: str) -> tuple[str, str]:
    """The login form's CSRF token and its double-submit cookie."""
    connection = _connection(base)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("set-cookie", "").split(";", 1)[0]
    match = LOGIN_FORM_CSRF.search(page)
    assert match and cookie
    return match.group(1), cookie


def _post_login(base: str, name: str, password: str) -> tuple[int, dict[str, str], str]:
    csrf, cookie = _login_form(base)
    body = urllib.parse.urlencode({"name": name, "password": password, "csrf": csrf})
    connection = _connection(base)
    connection.request(
        "POST",
        "/login",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = connection.getresponse()
    text = response.read().decode(errors="replace")
    return response.status, {k.lower(): v for k, v in response.getheaders()}, text


@pytest.fixture
def served_db(tmp_path: Path, world: World) -> str:
    """A copy of the world's database for a server of its own."""
    world.store.engine.dispose()
    target = tmp_path / "served.db"
    shutil.copyfile(world.url.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


@pytest.mark.slow  # thirty logins with the real argon2 costs (64 MiB each)
def test_thirty_concurrent_logins_stay_under_the_memory_bound(served_db: str):
    """The bound: the server's resting size plus ``max_concurrent_hashes`` argon2 hashes
    (64 MiB each) plus 64 MiB for everything else. Without the gate, 30 hashes at once would
    need 30 x 64 MiB."""
    settings = AccessSettings()
    with serving(served_db) as (base, process):
        _post_login(base, "sam", PASSWORD)  # warm up: imports, one real hash
        resting = _status_kib(process.pid, "VmRSS")
        results: list[tuple[int, dict[str, str], str]] = []
        lock = threading.Lock()

        def attempt(index: int) -> None:
            outcome = _post_login(base, f"nobody-{index}", "some wrong password")
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(30)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(180)
        peak = _status_kib(process.pid, "VmHWM")
    bound = resting + settings.max_concurrent_hashes * HASH_MEMORY + 64 * MIB
    statuses = sorted(status for status, _, _ in results)
    print(f"resting {resting / MIB:.0f} MiB, peak {peak / MIB:.0f} MiB, bound {bound / MIB:.0f}")
    print(f"statuses: {statuses}")
    assert len(results) == 30
    assert set(statuses) <= {401, 503}
    busy = [headers for status, headers, _ in results if status == 503]
    assert busy, "30 at once must overflow a gate of 2 running + 8 queued"
    assert all(headers["retry-after"] == str(settings.hashing_retry_after_s) for headers in busy)
    assert peak <= bound, f"peak {peak / MIB:.0f} MiB over the bound {bound / MIB:.0f} MiB"


def _send_chunked(base: str, total: int) -> int:
    """POST ``total`` bytes chunked (no Content-Length) without credentials; the status."""
    connection = _connection(base)
    connection.putrequest("POST", "/api/athletes/ana/checkins")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    chunk = b"x" * (256 * 1024)
    sent = 0
    try:
        while sent < total:
            connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        connection.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed: the rest was never read
    return connection.getresponse().status


def test_a_20_mb_anonymous_body_gets_413_without_growing_the_server(served_db: str):
    with serving(served_db) as (base, process):
        _send_chunked(base, 2 * MIB)  # warm up the path once
        before = _status_kib(process.pid, "VmRSS")
        statuses = [_send_chunked(base, 20 * MIB) for _ in range(3)]
        # With Content-Length the answer comes before the body is sent at all.
        connection = _connection(base)
        connection.putrequest("POST", "/login")
        connection.putheader("Content-Length", str(20 * MIB))
        connection.endheaders()
        with_length = connection.getresponse().status
        after = _status_kib(process.pid, "VmRSS")
    print(f"RSS before {before / MIB:.1f} MiB, after three 20 MB bodies {after / MIB:.1f} MiB")
    assert statuses == [413, 413, 413]
    assert with_length == 413
    assert after - before < 16 * MIB


@pytest.mark.slow  # three server processes, one after the other
def test_the_throttle_holds_across_two_workers_and_a_restart(served_db: str):
    limit = AccessSettings().max_failed_logins
    with serving(served_db, "--workers", "2") as (base, _process):
        for _ in range(limit):
            status, _, _ = _post_login(base, "sam", "a wrong password")
            assert status == 401
        status, _, text = _post_login(base, "sam", PASSWORD)
        assert status == 401 and "too many failed logins" in text.lower()
    with serving(served_db) as (base, _process):
        status, _, text = _post_login(base, "sam", PASSWORD)
        assert status == 401 and "too many failed logins" in text.lower()


def test_a_port_taken_before_the_server_binds_it_moves_the_server_to_another(
    served_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.web import browser

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        ports = iter([taken])
        free = browser._free_port
        monkeypatch.setattr(browser, "_free_port", lambda: next(ports, None) or free())
        with serving(served_db) as (base, process):
            assert process.poll() is None
            assert not base.endswith(f":{taken}")
            with urllib.request.urlopen(f"{base}/login", timeout=30) as answer:
                assert answer.status == 200
