"""``external_api::validate_parameters`` and ``clean_returnvalue`` (Moodle 4.1)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mockserver.moodle.errors import DebugSettings, InvalidParameterException, InvalidResponseException, MoodleException
from mockserver.moodle.params import ParamCleaner
from mockserver.moodle.phpvalues import print_r, to_string
from mockserver.moodle.webservice.description import DEFAULT, REQUIRED, Description, Multiple, Single, Value

_FLOAT_RE = re.compile(r"^[+-]?[0-9]*\.?[0-9]*(e[-+]?[0-9]+)?$", re.IGNORECASE)
_PHP_NUMERIC = re.compile(r"[ \t\n\r\v\f]*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t\n\r\v\f]*")


def _is_numeric(text: str) -> bool:
    """PHP 8 ``is_numeric()`` on a string (leading and trailing whitespace allowed)."""
    return bool(_PHP_NUMERIC.fullmatch(text))


def _php_type(value: Any) -> str:
    """``gettype()``."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "double"
    if isinstance(value, (Mapping, list, tuple)):
        return "array"
    return "string"


def _is_array(value: Any) -> bool:
    """A PHP array (``is_array``): the form decoder's dicts, lists, tuples; strings answered first,
    as most values are strings and the ``Mapping`` check is an ABC lookup."""
    kind = type(value)
    if kind is str:
        return False
    if kind is dict:
        return True
    return isinstance(value, (Mapping, list, tuple))


class _ValueError(Exception):
    """``validate_param`` refused the value (carries nothing: the caller knows the debuginfo)."""


def validate_param(cleaner: ParamCleaner, value: Any, description: Value) -> Any:
    """``validate_param()``: null check, clean, and compare raw and cleaned as strings."""
    if value is None:
        if description.allownull:
            return None
        raise _ValueError
    if _is_array(value):
        raise _ValueError
    if description.type == "float":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        text = to_string(value)
        if not _is_numeric(text) or not _FLOAT_RE.match(text):
            raise _ValueError
        return float(text)
    text = to_string(value)
    cleaned = cleaner.clean(text, description.type)
    if to_string(cleaned) != text:
        raise _ValueError
    return cleaned


def _is_bool_like(value: Any) -> bool:
    """``is_bool($v) or $v === 0 or $v === 1 or $v === '0' or $v === '1'``."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return value in (0, 1)
    return value in ("0", "1")


class ParameterValidator:
    """Validates request parameters; nested failures build Moodle's ``key => message: inner`` path."""

    def __init__(self, cleaner: ParamCleaner, lang: str, debug: DebugSettings) -> None:
        self.cleaner = cleaner
        self.lang = lang
        self.debug = debug

    def _wrap(self, key: str, error: MoodleException) -> InvalidParameterException:
        return InvalidParameterException(f"{key} => {error.message(self.lang, self.debug)}: {error.debuginfo}")

    def validate(self, description: Description, params: Any) -> Any:
        if isinstance(description, Value):
            return self._scalar(description, params)
        if isinstance(description, Single):
            return self._single(description, params)
        return self._multiple(description, params)

    def _scalar(self, description: Value, value: Any) -> Any:
        if _is_array(value):
            raise InvalidParameterException("Scalar type expected, array or object received.")
        if description.type == "bool" and _is_bool_like(value):
            return bool(int(value))
        try:
            return validate_param(self.cleaner, value, description)
        except _ValueError:
            raise InvalidParameterException(
                f'Invalid external api parameter: the value is "{to_string(value)}", '
                f'the server was expecting "{description.type}" type'
            ) from None

    def _single(self, description: Single, params: Any) -> dict[str, Any]:
        if not _is_array(params):
            raise InvalidParameterException(f"Only arrays accepted. The bad value is: '{print_r(params)}'")
        if type(params) is dict or isinstance(params, Mapping):
            remaining = dict(params)
        else:
            remaining = {str(i): v for i, v in enumerate(params)}
        result: dict[str, Any] = {}
        for key, sub in description.keys.items():
            if key not in remaining:
                if sub.presence is REQUIRED:
                    raise InvalidParameterException(f"Missing required key in single structure: {key}")
                if sub.presence is DEFAULT:
                    try:
                        result[key] = self.validate(sub, sub.default)
                    except InvalidParameterException as error:
                        raise self._wrap(key, error) from None
            else:
                try:
                    result[key] = self.validate(sub, remaining[key])
                except InvalidParameterException as error:
                    raise self._wrap(key, error) from None
            remaining.pop(key, None)
        if remaining:
            raise InvalidParameterException(f"Unexpected keys ({', '.join(remaining)}) detected in parameter array.")
        return result

    def _multiple(self, description: Multiple, params: Any) -> list[Any]:
        if not _is_array(params):
            raise InvalidParameterException(f"Only arrays accepted. The bad value is: '{print_r(params)}'")
        items = params.values() if isinstance(params, Mapping) else params
        return [self.validate(description.content, item) for item in items]


