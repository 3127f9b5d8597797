"""Moodle's IP helpers: ``cleanremoteaddr``, ``address_in_subnet`` and ``getremoteaddr`` (lib/moodlelib.php).

Ports of the 4.1 functions, string handling included: IPv6 addresses are normalised to lower-case
groups without leading zeros (``2001:db8:0:0:0:0:0:1``), a whitelist entry is an exact address,
``a.b.c.d/nn`` (or IPv6 ``/nnn``), a last-group range ``a.b.c.d-e`` or a prefix ``a.b`` / ``a.b.``;
anything else (hostnames, junk) never matches.
"""

from __future__ import annotations

import re
from functools import lru_cache

from starlette.requests import Request

_PHP_TRIM = " \t\n\r\0\x0b"
_IPV4_RE = re.compile(r"^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$")
_IPV6_RE = re.compile(r"^([0-9a-f]{1,4})(:[0-9a-f]{1,4})*$", re.IGNORECASE)


@lru_cache(maxsize=1024)
def cleanremoteaddr(addr: str) -> str | None:
    """Normalise an IPv4 (``010.1.1.1`` → ``10.1.1.1``) or IPv6 address; None when invalid."""
    addr = addr.strip(_PHP_TRIM)
    if ":" in addr:
        parts = addr.split(":")
        if "." in parts[-1]:
            ipv4 = cleanremoteaddr(parts.pop())
            if ipv4 is None:
                return None
            bits = [int(b) for b in ipv4.split(".")]
            parts += [f"{bits[0]:x}{bits[1]:x}", f"{bits[2]:x}{bits[3]:x}"]
            addr = ":".join(parts)
        count = len(parts)
        if count < 3 or count > 8:
            return None
        if count != 8:
            if "::" not in addr:
                return None
            at = parts.index("")
            parts[at : at + 1] = ["0"] * (1 + 8 - count)
            parts = [p if p != "" else "0" for p in parts]
        if not _IPV6_RE.match(":".join(parts)):
            return None
        return ":".join(f"{int(p, 16):x}" for p in parts)
    match = _IPV4_RE.match(addr)
    if not match:
        return None
    octets = [int(o) for o in match.groups()]
    if any(o > 255 for o in octets):
        return None
    return ".".join(str(o) for o in octets)


