"""RUT/RUN check digit (módulo 11) and wire format."""

from __future__ import annotations

import pytest

from mockserver.sence import rut


@pytest.mark.parametrize(
    ("body", "digit"),
    [("12345678", "5"), ("11111111", "1"), ("1111111", "4"), ("76543210", "3"), ("15123456", "9"), ("9445435", "2")],
)
def test_check_digit_spot_checks(body: str, digit: str) -> None:
    assert rut.check_digit(body) == digit


def test_k_check_digit_in_either_case() -> None:
    body = next(str(n) for n in range(10_000_000, 10_001_000) if rut.check_digit(str(n)) == "K")
    assert rut.is_valid(f"{body}-K")
    assert rut.is_valid(f"{body}-k")
    assert rut.with_check_digit(int(body)) == f"{body}-K"


def test_zero_check_digit() -> None:
    body = next(str(n) for n in range(10_000_000, 10_001_000) if rut.check_digit(str(n)) == "0")
    assert rut.is_valid(f"{body}-0")


@pytest.mark.parametrize(
    "value",
    [
        "12345678-9",  # the manual's example: wrong check digit
        "15123456-k",  # InfoFractal's README example: wrong check digit
        "1111111-1",  # fauzcategui's README example: wrong check digit
        "12.345.678-5",  # dots are not allowed on the wire
        "123456785",  # no hyphen
        "012345678-5",  # leading zero
        " 12345678-5",
        "12345678-5 ",
        "",
        "-5",
        "123456789-5",  # more than 10 characters
        "1234567８-5",  # a non-ASCII digit
    ],
)
def test_invalid_wire_values(value: str) -> None:
    assert not rut.is_valid(value)


def test_normalise_for_comparison() -> None:
    assert rut.normalise("12.345.678-k") == "12345678-K"
