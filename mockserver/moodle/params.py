"""Moodle's ``clean_param`` for the PARAM_* types the emulated surfaces use.

Each cleaner mirrors lib/moodlelib.php (Moodle 4.1) on PHP 8, quirks included. Web-service
validation (``webservice.validate``) compares the raw and cleaned value as strings, so a value is
accepted there only if cleaning leaves it unchanged; pages (``optional_param``) just clean.

PHP's regular expressions work on bytes without the ``u`` flag, so every pattern here is ASCII
only (``re.ASCII``): a non-ASCII letter or digit never matches ``\\w``, ``\\d`` or ``[a-z]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from mockserver.text import fix_utf8

PHP_TRIM = " \t\n\r\0\x0b"
INT_MAX = 2**63 - 1
_A = re.ASCII


# --- lib/validateurlsyntax.php ------------------------------------------------------------------

_ALPHANUM = "[a-zA-Z0-9]"
_UNRESERVED = "[a-zA-Z0-9_.!~*'()-]"
_ESCAPED = "(%[0-9a-fA-F]{2})"
_RESERVED = "[;/?:@&=+$,]"
_IPADDRESS = r"((((2(([0-4][0-9])|(5[0-5])))|([01]?[0-9]?[0-9]))\.){3}((2(([0-4][0-9])|(5[0-5])))|([01]?[0-9]?[0-9])))"
_DOMAIN_TERTIARY = rf"({_ALPHANUM}(([a-zA-Z0-9-]{{0,62}}){_ALPHANUM})?\.)*"
_DOMAIN_TOPLEVEL = "([a-zA-Z](([a-zA-Z0-9-]*)[a-zA-Z0-9])?)"
_DEFAULTS = {"s": "?", "H": "?", "S": "?", "E": "-", "F": "-", "R": "-", "u": "?", "P": "?", "a": "+"}
_DEFAULTS.update({"I": "?", "p": "?", "f": "?", "q": "?", "r": "?"})
_SCHEMES = (("H", "http://"), ("S", "https://"), ("E", "mailto:"), ("F", "ftp://"), ("R", "rtmp://"))


def url_syntax_regex(options: str) -> re.Pattern[str]:
    """The regular expression ``validateUrlSyntax($url, $options)`` builds (case-insensitive)."""
    opts: dict[str, str] = {}
    for key, default in _DEFAULTS.items():
        found = options.find(key)
        value = default if found < 0 else options[found + 1 : found + 2]
        opts[key] = {"-": "{0}", "+": ""}.get(value, value)
    required = [prefix for key, prefix in _SCHEMES if opts[key] == ""]
    if required:
        scheme = f"({required[0]})"
    else:
        scheme = "(" + "|".join(f"({prefix})" for key, prefix in _SCHEMES if opts[key] == "?") + ")"
    scheme += opts["s"]
    userinfo = rf"(({_UNRESERVED}|{_ESCAPED}|[;&=+$,])+(:({_UNRESERVED}|{_ESCAPED}|[;:&=+$,])+){opts['P']}@){opts['u']}"
    domain = f"({_DOMAIN_TERTIARY}{_DOMAIN_TOPLEVEL})"
    if opts["I"] == "{0}":
        address = domain
    elif opts["I"] == "":
        address = f"({_IPADDRESS})"
    else:
        address = f"(({_IPADDRESS})|{domain})"
    address += opts["a"]
    port = r"(:(([0-5]?[0-9]{1,4})|(6[0-4][0-9]{3})|(65[0-4][0-9]{2})|(655[0-2][0-9])|(6553[0-5])))" + opts["p"]
    # Possessive (Python has no PCRE backtracking limit); a path never gives characters back to
    # the query or fragment, so the accepted language is the same.
    path = rf"(/((;)?({_UNRESERVED}|{_ESCAPED}|[:@&=+$,])++(/)?)*+){opts['f']}"
    query = rf"(\?({_RESERVED}|{_UNRESERVED}|{_ESCAPED})*){opts['q']}"
    fragment = rf"(\#({_RESERVED}|{_UNRESERVED}|{_ESCAPED})*){opts['r']}"
    # PCRE's '$' also matches before a final newline, like Python's.
    return re.compile(f"^{scheme}{userinfo}{address}{port}{path}{query}{fragment}$", re.IGNORECASE | _A)


_URL_RE = url_syntax_regex("s?H?S?F?E-u-P-a?I?p?f?q?r?")
_RELATIVE_RE = url_syntax_regex("s-u-P-a-p-f+q?r?")


# --- PHP FILTER_VALIDATE_EMAIL (ext/filter/logical_filters.c) --------------------------------------

_LOCAL_ATOM = r"(?:[\x21\x23-\x27\x2A\x2B\x2D\x2F-\x39\x3D\x3F\x5E-\x7E]+)"
_LOCAL_QUOTED = r"(?:\x22(?:[\x01-\x08\x0B\x0C\x0E-\x1F\x21\x23-\x5B\x5D-\x7F]|(?:\x5C[\x00-\x7F]))*\x22)"
_LOCAL_WORD = f"(?:{_LOCAL_ATOM}|{_LOCAL_QUOTED})"
_IPV4_OCTET = r"(?:(?:25[0-5])|(?:2[0-4][0-9])|(?:1[0-9]{2})|(?:[1-9]?[0-9]))"
# PHP's pattern starts with two look-aheads limiting the address to < 255 and the local part to
# < 65 "units" (a character, a backslash pair, optionally wrapped in quotes); they are checked in
# code below because Python has no backtracking limit to stop them on hostile input. The repeated
# domain labels are possessive for the same reason (the accepted language does not change).
_EMAIL_RE = re.compile(
    rf"^{_LOCAL_WORD}(?:\.{_LOCAL_WORD})*@"
    r"(?:(?:(?!.*[^.]{64,})(?:(?:xn--)?[a-z0-9]+(?:-+[a-z0-9]+)*\.)++"
    r"(?:(?:[a-z][a-z0-9]*)|(?:(?:xn--)[a-z0-9]+))(?:-+[a-z0-9]+)*)"
    r"|(?:\[(?:(?:IPv6:(?:(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){7})"
    r"|(?:(?!(?:.*[a-f0-9][:\]]){7,})(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,5})?::"
    r"(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,5})?)))"
    r"|(?:(?:IPv6:(?:(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){5}:)"
    r"|(?:(?!(?:.*[a-f0-9]:){5,})(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,3})?::"
    r"(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,3}:)?)))?"
    rf"{_IPV4_OCTET}(?:\.{_IPV4_OCTET}){{3}}))\]))\Z",
    re.IGNORECASE | _A,
)
_EMAIL_UNIT_RE = re.compile(r"\\[\x00-\x7e]|[^\\\x22]")


def _email_units(text: str) -> int:
    return len(_EMAIL_UNIT_RE.findall(text))


_MULTILANG_RE = re.compile(
    r'<(?:span lang="[a-zA-Z0-9_-]+" class="multilang"|lang lang="[a-zA-Z0-9_-]+")>|</(?:span|lang)>'
)
_TIMEZONE_RE = re.compile(
    r"^(?:(?:[+-]?(?:1[0-3]|0?[0-9])(?:\.(?:0|5))?)|99|[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*)$", _A
)
_PLUGIN_NAME_RE = re.compile(r"^[a-z](?:[a-z0-9_](?!__))*[a-z0-9]+$", _A)


def php_trim(value: str) -> str:
    return value.strip(PHP_TRIM)


def php_intval(value: str) -> int:
    """``(int)$string`` on PHP 8: leading whitespace, sign, digits, optional exponent; saturates."""
    match = re.match(r"^[ \t\n\r\v\f]*([+-]?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)", value)
    if not match:
        return 0
    number = match.group(1)
    try:
        result = int(number) if re.fullmatch(r"[+-]?[0-9]+", number) else int(float(number))
    except (ValueError, OverflowError):
        return INT_MAX if not number.startswith("-") else -INT_MAX - 1
    return max(-INT_MAX - 1, min(INT_MAX, result))


def php_empty(value: object) -> bool:
    """PHP ``empty()``: null, '', '0', 0, false and empty arrays."""
    return value is None or value in ("", "0", 0, False) or value == {} or value == []


def _is_space(char: str) -> bool:
    return char in " \t\n\v\f\r"


def strip_tags(value: str) -> str:
    """PHP 8 ``strip_tags($s)`` (``php_strip_tags_ex`` without allowed tags), state machine and all."""
    if "<" not in value and ">" not in value and "\0" not in value:
        return value
    out: list[str] = []
    n = len(value)
    state = 0
    depth = 0
    in_q = ""
    lc = ""
    br = 0
    is_xml = False
    i = 0
    while i < n:
        c = value[i]
        prev = value[i - 1] if i >= 1 else ""
        nxt = value[i + 1] if i + 1 < n else "\0"
        if state == 0:
            if c == "\0":
                pass
            elif c == "<":
                if in_q:
                    pass
                elif _is_space(nxt):
                    out.append(c)
                else:
                    lc = "<"
                    state = 1
            elif c == ">":
                if depth:
                    depth -= 1
                elif not in_q:
                    out.append(c)
            else:
                out.append(c)
        elif state == 1:
            if c == "<":
                if not in_q and not _is_space(nxt):
                    depth += 1
            elif c == ">":
                if depth:
                    depth -= 1
                elif not in_q:
                    lc = ">"
                    if not (is_xml and prev == "-"):
                        in_q, state, is_xml = "", 0, False
            elif c in "\"'":
                if i != 0 and (not in_q or c == in_q):
                    in_q = "" if in_q else c
            elif c == "!" and prev == "<":
                state = 3
                lc = c
            elif c == "?" and prev == "<":
                br = 0
                state = 2
        elif state == 2:
            if c == "(":
                if lc not in ('"', "'"):
                    lc = "("
                    br += 1
            elif c == ")":
                if lc not in ('"', "'"):
                    lc = ")"
                    br -= 1
            elif c == ">":
                if depth:
                    depth -= 1
                elif not in_q and not br and lc != '"' and prev == "?":
                    in_q, state = "", 0
            elif c in "\"'":
                if i >= 1 and prev != "\\":
                    if lc == c:
                        lc = ""
                    elif lc != "\\":
                        lc = c
                    if not in_q or c == in_q:
                        in_q = "" if in_q else c
            elif c in "lL" and i > 4 and value[i - 4 : i].lower() == "<?xm":
                state = 1
                is_xml = True
        elif state == 3:
            if c == ">":
                if depth:
                    depth -= 1
                elif not in_q:
                    in_q, state = "", 0
            elif c in "\"'":
                if i != 0 and prev != "\\" and (not in_q or c == in_q):
                    in_q = "" if in_q else c
            elif c == "-" and i >= 2 and value[i - 2 : i] == "!-":
                state = 4
            elif c in "eE" and i > 6 and value[i - 6 : i].lower() == "doctyp":
                state = 1
        elif c == ">" and not in_q and i >= 2 and value[i - 2 : i] == "--":  # state 4: comment
            in_q, state = "", 0
        i += 1
    return "".join(out)


def clean_int(value: str) -> int:
    return php_intval(value)


def clean_bool(value: str) -> int:
    lowered = value.lower()
    if lowered in ("on", "yes", "true"):
        return 1
    if lowered in ("off", "no", "false"):
        return 0
    return 0 if php_empty(value) else 1


def validate_url_syntax(value: str, options: str) -> bool:
    """``validateUrlSyntax()``."""
    pattern = _URL_RE if options == "s?H?S?F?E-u-P-a?I?p?f?q?r?" else url_syntax_regex(options)
    return bool(pattern.match(value))


def clean_url(value: str) -> str:
    """PARAM_URL: kept when ``validateUrlSyntax`` accepts it (optional http/https/ftp scheme)."""
    value = fix_utf8(value)
    return value if not php_empty(value) and _URL_RE.match(value) else ""


def clean_localurl(value: str, wwwroot: str) -> str:
    """PARAM_LOCALURL (4.1): PARAM_URL, then wwwroot itself, root-relative, under wwwroot or relative."""
    value = clean_url(value)
    if php_empty(value):
        return value
    if value == wwwroot or value.startswith("/"):
        return value
    if value.lower().startswith((wwwroot + "/").lower()):
        return value
    if _RELATIVE_RE.match("/" + value) and "javascript:" not in value.lower():
        return value
    return ""


def clean_host(value: str) -> str:
    """PARAM_HOST on PHP 8 (the whole dotted quad is compared with 255 as a *string*)."""
    value = re.sub(r"[^.\d\w-]", "", value, flags=_A)
    match = re.search(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})", value, _A)
    if match:
        whole_too_big = match.group(0) > "255"
        if whole_too_big or any(int(match.group(i)) > 255 for i in (1, 3, 4)):
            return ""
        return value
    if re.match(r"^[\w\d.-]+$", value, _A) and not re.match(r"^[.-]", value) and not re.search(r"[.-]$", value):
        return value
    return ""


_NOT_USERNAME = re.compile(r"[^-.@_a-z0-9]")
_NOT_ALPHANUM = re.compile(r"[^A-Za-z0-9]")


def clean_username(value: str, extended_chars: bool = False) -> str:
    value = php_trim(fix_utf8(value)).lower()
    if not extended_chars:
        value = value.replace(" ", "")
        value = _NOT_USERNAME.sub("", value)
    return value


def validate_email(value: str | None) -> bool:
    """``validate_email()``: PHP's FILTER_VALIDATE_EMAIL and no ``<`` or ``>``."""
    if not value or len(value) > 320 or "\n" in value or "\r" in value:
        return False
    if _email_units(value) >= 255 or ("@" in value and _email_units(value[: value.rindex("@")]) >= 65):
        return False
    return bool(_EMAIL_RE.match(value)) and not re.search(r"[<>]", value)


