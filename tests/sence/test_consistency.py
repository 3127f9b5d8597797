"""Cross-reference checks of the SENCE world, and the shipped worlds pass them."""

from __future__ import annotations

import pytest

from mockserver.sence.consistency import check_sence
from mockserver.sence.spec import SenceWorld
from mockserver.world.loader import load_scenario
from tests.harness import DEMO
from tests.sence.helpers import SCENARIOS


@pytest.mark.parametrize("path", [DEMO, *sorted(SCENARIOS.glob("sence-*.yaml"))], ids=lambda p: p.name)
def test_shipped_worlds_are_consistent(path: object) -> None:
    assert check_sence(load_scenario(path).scenario.sence) == []  # type: ignore[arg-type]


def test_problems_are_located() -> None:
    world = SenceWorld.model_validate(
        {
            "otecs": [
                {"rut": "76543210-3", "tokens": [{"token": "5EEBF607-25A9-4DB2-A4DD-5D31BDAE3220"}]},
                {"rut": "76543210-3", "tokens": [{"token": "5eebf607-25a9-4db2-a4dd-5d31bdae3220"}]},
            ],
            "courses": [
                {"codsence": "1238008244", "codigocurso": "6071806", "otec": "77123456-9"},
                {"codsence": "123", "codigocurso": "6071806", "otec": "76543210-3"},
                {"codsence": "1238008244", "codigocurso": "RLAB-1", "linea": 1, "otec": "76543210-3"},
            ],
            "students": [{"run": "12345678-5"}, {"run": "12345678-5"}],
        }
    )
    locations = [loc for loc, _ in check_sence(world)]
    assert locations == [
        ("sence", "otecs", 0, "rut"),
        ("sence", "otecs", 0, "tokens", 0, "token"),
        ("sence", "otecs", 1, "rut"),
        ("sence", "otecs", 1, "tokens", 0, "token"),
        ("sence", "courses", 0, "codigocurso"),
        ("sence", "courses", 0, "otec"),
        ("sence", "courses", 1, "codigocurso"),
        ("sence", "courses", 1, "codsence"),
        ("sence", "courses", 2, "codsence"),
        ("sence", "students", 0, "run"),
        ("sence", "students", 1, "run"),
    ]


def test_world_values_are_validated() -> None:
    with pytest.raises(ValueError, match="check digit"):
        SenceWorld.model_validate({"students": [{"run": "12345678-9"}]})
    with pytest.raises(ValueError, match="GUID"):
        SenceWorld.model_validate({"otecs": [{"rut": "76543210-3", "tokens": [{"token": "abc"}]}]})