class ReturnCleaner:
    """``clean_returnvalue``: rebuild the value in description order, validating every scalar."""

    def __init__(self, cleaner: ParamCleaner, lang: str, debug: DebugSettings) -> None:
        self.cleaner = cleaner
        self.lang = lang
        self.debug = debug

    def _wrap(self, key: str, error: MoodleException) -> InvalidResponseException:
        return InvalidResponseException(f"{key} => {error.message(self.lang, self.debug)}: {error.debuginfo}")

    def clean(self, description: Description | None, value: Any) -> Any:
        if description is None:
            return None
        if isinstance(description, Value):
            return self._scalar(description, value)
        if isinstance(description, Single):
            return self._single(description, value)
        if not _is_array(value):
            raise InvalidResponseException(f"Only arrays accepted. The bad value is: '{print_r(value)}'")
        items = value.values() if isinstance(value, Mapping) else value
        return [self.clean(description.content, item) for item in items]

    def _scalar(self, description: Value, value: Any) -> Any:
        if _is_array(value):
            raise InvalidResponseException("Scalar type expected, array or object received.")
        if description.type == "bool" and _is_bool_like(value):
            return bool(int(value))
        try:
            cleaned = validate_param(self.cleaner, value, description)
        except _ValueError:
            raise InvalidResponseException(
                f'Invalid external api response: the value is "{to_string(value)}" of PHP type '
                f'"{_php_type(value)}", the server was expecting "{description.type}" type'
            ) from None
        if description.type == "bool" and cleaned is not None:
            return bool(cleaned)
        return cleaned

    def _single(self, description: Single, value: Any) -> dict[str, Any]:
        if not _is_array(value):
            raise InvalidResponseException(f"Only arrays/objects accepted. The bad value is: '{print_r(value)}'")
        data = value if type(value) is dict or isinstance(value, Mapping) else {str(i): v for i, v in enumerate(value)}
        result: dict[str, Any] = {}
        for key, sub in description.keys.items():
            if key not in data:
                if sub.presence is REQUIRED:
                    raise InvalidResponseException(
                        f"Error in response - Missing following required key in a single structure: {key}"
                    )
                if isinstance(sub, Value) and sub.presence is DEFAULT:
                    try:
                        result[key] = self.clean(sub, sub.default)
                    except InvalidResponseException as error:
                        raise self._wrap(key, error) from None
            else:
                try:
                    result[key] = self.clean(sub, data[key])
                except InvalidResponseException as error:
                    raise self._wrap(key, error) from None
        return result


def clean_return(description: Description | None, value: Any, cleaner: ParamCleaner | None = None) -> Any:
    """Coerce a function's return value to its description (key order, types, defaults)."""
    if cleaner is None:
        cleaner = ParamCleaner(wwwroot="", languages=("en",), auth_plugins=("manual",))
    return ReturnCleaner(cleaner, "en", DebugSettings()).clean(description, value)
