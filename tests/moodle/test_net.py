"""``cleanremoteaddr``, ``address_in_subnet`` and ``getremoteaddr`` (auth-userkey.md §10)."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from mockserver.moodle.net import address_in_subnet, cleanremoteaddr, getremoteaddr


@pytest.mark.parametrize(
    ("addr", "subnets", "inside"),
    [
        # The examples of auth-userkey.md §10.
        ("192.168.1.2", "192.168.1.1", False),
        ("192.168.1.2", "192.168.0.0/16", True),
        ("192.168.1.2", "192.168.1.1-5", True),
        ("192.168.1.9", "192.168.1.1-5", False),
        ("192.168.1.2", "192.168.", True),
        ("192.168.1.2", "example.com", False),
        # Exact addresses, normalised.
        ("192.168.1.2", "192.168.1.2", True),
        ("192.168.1.2", "192.168.001.002", True),
        ("192.168.1.2", " 192.168.1.2 ", True),
        # Lists: ',' separated, blanks and junk skipped.
        ("10.1.2.3", "192.168.1.1, 10.0.0.0/8", True),
        ("10.1.2.3", ",,junk,10.1.2.3", True),
        ("10.1.2.3", "", False),
        # CIDR.
        ("10.1.2.3", "10.1.2.0/24", True),
        ("10.1.3.3", "10.1.2.0/24", False),
        ("10.1.2.3", "0.0.0.0/0", True),
        ("10.1.2.3", "10.1.2.3/32", True),
        ("10.1.2.4", "10.1.2.3/32", False),
        ("10.1.2.3", "10.1.2.0/33", False),
        ("10.1.2.3", "10.1.2.0/08", False),  # '08' is not a number to is_number()
        ("10.1.2.3", "10.1.2.0/ 24", True),
        ("10.1.2.3", "10.1.2.0/24/99", True),  # extra parts ignored (list($ip, $mask) = explode)
        ("10.1.2.3", "2001:db8::/32", False),
        # Last-octet ranges.
        ("10.1.2.5", "10.1.2.5-5", True),
        ("10.1.2.6", "10.1.2.1-5", False),
        ("10.1.2.3", "10.1.2.1-300", False),
        ("10.1.2.3", "10.1.2.1-5-7", False),
        # Prefixes.
        ("10.1.2.3", "10", True),
        ("10.1.2.3", "10.1", True),
        ("10.1.2.3", "10.1.2.", True),
        ("10.1.2.3", "10.2", False),
        ("10.1.2.3", "1.2.3.4.5", False),
        # 0.0.0.0 never matches (unless asked).
        ("0.0.0.0", "0.0.0.0/0", False),
        # Invalid addresses never match.
        ("not-an-ip", "0.0.0.0/0", False),
        ("", "0.0.0.0/0", False),
        # IPv6.
        ("2001:db8::1", "2001:db8::/32", True),
        ("2001:db9::1", "2001:db8::/32", False),
        ("2001:db8::1", "2001:0db8:0000:0000:0000:0000:0000:0001", True),
        ("2001:db8::1", "2001:db8::/0", True),
        ("2001:db8::1", "2001:db8::1/128", True),
        ("2001:db8::2", "2001:db8::1-a", True),
        ("2001:db8::b", "2001:db8::1-a", False),
        ("2001:db8::1", "2001:db8", True),
        ("2001:db8::1", "2001:db8:", False),  # core joins the trimmed prefix with '.', never matching
        ("2001:db8::1", "10.0.0.0/8", False),
        ("10.1.2.3", "2001:db8", False),
        # Core writes the embedded IPv4 as dechex(a).dechex(b) without padding: 10.1 -> 'a1'.
        ("::ffff:10.1.2.3", "0:0:0:0:0:ffff:a1:23", True),
    ],
)
def test_address_in_subnet(addr: str, subnets: str, inside: bool) -> None:
    assert address_in_subnet(addr, subnets) is inside


def test_address_in_subnet_checkallzeros() -> None:
    assert address_in_subnet("0.0.0.0", "0.0.0.0/0", checkallzeros=True)


@pytest.mark.parametrize(
    ("addr", "clean"),
    [
        ("10.0.0.1", "10.0.0.1"),
        ("010.000.000.001", "10.0.0.1"),
        (" 10.0.0.1\n", "10.0.0.1"),
        ("256.0.0.1", None),
        ("10.0.0", None),
        ("10.0.0.1.2", None),
        ("::1", "0:0:0:0:0:0:0:1"),
        ("2001:DB8::0001", "2001:db8:0:0:0:0:0:1"),
        ("2001:db8:0:0:0:0:0:1", "2001:db8:0:0:0:0:0:1"),
        ("::ffff:192.168.1.1", "0:0:0:0:0:ffff:c0a8:11"),  # unpadded dechex(1).dechex(1), as core does
        ("1:2", None),
        ("1:2:3:4:5:6:7:8:9", None),
        ("1:2:3:4:5", None),
        ("gggg::1", None),
        ("localhost", None),
        ("", None),
    ],
)
def test_cleanremoteaddr(addr: str, clean: str | None) -> None:
    assert cleanremoteaddr(addr) == clean


def _request(headers: dict[str, str], client: tuple[str, int] | None = ("192.0.2.7", 1234)) -> Request:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": client,
    }
    return Request(scope)


@pytest.mark.parametrize(
    ("trusted", "headers", "expected"),
    [
        (None, {}, "192.0.2.7"),
        (None, {"Client-IP": "10.9.9.9"}, "192.0.2.7"),  # untrusted headers are ignored
        ("Client-IP", {}, "192.0.2.7"),
        ("Client-IP", {"Client-IP": "10.9.9.9"}, "10.9.9.9"),
        ("Client-IP", {"Client-IP": "010.9.9.9"}, "10.9.9.9"),
        ("Client-IP", {"Client-IP": "garbage"}, None),  # present but unusable: no address at all
        ("Client-IP", {"Client-IP": "10.9.9.9, 10.8.8.8"}, None),
        ("X-Forwarded-For", {"X-Forwarded-For": "203.0.113.1, 10.0.0.2"}, "10.0.0.2"),  # the last one
        ("X-Forwarded-For", {"X-Forwarded-For": "10.0.0.2:8080"}, "10.0.0.2"),
        ("X-Forwarded-For", {"X-Forwarded-For": "[2001:db8::1]:443"}, "2001:db8:0:0:0:0:0:1"),
    ],
)
def test_getremoteaddr(trusted: str | None, headers: dict[str, str], expected: str | None) -> None:
    assert getremoteaddr(_request(headers), trusted) == expected


def test_getremoteaddr_without_peer() -> None:
    assert getremoteaddr(_request({}, client=None), None) is None
