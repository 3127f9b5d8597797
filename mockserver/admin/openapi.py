"""The OpenAPI 3.1 document of the admin API, built from the same table as the routes."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from mockserver import __version__
from mockserver.admin.api import ENDPOINTS, Endpoint
from mockserver.admin.faultspec import FaultSpec
from mockserver.admin.verify import Expectation
from mockserver.world.spec import Scenario

REF = "#/components/schemas/{model}"


def _schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    model: type[BaseModel]
    for model in (Scenario, FaultSpec, Expectation):
        schema = model.model_json_schema(ref_template=REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    schemas["Error"] = {
        "type": "object",
        "properties": {"error": {"type": "string"}, "problems": {"type": "array", "items": {"type": "string"}}},
        "required": ["error"],
    }
    schemas["TenantRequest"] = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,62}$"},
            "scenario": {"oneOf": [{"$ref": REF.format(model="Scenario")}, {"type": "string"}]},
            "path": {"type": "string", "description": "Scenario file on the server."},
            "from": {"type": "string", "description": "Copy the scenario of this tenant (default: default)."},
        },
        "additionalProperties": False,
    }
    schemas["ClockRequest"] = {
        "type": "object",
        "properties": {
            "time": {"oneOf": [{"type": "number"}, {"type": "string", "format": "date-time"}]},
            "frozen": {"type": "boolean"},
        },
        "additionalProperties": False,
    }
    schemas["AdvanceRequest"] = {
        "type": "object",
        "properties": {unit: {"type": "number"} for unit in ("seconds", "minutes", "hours", "days")},
        "additionalProperties": False,
    }
    return schemas


def _ref(model: str) -> dict[str, str]:
    return {"$ref": REF.format(model=model)}


_YAML = {"schema": _ref("Scenario")}
_BODIES: dict[str, dict[str, Any]] = {
    "scenario": {"application/yaml": _YAML, "application/json": _YAML},
    "tenant": {"application/json": {"schema": _ref("TenantRequest")}, "application/yaml": _YAML},
    "clock": {"application/json": {"schema": _ref("ClockRequest")}},
    "advance": {"application/json": {"schema": _ref("AdvanceRequest")}},
    "faults": {
        "application/json": {"schema": {"oneOf": [_ref("FaultSpec"), {"type": "array", "items": _ref("FaultSpec")}]}}
    },
    "expectation": {"application/json": {"schema": _ref("Expectation")}},
}


def _rule_body(schemas: dict[str, Any]) -> dict[str, Any]:
    """The scripted rule format, when the scenario model defines one (SENCE's ``RuleSpec``)."""
    rule: dict[str, Any] = _ref("RuleSpec") if "RuleSpec" in schemas else {"type": "object"}
    return {"application/json": {"schema": {"oneOf": [rule, {"type": "array", "items": rule}]}}}


def _operation(endpoint: Endpoint, schemas: dict[str, Any]) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"\{(\w+)\}", endpoint.path)
    ]
    for query in endpoint.query:
        schema: dict[str, Any] = {"type": query.type}
        if query.repeat:
            schema = {"type": "array", "items": schema}
        parameters.append({"name": query.name, "in": "query", "description": query.description, "schema": schema})
    responses: dict[str, Any] = {}
    statuses = endpoint.statuses or {}
    success = [code for code in statuses if code < 300] or [200]
    for code in success:
        responses[str(code)] = {"description": statuses.get(code, "OK")}
        if code != 204:
            responses[str(code)]["content"] = {"application/json": {"schema": {"type": "object"}}}
    errors = {code: text for code, text in statuses.items() if code >= 300}
    if not endpoint.public:
        errors.setdefault(401, "Admin token required")
        errors.setdefault(403, "Not a loopback client, or a cross-site request")
    if "{name}" in endpoint.path:
        errors.setdefault(404, "Unknown tenant")
    for code, text in sorted(errors.items()):
        responses[str(code)] = {"description": text, "content": {"application/json": {"schema": _ref("Error")}}}
    operation: dict[str, Any] = {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "parameters": parameters,
        "responses": responses,
    }
    if endpoint.public:
        operation["security"] = []
    if endpoint.body is not None:
        content = _rule_body(schemas) if endpoint.body == "rules" else _BODIES[endpoint.body]
        operation["requestBody"] = {"required": endpoint.body != "tenant", "content": content}
    return operation


def document(server_url: str = "") -> dict[str, Any]:
    schemas = _schemas()
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in ENDPOINTS:
        paths.setdefault(endpoint.full_path, {})[endpoint.method.lower()] = _operation(endpoint, schemas)
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "mockserver admin API",
            "version": __version__,
            "description": "Runtime control of the mock Moodle + SENCE server: tenants, scenario, reset, clock, "
            "world, scripted rules, faults, journal and verification. See docs/admin.md.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"adminToken": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"adminToken": []}],
    }
    if server_url:
        doc["servers"] = [{"url": server_url}]
    return doc
