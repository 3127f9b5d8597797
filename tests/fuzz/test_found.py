"""Defects the fuzz found, one reproduction each (every one answered 500 before its fix)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fuzz.asgi import Case, Driver
from tests.fuzz.record import problems
from tests.harness import DEMO, build_app


@pytest.fixture
def driver() -> Iterator[Driver]:
    driver = Driver(build_app(DEMO))
    yield driver
    driver.close()


@pytest.mark.parametrize("path", ["/my/", "/course/view.php", "/login/index.php", "/webservice/rest/server.php"])
def test_raw_non_utf8_bytes_in_the_query_string(driver: Driver, path: str) -> None:
    # httptools hands raw bytes >= 0x80 of the request line to the app; Starlette's request.url
    # decoded them as strict UTF-8 (UnicodeDecodeError -> 500 on /my/ for a visitor not logged in).
    case = Case("raw query", "GET", path, b"id=2&\x80\xff=x&username=\xe9", ((b"host", b"testserver"),))
    outcome = driver.send(case)
    assert problems(case, outcome) == []
    assert outcome.status in (200, 303, 404)
