"""The OpenAPI document and the routes come from one table; every $ref resolves."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from mockserver.admin.api import ENDPOINTS, PREFIX
from mockserver.admin.openapi import document
from tests.harness import ServerFactory, build_app


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_document_lists_every_route_and_only_those() -> None:
    app = build_app()
    served = {
        (method, route.path)
        for route in app.admin_app.routes
        if isinstance(route, Route) and route.path.startswith(PREFIX + "/") and route.path != PREFIX + "/dashboard"
        for method in (route.methods or set()) - {"HEAD"}
    } - {("GET", PREFIX + "/")}
    doc = document()
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    assert documented == served
    assert len(documented) == len(ENDPOINTS)
    operation_ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_refs_resolve_and_schemas_are_there() -> None:
    doc = document("http://127.0.0.1:8000")
    schemas = doc["components"]["schemas"]
    for ref in _refs(doc):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas, ref
    assert {"Scenario", "FaultSpec", "Expectation", "MatchSpec", "Error"} <= set(schemas)
    assert "faults" in schemas["Scenario"]["properties"]
    assert doc["openapi"] == "3.1.0" and doc["servers"] == [{"url": "http://127.0.0.1:8000"}]
    health = doc["paths"]["/__mock/health"]["get"]
    assert health["security"] == []
    reset = doc["paths"]["/__mock/tenants/{name}/reset"]["post"]
    assert {"401", "403", "404"} <= set(reset["responses"])
    assert reset["parameters"][0] == {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}


def test_served_over_http(server: ServerFactory) -> None:
    h = server()
    doc = h.client.get("/__mock/openapi.json").json()
    assert doc["servers"] == [{"url": h.base_url}]
    assert "/__mock/tenants/{name}/journal" in doc["paths"]
