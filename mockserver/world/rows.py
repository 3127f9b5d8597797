"""Compact rows for the large lists of a scenario (users, courses, enrolments).

A frozen pydantic model per item costs about 1.3 KB for a user and 0.8 KB for an enrolment: a world
of 300,000 items held ~300 MB in them. A list of 10,000 items or more (mockserver/world/loader.py)
is therefore kept as rows instead: a tuple per item, in field order, whose class reads each field
by name like the model does (``row.username``), so the world index (mockserver/world/base.py), the
cross-reference checks and the CLI read rows and models alike. Defaults are shared between rows
(one empty ``profile`` for all of them, never changed: specs are frozen and the entities copy it).

``fast_rows`` validates plain items without pydantic, column by column in C-level passes, when
every field an item sets has a simple type (str, int, bool, a Literal of strings, one of them or
None) and every value already has exactly that type: pydantic would return those values unchanged.
Anything else — an unknown key, a missing required key, a value to coerce or reject, a nested
field — returns None and the caller validates with pydantic, which decides and words the errors.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable
from functools import cache
from itertools import chain, repeat
from operator import itemgetter, methodcaller
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
_SAFE_CONFIG = {"extra", "frozen", "defer_build", "json_schema_extra", "title"}
_MISSING = object()


class Row(tuple[Any, ...]):
    """One item of a large list: its model's field values, in field order."""

    __slots__ = ()
    _model: type[BaseModel]
    _fields: tuple[str, ...]

    def model(self) -> BaseModel:
        """The item as its pydantic model (for dumps: rare, and per item)."""
        return self._model.model_construct(**dict(zip(self._fields, self, strict=True)))

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuilt, (self._model, tuple(self))  # the class is made at run time: pickled by its model

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self, strict=True))
        return f"{type(self).__name__}({values})"


@cache
def row_class(model: type[BaseModel]) -> type[Row] | None:
    """The row class of ``model``, or None when a field name would hide a tuple attribute."""
    fields = tuple(model.model_fields)
    if any(hasattr(tuple, name) or name.startswith("_") for name in fields):
        return None
    namespace: dict[str, Any] = {"__slots__": (), "_model": model, "_fields": fields}
    namespace.update((name, property(itemgetter(i))) for i, name in enumerate(fields))
    return type(f"{model.__name__}Row", (Row,), namespace)


def _rebuilt(model: type[BaseModel], values: tuple[Any, ...]) -> Row:
    cls = row_class(model)
    assert cls is not None
    return cls(values)


def to_row(model: BaseModel) -> Any:
    """A validated model as its row (the model itself when its class has no row class)."""
    cls = row_class(type(model))
    if cls is None:
        return model
    values = model.__dict__
    return cls(map(values.__getitem__, cls._fields))


LARGE_LISTS = ("users", "courses", "enrolments")


def with_models(owner: M) -> M:
    """``owner`` (a scenario or fixtures) with its rows turned back into models, for dumps."""
    lists = {name: getattr(owner, name, ()) for name in LARGE_LISTS}
    if not any(isinstance(items[0], Row) for items in lists.values() if items):
        return owner
    models = {
        name: [item.model() if isinstance(item, Row) else item for item in items] for name, items in lists.items()
    }
    return owner.model_copy(update=models)


# --- validation without a model per item -------------------------------------------------------

Check = Callable[[list[Any], set[type]], bool]
"""(column, the set of its values' types) -> whether pydantic would return every value unchanged."""


def _types_check(allowed: frozenset[type]) -> Check:
    return lambda column, kinds: kinds <= allowed


def _literal_check(values: frozenset[Any]) -> Check:
    return lambda column, kinds: kinds <= {str} and set(column) <= values


def _check_for(annotation: Any) -> Check | None:
    """A whole-column check that passes only values pydantic returns unchanged for ``annotation``."""
    simple = (str, int, bool)
    if annotation in simple:
        return _types_check(frozenset({annotation}))
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        values = typing.get_args(annotation)
        return _literal_check(frozenset(values)) if all(type(v) is str for v in values) else None
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        if len(args) == 2 and type(None) in args:
            other = next(a for a in args if a is not type(None))
            if other in simple:
                return _types_check(frozenset({other, type(None)}))
    return None


@cache
def _plan(model: type[BaseModel]) -> tuple[type[Row], dict[str, Check], frozenset[str]] | None:
    """(row class, checks of the fields it can check, required fields), or None: pydantic only."""
    cls = row_class(model)
    decorators = model.__pydantic_decorators__
    if (
        cls is None
        or set(model.model_config) - _SAFE_CONFIG
        or decorators.validators
        or decorators.field_validators
        or decorators.model_validators
        or decorators.root_validators
    ):
        return None
    checks: dict[str, Check] = {}
    for name, field in model.model_fields.items():
        if field.alias or field.validation_alias or field.metadata:
            continue
        check = _check_for(field.annotation)
        if check is not None:
            checks[name] = check
    required = frozenset(name for name, field in model.model_fields.items() if field.is_required())
    if not required <= checks.keys():
        return None
    return cls, checks, required


def fast_rows(model: type[BaseModel], items: list[Any], canonical: dict[str, str] | None = None) -> list[Any] | None:
    """``items`` (parsed data) as rows of ``model`` when they are valid as they are, else None.
    Strings repeated in a column become one object, the one ``canonical`` holds (give the same dict
    to every chunk of a list: an enrolment's course is one string per course, not per enrolment)."""
    plan = _plan(model)
    if plan is None or not items or set(map(type, items)) != {dict}:
        return None
    cls, checks, required = plan
    keys = set(chain.from_iterable(items))
    if not keys <= checks.keys() or not required <= keys:
        return None
    columns: list[Iterable[Any]] = []
    for name, field in model.model_fields.items():
        if name not in keys:
            columns.append(repeat(field.get_default(call_default_factory=True), len(items)))
            continue
        column = list(map(methodcaller("get", name, _MISSING), items))
        if _MISSING in column:
            if name in required:
                return None
            default = field.get_default(call_default_factory=True)
            column = [default if value is _MISSING else value for value in column]
        kinds = set(map(type, column))
        if not checks[name](column, kinds) or (str in kinds and not _encodable(column, kinds)):
            return None
        columns.append(_shared(column, kinds, {} if canonical is None else canonical))
    return list(map(cls, zip(*columns, strict=True)))


def _encodable(column: list[Any], kinds: set[type]) -> bool:
    """No lone surrogate in the column's strings (pydantic refuses them: they have no UTF-8)."""
    try:
        "".join(column if kinds == {str} else filter(None, column)).encode("utf-8")  # str or str | None
    except UnicodeEncodeError:
        return False
    return True


_SAMPLE = 64


def _shared(column: list[Any], kinds: set[type], canonical: dict[str, str]) -> list[Any]:
    """Equal strings as one object: a few MB less per 100,000 repeats. A column whose first values
    are all different (usernames, emails) is taken as unique and left alone (no set of it built)."""
    sample = column[:_SAMPLE]
    if kinds != {str} or len(set(sample)) == len(sample):
        return column
    return list(map(canonical.setdefault, column, column))
