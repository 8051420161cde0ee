"""Hostile inputs for the CLI fuzz (``test_cli_fuzz``), generated from a seed so a failure can
be replayed: each generator returns ``count`` inputs of one kind, each a mutation of a real,
valid input (the shipped base request, the bundled activity exports, a calendar plan) or
plain junk.

The mutations are those that broke runstrong before: values Python or SQL cannot
hold (NaN, INF, 1e308, integers of thousands of digits, dates that do not exist or past 2199,
ids beyond 64 bits), wrong types, lone surrogates, text far longer than a column, deep
nesting, truncation, bytes that are not UTF-8, and for files the containers and recurrence
rules real exporters write.
"""

from __future__ import annotations

import copy
import gzip
import io
import json
import random
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from engine.loading.paths import rules_dir

BASE_REQUEST = yaml.safe_load((rules_dir() / "fixtures" / "base_request.yaml").read_text())
DATA = Path(__file__).parent / "data"

HOSTILE_VALUES: list[Any] = [
    float("nan"),
    float("inf"),
    float("-inf"),
    1e308,
    -1e308,
    -1,
    0,
    -0.0,
    2**63,
    2**64 + 1,
    -(2**63) - 1,
    10**30,
    "9" * 400,
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "2300-01-01",
    "2026-11-20T25:61:00",
    "",
    " ",
    "\u0663",
    "\ud800",
    "\x00",
    "x" * 5000,
    "yes",
    "null",
    "NaN",
    "Infinity",
    True,
    False,
    None,
    [],
    {},
    [[[[[[[[[[[]]]]]]]]]]],
    {"": {"": {"": None}}},
    [1, "a", None, 1.5],
]


def hostile_value(rng: random.Random) -> Any:
    value = rng.choice(HOSTILE_VALUES)
    if rng.random() < 0.2:
        return rng.choice([rng.uniform(-1e6, 1e6), rng.randint(-(10**12), 10**12)])
    return copy.deepcopy(value)


def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*path, index))
    return found


def mutated_request(rng: random.Random) -> Any:
    """The base request with one to three values replaced, removed or added."""
    data = copy.deepcopy(BASE_REQUEST)
    for _ in range(rng.randint(1, 3)):
        paths = _paths(data)
        if not paths:
            break
        path = rng.choice(paths)
        holder: Any = data
        try:
            for key in path[:-1]:
                holder = holder[key]
            action = rng.random()
            if action < 0.75:
                holder[path[-1]] = hostile_value(rng)
            elif action < 0.9 and isinstance(holder, dict):
                del holder[path[-1]]
            elif isinstance(holder, dict):
                holder[f"unknown_{rng.randint(0, 9)}"] = hostile_value(rng)
        except (KeyError, IndexError, TypeError):
            continue
    return data


def _json_text(data: Any) -> str:
    # allow_nan writes NaN and Infinity, which strict JSON does not have: hostile too.
    return json.dumps(data, default=str, ensure_ascii=True)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def json_lines(rng: random.Random, count: int) -> list[bytes]:
    """``count`` lines of a JSON Lines batch: mostly mutated requests, some junk."""
    lines: list[bytes] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.7:
            lines.append(_json_text(mutated_request(rng)).encode())
        elif roll < 0.78:
            text = _json_text(mutated_request(rng))
            lines.append(text[: rng.randint(0, len(text))].encode())  # truncated
        elif roll < 0.84:
            lines.append(bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 60))))
        elif roll < 0.88:
            lines.append(_nested(rng.choice([70, 1000, 100_000])).encode())
        elif roll < 0.92:
            lines.append(_json_text(hostile_value(rng)).encode())  # not an object
        elif roll < 0.95:
            lines.append(b" " * rng.randint(0, 3))
        else:
            request = mutated_request(rng)
            request["padding"] = "y" * rng.choice([10_000, 1_100_000])
            lines.append(_json_text(request).encode())
    return [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]


def request_file(rng: random.Random) -> tuple[str, bytes]:
    """One request file: a mutated request as YAML or JSON, or YAML's own hazards."""
    roll = rng.random()
    data = mutated_request(rng)
    if roll < 0.45:
        return "request.yaml", yaml.safe_dump(data, allow_unicode=True).encode("utf-8", "replace")
    if roll < 0.8:
        return "request.json", _json_text(data).encode()
    hazards = [
        b"a: &a [1, 2]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]\n",
        b"!!python/object/apply:os.system ['true']\n",
        b"athlete: {id: x}\nathlete: {id: y}\n",
        b"\t- tab\n",
        b"checkin: {date: 2026-02-30}\n",
        b"checkin: {recovery: " + b"9" * 5000 + b"}\n",
        _nested(2000).encode(),
        b"\xff\xfe\x00bad",
        b"",
        b"---\n---\n",
        b"[" + b"{}," * 1000 + b"]",
    ]
    return "request.yaml", rng.choice(hazards)


def _flip(data: bytes, rng: random.Random, changes: int) -> bytes:
    damaged = bytearray(data)
    for _ in range(changes):
        damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    return bytes(damaged)


def _xml_numbers(text: str, rng: random.Random, tags: list[str]) -> str:
    for tag in rng.sample(tags, k=min(len(tags), rng.randint(1, 3))):
        opening, closing = f"<{tag}>", f"</{tag}>"
        start = text.find(opening)
        if start < 0:
            continue
        end = text.find(closing, start)
        value = rng.choice(["NaN", "INF", "-INF", "1e308", "-5", "0", "99999999999", "", "x"])
        text = text[: start + len(opening)] + value + text[end:]
    return text


