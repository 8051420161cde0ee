"""The failed-login throttle, in the database so that it holds across restarts and workers.

Three counts over a sliding window of ``failed_login_window_s``:

- the name from this client address (``max_failed_logins``): guessing one user's password from
  one place stops quickly;
- this client under any name (``max_failed_logins_per_client``): one address cannot spray
  passwords over many names;
- the name from any address (``max_failed_logins_per_name``): per-name guessing stays bounded
  however many addresses are used.

The per-name bound is well above the per-pair one, so wrong passwords from one address lock
out that address only: the real user at another address still logs in until an attacker has
used ``max_failed_logins_per_name / max_failed_logins`` addresses. A correct password clears
that name's failures from that client. Names and addresses are stored as SHA-256 digests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from engine.contract.errors import UserError
from engine.storage.throttle import ThrottleStore

if TYPE_CHECKING:
    from engine.app.accounts import AccessSettings
    from engine.storage.store import Store


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


class Throttled(UserError):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class LoginThrottle:
    def __init__(
        self, store: Store, settings: AccessSettings, clock: Callable[[], dt.datetime] = _utcnow
    ) -> None:
        self.failures = ThrottleStore(store)
        self.settings = settings
        self.clock = clock

    def _window(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.settings.failed_login_window_s)

    def check(self, name: str, client: str) -> None:
        """Raise :class:`Throttled` while any of the three counts is at its limit."""
        now = self.clock()
        recent = self.failures.recent(
            _key("name", name), _key("client", client), now - self._window()
        )
        settings = self.settings
        waits = [
            # Locked until enough of the failures have left the window.
            (times[-limit] + self._window() - now).total_seconds()
            for times, limit in (
                (recent.pair, settings.max_failed_logins),
                (recent.client, settings.max_failed_logins_per_client),
                (recent.name, settings.max_failed_logins_per_name),
            )
            if len(times) >= limit
        ]
        if waits:
            raise Throttled(max(1, math.ceil(max(waits))))

    def failed(self, name: str, client: str) -> None:
        now = self.clock()
        self.failures.add_failure(
            _key("name", name), _key("client", client), now, now - self._window()
        )

    def succeeded(self, name: str, client: str) -> None:
        self.failures.clear_pair(_key("name", name), _key("client", client))
