"""Parsing untrusted XML: no DTD at all, so no entities (billion laughs) and no external
references (XXE). GPX and TCX exports never carry a DTD, so refusing one costs nothing."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

import defusedxml
from defusedxml.ElementTree import fromstring

from engine.activities.model import ActivityFileError

# A byte-order mark and whitespace before the XML declaration: Strava's TCX files start with
# spaces, which XML calls not well-formed, yet the document after them is fine.
_LEADING = b"\xef\xbb\xbf \t\r\n"


def xml_body(data: bytes) -> bytes:
    """The document without what some exporters put before its declaration."""
    return data.lstrip(_LEADING)


def parse_xml(data: bytes, what: str) -> Element:
    """The root element, or :class:`ActivityFileError` saying what was refused and why."""
    try:
        root: Element = fromstring(xml_body(data), forbid_dtd=True, forbid_entities=True)
    except defusedxml.DTDForbidden as error:
        raise ActivityFileError(
            f"{what} refused: it declares a DTD, where XML bombs and external entities live "
            "(activity exports never need one)"
        ) from error
    except defusedxml.EntitiesForbidden as error:
        raise ActivityFileError(f"{what} refused: it declares XML entities") from error
    except defusedxml.ExternalReferenceForbidden as error:
        raise ActivityFileError(f"{what} refused: it references an external resource") from error
    except ParseError as error:
        raise ActivityFileError(f"{what} is not well-formed XML ({error})") from error
    return root


def local_name(tag: str) -> str:
    """``{namespace}name`` -> ``name``: exports differ in namespace versions and prefixes."""
    return tag.rsplit("}", 1)[-1]
