"""lib/ajax/service.php never answers 500: random bytes and random JSON shapes give Moodle's JSON replies."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from tests.moodle.functions.conftest import ProvFactory

SCALARS: list[Any] = [None, True, False, 0, 1, -1, 2**70, 1.5, "", "0", "x", "tool_mobile_get_public_config", "é\u0000"]


def shape(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.4:
        return rng.choice(SCALARS)
    if roll < 0.7:
        return [shape(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    keys = ["index", "methodname", "args", "x", "0"]
    return {rng.choice(keys): shape(rng, depth + 1) for _ in range(rng.randint(0, 4))}


@pytest.mark.parametrize("seed", range(4))
def test_random_bodies(prov_inprocess: ProvFactory, seed: int) -> None:
    rng = random.Random(seed)
    h = prov_inprocess()
    for _ in range(40):
        if rng.random() < 0.3:
            body = bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))
        else:
            body = json.dumps(shape(rng)).encode()
        for path in ("/lib/ajax/service.php", "/lib/ajax/service-nologin.php"):
            response = h.client.post(path, content=body)
            assert response.status_code == 200, body
            assert response.headers["content-type"] == "application/json; charset=utf-8"
            json.loads(response.text)
