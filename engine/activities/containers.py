"""The containers exports come in: Strava's bulk export gzips each activity (``.fit.gz``,
``.tcx.gz``, ``.gpx.gz``) and Garmin's "Export original" is a ``.zip``.

Both are read with the standard library, recognised by their magic bytes (not their names),
and every member is read with a bound: a small archive that inflates to gigabytes (a zip or
gzip bomb) is refused at the bound instead of filling memory. Each member stands alone, so
one damaged member of a zip does not refuse the others.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from engine.activities.model import ActivityFileError

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# The file formats an archive member may be (a gzip inside a zip is unwrapped too).
MEMBER_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz")


@dataclass(frozen=True)
class Member:
    """One file to parse: the name its format is judged by (``.gz`` taken off), its path
    inside a zip (``None`` for a plain or gzipped file), and its bytes or why it cannot be
    read."""

    name: str
    inside: str | None
    data: bytes
    error: str | None = None


def _bounded(stream: IO[bytes] | gzip.GzipFile, limit: int, what: str) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ActivityFileError(f"{what} inflates beyond the {limit}-byte limit")
    return data


def _gunzip(data: bytes, limit: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            return _bounded(stream, limit, "the gzip file")
    except (OSError, EOFError, zlib.error) as error:
        raise ActivityFileError(f"corrupt gzip file ({error})") from error


def _inner_name(name: str) -> str:
    return name[:-3] if name.lower().endswith(".gz") else name


def _zip_members(data: bytes, limit: int) -> list[Member]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ActivityFileError(f"corrupt zip file ({error})") from error
    members: list[Member] = []
    with archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.lower().endswith(MEMBER_SUFFIXES):
                continue
            inside = info.filename
            try:
                with archive.open(info) as stream:
                    raw = _bounded(stream, limit, "the member")
                members.append(_plain(inside, inside, raw, limit, allow_zip=False))
            except ActivityFileError as error:
                members.append(Member(inside, inside, b"", str(error)))
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, RuntimeError) as error:
                # RuntimeError: an encrypted member; NotImplementedError is a subclass of it
                # (a compression method the stdlib lacks).
                members.append(Member(inside, inside, b"", f"cannot be unpacked ({error})"))
    if not members:
        raise ActivityFileError("the zip file holds no .fit, .gpx or .tcx file")
    return members


def _plain(name: str, inside: str | None, data: bytes, limit: int, allow_zip: bool) -> Member:
    if data.startswith(GZIP_MAGIC):
        return Member(_inner_name(name), inside, _gunzip(data, limit))
    if not allow_zip and data.startswith(ZIP_MAGICS):
        raise ActivityFileError("a zip inside a zip is not read")
    return Member(name, inside, data)


def unpack(name: str, data: bytes, limit: int) -> list[Member]:
    """The files inside ``data``: itself, its gunzipped content, or each member of a zip."""
    if data.startswith(ZIP_MAGICS):
        return _zip_members(data, limit)
    return [_plain(name, None, data, limit, allow_zip=True)]
