"""The facts of one request and how a ``MatchSpec`` compares with them.

Faults, journal filters and verifications all ask the same question, so they share this code:
``differences()`` lists what does not match (empty = a match), in words a failing test can show.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import unquote_plus

from mockserver import phpform
from mockserver.admin import identity
from mockserver.admin.faultspec import MatchSpec
from mockserver.admin.masking import mask_value
from mockserver.phpform import PhpArray
from mockserver.text import shown


def flatten(array: PhpArray, prefix: str = "") -> dict[str, str]:
    """``{"user": {"username": "x"}}`` -> ``{"user[username]": "x"}``; bytes that were not UTF-8
    become U+FFFD here, so journal entries stay printable JSON (``mockserver.text``)."""
    flat: dict[str, str] = {}
    for key, value in array.items():
        name = f"{prefix}[{shown(key)}]" if prefix else shown(key)
        if isinstance(value, dict):
            flat.update(flatten(value, name))
        else:
            flat[name] = shown(value)
    return flat


_UNSET = object()


class RequestFacts:
    """What the journal and the faults know about a request before the server answers it.

    Parameters are decoded (the PHP way, then flattened to ``user[username]`` names) on first use:
    most journal entries are never read, so the request path only keeps the raw bytes. A
    multipart body, which needs async parsing, arrives already decoded as ``form``.
    """

    __slots__ = ("_form", "_params", "_query", "_raw_form", "_raw_query", "_user", "actor", "method", "path", "tenant")

    def __init__(
        self,
        tenant: str,
        method: str,
        path: str,
        query: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        user: str | object | None = _UNSET,
        actor: str | None = None,
        *,
        raw_query: bytes = b"",
        raw_form: bytes = b"",
    ) -> None:
        self.tenant = tenant
        self.method = method
        self.path = path
        self.actor = actor
        self._query = query
        self._form = form
        self._raw_query = raw_query
        self._raw_form = raw_form
        self._user = user
        self._params: dict[str, str] | None = None

    @property
    def query(self) -> dict[str, str]:
        if self._query is None:
            self._query = flatten(phpform.parse(self._raw_query)) if self._raw_query else {}
        return self._query

    @property
    def form(self) -> dict[str, str]:
        if self._form is None:
            self._form = flatten(phpform.parse(self._raw_form)) if self._raw_form else {}
        return self._form

    @property
    def params(self) -> dict[str, str]:
        """GET and POST merged, POST winning (Moodle's ``optional_param``)."""
        if self._params is None:
            self._params = {**self.query, **self.form}
        return self._params

    @property
    def wsfunction(self) -> str | None:
        return self.params.get("wsfunction")

    @property
    def user(self) -> str | None:
        if self._user is _UNSET:
            self._user = identity.subject(self.params)
        return self._user  # type: ignore[return-value]

    def weight(self) -> int:
        """Bytes the facts hold, roughly: each parameter byte counts twice (raw, and decoded once read)."""
        size = len(self.path) + 2 * (len(self._raw_query) + len(self._raw_form))
        if not self._raw_form and self._form:  # multipart: only the decoded fields exist
            size += 2 * sum(len(name) + len(value) for name, value in self._form.items())
        return size

    def trim(self, limit: int) -> int:
        """Keep at most ``limit`` bytes of parameters; return how many bytes were left out.

        The query string comes first, then the form; each is cut after its last whole parameter
        that fits (a parameter is never cut in the middle: a cut one is left out whole), and
        multipart fields that do not fit are left out. Decoded parameters are decoded again from
        what is kept."""
        kept_query = _cut(self._raw_query, limit)
        kept_form = _cut(self._raw_form, limit - len(kept_query))
        cut = len(self._raw_query) - len(kept_query) + len(self._raw_form) - len(kept_form)
        if cut:
            self._raw_query, self._raw_form = kept_query, kept_form
            self._query, self._params = None, None
            if self._raw_form or not self._form:
                self._form = None
        if not self._raw_form and self._form:
            room = limit - len(kept_query)
            fields: dict[str, str] = {}
            for name, value in self._form.items():
                size = len(name) + len(value)
                if size <= room:
                    fields[name] = value
                    room -= size
                else:
                    cut += size
            if len(fields) != len(self._form):
                self._form, self._params = fields, None
        return cut

    def secrets(self) -> dict[str, str]:
        """``wstoken`` and ``key`` only, found without decoding everything (for the actor lookup)."""
        if self._query is not None or self._form is not None:
            params = self.params
            return {k: params[k] for k in ("wstoken", "key") if k in params}
        found: dict[str, str] = {}
        for raw in (self._raw_query, self._raw_form):
            if b"wstoken=" not in raw and b"key=" not in raw:
                continue
            for pair in raw.split(b"&"):  # each parameter starting with the name, as PHP splits them
                name, _, value = pair.partition(b"=")
                if _ and (name == b"wstoken" or name == b"key"):
                    text = value.decode("utf-8", "surrogateescape")
                    # looked up, never shown; unquote_plus changes nothing without % or +
                    found[name.decode()] = unquote_plus(text) if b"%" in value or b"+" in value else text
        return found


def _cut(raw: bytes, limit: int) -> bytes:
    """``raw`` up to its last ``&`` within ``limit`` bytes (all of it when it fits)."""
    if len(raw) <= limit:
        return raw
    end = raw.rfind(b"&", 0, max(limit, 0) + 1)
    return raw[:end] if end > 0 else b""


@lru_cache(maxsize=512)
def _pieces(pattern: str) -> tuple[str, ...]:
    return tuple(pattern.split("*"))


def glob_match(pattern: str, value: str) -> bool:
    """Whole-string match where ``*`` stands for any text (nothing else is special).

    The pieces between stars are found left to right, each at its first place after the last
    one (the leftmost match is always the best choice), so a pattern like ``*p*p*q`` costs one
    scan of the value per piece instead of the regex engine's exponential backtracking.
    """
    if "*" not in pattern:
        return pattern == value
    first, *middle, last = _pieces(pattern)
    if not value.startswith(first) or len(value) < len(first) + len(last):
        return False
    at, end = len(first), len(value) - len(last)
    if not value.endswith(last):
        return False
    for piece in middle:
        if not piece:
            continue
        found = value.find(piece, at, end)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def _shown(value: str | None) -> str:
    return "none" if value is None else repr(value)


def differences(spec: MatchSpec, facts: RequestFacts) -> list[str]:
    """Every way ``facts`` differ from ``spec``; an empty list means they match."""
    found: list[str] = []
    if spec.tenant is not None and not glob_match(spec.tenant, facts.tenant):
        found.append(f"tenant: expected {spec.tenant!r}, got {facts.tenant!r}")
    if spec.method is not None and spec.method.upper() != facts.method.upper():
        found.append(f"method: expected {spec.method.upper()}, got {facts.method}")
    if spec.path is not None and not glob_match(spec.path, facts.path):
        found.append(f"path: expected {spec.path!r}, got {facts.path!r}")
    if spec.wsfunction is not None:
        wsfunction = facts.wsfunction
        if wsfunction is None or not glob_match(spec.wsfunction, wsfunction):
            found.append(f"wsfunction: expected {spec.wsfunction!r}, got {_shown(wsfunction)}")
    if spec.params:
        params = facts.params
        for name, expected in spec.params.items():
            actual = params.get(name)
            if actual is None:
                found.append(f"params[{name}]: expected {mask_value(name, expected)!r}, missing")
            elif not glob_match(expected, actual):
                found.append(
                    f"params[{name}]: expected {mask_value(name, expected)!r}, got {mask_value(name, actual)!r}"
                )
    if spec.user is not None and spec.user not in (facts.user, facts.actor):
        acting = f" (acting as {facts.actor!r})" if facts.actor and facts.actor != facts.user else ""
        found.append(f"user: expected {spec.user!r}, got {_shown(facts.user)}{acting}")
    return found


def matches(spec: MatchSpec, facts: RequestFacts) -> bool:
    """``not differences(spec, facts)``, stopping at the first mismatch, cheap checks first
    (a fault's path or method usually rules a request out before any parameter is decoded)."""
    if spec.method is not None and spec.method.upper() != facts.method.upper():
        return False
    if spec.path is not None and not glob_match(spec.path, facts.path):
        return False
    if spec.tenant is not None and not glob_match(spec.tenant, facts.tenant):
        return False
    if spec.wsfunction is not None:
        wsfunction = facts.wsfunction
        if wsfunction is None or not glob_match(spec.wsfunction, wsfunction):
            return False
    if spec.params:
        params = facts.params
        for name, expected in spec.params.items():
            actual = params.get(name)
            if actual is None or not glob_match(expected, actual):
                return False
    return spec.user is None or spec.user in (facts.user, facts.actor)
