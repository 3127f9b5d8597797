"""ASGI dispatch of ``/t/<name>/...`` to a tenant: sets root_path and the tenant in scope state."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.edge import wwwroot_path
from mockserver.world.tenant import TENANT_PREFIX, TenantRegistry


class TenantDispatch:
    def __init__(self, app: ASGIApp, registry: TenantRegistry) -> None:
        self.app = app
        self.registry = registry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        tenant = self.registry.default
        root_path = scope.get("root_path", "")
        if path.startswith(TENANT_PREFIX):
            name = path[len(TENANT_PREFIX) :].split("/", 1)[0]
            found = self.registry.get(name)
            if found is None:
                await _not_found(send, name)
                return
            tenant = found
            root_path = root_path + TENANT_PREFIX + name
        # The site under its wwwroot's path (``http://host/moodle`` serves ``/moodle/...``).
        base = wwwroot_path(tenant.scenario.moodle.wwwroot)
        if base:
            rest = path[len(root_path) :] if path.startswith(root_path) else path
            if rest == base or rest.startswith(base + "/"):
                root_path = root_path + base
        scope = {**scope, "root_path": root_path, "state": {**scope.get("state", {}), "tenant": tenant}}
        await self.app(scope, receive, send)


async def _not_found(send: Send, name: str) -> None:
    body = f"Unknown tenant: {name}\n".encode("utf-8", "replace")
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
