"""The CI middleware stack: the admin mount in front, the journal and faults around each tenant.

::

    AdminMount ── /__mock/...  ──> admin app (API + dashboard), never journaled
        └── TenantDispatch (/t/<name>/...) ──> Instrument (journal + faults) ──> Moodle / SENCE routes

``Instrument`` runs after tenant dispatch, so every request it sees belongs to one tenant: it
reads the parameters (body buffered and replayed), asks the tenant's faults and then the
server-wide faults whether one fires, lets the app answer (or the fault), and writes one journal
entry. With the journal off and no faults it passes requests straight through.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.admin import identity
from mockserver.admin.capture import ResponseRecorder, buffer_body, form_params, query_params
from mockserver.admin.inject import ConnectionClosedByFault, perform
from mockserver.admin.journal import EXCERPT_BYTES, JournalEntry, ResponseFacts
from mockserver.admin.matching import RequestFacts
from mockserver.admin.state import AdminState
from mockserver.world.tenant import Tenant


class AdminMount:
    """Send ``prefix`` and everything under it to the admin app, the rest to the tenants."""

    def __init__(self, admin: ASGIApp, app: ASGIApp, prefix: str) -> None:
        self.admin = admin
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            if path == self.prefix or path.startswith(self.prefix + "/"):
                await self.admin(scope, receive, send)
                return
        await self.app(scope, receive, send)


def tenant_path(path: str, tenant: Tenant) -> str:
    prefix = tenant.prefix
    if prefix and path.startswith(prefix):
        return path[len(prefix) :] or "/"
    return path


class Instrument:
    def __init__(self, app: ASGIApp, state: AdminState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        tenant: Tenant | None = scope.get("state", {}).get("tenant") if scope["type"] == "http" else None
        if tenant is None:
            await self.app(scope, receive, send)
            return
        runtime = self.state.runtime(tenant)
        journal = runtime.journal
        if not journal.enabled and not runtime.faults and not self.state.global_faults:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        at, wall = tenant.clock.now(), time.time()
        body, receive = await buffer_body(receive, self.state.config.max_body_bytes)
        query = query_params(scope)
        form = await form_params(scope, body)
        params = {**query, **form}
        facts = RequestFacts(
            tenant=tenant.name,
            method=scope["method"],
            path=tenant_path(scope["path"], tenant),
            query=query,
            form=form,
            user=identity.subject(params),
            actor=identity.actor(params, tenant.store),
        )
        decision = runtime.faults.decide(facts) or self.state.global_faults.decide(facts)
        recorder = ResponseRecorder(send, EXCERPT_BYTES if journal.enabled else 0)
        outcome = "ok"
        try:
            if decision is not None and decision.action is not None:
                outcome = await perform(
                    decision.action, decision.delay(), self.app, scope, receive, recorder.send, send
                )
            else:
                await self.app(scope, receive, recorder.send)
        except ConnectionClosedByFault:
            outcome = "closed"
            raise
        except BaseException:
            outcome = "error"
            raise
        finally:
            if journal.enabled:
                response = ResponseFacts(
                    recorder.status, recorder.content_type, recorder.length, recorder.location, recorder.excerpt
                )
                journal.append(
                    JournalEntry(
                        seq=journal.next_seq(),
                        request=facts,
                        response=response,
                        time=at,
                        wall=wall,
                        duration_ms=(time.perf_counter() - started) * 1000,
                        fault=decision.fault.id if decision is not None else None,
                        outcome=outcome,
                    )
                )