def clean_email(value: str) -> str:
    value = fix_utf8(value)
    return value if validate_email(value) else ""


def clean_text(value: str) -> str:
    """PARAM_TEXT: tags stripped unless they are balanced multilang spans (simplified)."""
    value = fix_utf8(value)
    kept = _MULTILANG_RE.findall(value)
    if kept and strip_tags(_MULTILANG_RE.sub("", value)) == _MULTILANG_RE.sub("", value):
        return value
    return strip_tags(value)


def clean_timezone(value: str) -> str:
    value = php_trim(value)
    return value if _TIMEZONE_RE.match(value) else ""


def clean_safedir(value: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "", value)


def _installed(cleaner: Callable[[str], str], installed: Collection[str]) -> Callable[[str], str]:
    def clean(value: str) -> str:
        value = cleaner(value)
        return value if value in installed else ""

    return clean


def clean_plugin(value: str) -> str:
    """PARAM_PLUGIN: a valid frankenstyle plugin name or ''."""
    return value if _PLUGIN_NAME_RE.match(value) else ""


class ParamCleaner:
    """Cleans one value for one PARAM type, given the site facts some types depend on."""

    def __init__(
        self,
        *,
        wwwroot: str,
        languages: Collection[str],
        auth_plugins: Collection[str],
        extended_username_chars: bool = False,
    ) -> None:
        self.wwwroot = wwwroot
        self.languages = languages
        self._cleaners: dict[str, Callable[[str], object]] = {
            "int": clean_int,
            "bool": clean_bool,
            "float": lambda v: v,
            "raw": fix_utf8,
            "raw_trimmed": lambda v: php_trim(fix_utf8(v)),
            "alpha": lambda v: re.sub(r"[^a-zA-Z]", "", v),
            "alphanum": lambda v: _NOT_ALPHANUM.sub("", v),
            "alphanumext": lambda v: re.sub(r"[^A-Za-z0-9_-]", "", v),
            "safedir": clean_safedir,
            "sequence": lambda v: re.sub(r"[^0-9,]", "", v),
            "notags": lambda v: strip_tags(fix_utf8(v)),
            "text": clean_text,
            "username": lambda v: clean_username(v, extended_username_chars),
            "email": clean_email,
            "url": clean_url,
            "localurl": lambda v: clean_localurl(v, self.wwwroot),
            "host": clean_host,
            "lang": _installed(clean_safedir, languages),
            "auth": _installed(clean_plugin, auth_plugins),
            "theme": _installed(clean_plugin, ("boost", "classic")),
            "plugin": clean_plugin,
            "timezone": clean_timezone,
        }

    def clean(self, value: str, param_type: str) -> object:
        return self._cleaners[param_type](value)
