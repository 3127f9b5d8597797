"""One Jinja2 environment for every surface; autoescaping is always on."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from starlette.responses import HTMLResponse

from mockserver.moodle.plugins.discovery import plugin_folder, plugin_names
from mockserver.text import finalize

if TYPE_CHECKING:
    from jinja2 import Environment


@cache
def environment() -> Environment:
    """Made on the first page rendered: a server answers its first requests (and ``--help``,
    ``validate``) without importing Jinja2."""
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

    # Core templates, then each plugin's ``templates/`` folder (``<frankenstyle>/page.html`` by convention).
    folders = [plugin_folder(name) / "templates" for name in plugin_names()]
    loaders = [PackageLoader("mockserver", "templates"), *(FileSystemLoader(f) for f in folders if f.is_dir())]
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        finalize=finalize,  # input bytes that were not UTF-8 are dropped as Moodle's fix_utf8 does
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates ship with the package; no stat() per render
    )


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def html(template: str, status_code: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(template, **context), status_code=status_code, headers=headers)
