"""Building blocks of hostile requests: values, keys, forms, bodies, headers, methods.

Everything a client can put on the wire is drawn here: non-UTF-8 bytes, lone surrogates encoded
as bytes, duplicated keys, PHP array syntax (``a[]``, ``a[0][x]``, deep nesting), huge values,
malformed percent escapes, odd methods and content types, bodies split into chunks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache

from hypothesis import strategies as st

from tests.fuzz.asgi import Case

SizedBytes = st.SearchStrategy[bytes]

NUMBERS = [b"0", b"1", b"-1", b"2", b"3", b"99999999999999999999", b"1e309", b"-0", b"0x1A", b"1.5", b"NaN", b" 1"]
ODD = [b"", b"%", b"%zz", b"%ff", b"%00", b"\x00", b"\xff\xfe", b"[]", b"=", b"&", b"+", b"\\", b"'\"<>", b"../.."]
HUGE_SIZES = [4_096, 65_536, 300_000]
ODD_METHODS = ["HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "PROPFIND", "TRACE", "FOO", "get", "CONNECT"]
CONTENT_TYPES = [
    b"application/x-www-form-urlencoded",
    b"application/x-www-form-urlencoded; charset=ISO-8859-1",
    b"multipart/form-data; boundary=BOUNDARY",
    b"multipart/form-data",
    b"multipart/form-data; boundary=",
    b"application/json",
    b"application/json; charset=utf-16",
    b"text/plain",
    b"application/xml",
    b"application/yaml",
    b"\xff\xfe/\x00",
    b";;;",
]
HOSTS = [b"testserver", b"testserver", b"testserver", b"127.0.0.1:8000", b"evil.example", b"", b"\xff", b"[::1]:80"]
LANGS = [b"es", b"en", b"es-CL,es;q=0.9", b"en;q=x", b";;", b"*;q=0", b"\xff", b"zz"]
FORWARDED = [b"1.2.3.4", b"junk", b"::1", b"[::1]:80", b"", b"10.0.0.1, 2001:db8::1", b"\xff"]


def header_value(raw: bytes) -> bytes:
    """What an HTTP/1.1 parser lets through in a header value: no control bytes, at most 8 KiB."""
    return bytes(b for b in raw[:8192] if (b >= 0x20 and b != 0x7F) or b == 0x09)


def surrogate_text(max_size: int = 30) -> SizedBytes:
    """Text that is not valid UTF-8 once encoded (lone surrogates pass through ``surrogatepass``)."""
    return st.text(max_size=max_size).map(lambda t: t.encode("utf-8", "surrogatepass"))


@cache
def values(vocab: tuple[bytes, ...]) -> SizedBytes:
    """A parameter value: a known good one most often, else numbers, odd bytes, binary; rarely huge."""
    known = st.sampled_from(vocab or (b"x",))
    common = st.one_of(
        known,
        known,
        st.sampled_from(NUMBERS),
        st.sampled_from(ODD),
        st.binary(max_size=40),
        surrogate_text(),
        st.builds(lambda a, b: a + b, known, st.sampled_from(ODD + NUMBERS)),
    )
    return st.tuples(st.integers(0, 49), common, st.sampled_from(HUGE_SIZES)).map(_maybe_huge)


def _maybe_huge(choice: tuple[int, bytes, int]) -> bytes:
    """One value in 50 is blown up to kilobytes (built only then: the common case stays cheap)."""
    pick, value, size = choice
    return (value or b"A") * (size // max(1, len(value))) if pick == 0 else value


@cache
def keys(names: tuple[str, ...]) -> SizedBytes:
    """A parameter name: known names, with PHP array suffixes, deep nesting, or junk bytes."""
    known = st.sampled_from(list(names)).map(str.encode)
    suffix = st.sampled_from([b"[]", b"[0]", b"[1]", b"[x]", b"[0][username]", b"[", b"]", b"[]]", b"[0][", b"[-1]"])
    return st.one_of(
        known,
        known,
        st.builds(lambda k, s: k + s, known, suffix),
        st.builds(lambda k, n: k + b"[a]" * n, known, st.sampled_from([8, 40, 300])),
        st.binary(max_size=12),
        surrogate_text(12),
    )


Pairs = list[tuple[bytes, bytes]]


def _duplicated(items_and_how: tuple[Pairs, int]) -> Pairs:
    items, how = items_and_how
    return [items, items + items[:1], items[::-1] + items][how]


@cache
def pairs(names: tuple[str, ...], vocab: tuple[bytes, ...], max_size: int = 8) -> st.SearchStrategy[Pairs]:
    """Key/value pairs; duplicates happen (the same key drawn twice, or a pair repeated)."""
    one = st.tuples(keys(names), values(vocab))
    return st.tuples(st.lists(one, max_size=max_size), st.sampled_from([0, 0, 1, 2])).map(_duplicated)


@dataclass(frozen=True)
class Encoding:
    quote: bool
    plus: bool
    junk: bytes


_UNSAFE = re.compile(rb"[^A-Za-z0-9_.~-]")
_UNSAFE_BRACKETS = re.compile(rb"[^A-Za-z0-9_.~\[\]-]")


def _escape(match: re.Match[bytes]) -> bytes:
    return b"%%%02X" % match.group()[0]


def encode(items: Pairs, how: Encoding) -> bytes:
    """``a=b&c=d``: percent-encoded (optionally ``+`` for spaces), or raw bytes, plus malformed junk."""

    def q(raw: bytes) -> bytes:
        if not how.quote:
            return raw.replace(b"&", b"%26").replace(b"=", b"%3D")
        encoded = (_UNSAFE_BRACKETS if how.plus else _UNSAFE).sub(_escape, raw)
        return encoded.replace(b"%20", b"+") if how.plus else encoded

    joined = b"&".join(q(k) + b"=" + q(v) for k, v in items)
    return joined + how.junk


encodings = st.builds(
    Encoding, st.booleans(), st.booleans(), st.sampled_from([b"", b"", b"", b"&", b"&&=", b"&a", b"%", b"&=x&x==y"])
)


def multipart(items: Pairs, boundary: bytes, truncate: bool) -> bytes:
    parts = []
    for i, (k, v) in enumerate(items):
        name = k.replace(b'"', b"").replace(b"\r", b"").replace(b"\n", b"")
        filename = b'; filename="f.txt"' if i % 3 == 2 else b""
        parts.append(b"--" + boundary + b'\r\nContent-Disposition: form-data; name="' + name + b'"' + filename)
        parts.append(b"\r\n\r\n" + v + b"\r\n")
    body = b"".join(parts) + b"--" + boundary + b"--\r\n"
    return body[: len(body) // 2] if truncate else body


def json_body(items: Pairs) -> bytes:
    data: dict[str, object] = {}
    for k, v in items:
        data[k.decode("utf-8", "replace")] = v.decode("utf-8", "replace")
    return json.dumps(data).encode()


@dataclass
class Context:
    """Values valid in the world under fuzz (tokens, users, keys, cookies), so cases reach deep code."""

    vocab: tuple[bytes, ...] = ()
    cookies: list[bytes] = field(default_factory=list)


def request(
    route: str,
    path: str,
    methods: tuple[str, ...],
    names: tuple[str, ...],
    ctx: Context,
    fixed: st.SearchStrategy[Pairs] | None = None,
) -> st.SearchStrategy[Case]:
    """Half the cases well formed (so they get past parsing into the route's own logic), half hostile."""
    return st.one_of(
        _wellformed(route, path, methods, names, ctx, fixed), _hostile(route, path, methods, names, ctx, fixed)
    )


@st.composite
def _wellformed(
    draw: st.DrawFn,
    route: str,
    path: str,
    methods: tuple[str, ...],
    names: tuple[str, ...],
    ctx: Context,
    fixed: st.SearchStrategy[Pairs] | None = None,
) -> Case:
    """What a browser or web service client sends: a route method, params where the method puts them
    (form or multipart body for POST), the right content type; a few extra pairs."""
    method = draw(st.sampled_from(methods))
    items = (draw(fixed) if fixed is not None else []) + draw(
        st.lists(st.tuples(keys(names), values(ctx.vocab)), max_size=2)
    )
    headers: list[tuple[bytes, bytes]] = [(b"host", b"testserver")]
    query = body = b""
    if method == "POST":
        if draw(st.integers(0, 3)):
            body = encode(items, Encoding(True, draw(st.booleans()), b""))
            headers.append((b"content-type", CONTENT_TYPES[0]))
        else:
            body = multipart(items, b"BOUNDARY", False)
            headers.append((b"content-type", CONTENT_TYPES[2]))
        headers.append((b"content-length", str(len(body)).encode()))
    else:
        query = encode(items, Encoding(True, draw(st.booleans()), b""))
    if ctx.cookies and draw(st.booleans()):
        headers.append((b"cookie", ctx.cookies[draw(st.integers(0, len(ctx.cookies) - 1))]))
    return Case(route, method, path, query, tuple(headers), body)


@st.composite
def _hostile(
    draw: st.DrawFn,
    route: str,
    path: str,
    methods: tuple[str, ...],
    names: tuple[str, ...],
    ctx: Context,
    fixed: st.SearchStrategy[Pairs] | None = None,
) -> Case:
    """Anything at ``path``: a usual or odd method, params in the query and/or a body of some content
    type (matching it or not), with random headers. ``fixed`` adds route-specific pairs (e.g. the
    REST function's own parameters) before the random ones."""
    vocab = ctx.vocab
    method = draw(st.sampled_from(methods)) if draw(st.integers(0, 9)) else draw(st.sampled_from(ODD_METHODS))
    base = draw(fixed) if fixed is not None else []
    extra = draw(pairs(names, vocab))
    in_query = draw(st.sampled_from(["query", "body", "both", "split"]))
    if method in ("GET", "HEAD") and draw(st.booleans()):
        in_query = "query"
    everything = base + extra
    query_items = everything if in_query in ("query", "both") else (extra if in_query == "split" else [])
    body_items = everything if in_query in ("body", "both") else (base if in_query == "split" else [])
    query = encode(query_items, draw(encodings))
    headers: list[tuple[bytes, bytes]] = [(b"host", draw(st.sampled_from(HOSTS)))]
    body = b""
    if body_items or draw(st.booleans()):
        ctype = draw(st.sampled_from(CONTENT_TYPES))
        if ctype.startswith(b"multipart"):
            body = multipart(body_items, b"BOUNDARY", draw(st.booleans()))
        elif ctype.startswith(b"application/json"):
            pick = draw(st.integers(0, 3))
            body = [json_body(body_items), encode(body_items, draw(encodings)), b"[1,", b"null"][pick]
        else:
            body = draw(st.binary(max_size=60)) if draw(st.integers(0, 4)) == 0 else encode(body_items, draw(encodings))
        if draw(st.integers(0, 9)):
            headers.append((b"content-type", ctype))
    if body or method in ("POST", "PUT", "PATCH"):
        headers.append((b"content-length", str(len(body)).encode()))
    if ctx.cookies and draw(st.integers(0, 2)) == 0:
        cookie = ctx.cookies[draw(st.integers(0, len(ctx.cookies) - 1))]
        cookie = [cookie, cookie + b"x", b"MoodleSession=\xff", b"=;;", cookie][draw(st.integers(0, 4))]
        headers.append((b"cookie", cookie))
    for name, choices in ((b"accept-language", LANGS), (b"x-forwarded-for", FORWARDED)):
        if draw(st.integers(0, 3)) == 0:
            headers.append((name, draw(st.sampled_from(choices))))
    if draw(st.integers(0, 5)) == 0:
        name = draw(st.sampled_from([b"origin", b"referer", b"user-agent", b"range", b"sec-fetch-site"]))
        headers.append((name, header_value(draw(values(vocab)))))
    chunks = draw(st.sampled_from([1, 1, 1, 3]))
    return Case(route, method, path, query, tuple(headers), body, chunks)


def mixed_case(path: str) -> st.SearchStrategy[str]:
    """The same path in random letter case (SENCE matches its paths case-insensitively)."""
    return st.lists(st.booleans(), min_size=len(path), max_size=len(path)).map(
        lambda flips: "".join(c.upper() if f else c.lower() for c, f in zip(path, flips, strict=True))
    )
