"""A small synchronous client of the admin API (``/__mock``), for tests, scripts and the CLI.

::

    admin = AdminClient("http://127.0.0.1:8000")
    tenant = admin.create_tenant(scenario=Path("scenarios/demo.yaml"))
    ...                      # point the system under test at tenant.wwwroot
    tenant.assert_login_url_requested("alumno1")
    tenant.delete()

A scenario given as a ``Path`` is loaded and validated *here* (fixtures merged) and sent as one
self-contained JSON document, so the server may run elsewhere (Docker, another host).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from mockserver.world.loader import load_scenario

PREFIX = "/__mock"
Scenario = Path | str | Mapping[str, Any]


class AdminError(Exception):
    """The admin API refused a request; ``problems`` lists what was wrong (e.g. scenario lines)."""

    def __init__(self, status: int, message: str, problems: list[str] | None = None) -> None:
        detail = "".join(f"\n  {p}" for p in problems or [])
        super().__init__(f"admin API answered {status}: {message}{detail}")
        self.status = status
        self.message = message
        self.problems = problems or []


def scenario_payload(scenario: Scenario) -> dict[str, Any] | str:
    """What to send for a scenario: a file is validated and merged locally; text and dicts as they are."""
    if isinstance(scenario, Path):
        loaded = load_scenario(scenario)
        data = loaded.scenario.model_dump(mode="json")
        data["fixtures"] = []
        return data
    if isinstance(scenario, str):
        return scenario
    return dict(scenario)


def _filters(pattern: Mapping[str, Any]) -> list[tuple[str, str]]:
    query: list[tuple[str, str]] = []
    for name, value in pattern.items():
        if value is None:
            continue
        if name == "params":
            query += [("param", f"{k}={v}") for k, v in value.items()]
        else:
            query.append((name, str(value)))
    return query


class _Api:
    def __init__(self, http: httpx.Client) -> None:
        self._http = http

    def _call(self, method: str, path: str, expect: Iterable[int] = (200,), **kwargs: Any) -> httpx.Response:
        response = self._http.request(method, PREFIX + path, **kwargs)
        if response.status_code not in tuple(expect):
            try:
                body = response.json()
            except ValueError:
                raise AdminError(response.status_code, response.text.strip()) from None
            raise AdminError(response.status_code, str(body.get("error", body)), body.get("problems"))
        return response

    def _json(self, method: str, path: str, expect: Iterable[int] = (200,), **kwargs: Any) -> Any:
        return self._call(method, path, expect, **kwargs).json()


class TenantClient(_Api):
    """One tenant: its world, clock, faults, rules, journal and verifications."""

    def __init__(self, http: httpx.Client, info: dict[str, Any]) -> None:
        super().__init__(http)
        self.info = info
        self.name: str = info["name"]
        self.wwwroot: str = info["wwwroot"]
        self._base = f"/tenants/{self.name}"

    def __repr__(self) -> str:
        return f"<TenantClient {self.name} {self.wwwroot}>"

    def url(self, path: str = "/") -> str:
        """An absolute URL inside this tenant's wwwroot."""
        return self.wwwroot + (path if path.startswith("/") else "/" + path)

    def refresh(self) -> dict[str, Any]:
        self.info = self._json("GET", self._base)
        return self.info

    def delete(self) -> None:
        self._call("DELETE", self._base, expect=(204,))

    # scenario and reset
    def reset(self, *, keep: Iterable[str] = ()) -> dict[str, Any]:
        params = {"keep": ",".join(keep)} if keep else None
        result: dict[str, Any] = self._json("POST", self._base + "/reset", params=params)
        return result

    def scenario(self) -> dict[str, Any]:
        result: dict[str, Any] = self._json("GET", self._base + "/scenario")["scenario"]
        return result

    def load_scenario(self, scenario: Scenario, *, keep_journal: bool = False) -> dict[str, Any]:
        payload = scenario_payload(scenario)
        params = {"keep_journal": "1"} if keep_journal else None
        if isinstance(payload, str):
            kwargs: dict[str, Any] = {"content": payload.encode(), "headers": {"content-type": "application/yaml"}}
        else:
            kwargs = {"json": payload}
        self.info = self._json("PUT", self._base + "/scenario", params=params, **kwargs)
        return self.info

    # clock
    def clock(self) -> dict[str, Any]:
        result: dict[str, Any] = self._json("GET", self._base + "/clock")
        return result

    def set_clock(self, time: float | str | None = None, *, frozen: bool | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if time is not None:
            body["time"] = time
        if frozen is not None:
            body["frozen"] = frozen
        result: dict[str, Any] = self._json("PUT", self._base + "/clock", json=body)
        return result

    def freeze(self, frozen: bool = True) -> dict[str, Any]:
        return self.set_clock(frozen=frozen)

    def advance(self, seconds: float = 0, *, minutes: float = 0, hours: float = 0, days: float = 0) -> dict[str, Any]:
        body = {"seconds": seconds, "minutes": minutes, "hours": hours, "days": days}
        result: dict[str, Any] = self._json("POST", self._base + "/clock/advance", json=body)
        return result

    # world
    def world(self) -> dict[str, Any]:
        result: dict[str, Any] = self._json("GET", self._base + "/world")
        return result

    def login_keys(self, *, include_expired: bool = False) -> list[dict[str, Any]]:
        params = {"all": "1"} if include_expired else None
        result: list[dict[str, Any]] = self._json("GET", self._base + "/world/keys", params=params)["keys"]
        return result

    def sence(self) -> dict[str, Any]:
        result: dict[str, Any] = self._json("GET", self._base + "/world/sence")
        return result

    # faults and scripted rules
    def add_fault(self, spec: Mapping[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """Add a fault: ``add_fault(match={"wsfunction": "x"}, status=503, times=1)``; returns it with its id."""
        body = {**(spec or {}), **fields}
        result: dict[str, Any] = self._json("POST", self._base + "/faults", expect=(201,), json=body)["faults"][0]
        return result

    def faults(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._json("GET", self._base + "/faults")["faults"]
        return result

    def remove_fault(self, fault_id: str) -> None:
        self._call("DELETE", f"{self._base}/faults/{fault_id}", expect=(204,))

    def clear_faults(self) -> int:
        removed: int = self._json("DELETE", self._base + "/faults")["removed"]
        return removed

    def add_rule(self, rule: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._json("POST", self._base + "/rules", expect=(201,), json=dict(rule))["rules"][0]
        return result

    def rules(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._json("GET", self._base + "/rules")["rules"]
        return result

    def remove_rule(self, index: int) -> None:
        self._call("DELETE", f"{self._base}/rules/{index}", expect=(204,))

    def clear_rules(self) -> int:
        removed: int = self._json("DELETE", self._base + "/rules")["removed"]
        return removed

    # journal and verification
    def journal(self, **pattern: Any) -> list[dict[str, Any]]:
        """Journal entries, oldest first; filters: method, path, wsfunction, user, params={...}, status,
        since, until, after, limit."""
        result: list[dict[str, Any]] = self._json("GET", self._base + "/journal", params=_filters(pattern))["entries"]
        return result

    def journal_status(self) -> dict[str, Any]:
        data: dict[str, Any] = self._json("GET", self._base + "/journal", params={"limit": "1"})
        return {k: data[k] for k in ("size", "kept", "total", "dropped")}

    def journal_text(self, **pattern: Any) -> str:
        params = [*_filters(pattern), ("format", "text")]
        return self._call("GET", self._base + "/journal", params=params).text

    def clear_journal(self) -> None:
        self._call("DELETE", self._base + "/journal", expect=(204,))

    def verify(self, **expectation: Any) -> dict[str, Any]:
        """Count matching requests: ``verify(wsfunction="x", user="alumno1", count=1)``; see ``result["ok"]``."""
        body = {k: v for k, v in expectation.items() if v is not None}
        result: dict[str, Any] = self._json("POST", self._base + "/verify", expect=(200, 417), json=body)
        return result

    # assertions (mockserver.testing.asserts)
    def assert_called(self, **expectation: Any) -> dict[str, Any]:
        from mockserver.testing.asserts import assert_called

        __tracebackhide__ = True
        return assert_called(self, **expectation)

    def assert_not_called(self, **pattern: Any) -> dict[str, Any]:
        from mockserver.testing.asserts import assert_not_called

        __tracebackhide__ = True
        return assert_not_called(self, **pattern)

    def assert_login_url_requested(self, username: str, *, times: int | None = 1) -> dict[str, Any]:
        from mockserver.testing.asserts import assert_login_url_requested

        __tracebackhide__ = True
        return assert_login_url_requested(self, username, times=times)

    def assert_sence_attendance(self, run: str, **criteria: Any) -> list[dict[str, Any]]:
        from mockserver.testing.asserts import assert_sence_attendance

        __tracebackhide__ = True
        return assert_sence_attendance(self, run, **criteria)


class AdminClient(_Api):
    """The whole server: health, tenants, server-wide faults."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_url = base_url.rstrip("/")
        http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout, transport=transport)
        super().__init__(http)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> AdminClient:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self._json("GET", "/health")
        return result

    def ready(self) -> dict[str, Any]:
        result: dict[str, Any] = self._json("GET", "/ready")
        return result

    def tenants(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._json("GET", "/tenants")["tenants"]
        return result

    def tenant(self, name: str = "default") -> TenantClient:
        return TenantClient(self._http, self._json("GET", f"/tenants/{name}"))

    def create_tenant(
        self,
        name: str | None = None,
        *,
        scenario: Scenario | None = None,
        path: str | None = None,
        copy: str | None = None,
    ) -> TenantClient:
        """A new tenant from a scenario (a local file, YAML text or a dict), a file on the server
        (``path``), or a copy of another tenant's scenario (``copy``; default: the server's)."""
        body: dict[str, Any] = {}
        if name is not None:
            body["name"] = name
        if scenario is not None:
            body["scenario"] = scenario_payload(scenario)
        if path is not None:
            body["path"] = path
        if copy is not None:
            body["from"] = copy
        return TenantClient(self._http, self._json("POST", "/tenants", expect=(201,), json=body))

    def delete_tenant(self, name: str) -> None:
        self._call("DELETE", f"/tenants/{name}", expect=(204,))

    def add_fault(self, spec: Mapping[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """A server-wide fault (``match.tenant`` picks tenants)."""
        body = {**(spec or {}), **fields}
        result: dict[str, Any] = self._json("POST", "/faults", expect=(201,), json=body)["faults"][0]
        return result

    def faults(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._json("GET", "/faults")["faults"]
        return result

    def clear_faults(self) -> int:
        removed: int = self._json("DELETE", "/faults")["removed"]
        return removed
