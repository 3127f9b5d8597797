"""``external_api::validate_parameters`` and ``clean_returnvalue`` (Moodle 4.1)."""

from __future__ import annotations

import re
from typing import Any

from mockserver.moodle.errors import DebugSettings, InvalidParameterException, InvalidResponseException, MoodleException
from mockserver.moodle.params import ParamCleaner
from mockserver.moodle.webservice.description import DEFAULT, REQUIRED, Description, Multiple, Single, Value

_FLOAT_RE = re.compile(r"^[+-]?[0-9]*\.?[0-9]*(e[-+]?[0-9]+)?$", re.IGNORECASE)


def print_r(value: Any) -> str:
    if isinstance(value, dict):
        inner = "".join(f"    [{k}] => {print_r(v)}\n" for k, v in value.items())
        return f"Array\n(\n{inner})\n"
    return "" if value is None else str(value)


def _is_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*", text))


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
        if isinstance(value, dict):
            raise InvalidParameterException("Scalar type expected, array or object received.")
        if description.type == "bool" and (isinstance(value, bool) or value in (0, 1, "0", "1")):
            return bool(int(value))
        debuginfo = f'Invalid external api parameter: the value is "{print_r(value)}", the server was expecting "{description.type}" type'
        if value is None:
            if description.allownull:
                return None
            raise InvalidParameterException(debuginfo)
        text = str(value)
        if description.type == "float":
            if not _is_numeric(text) or not _FLOAT_RE.match(text):
                raise InvalidParameterException(debuginfo)
            return float(text)
        cleaned = self.cleaner.clean(text, description.type)
        if str(cleaned) != text:
            raise InvalidParameterException(debuginfo)
        return cleaned

    def _single(self, description: Single, params: Any) -> dict[str, Any]:
        if not isinstance(params, dict):
            raise InvalidParameterException(f"Only arrays accepted. The bad value is: '{print_r(params)}'")
        remaining = dict(params)
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
        if not isinstance(params, (dict, list)):
            raise InvalidParameterException(f"Only arrays accepted. The bad value is: '{print_r(params)}'")
        items = params.values() if isinstance(params, dict) else params
        return [self.validate(description.content, item) for item in items]


def clean_return(description: Description | None, value: Any) -> Any:
    """Coerce a function's return value to its description (key order, types, defaults)."""
    if description is None:
        return None
    if isinstance(description, Value):
        if value is None:
            if description.allownull:
                return None
            raise InvalidResponseException(
                f'Invalid external api response: the value is "", the server was expecting "{description.type}" type'
            )
        if description.type == "int":
            return int(value)
        if description.type == "bool":
            return bool(value)
        if description.type == "float":
            return float(value)
        return str(value)
    if isinstance(description, Single):
        if not isinstance(value, dict):
            raise InvalidResponseException(f"Only arrays/objects accepted. The bad value is: '{print_r(value)}'")
        result: dict[str, Any] = {}
        for key, sub in description.keys.items():
            if key in value:
                result[key] = clean_return(sub, value[key])
            elif sub.presence is REQUIRED:
                raise InvalidResponseException(f"Error in response - Missing following required key in a single structure: {key}")
            elif sub.presence is DEFAULT:
                result[key] = clean_return(sub, sub.default)
        return result
    return [clean_return(description.content, item) for item in value]
