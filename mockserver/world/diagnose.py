"""Helpful validation: the closest valid key for a typo, and the parts of a file that did validate.

``unknown_key_message`` answers pydantic's "Extra inputs are not permitted" with the valid key a
typo was probably meant to be (difflib). ``prune`` removes what failed (an unknown key, a bad value,
else the whole list item holding it) so the rest can be validated and cross-checked: references are
reported even when a file has other errors.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterable, Iterator, Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

Location = tuple[str | int, ...]
_LISTED = 8  # valid keys named when none is close


def _members(annotation: Any) -> Iterator[Any]:
    """The types an annotation may hold: ``Annotated``, ``Optional`` and unions unwrapped."""
    origin = get_origin(annotation)
    if origin is Annotated:
        yield from _members(get_args(annotation)[0])
    elif origin is Union or origin is types.UnionType:
        for arg in get_args(annotation):
            yield from _members(arg)
    else:
        yield annotation


def _step(annotation: Any, part: str | int) -> list[Any]:
    found: list[Any] = []
    members = list(_members(annotation))
    for member in members:
        origin = get_origin(member)
        if isinstance(part, int) and origin in (list, tuple, set, frozenset):
            found.extend(get_args(member)[:1])
        elif isinstance(part, str) and origin is dict:
            found.extend(get_args(member)[1:2])
        elif isinstance(part, str) and isinstance(member, type) and issubclass(member, BaseModel):
            for name, info in member.model_fields.items():
                if part in (name, info.alias):
                    found.append(info.annotation)
    if not found and isinstance(part, str):  # a union member's tag in pydantic's location
        found = [m for m in members if getattr(m, "__name__", None) == part]
    return found


def models_at(root: type[BaseModel], loc: Sequence[str | int]) -> list[type[BaseModel]]:
    """The models that may sit at ``loc`` inside ``root`` (several when a union allows it)."""
    current: list[Any] = [root]
    for part in loc:
        current = [nxt for annotation in current for nxt in _step(annotation, part)]
    return [m for a in current for m in _members(a) if isinstance(m, type) and issubclass(m, BaseModel)]


def valid_keys(models: Iterable[type[BaseModel]]) -> list[str]:
    keys: set[str] = set()
    for model in models:
        keys.update(info.alias or name for name, info in model.model_fields.items())
    return sorted(keys)


def unknown_key_message(root: type[BaseModel], loc: Location) -> str:
    """``unknown key (did you mean `sitename`?)`` for the extra key at ``loc``; a short list of
    the valid keys when none is close, ``mockserver schema`` when there are many."""
    key = loc[-1] if loc else ""
    keys = valid_keys(models_at(root, loc[:-1]))
    close = difflib.get_close_matches(str(key), keys, n=1, cutoff=0.6)
    if close:
        return f"unknown key (did you mean `{close[0]}`?)"
    if not keys:
        return "unknown key"
    if len(keys) > _LISTED:
        return "unknown key (`mockserver schema` lists the valid ones)"
    return f"unknown key (valid keys: {', '.join(keys)})"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _target(data: Any, loc: Location) -> Location:
    """The part of ``loc`` that exists in ``data`` (without union tags and a missing key)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif not (isinstance(node, dict) and part in node):
            continue  # a union member's tag, or the missing key itself
        else:
            node = node[part]
        path.append(part)
    return tuple(path)


def _list_item(path: Location, data: Any) -> Location:
    """The innermost list item containing ``path``, else ``path`` itself."""
    node = data
    best: Location = path
    for i, part in enumerate(path):
        if isinstance(node, list):
            best = path[: i + 1]
        node = node[part]
    return best


def prune(data: dict[str, Any], errors: Sequence[ErrorDetails], escalate: bool) -> tuple[Any, set[str]] | None:
    """``data`` without what ``errors`` point at; with ``escalate``, the whole list item holding it.

    Returns the pruned data and the strings of removed list items (so that references to them are
    not reported as unknown), or ``None`` when nothing could be removed (a top-level problem)."""
    targets: set[Location] = set()
    for error in errors:
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
        target = _target(data, loc)
        if error["type"] == "missing" or escalate:
            target = _list_item(target, data)
        if not target:
            return None
        targets.add(target)
    dropped: set[str] = set()

    def rebuild(node: Any, path: Location) -> Any:
        if isinstance(node, dict):
            return {k: rebuild(v, (*path, k)) for k, v in node.items() if (*path, k) not in targets}
        if isinstance(node, list):
            kept = []
            for i, item in enumerate(node):
                if (*path, i) in targets:
                    dropped.update(_strings(item))
                else:
                    kept.append(rebuild(item, (*path, i)))
            return kept
        return node

    return rebuild(data, ()), dropped
