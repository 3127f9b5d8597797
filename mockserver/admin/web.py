"""Small HTTP helpers of the admin API: JSON answers, errors, bodies, times."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse

from mockserver.bodies import read_capped

M = TypeVar("M", bound=BaseModel)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")


class ApiError(Exception):
    def __init__(self, status: int, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems or []


def ok(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=headers)


def error(status: int, message: str, problems: list[str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if problems:
        body["problems"] = problems
    return JSONResponse(body, status_code=status)


def content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


DEFAULT_MAX_BODY = 16 * 1024 * 1024
_BODY = "mockserver.admin.body"  # where the body read once is kept for a second reader


async def body_bytes(request: Request) -> bytes:
    """The request body, read up to the admin API's limit (``ServerConfig.admin_max_body_bytes``):
    a larger one is a 413 before more of it is read."""
    cached = request.scope.get(_BODY)
    if isinstance(cached, bytes):
        return cached
    state = getattr(request.app.state, "admin", None)
    limit: int = state.config.admin_max_body_bytes if state is not None else DEFAULT_MAX_BODY
    too_large = ApiError(413, f"request body too large: the admin API accepts at most {limit} bytes")
    body = await read_capped(request, limit)
    if body is None:
        raise too_large
    request.scope[_BODY] = body
    return body


async def body_text(request: Request) -> str:
    raw = await body_bytes(request)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "the body is not UTF-8") from None


async def json_body(request: Request, *, default: Any = None) -> Any:
    text = await body_text(request)
    if not text.strip():
        if default is None:
            raise ApiError(400, "a JSON body is required")
        return default
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"the body is not valid JSON: {exc}") from None


def validation_problems(exc: ValidationError) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc']) or '(body)'}: {e['msg']}" for e in exc.errors()]


def parse_model(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, f"invalid {model.__name__}", validation_problems(exc)) from None


def parse_time(value: Any, name: str) -> float:
    """Unix seconds, or an ISO 8601 date-time (UTC when it names no zone)."""
    if isinstance(value, bool):
        raise ApiError(422, f"{name}: expected Unix seconds or an ISO 8601 date-time")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ApiError(422, f"{name}: expected Unix seconds or an ISO 8601 date-time, got {value!r}") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.timestamp()
    raise ApiError(422, f"{name}: expected Unix seconds or an ISO 8601 date-time")


def flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in ("1", "true", "yes", "on")
