"""Fuzz targets of the admin API, driven by its own OpenAPI document: every operation, its path and
query parameters and its request body drawn from the declared schemas, then mutated (wrong types,
junk bytes, the other content types, cross-site headers)."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from hypothesis import strategies as st

from mockserver.admin.openapi import document
from tests.fuzz.asgi import Case
from tests.fuzz.schema import ANY_JSON, SchemaStrategies
from tests.fuzz.strategies import ODD_METHODS, header_value, surrogate_text

FUZZ_TENANT = "fuzz"
NAMES = [FUZZ_TENANT, FUZZ_TENANT, FUZZ_TENANT, "nope", "%00", "%FF", "..", "a" * 70, "%2F", "Fuzz", "default%00"]
PATH_VALUES = ["scenarios/demo.yaml", "", "/", "/etc/passwd", "%00", "nope.yaml", "../../etc/hostname", "%FF"]
QUERY_VALUES = {
    "integer": ["0", "1", "-1", "99999999999999999999", "x", "1e3", ""],
    "boolean": ["1", "0", "true", "x"],
    "string": ["", "x", "*", "/*", "text", "json", "journal,faults", "%FF", "%00", "2026-03-02T10:00:00Z", "nan"],
}
BODY_TYPES = [b"application/json", b"application/yaml", b"text/yaml", b"application/x-www-form-urlencoded", b""]
CROSS_SITE = [
    ((b"origin", b"http://evil.example"), (b"sec-fetch-site", b"cross-site")),
    ((b"host", b"evil.example:8000"), (b"origin", b"http://evil.example:8000"), (b"sec-fetch-site", b"same-origin")),
    ((b"authorization", b"Bearer x"),),
    ((b"authorization", b"\xff"),),
]


def _quote(value: str) -> str:
    return value if "%" in value else re.sub(r"[^A-Za-z0-9_.~-]", lambda m: f"%{ord(m.group()):02X}", value)


def _dump(value: Any, kind: int) -> bytes:
    """A JSON value as the body: JSON, YAML, JSON with NaN/Infinity, or cut short."""
    try:
        if kind == 1:
            return yaml.safe_dump(value, allow_unicode=True).encode("utf-8", "surrogatepass")
        text = json.dumps(value, allow_nan=True)
    except (ValueError, TypeError, yaml.YAMLError):
        return b"{"
    encoded = text.encode("utf-8", "surrogatepass")
    return encoded[: len(encoded) // 2] if kind == 2 else encoded


def operation_cases(
    path: str, method: str, operation: dict[str, Any], schemas: SchemaStrategies
) -> st.SearchStrategy[Case]:
    route = f"admin {method.upper()} {path}"
    parameters = operation.get("parameters", [])
    bodies = operation.get("requestBody", {}).get("content", {})
    body_schemas = [schemas.of(content.get("schema", {})) for content in bodies.values()]

    @st.composite
    def build(draw: st.DrawFn) -> Case:
        target = path
        query: list[str] = []
        for parameter in parameters:
            name, where = parameter["name"], parameter["in"]
            if where == "path":
                choices = NAMES if name == "name" else ["0", "1", "-1", "f1", "x", "%FF", "99999999999999999999"]
                value = choices[draw(st.integers(0, len(choices) - 1))]
                target = target.replace("{" + name + "}", _quote(value))
            elif draw(st.integers(0, 2)) == 0:
                kind = parameter.get("schema", {}).get("type", "string")
                kind = kind if kind in QUERY_VALUES else "string"
                options = PATH_VALUES if name == "path" else QUERY_VALUES[kind]
                for _ in range(draw(st.sampled_from([1, 1, 1, 2]))):  # sometimes a duplicated key
                    query.append(f"{name}={_quote(options[draw(st.integers(0, len(options) - 1))])}")
        method_used = method.upper() if draw(st.integers(0, 11)) else draw(st.sampled_from(ODD_METHODS))
        headers: list[tuple[bytes, bytes]] = [(b"host", b"testserver")]
        body = b""
        if body_schemas or draw(st.integers(0, 5)) == 0:
            choice = draw(st.integers(0, 9))
            if choice == 0:
                body = draw(st.one_of(st.binary(max_size=80), surrogate_text(40)))
            else:
                value = draw(body_schemas[choice % len(body_schemas)] if body_schemas else ANY_JSON)
                body = _dump(value, draw(st.sampled_from([0, 0, 0, 0, 1, 2])))
            ctype = draw(st.sampled_from(BODY_TYPES))
            if ctype:
                headers.append((b"content-type", ctype))
        if body or method_used in ("POST", "PUT"):
            headers.append((b"content-length", str(len(body)).encode()))
        if draw(st.integers(0, 9)) == 0:
            extra = CROSS_SITE[draw(st.integers(0, len(CROSS_SITE) - 1))]
            headers = [h for h in headers if h[0] not in {k for k, _ in extra}] + [
                (k, header_value(v)) for k, v in extra
            ]
        return Case(route, method_used, target, "&".join(query).encode(), tuple(headers), body)

    return build()


def admin_cases() -> list[st.SearchStrategy[Case]]:
    """Every operation of the document (``/__mock/tenants/default/...`` is never targeted: the run checks
    that the default tenant is left exactly as it was)."""
    doc = document("http://testserver")
    schemas = SchemaStrategies(doc["components"]["schemas"])
    return [
        operation_cases(path, method, operation, schemas)
        for path, operations in doc["paths"].items()
        for method, operation in operations.items()
    ]


def operations() -> list[tuple[str, str]]:
    doc = document("http://testserver")
    return [(method.upper(), path) for path, ops in doc["paths"].items() for method in ops]
