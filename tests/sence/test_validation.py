"""Every GlosaError decided before the login, from plain values (no HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mockserver.sence import chiletime, validation
from mockserver.sence.glosas import Manual
from mockserver.sence.records import Action, Environment
from mockserver.sence.spec import SenceScenario, SenceSettings
from mockserver.sence.world import SenceCatalog
from mockserver.world.loader import load_scenario
from tests.sence.helpers import ERRORS, demo_post

NOW = datetime(2026, 3, 2, 13, 0, tzinfo=UTC).timestamp()
WORLD: SenceScenario = load_scenario(ERRORS).scenario.sence


def codes(
    fields: dict[str, str],
    *,
    env: Environment = "rce",
    action: Action = "start",
    manual: Manual = "1.1.6",
    settings: SenceSettings | None = None,
) -> list[int]:
    catalog = SenceCatalog(WORLD, NOW)
    ctx = validation.Context(action, env, manual, settings or SenceSettings(), catalog, chiletime.today(NOW))
    return validation.check(ctx, fields)


def first(fields: dict[str, str], **kwargs: object) -> int | None:
    found = codes(fields, **kwargs)  # type: ignore[arg-type]
    return found[0] if found else None


LONG_URL = "http://lms.example/" + "x" * 90

CASES = [
    # 200: missing, blank, only spaces, misspelled
    ({"RutOtec": None}, 200),
    ({"Token": ""}, 200),
    ({"CodigoCurso": "   "}, 200),
    ({"RunAlumno": None, "RutAlumno": "12345678-5"}, 200),
    ({"IdSesionAlumno": None}, 200),
    ({"LineaCapacitacion": None}, 200),
    ({"CodSence": ""}, 200),
    # 201-203: the URLs
    ({"UrlRetoma": None}, 201),
    ({"UrlError": ""}, 201),
    ({"UrlRetoma": "lms.example/exito"}, 202),
    ({"UrlRetoma": "ftp://lms.example/exito"}, 202),
    ({"UrlRetoma": "http://lms.example/ex ito"}, 202),
    ({"UrlRetoma": "http://lms.example/éxito"}, 202),
    ({"UrlError": "javascript:alert(1)"}, 203),
    ({"UrlError": "http://[::1/x"}, 203),
    # formats and codes
    ({"CodSence": "123"}, 204),
    ({"CodSence": "9999999999"}, 204),
    ({"CodSence": "-1"}, 204),  # the wildcard only works in the test environment
    ({"CodigoCurso": "123"}, 205),
    ({"CodigoCurso": "9999999"}, 205),
    ({"CodigoCurso": "-1"}, 205),
    ({"LineaCapacitacion": "2"}, 206),
    ({"LineaCapacitacion": "tres"}, 206),
    ({"RunAlumno": "12345678-9"}, 207),
    ({"RunAlumno": "12.345.678-5"}, 207),
    ({"RutOtec": "76543210-1"}, 209),
    ({"RutOtec": "76.543.210-3"}, 209),
    # the OTEC's token
    ({"Token": "00000000-0000-0000-0000-000000000000"}, 303),
    ({"Token": "12345678-1234-1234-1234-123456789"}, 303),  # the manual's example is not a GUID
    ({"Token": "9C3A1B2D-4E5F-4A6B-8C7D-0E1F2A3B4C5D"}, 211),
    ({"RutOtec": "79555444-0", "Token": "0B8E4D0A-6C1F-4E8B-9A57-2D7C3F1E5A90"}, 212),
    ({"RutOtec": "78000000-7", "Token": "1F2E3D4C-5B6A-4798-8A9B-0C1D2E3F4A5B"}, 302),
    # over-long OTEC session id
    ({"IdSesionAlumno": "x" * 150}, 304),
    # against the course action
    ({"CodSence": "1238008245"}, 306),
    ({"CodSence": "1238008245", "CodigoCurso": "6071807"}, 307),
    ({"CodSence": "1238008246", "CodigoCurso": "6071808"}, 310),
    ({"CodSence": "1238008247", "CodigoCurso": "6071809"}, 309),
    ({"CodSence": "1238008248", "CodigoCurso": "6071810"}, 308),
    ({"LineaCapacitacion": "1"}, 301),
    ({"RunAlumno": "11111111-1"}, 208),
]


@pytest.mark.parametrize(("changes", "expected"), CASES)
def test_code(changes: dict[str, str | None], expected: int) -> None:
    assert first(demo_post(**changes)) == expected


def test_valid_post_has_no_code() -> None:
    assert codes(demo_post()) == []


def test_token_is_case_insensitive() -> None:
    assert codes(demo_post(Token="5eebf607-25a9-4db2-a4dd-5d31bdae3220")) == []


def test_k_and_lowercase_run_accepted() -> None:
    assert codes(demo_post(RunAlumno="12345678-5")) == []


def test_extra_fields_are_ignored() -> None:
    assert codes({**demo_post(), "sesskey": "abc", "_qf__form": "1"}) == []


def test_linea_1_needs_no_codsence() -> None:
    fields = demo_post(CodSence=None, CodigoCurso="RLAB-19-02-08-0071-1", LineaCapacitacion="1")
    assert codes(fields) == []
    assert codes({**fields, "CodSence": ""}) == []


def test_linea_6_short_codigo_curso_only_in_v116() -> None:
    fields = demo_post(CodSence="1238008249", CodigoCurso="60718", LineaCapacitacion="6")
    assert codes(fields) == []
    assert first(fields, manual="1.1.3") == 206
    assert first({**fields, "LineaCapacitacion": "3"}) == 205


def test_wildcard_in_test_environment() -> None:
    fields = demo_post(CodSence="-1", CodigoCurso="-1")
    assert codes(fields, env="rcetest") == []
    assert codes(fields, env="rce")[:2] == [204, 205]
    # línea 1 in test: CodSence blank, CodigoCurso -1
    social = demo_post(CodSence="", CodigoCurso="-1", LineaCapacitacion="1")
    assert codes(social, env="rcetest") == []
    # -1 disables the action's checks, including the roster, but not the RUN's format
    assert codes(demo_post(CodSence="-1", CodigoCurso="-1", RunAlumno="11111111-1"), env="rcetest") == []
    assert first(demo_post(CodSence="-1", CodigoCurso="-1", RunAlumno="1-1"), env="rcetest") == 207


def test_token_checks_still_apply_in_test_environment() -> None:
    fields = demo_post(CodSence="-1", CodigoCurso="-1", Token="9C3A1B2D-4E5F-4A6B-8C7D-0E1F2A3B4C5D")
    assert first(fields, env="rcetest") == 211


def test_close_needs_id_sesion_sence() -> None:
    assert first(demo_post(), action="close") == 200
    assert codes({**demo_post(), "IdSesionSence": "123"}, action="close") == []
    assert first({**demo_post(), "IdSesionSence": "9" * 150}, action="close") == 304


CHECKED = SenceSettings(url_length_check=True)


def test_url_length_is_not_checked_by_default() -> None:
    """Production plugins send longer callback URLs and work: the manual's 100 is a field size."""
    assert codes(demo_post(UrlRetoma=LONG_URL, UrlError=LONG_URL)) == []
    assert codes(demo_post(UrlRetoma="http://lms.example/" + "x" * 2000)) == []
    assert codes(demo_post(UrlRetoma="http://lms.example/" + "x" * 150), manual="1.1.3") == []


