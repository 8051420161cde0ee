"""Jinja2 templates (shipped in the package) and the context every page gets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from engine.app.accounts import Principal
from engine.app.session_lines import hiit_lines, rest_text
from engine.app.words import area_words, kind_words, reason_words, value_words
from engine.contract.formatting import fmt_dose

TEMPLATES = Path(__file__).resolve().parent / "templates"

templates = Jinja2Templates(
    env=jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
)
templates.env.filters["dose"] = fmt_dose
templates.env.filters["rest"] = rest_text
templates.env.filters["hiit_lines"] = hiit_lines
templates.env.filters["value"] = value_words
templates.env.filters["reason"] = reason_words
templates.env.filters["kind"] = kind_words
templates.env.filters["area"] = area_words


def render(
    request: Request,
    name: str,
    principal: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    context.update(
        user=principal.user if principal else None,
        csrf_token=principal.csrf_token if principal else None,
    )
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    principal = getattr(request.state, "principal", None)
    return render(request, "error.html", principal, status, status=status, message=message)
