"""``optional_param`` / ``required_param`` for pages: POST wins over GET; values are cleaned."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from mockserver.moodle.errors import MoodleException
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.request import merged_params


class PageParams:
    def __init__(self, site: Site, get: dict[str, Any], post: dict[str, Any]) -> None:
        self.site = site
        self.get = get
        self.post = post

    @classmethod
    async def read(cls, request: Request, site: Site) -> PageParams:
        get, post = await merged_params(request, site.config.max_body_bytes)
        return cls(site, get, post)

    def raw(self, name: str) -> Any:
        return self.post[name] if name in self.post else self.get.get(name)

    def optional(self, name: str, default: Any, param_type: str) -> Any:
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, dict):
            # Moodle refuses arrays where a scalar is expected; treat as absent.
            return default
        return self.site.cleaner.clean(value, param_type)

    def required(self, name: str, param_type: str) -> Any:
        value = self.raw(name)
        if value is None or isinstance(value, dict):
            raise MoodleException("missingparam", "error", name)
        return self.site.cleaner.clean(value, param_type)
