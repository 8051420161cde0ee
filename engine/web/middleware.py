"""ASGI middleware that runs before any route: the body size limit and the security headers.

Both are plain ASGI (not ``BaseHTTPMiddleware``) so that a body is never read into memory
before it is refused, and so that every response gets the headers, the 413 and the static
files included.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script or style anywhere: the one stylesheet is /static/app.css, the charts are
# SVG elements in the page, and there is no JavaScript.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


class _TooLarge(HTTPException):
    """An HTTPException, so that FastAPI's body parsing passes it on as a 413 (it turns any
    other error while reading the body into a 400)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"the request body is over {max_bytes} bytes")


async def _refuse(scope: Scope, send: Send, max_bytes: int) -> None:
    detail = f"the request body is over {max_bytes} bytes"
    api = str(scope.get("path", "")).startswith("/api/")
    body = json.dumps({"detail": detail}).encode() if api else detail.encode()
    kind = b"application/json" if api else b"text/plain; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    # The rest of the body is not read; the client must not reuse the connection.
    headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """413 for a body over ``max_bytes``: at once from Content-Length, before any handler
    (so before authentication), or as soon as a chunked body passes the limit (so at most
    ``max_bytes`` plus one chunk is ever held)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _refuse(scope, send, self.max_bytes)
            return
        received = 0
        started = False

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message

        async def watching(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watching)
        except _TooLarge:
            if started:
                raise
            await _refuse(scope, send, self.max_bytes)


def _has(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bool:
    return any(key.lower() == name for key, _ in headers)


class SecurityHeaders:
    """The headers every response carries; HSTS only over HTTPS (``is_https`` of the
    request's scope), ``Cache-Control: no-store`` on everything but the static files."""

    def __init__(
        self, app: ASGIApp, hsts_max_age_s: int, is_https: Callable[[Scope], bool]
    ) -> None:
        self.app = app
        self.hsts = f"max-age={hsts_max_age_s}; includeSubDomains".encode()
        self.is_https = is_https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [
            (b"content-security-policy", CSP.encode()),
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        if self.is_https(scope):
            extra.append((b"strict-transport-security", self.hsts))
        if not str(scope.get("path", "")).startswith("/static/"):
            # Pages and API answers hold health data: no browser or proxy keeps a copy.
            extra.append((b"cache-control", b"no-store"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(key, value) for key, value in extra if not _has(headers, key)]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
