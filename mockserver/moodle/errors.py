"""Typed Moodle exceptions carrying what the wire needs.

An exception knows its PHP class, errorcode, string identifier/component, ``$a`` and debuginfo.
The message is produced by :meth:`MoodleException.message` in the language that was current
when the exception was raised (the caller passes it), as Moodle builds it in the constructor.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from mockserver.moodle.lang import get_string, normalise_component, string_exists
from mockserver.moodle.phpvalues import var_export


class DebugLevel(str, Enum):  # noqa: UP042 - values are compared with plain strings from the scenario
    """``$CFG->debug``: none (0), minimal (5), normal (15), all (30719), developer (32767)."""

    NONE = "none"
    MINIMAL = "minimal"
    NORMAL = "normal"
    ALL = "all"
    DEVELOPER = "developer"


# PHP class names by Moodle version profile (moodle-webservice.md §1.6).
_CLASS_NAMES_45 = {
    "moodle_exception": "core\\exception\\moodle_exception",
    "invalid_parameter_exception": "core\\exception\\invalid_parameter_exception",
    "invalid_response_exception": "core\\exception\\invalid_response_exception",
    "coding_exception": "core\\exception\\coding_exception",
    "required_capability_exception": "core\\exception\\required_capability_exception",
    "require_login_exception": "core\\exception\\require_login_exception",
    "restricted_context_exception": "core_external\\restricted_context_exception",
}


def php_class_name(kind: str, version: str) -> str:
    if version == "4.1":
        return kind
    return _CLASS_NAMES_45.get(kind, kind)


@dataclass
class DebugSettings:
    level: DebugLevel = DebugLevel.NONE
    display: bool = True

    @property
    def shows_debuginfo(self) -> bool:
        """``debugging()``: ``$CFG->debug >= DEBUG_NORMAL`` (debugdisplay does not matter)."""
        return self.level in (DebugLevel.NORMAL, DebugLevel.ALL, DebugLevel.DEVELOPER)

    @property
    def developer(self) -> bool:
        """``$CFG->debugdeveloper``: HTML error pages show debuginfo, token.php fills its keys."""
        return self.level is DebugLevel.DEVELOPER

    @property
    def appends_to_message(self) -> bool:
        """``moodle_exception`` appends `` (debuginfo)`` when debug is DEVELOPER and debugdisplay on."""
        return self.level is DebugLevel.DEVELOPER and self.display


class MoodleException(Exception):
    """``moodle_exception`` and its subclasses."""

    kind = "moodle_exception"

    def __init__(
        self,
        errorcode: str,
        component: str = "error",
        a: object = None,
        debuginfo: str | None = None,
        *,
        link: str = "",
    ) -> None:
        super().__init__(errorcode)
        self.errorcode = errorcode
        self.component = normalise_component(component)
        self.a = a
        self.debuginfo = debuginfo
        self.link = link

    def base_message(self, lang: str) -> str:
        if string_exists(self.errorcode, self.component):
            return get_string(self.errorcode, self.component, self.a, lang)
        return f"{self.component}/{self.errorcode}"

    def message(self, lang: str, debug: DebugSettings) -> str:
        """``getMessage()``: the string, plus `` (debuginfo)`` in developer mode (PHP truthiness)."""
        text = self.base_message(lang)
        if self.debuginfo not in (None, "", "0") and debug.appends_to_message:
            text = f"{text} ({self.debuginfo})"
        return text


class InvalidParameterException(MoodleException):
    kind = "invalid_parameter_exception"

    def __init__(self, debuginfo: str | None = None) -> None:
        super().__init__("invalidparameter", "debug", None, debuginfo)


class InvalidResponseException(MoodleException):
    kind = "invalid_response_exception"

    def __init__(self, debuginfo: str | None = None) -> None:
        super().__init__("invalidresponse", "debug", None, debuginfo)


class CodingException(MoodleException):
    kind = "coding_exception"

    def __init__(self, hint: str, debuginfo: str | None = None) -> None:
        super().__init__("codingerror", "debug", hint, debuginfo)


class WebserviceAccessException(MoodleException):
    kind = "webservice_access_exception"

    def __init__(self, debuginfo: str | None = None) -> None:
        super().__init__("accessexception", "webservice", None, debuginfo)


class RequiredCapabilityException(MoodleException):
    kind = "required_capability_exception"

    def __init__(self, capability: str) -> None:
        super().__init__("nopermissions", "error", None, None)
        self.capability = capability

    def base_message(self, lang: str) -> str:
        name = get_string(self.capability, "role", lang=lang)
        return get_string("nopermissions", "error", name, lang)


class MissingRecordException(MoodleException):
    """``dml_missing_record_exception`` raised with another errorcode (e.g. ``invaliduser`` from a
    ``MUST_EXIST`` context lookup)."""

    kind = "dml_missing_record_exception"


class DmlWriteException(MoodleException):
    """``dml_write_exception``: the database refused an insert or update ("Error writing to database")."""

    kind = "dml_write_exception"

    def __init__(self, debuginfo: str | None = None) -> None:
        super().__init__("dmlwriteexception", "error", None, debuginfo)


class DmlMissingRecordException(MoodleException):
    kind = "dml_missing_record_exception"

    def __init__(self, table: str, sql: str, params: list[Any]) -> None:
        # dml_missing_record_exception: "$sql\n[" . var_export($params, true) . ']'
        super().__init__("invalidrecord", "error", table, f"{sql}\n[{var_export(params)}]")
