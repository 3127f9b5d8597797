"""Moodle's ``clean_param`` for the PARAM_* types the emulated surfaces use.

Each cleaner mirrors lib/moodlelib.php (Moodle 4.1) on PHP 8, quirks included. Web-service
validation (``webservice.validate``) compares the raw and cleaned value as strings, so a value is
accepted there only if cleaning leaves it unchanged; pages (``optional_param``) just clean.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

PHP_TRIM = " \t\n\r\0\x0b"
INT_MAX = 2**63 - 1

_URL_SCHEME = r"(?:(?:https?|ftp)://)"
_DOMAIN_LABEL = r"(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])"
_TOP_LABEL = r"(?:[a-z]|[a-z][a-z0-9-]*[a-z0-9])"
_IPV4 = r"(?:\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})"
_HOST = rf"(?:{_IPV4}|(?:{_DOMAIN_LABEL}\.)*{_TOP_LABEL}\.?)"
_ESCAPED = r"%[0-9a-f]{2}"
_UNRESERVED = r"[a-z0-9_.!~*'()-]"
_PCHAR = rf"(?:{_UNRESERVED}|{_ESCAPED}|[:@&=+$,;])"
_URLC = rf"(?:{_UNRESERVED}|[;/?:@&=+$,]|{_ESCAPED})"
_PATH = rf"(?:/{_PCHAR}+)*/?"
_TAIL = rf"(?:\?{_URLC}*)?(?:#{_URLC}*)?"
# validateUrlSyntax($url, 's?H?S?F?E-u-P-a?I?p?f?q?r?'): optional http/https/ftp scheme, no
# user or password, optional host and port, path, query and fragment.
_URL_RE = re.compile(rf"^{_URL_SCHEME}?(?:{_HOST}(?::\d+)?)?{_PATH}{_TAIL}$", re.IGNORECASE)
# validateUrlSyntax('/' . $url, 's-u-P-a-p-f+q?r?'): a bare path with query and fragment.
_RELATIVE_RE = re.compile(rf"^(?:/{_PCHAR}+)+/?{_TAIL}$", re.IGNORECASE)

_EMAIL_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL_RE = re.compile(
    rf"^(?=.{{1,320}}$)(?=[^@]{{1,64}}@){_EMAIL_ATOM}(?:\.{_EMAIL_ATOM})*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
)
_TAG_RE = re.compile(r"<(?:[A-Za-z/!?][^>]*(?:>|$))", re.DOTALL)
_MULTILANG_RE = re.compile(
    r'<(?:span lang="[a-zA-Z0-9_-]+" class="multilang"|lang lang="[a-zA-Z0-9_-]+")>|</(?:span|lang)>'
)
_TIMEZONE_RE = re.compile(
    r"^(?:(?:[+-]?(?:1[0-3]|0?[0-9])(?:\.(?:0|5))?)|99|[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*)$"
)


def fix_utf8(value: str) -> str:
    """Drop bytes that were not valid UTF-8 (kept as lone surrogates by the form decoder)."""
    return "".join(ch for ch in value if not 0xD800 <= ord(ch) <= 0xDFFF)


def php_trim(value: str) -> str:
    return value.strip(PHP_TRIM)


def php_intval(value: str) -> int:
    """``(int)$string`` on PHP 8: leading whitespace, sign, digits, optional exponent."""
    match = re.match(r"^[ \t\n\r\v\f]*([+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)", value)
    if not match:
        return 0
    number = match.group(1)
    try:
        result = int(number) if re.fullmatch(r"[+-]?\d+", number) else int(float(number))
    except (ValueError, OverflowError):
        return 0
    return max(-INT_MAX - 1, min(INT_MAX, result))


def php_empty(value: object) -> bool:
    """PHP ``empty()``: null, '', '0', 0, false and empty arrays."""
    return value is None or value in ("", "0", 0, False) or value == {} or value == []


def strip_tags(value: str) -> str:
    return _TAG_RE.sub("", value)


def clean_int(value: str) -> int:
    return php_intval(value)


def clean_bool(value: str) -> int:
    lowered = value.lower()
    if lowered in ("on", "yes", "true"):
        return 1
    if lowered in ("off", "no", "false"):
        return 0
    return 0 if php_empty(value) else 1


def clean_url(value: str) -> str:
    return value if value and _URL_RE.match(value) else ""


def clean_localurl(value: str, wwwroot: str) -> str:
    value = clean_url(value)
    if not value:
        return ""
    if value == wwwroot or value.startswith("/"):
        return value
    if value.lower().startswith((wwwroot + "/").lower()):
        return value
    if _RELATIVE_RE.match("/" + value) and "javascript:" not in value.lower():
        return value
    return ""


def clean_host(value: str) -> str:
    value = re.sub(r"[^.\dA-Za-z0-9_-]", "", value)
    match = re.search(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})", value)
    if match:
        # PHP 8 compares the whole dotted quad with 255 as *strings* ($match[0] > 255): kept as is.
        whole_too_big = match.group(0) > "255"
        octets = [int(match.group(i)) for i in (1, 3, 4)]
        if whole_too_big or any(o > 255 for o in octets):
            return ""
        return value
    if re.fullmatch(r"[\w.-]+", value, re.ASCII) and not re.match(r"^[.-]", value) and not re.search(r"[.-]$", value):
        return value
    return ""


def clean_username(value: str, extended_chars: bool = False) -> str:
    value = php_trim(fix_utf8(value)).lower()
    if not extended_chars:
        value = value.replace(" ", "")
        value = re.sub(r"[^-.@_a-z0-9]", "", value)
    return value


def validate_email(value: str) -> bool:
    return bool(value) and bool(_EMAIL_RE.match(value)) and not re.search(r"[<>]", value)


def clean_email(value: str) -> str:
    return value if validate_email(value) else ""


def clean_text(value: str) -> str:
    kept = _MULTILANG_RE.findall(value)
    if kept and strip_tags(_MULTILANG_RE.sub("", value)) == _MULTILANG_RE.sub("", value):
        return fix_utf8(value)
    return strip_tags(fix_utf8(value))


def clean_timezone(value: str) -> str:
    value = php_trim(value)
    return value if _TIMEZONE_RE.match(value) else ""


def _plugin_cleaner(installed: Collection[str]) -> Callable[[str], str]:
    def clean(value: str) -> str:
        value = re.sub(r"[^a-z0-9_]", "", value)
        return value if value in installed else ""

    return clean


class ParamCleaner:
    """Cleans one value for one PARAM type, given the site facts some types depend on."""

    def __init__(self, *, wwwroot: str, languages: Collection[str], auth_plugins: Collection[str]) -> None:
        self.wwwroot = wwwroot
        self.languages = languages
        self._cleaners: dict[str, Callable[[str], object]] = {
            "int": clean_int,
            "bool": clean_bool,
            "float": lambda v: v,
            "raw": fix_utf8,
            "raw_trimmed": lambda v: php_trim(fix_utf8(v)),
            "alpha": lambda v: re.sub(r"[^a-zA-Z]", "", v),
            "alphanum": lambda v: re.sub(r"[^A-Za-z0-9]", "", v),
            "alphanumext": lambda v: re.sub(r"[^A-Za-z0-9_-]", "", v),
            "sequence": lambda v: re.sub(r"[^0-9,]", "", v),
            "notags": lambda v: strip_tags(fix_utf8(v)),
            "text": clean_text,
            "username": clean_username,
            "email": clean_email,
            "url": clean_url,
            "localurl": lambda v: clean_localurl(v, self.wwwroot),
            "host": clean_host,
            "lang": _plugin_cleaner(languages),
            "auth": _plugin_cleaner(auth_plugins),
            "theme": _plugin_cleaner(("boost", "classic")),
            "plugin": _plugin_cleaner(("gregorian",)),
            "timezone": clean_timezone,
        }

    def clean(self, value: str, param_type: str) -> object:
        return self._cleaners[param_type](value)
