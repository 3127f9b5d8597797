"""Fuzz targets of SENCE: the RCE endpoints in both environments (any letter case), its login page
post, the attendance register, and the Moodle block's callback pages."""

from __future__ import annotations

from hypothesis import strategies as st

from tests.fuzz.asgi import Case
from tests.fuzz.strategies import Context, Pairs, mixed_case, request, values
from tests.sence.helpers import CLOSE_CALLBACK, START_CALLBACK, START_FIELDS, demo_post

DEMO = {k: v.encode() for k, v in demo_post().items()}
NAMES = (*START_FIELDS, *START_CALLBACK, "IdSesionSence", "GlosaError", "tx", "run", "clave", "id", "sesskey", "cierre")
VOCAB = (*DEMO.values(), b"12345678-5", b"18765432-7", b"demo", b"1", b"100", b"200", b"201", b"209", b"-1")
ENDPOINTS = ("IniciarSesion", "CerrarSesion", "Ingresar")
BLOCK = {
    "/blocks/sence/retorno.php": ("POST",),
    "/blocks/sence/error.php": ("GET", "POST"),
    "/blocks/sence/cerrar.php": ("POST",),
}


def _fields(names: list[str]) -> st.SearchStrategy[Pairs]:
    """The demo's fields, each kept, replaced by a hostile value or left out."""

    @st.composite
    def build(draw: st.DrawFn) -> Pairs:
        found: Pairs = []
        for name in names:
            choice = draw(st.integers(0, 9))
            if choice == 0:
                continue
            value = DEMO.get(name, b"1") if choice > 2 else draw(values(VOCAB))
            found.append((name.encode(), value))
        return found

    return build()


def sence_cases(ctx: Context) -> list[st.SearchStrategy[Case]]:
    ctx = Context(vocab=ctx.vocab + VOCAB, cookies=ctx.cookies)
    cases = []
    for env in ("rce", "rcetest"):
        for endpoint in ENDPOINTS:
            path = f"/{env}/Registro/{endpoint}"
            fields = START_FIELDS if endpoint != "Ingresar" else ["run", "clave", "tx", "IdSesionSence"]
            same = request(f"sence {path}", path, ("POST",), NAMES, ctx, _fields(list(fields)))
            cased = mixed_case(path).flatmap(
                lambda p, e=endpoint: request(f"sence /*/Registro/{e} (any case)", p, ("POST",), NAMES, ctx)
            )
            cases += [same, cased]
    for path in ("/rce/registro", "/rce/registro.json"):
        cases.append(request(f"sence {path}", path, ("GET",), NAMES, ctx))
    for path, methods in BLOCK.items():
        cases.append(
            request(f"block_sence {path}", path, methods, NAMES, ctx, _fields([*CLOSE_CALLBACK, "IdSesionSence"]))
        )
    return cases
