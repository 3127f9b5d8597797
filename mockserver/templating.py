"""One Jinja2 environment for every surface; autoescaping is always on."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.responses import HTMLResponse

ENV = Environment(
    loader=PackageLoader("mockserver", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # templates ship with the package; no stat() per render
)


def render(template: str, **context: Any) -> str:
    return ENV.get_template(template).render(**context)


def html(template: str, status_code: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(template, **context), status_code=status_code, headers=headers)
