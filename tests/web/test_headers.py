"""Security headers on every response: pages, API answers, errors, redirects, the 413 and
the static files; HSTS only over HTTPS; no-store on everything but the static files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from engine.web.middleware import CSP
from tests.web.conftest import World, bearer, log_in

TEMPLATES = Path(__file__).resolve().parents[2] / "engine" / "web" / "templates"
ALWAYS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def _responses(client: TestClient, world: World) -> dict[str, object]:
    big = b"x" * (2 * 1024 * 1024)
    anonymous = {
        "login page": client.get("/login"),
        "redirect to login": client.get("/review"),
        "API 401": client.get("/api/me"),
        "413": client.post("/api/athletes/ana/checkins", content=big),
        "static": client.get("/static/app.css"),
        "no such page": client.get("/nowhere"),
        "API 404": client.get("/api/athletes/ben/today", headers=bearer(world, "sam")),
        "API 200": client.get("/api/me", headers=bearer(world, "sam")),
    }
    log_in(client, "sam")
    anonymous["review page"] = client.get("/review")
    anonymous["recommendation page"] = client.get(f"/recommendations/{world.ana_rec}")
    return anonymous


def test_every_response_carries_the_headers(client: TestClient, world: World):
    for what, response in _responses(client, world).items():
        for name, value in ALWAYS.items():
            assert response.headers.get(name) == value, (what, name)  # type: ignore[attr-defined]
        assert "strict-transport-security" not in response.headers, what  # type: ignore[attr-defined]


def test_no_store_on_everything_but_the_static_files(client: TestClient, world: World):
    for what, response in _responses(client, world).items():
        cache = response.headers.get("cache-control")  # type: ignore[attr-defined]
        assert (cache == "no-store") == (what != "static"), what


def test_the_policy_forbids_framing_and_inline_code():
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'none'"
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_no_template_has_inline_script_or_style(template: Path):
    """What the CSP would block: a template with any of these would break in the browser."""
    text = template.read_text()
    assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=|javascript:", text)


def test_hsts_over_https_only(client: TestClient):
    https = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert https.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "strict-transport-security" not in client.get("/login").headers