def _ip2long(addr: str) -> int:
    a, b, c, d = (int(o) for o in addr.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


def _is_number(text: str) -> bool:
    """Moodle ``is_number()`` on a string: ``(string)(int)$value === $value``."""
    return bool(re.fullmatch(r"0|-?[1-9][0-9]*", text))


def _in_cidr(addr: str, addrparts: list[str], ipv6: bool, subnet: str) -> bool:
    ip_text, mask_text = subnet.split("/")[:2]
    mask_text = mask_text.strip(_PHP_TRIM)
    if not _is_number(mask_text):
        return False
    mask = int(mask_text)
    ip = cleanremoteaddr(ip_text)
    if ip is None:
        return False
    if ":" in ip:
        if not ipv6 or not 0 <= mask <= 128:
            return False
        if mask == 0:
            return True
        if mask == 128:
            return ip == addr
        ipparts = ip.split(":")
        modulo = mask % 16
        whole = (mask - modulo) // 16
        if ipparts[:whole] != addrparts[:whole]:
            return False
        if modulo == 0:
            return True
        bits = (0xFFFF << (16 - modulo)) & 0xFFFF
        return (int(addrparts[whole], 16) & bits) == (int(ipparts[whole], 16) & bits)
    if ipv6 or not 0 <= mask <= 32:
        return False
    if mask == 0:
        return True
    if mask == 32:
        return ip == addr
    bits = (0xFFFFFFFF << (32 - mask)) & 0xFFFFFFFF
    return (_ip2long(addr) & bits) == (_ip2long(ip) & bits)


def _in_range(addr: str, addrparts: list[str], ipv6: bool, subnet: str) -> bool:
    parts = subnet.split("-")
    if len(parts) != 2:
        return False
    if ":" in subnet:
        if not ipv6:
            return False
        ipstart = cleanremoteaddr(parts[0].strip(_PHP_TRIM))
        if ipstart is None:
            return False
        last = parts[1].strip(_PHP_TRIM)
        if len(last) > 4:
            return False
        ipparts = ipstart.split(":")
        start = int(ipparts.pop(), 16)
        ipparts.append(last)
        ipend = cleanremoteaddr(":".join(ipparts))
        if ipend is None:
            return False
        ipparts[7] = ""
        if not addr.startswith(":".join(ipparts)):
            return False
        end = int(ipend.split(":")[7], 16)
        return start <= int(addrparts[7], 16) <= end
    if ipv6:
        return False
    ipstart = cleanremoteaddr(parts[0].strip(_PHP_TRIM))
    if ipstart is None:
        return False
    ipparts = ipstart.split(".")
    ipparts[3] = parts[1].strip(_PHP_TRIM)
    ipend = cleanremoteaddr(".".join(ipparts))
    if ipend is None:
        return False
    return _ip2long(ipstart) <= _ip2long(addr) <= _ip2long(ipend)


def _in_prefix(addr: str, ipv6: bool, subnet: str) -> bool:
    if ":" in subnet:
        if not ipv6:
            return False
        parts = subnet.split(":")
        if parts[-1] == "":
            parts.pop()
            subnet = ".".join(parts)  # sic: core joins with '.' here
        isip = cleanremoteaddr(subnet)
        if isip is not None:
            return isip == addr
        if len(parts) > 8:
            return False
        zeros = ":".join(["0"] * (8 - len(parts)))
        return address_in_subnet(addr, f"{subnet}:{zeros}/{len(parts) * 16}")
    if ipv6:
        return False
    parts = subnet.split(".")
    if parts[-1] == "":
        parts.pop()
        subnet = ".".join(parts)
    if len(parts) == 4:
        return cleanremoteaddr(subnet) == addr
    if len(parts) > 4:
        return False
    zeros = ".".join(["0"] * (4 - len(parts)))
    return address_in_subnet(addr, f"{subnet}.{zeros}/{len(parts) * 8}")


def address_in_subnet(addr: str, subnets: str, checkallzeros: bool = False) -> bool:
    """Whether ``addr`` is in any ``,``-separated entry: exact IP, CIDR, ``a.b.c.d-e`` or prefix."""
    if addr == "0.0.0.0" and not checkallzeros:
        return False
    clean = cleanremoteaddr(addr)
    if clean is None:
        return False
    addrparts = clean.split(":")
    ipv6 = ":" in clean
    for subnet in subnets.split(","):
        subnet = subnet.strip(_PHP_TRIM)
        if subnet == "":
            continue
        if "/" in subnet:
            found = _in_cidr(clean, addrparts, ipv6, subnet)
        elif "-" in subnet:
            found = _in_range(clean, addrparts, ipv6, subnet)
        else:
            found = _in_prefix(clean, ipv6, subnet)
        if found:
            return True
    return False


def _forwarded_for(value: str) -> str:
    """The last address of an X-Forwarded-For list, without its port (core ``getremoteaddr``)."""
    address = value.split(",")[-1]
    if address.count(":") > 1:
        match = re.search(r"\[(.*)\]:", address)
        if match:
            address = match.group(1)
    elif address.count(":") == 1:
        address = address.split(":")[0]
    return address


def getremoteaddr(request: Request, trusted_header: str | None) -> str | None:
    """The client IP, None when nothing usable (core ``getremoteaddr(null)``).

    ``trusted_header`` is the header ``$CFG->getremoteaddrconf`` lets core read: ``Client-IP``
    (``HTTP_CLIENT_IP``, whole value) or ``X-Forwarded-For`` (last entry). When that header is
    present but invalid the answer is None, as in core; when absent, the peer address is used.
    """
    if trusted_header:
        value = request.headers.get(trusted_header)
        if value:
            if trusted_header.lower() == "x-forwarded-for":
                value = _forwarded_for(value)
            return cleanremoteaddr(value)
    peer = request.client.host if request.client else None
    if not peer:
        return None
    return cleanremoteaddr(peer)
