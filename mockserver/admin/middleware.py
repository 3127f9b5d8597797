"""The CI middleware stack: the admin mount in front, the journal and faults around each tenant.

::

    AdminMount ── /__mock/...  ──> admin app (API + dashboard), never journaled
        └── TenantDispatch (/t/<name>/...) ──> Instrument (journal + faults) ──> Moodle / SENCE routes

``Instrument`` runs after tenant dispatch, so every request it sees belongs to one tenant. For a
POST it buffers the body (replayed to the app unchanged); it resolves whom the request acts as
(the ``wstoken`` or login ``key`` owner, before the key is used up), asks the tenant's faults and
then the server-wide faults whether one fires, lets the app answer (or the fault), and writes one
journal entry. Parameters are only decoded when a fault or a journal reader needs them. With the
journal off and no faults it passes requests straight through.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.admin import identity
from mockserver.admin.capture import FORM, MULTIPART, ResponseRecorder, buffer_body, content_type, multipart_params
from mockserver.admin.faults import Decision
from mockserver.admin.inject import ConnectionClosedByFault, perform
from mockserver.admin.journal import EXCERPT_BYTES, JournalEntry, ResponseFacts
from mockserver.admin.matching import RequestFacts
from mockserver.admin.state import AdminState
from mockserver.moodle.webservice.request import BODY_KEY
from mockserver.world.tenant import Tenant

MAX_KEPT_BODY = 256 * 1024


class AdminMount:
    """Send ``prefix`` and everything under it to the admin app, the rest to the tenants."""

    def __init__(self, admin: ASGIApp, app: ASGIApp, prefix: str) -> None:
        self.admin = admin
        self.app = app
        self.prefix = prefix
        self._under = prefix + "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            if path == self.prefix or path.startswith(self._under):
                await self.admin(scope, receive, send)
                return
        await self.app(scope, receive, send)


def tenant_path(path: str, root_path: str) -> str:
    """The path inside the tenant's site (``/t/<name>`` and its wwwroot's path taken off)."""
    if root_path and path.startswith(root_path):
        return path[len(root_path) :] or "/"
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
        faults = runtime.faults.faults
        server_faults = self.state.global_faults.faults
        if not journal.size and not faults and not server_faults:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        at, wall = tenant.clock.now(), time.time()
        method: str = scope["method"]
        raw_form = b""
        cut_early = 0  # form bytes never looked at (past MAX_KEPT_BODY)
        form: dict[str, str] | None = None
        if method == "POST":
            body, receive = await buffer_body(receive, self.state.config.max_body_bytes)
            if body is not None:
                scope[BODY_KEY] = body  # read whole: the app takes it from here instead of the replay
            if body:
                kind = content_type(scope)
                if kind == FORM:
                    # the journal keeps at most MAX_KEPT_BODY of parameters (cut at a separator)
                    raw_form = body if len(body) <= MAX_KEPT_BODY else body[: body.rfind(b"&", 0, MAX_KEPT_BODY) + 1]
                    cut_early = len(body) - len(raw_form)
                elif kind == MULTIPART:
                    form = await multipart_params(scope, body)
        facts = RequestFacts(
            tenant.name,
            method,
            tenant_path(scope["path"], scope.get("root_path", "")),
            form=form,
            raw_query=scope.get("query_string", b""),
            raw_form=raw_form,
        )
        secrets = facts.secrets()
        if secrets:
            facts.actor = identity.actor(secrets, tenant.store)
        decision: Decision | None = None
        if faults:
            decision = runtime.faults.decide(facts)
        if decision is None and server_faults:
            decision = self.state.global_faults.decide(facts)
        if not journal.size:
            if decision is not None and decision.action is not None:
                await perform(decision.action, decision.delay(), self.app, scope, receive, send, send)
            else:
                await self.app(scope, receive, send)
            return
        recorded = False

        def record(outcome: str) -> None:
            nonlocal recorded
            recorded = True
            response = ResponseFacts(
                recorder.status, recorder.content_type, recorder.length, recorder.location, recorder.excerpt
            )
            truncated = cut_early + facts.trim(self.state.config.journal_entry_bytes)
            journal.append(
                JournalEntry(
                    journal.next_seq(),
                    facts,
                    response,
                    at,
                    wall,
                    (time.perf_counter() - started) * 1000,
                    decision.fault.id if decision is not None else None,
                    outcome,
                    truncated,
                )
            )

        faulty = decision is not None and decision.action is not None
        # A shared journal (Redis) takes the entry before the answer leaves, so a client that saw the
        # answer finds its entry on any process; in memory the append follows at once (no await between).
        early = not faulty and getattr(journal, "before_answer", False)
        recorder = ResponseRecorder(send, EXCERPT_BYTES, (lambda: record("ok")) if early else None)
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
            if not recorded:
                record(outcome)
