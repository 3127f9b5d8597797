"""Random form posts never make SENCE's endpoints or the plugin's pages answer 5xx."""

from __future__ import annotations

import random
from urllib.parse import quote_from_bytes

from tests.harness import DEMO, ServerFactory
from tests.sence.helpers import FORM, START_FIELDS, demo_post

NAMES = [*START_FIELDS, "IdSesionSence", "GlosaError", "tx", "run", "clave", "id", "sesskey", "RutAlumno", "x[y]"]
PATHS = [
    "/rce/Registro/IniciarSesion",
    "/rcetest/Registro/CerrarSesion",
    "/rce/Registro/Ingresar",
    "/blocks/sence/retorno.php",
    "/blocks/sence/retorno.php?cierre=1",
    "/blocks/sence/error.php",
    "/blocks/sence/cerrar.php",
]


def _value(rng: random.Random) -> bytes:
    kind = rng.randrange(5)
    if kind == 0:
        return b""
    if kind == 1:
        return rng.randbytes(rng.randrange(1, 40))
    if kind == 2:
        return str(rng.choice(list(demo_post().values()))).encode()
    if kind == 3:
        return b"-1"
    return ("ñ" * rng.randrange(1, 200)).encode()


def test_random_posts_never_fail(inprocess: ServerFactory) -> None:
    h = inprocess(DEMO, {"sence": {"settings": {"multiple_errors": True}}})
    rng = random.Random(1234)
    for _ in range(400):
        pairs = [(rng.choice(NAMES).encode(), _value(rng)) for _ in range(rng.randrange(0, 14))]
        body = "&".join(f"{quote_from_bytes(k)}={quote_from_bytes(v)}" for k, v in pairs)
        path = rng.choice(PATHS)
        response = h.client.post(path, content=body, headers=FORM)
        assert response.status_code < 500, (path, body, response.text[:500])