def test_url_length_check_on_gives_the_manuals_limit() -> None:
    url = "http://lms.example/" + "x" * 150
    assert len(LONG_URL) == 109
    assert first(demo_post(UrlRetoma=LONG_URL), settings=CHECKED) == 202
    assert first(demo_post(UrlError=LONG_URL), settings=CHECKED) == 203
    assert first(demo_post(UrlRetoma=url), settings=CHECKED) == 202
    assert codes(demo_post(UrlRetoma=url), manual="1.1.3", settings=CHECKED) == []  # v1.1.3: 200
    assert first(demo_post(UrlRetoma=url + "x" * 50), manual="1.1.3", settings=CHECKED) == 202
    assert codes(demo_post(UrlRetoma="http://lms.example/" + "x" * 81), settings=CHECKED) == []  # exactly 100


def test_an_explicit_url_max_length_is_enforced() -> None:
    url = "http://lms.example/" + "x" * 150
    assert first(demo_post(UrlRetoma=url), settings=SenceSettings(url_max_length=150)) == 202
    assert codes(demo_post(UrlRetoma=url), settings=SenceSettings(url_max_length=169)) == []
    assert codes(demo_post(UrlRetoma=url), settings=SenceSettings(url_length_check=True, url_max_length=0)) == []


def test_all_codes_in_check_order() -> None:
    fields = demo_post(
        RutOtec="1-1", Token="x", CodSence="1", CodigoCurso="2", RunAlumno="1-2", LineaCapacitacion="9", UrlRetoma="n"
    )
    assert codes(fields) == [202, 209, 303, 206, 204, 205, 207]
    assert codes(demo_post(UrlError=None, RunAlumno="")) == [201, 200]
