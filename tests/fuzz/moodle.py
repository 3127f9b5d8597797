"""Fuzz targets of the Moodle surface: protocol pages, the REST server (every registered function with
parameters built from its own description, then mutated) and ``login/token.php``."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from starlette.requests import Request
from starlette.routing import Route

from mockserver.app import MockServerApp
from mockserver.moodle.site import Site
from mockserver.moodle.webservice.description import Description, Multiple, Presence, Value
from mockserver.moodle.webservice.registry import ExternalFunction, registry
from mockserver.routes import moodle_routes
from tests.fuzz.asgi import Case
from tests.fuzz.strategies import NUMBERS, Context, Pairs, request, values

REST = "/webservice/rest/server.php"
INTEGRATION = b"0f1e2d3c4b5a69788796a5b4c3d2e1f0"
PAGE_NAMES = (
    "username", "password", "logintoken", "anchor", "wantsurl", "key", "return", "id", "lang", "sesskey",
    "testsession", "enrolkey_skipsso", "loginpage", "redirect", "edit", "section", "name", "idnumber", "email",
    "firstname", "lastname", "ip", "userkey", "appsitecheck", "service", "token", "appid", "act",
)  # fmt: skip
NOT_PAGES = {
    REST,
    "/login/token.php",
    "/blocks/sence/retorno.php",
    "/blocks/sence/error.php",
    "/blocks/sence/cerrar.php",
}


def _pages() -> dict[str, tuple[str, ...]]:
    """Every Moodle route but REST, token.php and block_sence's callbacks (SENCE's targets), read from
    the app's own route table: a page a plugin adds is fuzzed without a change here."""
    pages: dict[str, tuple[str, ...]] = {}
    for route in moodle_routes():
        if isinstance(route, Route) and route.path not in NOT_PAGES:
            pages[route.path] = tuple(m for m in ("GET", "POST") if m in (route.methods or ()))
    return pages


PAGES = _pages()
UNKNOWN = ["/nope.php", "/login/", "/webservice/rest/", "/admin/index.php", "//login//index.php", "/%ff/%00", "/t/x/"]
REST_NAMES = ("wstoken", "wsfunction", "moodlewsrestformat", "moodlewssettinglang", "moodlewssettingraw",
              "moodlewssettingfilter", "moodlewssettingfileurl")  # fmt: skip
TOKEN_NAMES = ("username", "password", "service", "moodlewsrestformat", "lang")
FORMATS = [b"json", b"xml", b"JSON", b"", b"php", b"json\x00"]


def world_vocab(app: MockServerApp) -> tuple[bytes, ...]:
    """Names and values of the default tenant's world: usernames, passwords, tokens, services, ids."""
    scenario = app.tenants.default.scenario
    found: list[str] = ["admin", "alumno1", "es", "en", "http://testserver/my/", "/course/view.php?id=2"]
    for user in scenario.users:
        found += [user.username, user.password or "", str(user.id), user.email or ""]
    for token in scenario.tokens:
        found += [token.token, token.service]
    for service in scenario.services:
        found += [service.name, service.shortname or ""]
    found += list(registry())
    return tuple(v.encode() for v in dict.fromkeys(found) if v)


def _site(app: MockServerApp) -> Site:
    scope: dict[str, Any] = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    return Site(Request(scope), app.tenants.default, app.config)


def _value_for(description: Value, vocab: tuple[bytes, ...]) -> st.SearchStrategy[bytes]:
    typed = {
        "int": st.sampled_from([*NUMBERS, b"2", b"3", b"4", b"5", b"1"]),
        "bool": st.sampled_from([b"0", b"1", b"true", b"false", b"", b"2"]),
        "float": st.sampled_from([b"1.5", b"1e309", b"-0", b"x", b"1,5"]),
    }.get(description.type)
    return st.one_of(typed, values(vocab)) if typed is not None else values(vocab)


def _present(description: Description) -> bool:
    return description.presence is Presence.REQUIRED