ACTIVITY_TAGS = [
    "TotalTimeSeconds",
    "DistanceMeters",
    "Value",
    "Time",
    "Id",
    "gpxtpx:hr",
    "ele",
    "time",
    "type",
    "LatitudeDegrees",
]


def activity_file(rng: random.Random, fit: bytes) -> tuple[str, bytes]:
    """One activity export, damaged: flipped bytes, truncated, hostile numbers in the XML,
    spaces before the declaration, and gzip or zip around any of them."""
    samples = {
        "run.fit": fit,
        "run.tcx": (DATA / "activities" / "intervals_garmin.tcx").read_bytes(),
        "run.gpx": (DATA / "activities" / "easy_run_strava.gpx").read_bytes(),
    }
    name, data = rng.choice(sorted(samples.items()))
    roll = rng.random()
    if roll < 0.35 and not name.endswith(".fit"):
        data = _xml_numbers(data.decode(), rng, ACTIVITY_TAGS).encode()
    elif roll < 0.6:
        data = _flip(data, rng, rng.randint(1, 8))
    elif roll < 0.75:
        data = data[: rng.randint(0, len(data))]
    elif roll < 0.8:
        data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
    if rng.random() < 0.2:
        data = b" \r\n\t" * rng.randint(0, 3) + data
    wrap = rng.random()
    if wrap < 0.15:
        return f"{name}.gz", gzip.compress(data)
    if wrap < 0.2:
        return f"{name}.gz", _flip(gzip.compress(data), rng, 2)
    if wrap < 0.3:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(name, data)
            if rng.random() < 0.5:
                archive.writestr("notes.txt", b"not an activity")
        packed = buffer.getvalue()
        return "export.zip", packed if rng.random() < 0.7 else _flip(packed, rng, 3)
    return name, data


RRULE_PARTS: list[Callable[[random.Random], str]] = [
    lambda r: (
        "FREQ=" + r.choice(["WEEKLY", "DAILY", "MONTHLY", "YEARLY", "HOURLY", "SOMETIMES", ""])
    ),
    lambda r: f"COUNT={r.choice(['0', '-1', '3', '100000', '9' * 30, 'x'])}",
    lambda r: f"INTERVAL={r.choice(['0', '-2', '1', '2', '1000000000', 'x'])}",
    lambda r: "UNTIL=" + r.choice(["20261231T000000Z", "20130101", "99991231", "2026", "x"]),
    lambda r: "BYDAY=" + r.choice(["MO", "MO, TU, WE", "1MO", "-1FR", "XX", "MO,,TU", "53SU"]),
    lambda r: "BYMONTHDAY=" + r.choice(["31", "-1", "0", "99"]),
    lambda r: "BYSETPOS=" + r.choice(["1", "-1", "400"]),
    lambda r: "WKST=" + r.choice(["MO", "SU", "ZZ"]),
]
TITLES = [
    "Easy run",
    "12 x 400m @ 5k pace w. 400m jog rest",
    "Long 10 mi",
    "Week 3: 25 miles",
    "Dentist",
    "",
    "x" * 3000,
    "\u0663\u0664 km",
    "MP",
    "Rest",
]


def _event(rng: random.Random, number: int) -> str:
    start = rng.choice(
        [
            "DTSTART:20261210T063000Z",
            "DTSTART:20261210T063000",
            "DTSTART;VALUE=DATE:20261210",
            "DTSTART;TZID=Europe/Paris:20261210T063000",
            "DTSTART;TZID=Nowhere/Land:20261210T063000",
            "DTSTART:00010101T000000",
            "DTSTART:99991231T235959Z",
            "DTSTART:22500101T070000",
            "DTSTART:20260230T070000",
            "DTSTART:garbage",
            "",
        ]
    )
    lines = [f"BEGIN:VEVENT\r\nUID:e{number}@fuzz\r\nDTSTAMP:20260101T000000Z\r\n{start}"]
    if rng.random() < 0.7:
        parts = [rng.choice(RRULE_PARTS)(rng) for _ in range(rng.randint(1, 4))]
        lines.append("RRULE:" + ";".join(parts))
    if rng.random() < 0.2:
        lines.append("EXDATE:" + rng.choice(["20261217T063000Z", "x", "20261217"]))
    if rng.random() < 0.1:
        lines.append("RECURRENCE-ID:20261217T063000Z")
    lines.append(f"SUMMARY:{rng.choice(TITLES)}")
    return "\r\n".join(line for line in lines if line) + "\r\nEND:VEVENT\r\n"


def calendar_file(rng: random.Random) -> bytes:
    """One iCalendar file: events with hostile starts and recurrence rules, or junk."""
    roll = rng.random()
    events = "".join(_event(rng, number) for number in range(rng.randint(1, 4)))
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fuzz//EN\r\n{events}END:VCALENDAR\r\n"
    data = text.encode("utf-8", "surrogatepass")
    if roll < 0.08:
        return data[: rng.randint(0, len(data))]
    if roll < 0.14:
        return _flip(data, rng, rng.randint(1, 10))
    if roll < 0.16:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
    return data
