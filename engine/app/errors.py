"""What a use case refuses, for every front end to report in its own way.

The store's refusals (no such athlete, already checked in, already decided ...) are the app's
refusals too: front ends import them from here, never from ``engine.storage``, so the CLI and
the web app depend on the application layer alone. A refusal is never a crash: the CLI turns
it into a message and exit status 2, the web app into a 4xx page.
"""

from __future__ import annotations

from engine.storage.store import AlreadyExists, NotFound, StoreError


class DatabaseUnavailable(StoreError):
    """The database cannot be opened: a bad URL, an unreachable server, a broken file."""


class Breach(StoreError):
    """A coach's amendment breaks a safety rule (a constraint of that day, or an invariant)."""


__all__ = ["AlreadyExists", "Breach", "DatabaseUnavailable", "NotFound", "StoreError"]
