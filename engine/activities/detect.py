"""Which format a file is, from its content (the name's extension is only a tie-breaker), and
the one entry point that parses any of them."""

from __future__ import annotations

from engine.activities.fit import looks_like_fit, parse_fit
from engine.activities.gpx import looks_like_gpx, parse_gpx
from engine.activities.model import Activity, ActivityFileError, FileFormat
from engine.activities.tcx import looks_like_tcx, parse_tcx
from engine.activities.xmlsafe import parse_xml, xml_body

SUFFIXES: dict[str, FileFormat] = {".fit": "fit", ".gpx": "gpx", ".tcx": "tcx"}


def detect_format(data: bytes, name: str = "") -> FileFormat:
    """The file's format, or :class:`ActivityFileError` when it is none of FIT, GPX or TCX."""
    if not data:
        raise ActivityFileError("the file is empty")
    if looks_like_fit(data):
        return "fit"
    if xml_body(data).startswith(b"<"):
        root = parse_xml(data, "XML file")
        if looks_like_gpx(root):
            return "gpx"
        if looks_like_tcx(root):
            return "tcx"
        raise ActivityFileError("unknown format: XML, but neither GPX nor TCX")
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix == ".fit":
        raise ActivityFileError("corrupt FIT file (no valid FIT header)")
    raise ActivityFileError("unknown format: not a FIT, GPX or TCX file")


def parse_activities(data: bytes, name: str = "") -> list[Activity]:
    """The activities in a FIT, GPX or TCX file."""
    parsers = {"fit": parse_fit, "gpx": parse_gpx, "tcx": parse_tcx}
    return parsers[detect_format(data, name)](data)
