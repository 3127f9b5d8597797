"""JSON Schema (the admin OpenAPI document's) -> hypothesis strategies of JSON values: mostly what the
schema describes, and at every level now and then something it does not (wrong type, extra key,
missing required key, extreme number)."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

EXTREMES: list[Any] = [0, -1, 1, 1e300, -1e300, 1e17, 253402300800, -62135596801, 2**63, math.inf, math.nan, 0.5]
Json = st.SearchStrategy[Any]

_scalars: Json = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.sampled_from(EXTREMES), st.text(max_size=20)
)
ANY_JSON: Json = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


class SchemaStrategies:
    """Strategies for the schemas of one document, built once per schema (``$ref`` resolved lazily)."""

    def __init__(self, components: dict[str, Any]) -> None:
        self.components = components
        self._refs: dict[str, Json] = {}

    def ref(self, ref: str) -> Json:
        name = ref.rsplit("/", 1)[-1]
        if name not in self._refs:
            self._refs[name] = st.deferred(lambda: self.of(self.components[name]))
        return self._refs[name]

    def of(self, schema: dict[str, Any], depth: int = 0) -> Json:
        """A value for ``schema``; one draw in ten at each level is anything at all."""
        wrong = ANY_JSON if depth < 3 else _scalars
        return st.one_of(*[self._valid(schema, depth)] * 9, wrong)

    def _valid(self, schema: dict[str, Any], depth: int) -> Json:
        if depth > 4:
            return _scalars
        if "$ref" in schema:
            return self.ref(schema["$ref"])
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return st.one_of(*[self.of(s, depth + 1) for s in schema[key]])
        if "allOf" in schema:
            return self.of(schema["allOf"][0], depth + 1)
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        kind = schema.get("type")
        if isinstance(kind, list):
            return st.one_of(*[self._valid({**schema, "type": k}, depth) for k in kind])
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            return st.lists(self.of(schema.get("items", {}), depth + 1), max_size=2)
        if kind == "string":
            return self._string(schema)
        if kind == "integer":
            return st.one_of(st.integers(-5, 100), st.sampled_from([e for e in EXTREMES if isinstance(e, int)]))
        if kind == "number":
            return st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from(EXTREMES))
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        return ANY_JSON

    def _string(self, schema: dict[str, Any]) -> Json:
        if schema.get("format") == "date-time":
            return st.sampled_from(["2026-03-02T10:00:00Z", "9999-12-31T23:59:59", "0001-01-01", "nan", "", "1e400"])
        if "pattern" in schema:
            return st.one_of(st.from_regex(schema["pattern"], fullmatch=True), st.text(max_size=10))
        return st.one_of(st.text(max_size=20), st.sampled_from(["*", "**", "/*", "*p*p*q", "default", "fuzz", "\x00"]))

    def _object(self, schema: dict[str, Any], depth: int) -> Json:
        properties: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", []))
        extra = schema.get("additionalProperties")
        names = sorted(properties)

        @st.composite
        def build(draw: st.DrawFn) -> dict[str, Any]:
            chosen = [n for n in names if n in required and draw(st.integers(0, 19))]
            if names:
                chosen += draw(st.lists(st.sampled_from(names), max_size=min(3, len(names)), unique=True))
            value = {name: draw(self.of(properties[name], depth + 1)) for name in dict.fromkeys(chosen)}
            if isinstance(extra, dict) and draw(st.integers(0, 3)) == 0:
                value[draw(st.text(max_size=8))] = draw(self.of(extra, depth + 1))
            elif draw(st.integers(0, 19)) == 0:
                value[draw(st.sampled_from(["unknown", "", "$ref"]))] = draw(_scalars)
            return value

        return build()
