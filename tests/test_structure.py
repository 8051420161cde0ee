"""How the code is put together: one class per concept across the layers."""

from __future__ import annotations


def test_one_class_for_an_unavailable_database() -> None:
    """The app layer re-exports the store's class, so catching it catches what the store
    raises (there were two, and the app's did not catch the store's)."""
    from engine.app import errors as app_errors
    from engine.storage import errors as storage_errors

    assert app_errors.DatabaseUnavailable is storage_errors.DatabaseUnavailable