def _draw_described(draw: st.DrawFn, description: Description, prefix: bytes, vocab: tuple[bytes, ...]) -> Pairs:
    """PHP-form pairs for a parameter description (``users[0][username]=...``): every required key
    and a few optional ones; one part in eight left out or given the wrong shape."""
    mutation = draw(st.integers(0, 15))
    if mutation == 0:
        return []
    if mutation == 1:
        return [(prefix or b"x", draw(values(vocab)))]  # a scalar where a structure may be expected
    if isinstance(description, Value):
        if mutation == 2:
            return [(prefix + b"[0]", draw(values(vocab)))]  # an array where a scalar is expected
        return [(prefix, draw(_value_for(description, vocab)))]
    if isinstance(description, Multiple):
        count = draw(st.sampled_from([0, 1, 1, 1, 2]))
        return [
            p for i in range(count) for p in _draw_described(draw, description.content, prefix + b"[%d]" % i, vocab)
        ]
    required = [name for name, sub in description.keys.items() if _present(sub)]
    optional = [name for name, sub in description.keys.items() if not _present(sub)]
    chosen = required + (draw(st.lists(st.sampled_from(optional), max_size=3, unique=True)) if optional else [])
    found: Pairs = []
    for name in chosen:
        key = prefix + b"[" + name.encode() + b"]" if prefix else name.encode()
        found += _draw_described(draw, description.keys[name], key, vocab)
    return found


PAGE_FIXED: dict[str, Pairs] = {
    "/course/view.php": [(b"id", b"2")],
    "/enrol/index.php": [(b"id", b"2")],
    "/login/index.php": [(b"username", b"alumno1"), (b"password", b"Alumno1234!")],
    "/auth/userkey/logout.php": [(b"return", b"http://testserver/")],
}


def page_cases(ctx: Context) -> list[st.SearchStrategy[Case]]:
    def fixed(path: str) -> st.SearchStrategy[Pairs]:
        good = PAGE_FIXED.get(path, [])
        return st.lists(st.sampled_from(good), unique=True) if good else st.just([])

    known = [request(f"page {p}", p, m, PAGE_NAMES, ctx, fixed(p)) for p, m in PAGES.items()]
    unknown = st.sampled_from(UNKNOWN).flatmap(
        lambda p: request("page (unknown path)", p, ("GET", "POST"), PAGE_NAMES, ctx)
    )
    return [*known, unknown]


def token_php_cases(ctx: Context) -> st.SearchStrategy[Case]:
    vocab = ctx.vocab
    good = st.tuples(
        st.sampled_from([b"username", b"username[]"]),
        values(vocab),
        values(vocab),
        st.sampled_from([b"User key authentication web service", b"integration", b"moodle_mobile_app", b""]),
    ).map(lambda t: [(t[0], t[1]), (b"password", t[2]), (b"service", t[3])])
    return request("login/token.php", "/login/token.php", ("GET", "POST"), TOKEN_NAMES, ctx, fixed=good)


def _often(draw: st.DrawFn, good: list[bytes], vocab: tuple[bytes, ...]) -> bytes:
    """A valid value seven times in eight, else anything."""
    return good[draw(st.integers(0, len(good) - 1))] if draw(st.integers(0, 7)) else draw(values(vocab))


def rest_cases(app: MockServerApp, ctx: Context) -> list[st.SearchStrategy[Case]]:
    """One strategy per registered function (its described parameters, mutated) plus unknown names."""
    site, vocab = _site(app), ctx.vocab
    # The integration token's service has every function: most calls get past the access checks.
    tokens = sorted((t.token.encode() for t in app.tenants.default.scenario.tokens), key=lambda t: t != INTEGRATION)
    tokens = [tokens[0], tokens[0], tokens[0], *tokens[1:]]

    def fixed(name: str, function: ExternalFunction) -> st.SearchStrategy[Pairs]:
        params = function.parameters(site)

        @st.composite
        def build(draw: st.DrawFn) -> Pairs:
            return [
                (b"wstoken", _often(draw, tokens, vocab)),
                (b"wsfunction", _often(draw, [name.encode()], vocab)),
                (b"moodlewsrestformat", _often(draw, [b"json", b"xml"], vocab)),
                *_draw_described(draw, params, b"", vocab),
            ]

        return build()

    strategies = [
        request(f"rest {name}", REST, ("POST", "GET"), REST_NAMES, ctx, fixed=fixed(name, function))
        for name, function in sorted(registry().items())
    ]
    anything = st.tuples(values(vocab), values(vocab)).map(lambda t: [(b"wstoken", t[0]), (b"wsfunction", t[1])])
    strategies.append(request("rest (any function)", REST, ("POST", "GET"), REST_NAMES, ctx, fixed=anything))
    return strategies
