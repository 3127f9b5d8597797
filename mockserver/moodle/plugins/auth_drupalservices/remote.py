"""``RemoteAPI`` (REST-API.php): the plugin's HTTP calls to Drupal (eduauth-and-drupal.md §2.3).

cURL semantics kept: no redirects followed, TLS not verified, one total timeout per call, an
unanswered call (refused, timed out, closed, unsendable) is HTTP code 0; a body is parsed only
for HTTP 200/406 with ``Content-Type`` exactly ``application/json`` (else ``None``, as
``json_decode`` of garbage). Tests reach an in-process Drupal through ``app.state.http_mounts``
(origin -> httpx transport).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mockserver.moodle.plugins.auth_drupalservices.cookies import DrupalSession
from mockserver.moodle.site import Site

if TYPE_CHECKING:  # imported on the first call: a server that never talks to Drupal starts without it
    import httpx

ACCEPT_POST = "*/*"
ACCEPT_GET = (
    "application/json, application/vnd.php.serialized, application/x-www-form-urlencoded, application/xml, "
    "multipart/form-data, text/xml"
)
MAX_BODY = 2 * 1024 * 1024
"""A Drupal answer larger than this is treated as no answer (the emulator stays bounded)."""
LOGOUT_TIMEOUT = 60.0
"""``new RemoteAPI(...)`` without a timeout (the logout hook) keeps the constructor's 60 s."""


@dataclass(frozen=True)
class Reply:
    status: int
    """HTTP status; 0 when Drupal did not answer (cURL's http_code)."""
    content_type: str = ""
    body: bytes = b""
    data: Any = None
    """The decoded JSON (dicts and lists), or None."""


def _decode(status: int, content_type: str, body: bytes) -> Any:
    if status not in (200, 406) or content_type != "application/json":
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):
        return None


class RemoteAPI:
    """One conversation with Drupal on behalf of a browser's session cookie."""

    def __init__(self, site: Site, host_uri: str, version: int, session: DrupalSession | None, timeout: float):
        self.site = site
        self.host_uri = host_uri
        self.endpoint = f"{host_uri}/moodlesso"
        self.version = version
        self.session = session
        self.timeout = timeout
        self.csrf = ""
        self.logout_token = ""

    def _client(self) -> httpx.AsyncClient:
        import httpx

        mounts: dict[str, httpx.AsyncBaseTransport] = getattr(self.site.request.app.state, "http_mounts", None) or {}
        return httpx.AsyncClient(mounts=mounts, verify=False, follow_redirects=False, trust_env=False)

    async def request(self, method: str, url: str, *, csrf: bool, body: bytes | None = None) -> Reply:
        import httpx

        headers = {"Accept": ACCEPT_POST if method == "POST" else ACCEPT_GET}
        if self.session is not None:
            headers["Cookie"] = f"{self.session.name}={self.session.sid}"
        if csrf and method == "POST" and self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            async with (
                asyncio.timeout(self.timeout),
                self._client() as client,
                client.stream(method, url, headers=headers, content=body or b"") as response,
            ):
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_raw():
                    size += len(chunk)
                    if size > MAX_BODY:
                        return Reply(0)
                    chunks.append(chunk)
        except (TimeoutError, httpx.HTTPError, OSError, ValueError):
            return Reply(0)
        content_type = response.headers.get("content-type", "")
        raw = b"".join(chunks)
        return Reply(response.status_code, content_type, raw, _decode(response.status_code, content_type, raw))

    async def csrf_token(self) -> str:
        """``GetCSRFToken``: D7 ``POST user/token`` (JSON ``token``), D8 ``GET session/token`` (the body)."""
        if self.version < 8:
            reply = await self.request("POST", f"{self.endpoint}/user/token", csrf=True)
        else:
            reply = await self.request("GET", f"{self.host_uri}/session/token?_format=json", csrf=True)
        if reply.status != 200:
            return ""
        if self.version < 8:
            token = reply.data.get("token") if isinstance(reply.data, dict) else None
            return token if isinstance(token, str) else ""
        return reply.body.decode("utf-8", "replace")

    async def connect(self) -> Reply:
        """``Connect``: the CSRF token, then who-am-I (D7 ``POST system/connect``, D8 ``GET system/connect``)."""
        self.csrf = await self.csrf_token()
        if self.version < 8:
            return await self.request("POST", f"{self.endpoint}/system/connect", csrf=True)
        return await self.request("GET", f"{self.host_uri}/system/connect?_format=json", csrf=True)

    async def user(self, uid: str) -> Reply:
        """``Index("user/<uid>")``: the full Drupal 7 account."""
        return await self.request("GET", f"{self.endpoint}/user/{uid}", csrf=False)

    async def logout(self) -> bool:
        """``Logout``: D7 ``POST user/logout``; D8 ``POST user/logout?token=<logout token>`` (empty: the hook
        never logged in through the API, so real Drupal 8 refuses it)."""
        self.csrf = await self.csrf_token()
        if self.version < 8:
            url = f"{self.endpoint}/user/logout"
        else:
            url = f"{self.host_uri}/user/logout?token={self.logout_token}&_format=json"
        reply = await self.request("POST", url, csrf=True)
        return reply.status == 200
