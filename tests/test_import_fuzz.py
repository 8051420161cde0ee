"""Damaged files of every format: whatever the bytes, the parsers either read activities or
refuse the file with ActivityFileError (never another exception, never a warning on stderr).
Before the FIT reader caught every decoder failure, mutated bytes raised TypeError from deep
inside fitdecode."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import warnings
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.activities.detect import parse_activities
from engine.activities.model import ActivityFileError
from tests.test_import_fit import build_fit, interval_laps

DATA = Path(__file__).parent / "data" / "activities"
FIT = build_fit(dt.datetime(2026, 11, 20, 7, tzinfo=dt.UTC), interval_laps())
TCX = (DATA / "intervals_garmin.tcx").read_bytes()[:6000]
GPX = (DATA / "easy_run_strava.gpx").read_bytes()[:3000]
SAMPLES = {"x.fit": FIT, "x.tcx": TCX, "x.gpx": GPX}

mutations = st.lists(
    st.tuples(st.floats(min_value=0, max_value=1, exclude_max=True), st.integers(0, 255)),
    min_size=1,
    max_size=4,
)


def _mutated(data: bytes, changes: list[tuple[float, int]]) -> bytes:
    damaged = bytearray(data)
    for where, value in changes:
        damaged[int(where * len(damaged))] = value
    return bytes(damaged)


@settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(name=st.sampled_from(sorted(SAMPLES)), changes=mutations, cut=st.booleans())
def test_damaged_files_are_read_or_refused(name: str, changes: list, cut: bool) -> None:
    data = _mutated(SAMPLES[name], changes)
    if cut:
        data = data[: int(changes[0][0] * len(data))]
    # Garbage other tests left (on 3.13 an unclosed sqlite3 connection warns when collected)
    # is collected first, so that only the parser's own warnings are caught below.
    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with contextlib.suppress(ActivityFileError):
            parse_activities(data, name)
    assert [str(item.message) for item in caught] == []
