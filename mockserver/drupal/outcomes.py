"""Scripted outcomes (``drupal.outcomes``) in front of the API routes: down, slow, 403, malformed JSON."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from mockserver.admin.faultspec import ActionSpec
from mockserver.admin.inject import perform
from mockserver.drupal.site import DrupalSite
from mockserver.drupal.spec import OutcomeSpec

Handler = Callable[[Request], Awaitable[Response]]

RAW_SEND = "mockserver.drupal.raw_send"
"""Scope key of the server's own ``send`` (set by ``app.KeepRawSend``)."""
FORBIDDEN_BODY = '["Access denied"]'
MALFORMED_BODY = '{"sessid":"'


def action(outcome: OutcomeSpec) -> ActionSpec:
    """The outcome as the fault injector's action (same close/delay/answer machinery as ``faults:``)."""
    if outcome.outcome == "down":
        return ActionSpec(close=True)
    if outcome.outcome == "slow":
        return ActionSpec(delay=outcome.delay)
    if outcome.outcome == "forbidden":
        return ActionSpec(status=403, body=FORBIDDEN_BODY, content_type="application/json")
    return ActionSpec(status=200, body=MALFORMED_BODY, content_type="application/json")


class ApiCall:
    """An API route (an ASGI app): the scripted outcome for ``call`` if one fires, else ``handler``."""

    def __init__(self, call: str, handler: Handler) -> None:
        self.call = call
        self.handler = handler

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.handler(Request(scope, receive))
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        site = DrupalSite.of(Request(scope, receive))
        outcome = site.state.take_outcome(site.spec.outcomes, self.call)
        if outcome is None:
            await self._answer(scope, receive, send)
            return
        todo = action(outcome)
        delay = outcome.delay if outcome.outcome == "slow" else 0.0
        await perform(todo, delay, self._answer, scope, receive, send, scope.get(RAW_SEND, send))
