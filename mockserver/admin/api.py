"""The admin API under ``/__mock``: tenants, scenario, reset, clock, world, faults, journal, verify.

One table (``ENDPOINTS``) defines every route; the Starlette routes and the OpenAPI document are
both built from it, so they cannot drift apart. Tenant operations live under
``/__mock/tenants/{name}/...``; the world the server started with is the tenant ``default``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from mockserver.admin import auth, world_view
from mockserver.admin.faults import FaultBook
from mockserver.admin.faultspec import FaultSpec
from mockserver.admin.journal import JournalQuery, json_chunks
from mockserver.admin.rules import rules_of, set_rules
from mockserver.admin.state import (
    AdminState,
    ScenarioSource,
    TenantError,
    TenantLimit,
    TenantRuntime,
    UnknownTenant,
)
from mockserver.admin.verify import Expectation, verify
from mockserver.admin.web import (
    YAML_TYPES,
    ApiError,
    body_bytes,
    body_text,
    content_type,
    error,
    flag,
    json_body,
    ok,
    parse_model,
    parse_time,
    validation_problems,
)
from mockserver.moodle.site import public_base
from mockserver.world.clock import ClockRangeError
from mockserver.world.loader import LoadedScenario, ScenarioError, load_scenario, load_scenario_text
from mockserver.world.tenant import Tenant

PREFIX = "/__mock"
Handler = Callable[[Request], Awaitable[Response]]
Body = Literal["scenario", "tenant", "clock", "advance", "faults", "rules", "expectation"]


def admin_state(request: Request) -> AdminState:
    state: AdminState = request.app.state.admin
    return state


def tenant_runtime(request: Request) -> TenantRuntime:
    return admin_state(request).get(request.path_params["name"])


def wwwroot(request: Request, state: AdminState, tenant: Tenant) -> str:
    fixed = tenant.scenario.moodle.wwwroot
    return fixed.rstrip("/") if fixed else public_base(request, state.config) + tenant.prefix


def tenant_json(request: Request, runtime: TenantRuntime) -> dict[str, Any]:
    state, tenant = admin_state(request), runtime.tenant
    base = public_base(request, state.config)
    return {
        "name": tenant.name,
        "wwwroot": wwwroot(request, state, tenant),
        "admin": f"{base}{PREFIX}/tenants/{tenant.name}",
        "scenario": tenant.scenario.name,
        "source": runtime.source.describe() if runtime.source else None,
        "clock": world_view.clock_view(tenant.clock),
        "journal": runtime.journal.status(),
        "faults": len(runtime.faults.faults),
        "created": round(runtime.created, 3),
        "reload_error": runtime.reload_error,
    }


# --- server --------------------------------------------------------------------------------------


async def health(request: Request) -> Response:
    return ok({"status": "ok"})


async def ready(request: Request) -> Response:
    state = admin_state(request)
    errors = {r.tenant.name: r.reload_error for r in state.all() if r.reload_error}
    return ok({"status": "ready", "tenants": len(state.tenants.all()), "reload_errors": errors})


async def openapi_json(request: Request) -> Response:
    from mockserver.admin.openapi import document

    return ok(document(public_base(request, admin_state(request).config)))


# --- tenants -------------------------------------------------------------------------------------


def _base_dir(state: AdminState) -> Path:
    path = state.config.scenario_path
    return path.parent if path is not None else Path.cwd()


def _from_path(value: Any) -> tuple[LoadedScenario, ScenarioSource]:
    if not isinstance(value, str) or not value:
        raise ApiError(422, "path: expected a scenario file path")
    path = Path(value)
    return load_scenario(path), ScenarioSource(path=path)


def _from_text(state: AdminState, text: str) -> tuple[LoadedScenario, ScenarioSource]:
    source = ScenarioSource(text=text, base_dir=_base_dir(state))
    return load_scenario_text(text, "<api>", source.base_dir), source


async def _scenario_body(request: Request, state: AdminState) -> tuple[LoadedScenario, ScenarioSource]:
    """A scenario from ``?path=`` or from the body (YAML or JSON text)."""
    if "path" in request.query_params:
        return _from_path(request.query_params["path"])
    kind = content_type(request)
    if kind and kind != "application/json" and kind not in YAML_TYPES:
        raise ApiError(415, f"send the scenario as YAML or JSON (got {kind})")
    return _from_text(state, await body_text(request))


async def list_tenants(request: Request) -> Response:
    state = admin_state(request)
    return ok({"tenants": [tenant_json(request, r) for r in state.all()]})


async def create_tenant(request: Request) -> Response:
    state = admin_state(request)
    name = request.query_params.get("name")
    loaded: LoadedScenario
    source: ScenarioSource | None
    if content_type(request) == "application/json":
        data = await json_body(request, default={})
        if not isinstance(data, dict) or set(data) - {"name", "scenario", "path", "from"}:
            raise ApiError(422, "expected {name?, scenario? | path? | from?}; send a bare scenario as YAML")
        if len({"scenario", "path", "from"} & set(data)) > 1:
            raise ApiError(422, "give one of scenario, path or from")
        name = data.get("name", name)
        if "path" in data:
            loaded, source = _from_path(data["path"])
        elif "scenario" in data:
            scenario = data["scenario"]
            text = scenario if isinstance(scenario, str) else json.dumps(scenario)
            loaded, source = _from_text(state, text)
        else:
            origin = state.get(str(data.get("from", "default")))
            loaded, source = origin.tenant.loaded, origin.source
    elif await body_bytes(request):
        loaded, source = await _scenario_body(request, state)
    elif "path" in request.query_params:
        loaded, source = _from_path(request.query_params["path"])
    else:
        origin = state.get(request.query_params.get("from", "default"))
        loaded, source = origin.tenant.loaded, origin.source
    if name is not None and not isinstance(name, str):
        raise ApiError(422, "name: expected a string")
    runtime = state.create(name, loaded, source)
    return ok(tenant_json(request, runtime), status=201)


async def get_tenant(request: Request) -> Response:
    return ok(tenant_json(request, tenant_runtime(request)))


async def delete_tenant(request: Request) -> Response:
    admin_state(request).delete(request.path_params["name"])
    return Response(status_code=204)


async def get_scenario(request: Request) -> Response:
    runtime = tenant_runtime(request)
    scenario = runtime.tenant.scenario.model_dump(mode="json", exclude_defaults=True)
    return ok({"source": runtime.source.describe() if runtime.source else None, "scenario": scenario})


async def put_scenario(request: Request) -> Response:
    state, runtime = admin_state(request), tenant_runtime(request)
    loaded, source = await _scenario_body(request, state)
    state.replace(runtime, loaded, source, keep_journal=flag(request, "keep_journal"))
    return ok(tenant_json(request, runtime))


async def reset_tenant(request: Request) -> Response:
    state, runtime = admin_state(request), tenant_runtime(request)
    keep = {part.strip() for part in request.query_params.get("keep", "").split(",") if part.strip()}
    if keep - {"journal", "faults"}:
        raise ApiError(422, "keep: expected a comma-separated list of journal, faults")
    started = time.perf_counter()
    state.reset(runtime, keep_journal="journal" in keep, keep_faults="faults" in keep)
    elapsed = (time.perf_counter() - started) * 1000
    return ok(
        {
            "tenant": runtime.tenant.name,
            "reset_ms": round(elapsed, 3),
            "clock": world_view.clock_view(runtime.tenant.clock),
        }
    )


# --- clock ---------------------------------------------------------------------------------------


async def get_clock(request: Request) -> Response:
    return ok(world_view.clock_view(tenant_runtime(request).tenant.clock))


async def set_clock(request: Request) -> Response:
    clock = tenant_runtime(request).tenant.clock
    data = await json_body(request)
    if not isinstance(data, dict) or set(data) - {"time", "frozen"} or not data:
        raise ApiError(422, 'expected {"time": <Unix seconds or ISO 8601>?, "frozen": <bool>?}')
    if "frozen" in data and not isinstance(data["frozen"], bool):
        raise ApiError(422, "frozen: expected true or false")
    if "time" in data:
        _move(clock.set, parse_time(data["time"], "time"))
    if "frozen" in data:
        clock.freeze(data["frozen"])
    return ok(world_view.clock_view(clock))


def _move(change: Callable[[float], None], value: float) -> None:
    """Apply a clock change, or 422 with the clock untouched when it would leave the range."""
    try:
        change(value)
    except ClockRangeError as exc:
        raise ApiError(422, str(exc)) from None


_UNITS = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0, "days": 86400.0}


async def advance_clock(request: Request) -> Response:
    clock = tenant_runtime(request).tenant.clock
    data = await json_body(request)
    if not isinstance(data, dict) or not data or set(data) - set(_UNITS):
        raise ApiError(422, 'expected {"seconds"?, "minutes"?, "hours"?, "days"?} (numbers, may be negative)')
    total = 0.0
    for unit, value in data.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ApiError(422, f"{unit}: expected a number")
        total += value * _UNITS[unit]
    _move(clock.advance, total)
    return ok(world_view.clock_view(clock))


# --- world ---------------------------------------------------------------------------------------


def _page(request: Request) -> world_view.Page:
    limit = _int_param(request, "limit", world_view.PAGE_SIZE)
    if not 1 <= limit <= world_view.PAGE_MAX:
        raise ApiError(422, f"limit: expected 1 to {world_view.PAGE_MAX}")
    return world_view.Page(_int_param(request, "offset", 0), limit)


async def get_world(request: Request) -> Response:
    return ok(world_view.world_view(tenant_runtime(request).tenant, _page(request)))


async def get_keys(request: Request) -> Response:
    tenant = tenant_runtime(request).tenant
    keys = world_view.keys_view(tenant, live_only=not flag(request, "all"), page=_page(request))
    return ok({"clock": world_view.clock_view(tenant.clock), "keys": keys})


async def get_sence(request: Request) -> Response:
    return ok(world_view.sence_view(tenant_runtime(request).tenant))


# --- faults --------------------------------------------------------------------------------------


def _fault_book(request: Request) -> FaultBook:
    if "name" in request.path_params:
        return tenant_runtime(request).faults
    return admin_state(request).global_faults


async def list_faults(request: Request) -> Response:
    return ok({"faults": _fault_book(request).to_json()})


async def add_faults(request: Request) -> Response:
    book = _fault_book(request)
    data = await json_body(request)
    items = data if isinstance(data, list) else [data]
    specs: list[FaultSpec] = []
    for index, item in enumerate(items):
        try:
            specs.append(FaultSpec.model_validate(item))
        except ValidationError as exc:
            prefix = f"[{index}] " if isinstance(data, list) else ""
            raise ApiError(422, "invalid fault", [prefix + p for p in validation_problems(exc)]) from None
    taken = {f.id for f in book.faults}
    ids = [s.id for s in specs if s.id is not None]
    clash = sorted((set(ids) & taken) | {i for i in ids if ids.count(i) > 1})
    if clash:
        raise ApiError(409, f"fault id(s) already in use: {', '.join(clash)}")
    added = [book.add(spec).to_json() for spec in specs]
    return ok({"faults": added}, status=201)


async def clear_faults(request: Request) -> Response:
    return ok({"removed": _fault_book(request).clear()})


async def delete_fault(request: Request) -> Response:
    fault_id = request.path_params["fault"]
    if not _fault_book(request).remove(fault_id):
        raise ApiError(404, f"no fault with id {fault_id!r}")
    return Response(status_code=204)


# --- scripted SENCE rules -----------------------------------------------------------------------


async def list_rules(request: Request) -> Response:
    rules = rules_of(tenant_runtime(request).tenant)
    return ok({"rules": [{"index": i, **rule} for i, rule in enumerate(rules)]})


async def add_rules(request: Request) -> Response:
    tenant = tenant_runtime(request).tenant
    data = await json_body(request)
    added = data if isinstance(data, list) else [data]
    current = rules_of(tenant)
    set_rules(tenant, current + added)
    rules = rules_of(tenant)
    return ok({"rules": [{"index": i, **rule} for i, rule in enumerate(rules)][len(current) :]}, status=201)


async def clear_rules(request: Request) -> Response:
    tenant = tenant_runtime(request).tenant
    removed = len(rules_of(tenant))
    set_rules(tenant, [])
    return ok({"removed": removed})


async def delete_rule(request: Request) -> Response:
    tenant = tenant_runtime(request).tenant
    rules = rules_of(tenant)
    raw = request.path_params["index"]
    if not raw.isdigit() or int(raw) >= len(rules):
        raise ApiError(404, f"no rule at index {raw} (there are {len(rules)})")
    del rules[int(raw)]
    set_rules(tenant, rules)
    return Response(status_code=204)


# --- journal and verification --------------------------------------------------------------------


def journal_query(request: Request) -> JournalQuery:
    q = request.query_params
    data: dict[str, Any] = {k: q[k] for k in ("method", "path", "wsfunction", "user", "tenant") if k in q}
    if "status" in q:
        try:
            data["status"] = int(q["status"])
        except ValueError:
            raise ApiError(422, "status: expected a number") from None
    for name in ("since", "until"):
        if name in q:
            data[name] = parse_time(q[name], name)
    params: dict[str, str] = {}
    for item in q.getlist("param"):
        pname, sep, value = item.partition("=")
        if not sep or not pname:
            raise ApiError(422, f"param: expected name=value, got {item!r}")
        params[pname] = value
    if params:
        data["params"] = params
    return parse_model(JournalQuery, data)


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return max(int(raw), 0)
    except ValueError:
        raise ApiError(422, f"{name}: expected a number") from None


async def get_journal(request: Request) -> Response:
    runtime = tenant_runtime(request)
    journal = runtime.journal
    entries = journal.select(
        journal_query(request), _int_param(request, "after", 0), _int_param(request, "limit", 0) or None
    )
    if request.query_params.get("format") == "text":
        lines = [
            f"# tenant {runtime.tenant.name}: {len(entries)} shown, {journal.total} recorded, {journal.dropped} dropped"
        ]
        lines += [e.summary() for e in entries]
        return PlainTextResponse("\n".join(lines) + "\n")
    head = {"tenant": runtime.tenant.name, **journal.status()}
    return StreamingResponse(json_chunks(head, entries), media_type="application/json")


async def clear_journal(request: Request) -> Response:
    tenant_runtime(request).journal.clear()
    return Response(status_code=204)


async def post_verify(request: Request) -> Response:
    runtime = tenant_runtime(request)
    expectation = parse_model(Expectation, await json_body(request, default={}))
    result = verify(runtime.journal, expectation)
    return ok(result.to_json(), status=200 if result.ok else 417)


# --- the table -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    type: str = "string"
    repeat: bool = False


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    body: Body | None = None
    query: tuple[Query, ...] = ()
    public: bool = False
    statuses: dict[int, str] = field(default_factory=dict)
    op: str | None = None

    @property
    def full_path(self) -> str:
        return PREFIX + self.path

    @property
    def operation_id(self) -> str:
        return self.op or self.handler.__name__


_JOURNAL_FILTERS = (
    Query("method", "HTTP method."),
    Query("path", "Path inside the wwwroot; '*' is a wildcard."),
    Query("wsfunction", "Web service function; '*' is a wildcard."),
    Query("user", "User named by the request or acting (token / key owner)."),
    Query("param", "name=value on a request parameter (repeatable); '*' in the value is a wildcard.", repeat=True),
    Query("status", "HTTP status.", "integer"),
    Query("since", "Tenant-clock time (Unix seconds or ISO 8601), inclusive."),
    Query("until", "Tenant-clock time (Unix seconds or ISO 8601), inclusive."),
)
T = "/tenants/{name}"

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("GET", "/health", health, "Liveness: the process answers.", "server", public=True),
    Endpoint("GET", "/ready", ready, "Readiness, with any live-reload errors.", "server", public=True),
    Endpoint("GET", "/openapi.json", openapi_json, "This document.", "server", public=True),
    Endpoint("GET", "/tenants", list_tenants, "List tenants.", "tenants"),
    Endpoint(
        "POST",
        "/tenants",
        create_tenant,
        "Create a tenant from a scenario (JSON {name, scenario | path | from}, or YAML with ?name=).",
        "tenants",
        body="tenant",
        query=(Query("name", "Tenant name (default: generated)."), Query("path", "Scenario file on the server.")),
        statuses={201: "Created", 409: "Name taken, or --max-tenants reached", 422: "Invalid scenario"},
    ),
    Endpoint("GET", T, get_tenant, "A tenant: wwwroot, clock, journal and fault counts.", "tenants"),
    Endpoint(
        "DELETE", T, delete_tenant, "Remove a tenant (not the default one).", "tenants", statuses={204: "Removed"}
    ),
    Endpoint("GET", T + "/scenario", get_scenario, "The tenant's scenario (fixtures merged).", "scenario"),
    Endpoint(
        "PUT",
        T + "/scenario",
        put_scenario,
        "Load or replace the scenario (YAML or JSON body, or ?path=); the world restarts from it.",
        "scenario",
        body="scenario",
        query=(Query("path", "Scenario file on the server."), Query("keep_journal", "1 keeps the journal.")),
        statuses={422: "Invalid scenario (problems name file, line and key)"},
    ),
    Endpoint(
        "POST",
        T + "/reset",
        reset_tenant,
        "Back to the scenario's start: world, clock, random source, journal, faults.",
        "scenario",
        query=(Query("keep", "Comma list of journal, faults to keep."),),
    ),
    Endpoint("GET", T + "/clock", get_clock, "The tenant's clock.", "clock"),
    Endpoint("PUT", T + "/clock", set_clock, "Set the time and/or freeze the clock.", "clock", body="clock"),
    Endpoint("POST", T + "/clock/advance", advance_clock, "Move the clock forward (or back).", "clock", body="advance"),
    Endpoint(
        "GET",
        T + "/world",
        get_world,
        "Users, courses, tokens, login keys, sessions, SENCE; users, courses, keys and each course's "
        "enrolments a page at a time (totals under page.total).",
        "world",
        query=(
            Query("offset", "First entry of the page (0).", "integer"),
            Query("limit", f"Entries per page ({world_view.PAGE_SIZE}; at most {world_view.PAGE_MAX}).", "integer"),
        ),
    ),
    Endpoint(
        "GET",
        T + "/world/keys",
        get_keys,
        "auth_userkey login keys with expiry (live ones unless ?all=1).",
        "world",
        query=(
            Query("all", "1 includes expired keys."),
            Query("offset", "First key of the page (0).", "integer"),
            Query("limit", f"Keys per page ({world_view.PAGE_SIZE}; at most {world_view.PAGE_MAX}).", "integer"),
        ),
    ),
    Endpoint("GET", T + "/world/sence", get_sence, "SENCE sessions and attendance.", "world"),
    Endpoint("GET", T + "/faults", list_faults, "The tenant's faults with their counters.", "faults"),
    Endpoint(
        "POST", T + "/faults", add_faults, "Add a fault (or a list).", "faults", body="faults", statuses={201: "Added"}
    ),
    Endpoint("DELETE", T + "/faults", clear_faults, "Remove all of the tenant's faults.", "faults"),
    Endpoint("DELETE", T + "/faults/{fault}", delete_fault, "Remove one fault.", "faults", statuses={204: "Removed"}),
    Endpoint(
        "GET",
        "/faults",
        list_faults,
        "Server-wide faults (match.tenant selects tenants).",
        "faults",
        op="list_server_faults",
    ),
    Endpoint(
        "POST",
        "/faults",
        add_faults,
        "Add server-wide faults.",
        "faults",
        body="faults",
        statuses={201: "Added"},
        op="add_server_faults",
    ),
    Endpoint("DELETE", "/faults", clear_faults, "Remove all server-wide faults.", "faults", op="clear_server_faults"),
    Endpoint(
        "DELETE",
        "/faults/{fault}",
        delete_fault,
        "Remove a server-wide fault.",
        "faults",
        statuses={204: "Removed"},
        op="delete_server_fault",
    ),
    Endpoint("GET", T + "/rules", list_rules, "Scripted SENCE rules (sence.rules) in order.", "rules"),
    Endpoint(
        "POST",
        T + "/rules",
        add_rules,
        "Append scripted SENCE rules (one or a list); the world is kept.",
        "rules",
        body="rules",
        statuses={201: "Added", 422: "Invalid rule"},
    ),
    Endpoint("DELETE", T + "/rules", clear_rules, "Remove all scripted SENCE rules.", "rules"),
    Endpoint(
        "DELETE",
        T + "/rules/{index}",
        delete_rule,
        "Remove the rule at this position.",
        "rules",
        statuses={204: "Removed"},
    ),
    Endpoint(
        "GET",
        T + "/journal",
        get_journal,
        "The request journal (secrets masked), oldest first, with kept/total/dropped counts.",
        "journal",
        query=(
            *_JOURNAL_FILTERS,
            Query("after", "Only entries with seq greater than this.", "integer"),
            Query("limit", "Only the newest N matching entries.", "integer"),
            Query("format", "text: one line per request."),
        ),
    ),
    Endpoint("DELETE", T + "/journal", clear_journal, "Empty the journal.", "journal", statuses={204: "Emptied"}),
    Endpoint(
        "POST",
        T + "/verify",
        post_verify,
        "Count requests matching a pattern; 417 with the nearest requests on a mismatch.",
        "journal",
        body="expectation",
        statuses={417: "Expectation failed"},
    ),
)


def _guard(endpoint: Endpoint) -> Handler:
    async def run(request: Request) -> Response:
        try:
            if not endpoint.public:
                auth.check(request, admin_state(request).config)
            return await endpoint.handler(request)
        except auth.Denied as exc:
            headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
            return ok({"error": exc.message}, status=exc.status, headers=headers)
        except ApiError as exc:
            return error(exc.status, exc.message, exc.problems)
        except ScenarioError as exc:
            return error(422, "invalid scenario", [str(p) for p in exc.problems])
        except UnknownTenant as exc:
            return error(404, str(exc))
        except TenantError as exc:
            return error(409 if "exists" in str(exc) or isinstance(exc, TenantLimit) else 400, str(exc))

    run.__name__ = endpoint.handler.__name__
    return run


def admin_routes() -> list[Route]:
    return [Route(e.full_path, _guard(e), methods=[e.method]) for e in ENDPOINTS]
