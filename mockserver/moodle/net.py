"""Moodle's IP helpers: ``cleanremoteaddr``, ``address_in_subnet`` and ``getremoteaddr``."""

from __future__ import annotations

import ipaddress
import re

from starlette.requests import Request


def cleanremoteaddr(addr: str) -> str | None:
    """Normalise an IPv4 (``010.1.1.1`` → ``10.1.1.1``) or IPv6 address; None when invalid."""
    addr = addr.strip()
    if ":" in addr:
        try:
            return ipaddress.IPv6Address(addr).exploded
        except ValueError:
            return None
    if not re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", addr):
        return None
    octets = [int(p) for p in addr.split(".")]
    if any(o > 255 for o in octets):
        return None
    return ".".join(str(o) for o in octets)


def _ip2long(addr: str) -> int:
    return int(ipaddress.IPv4Address(addr))


def _in_entry(addr: str, is_v6: bool, entry: str) -> bool:
    if "/" in entry:
        ip_part, _, mask_text = entry.partition("/")
        mask_text = mask_text.strip()
        if not re.fullmatch(r"\d+", mask_text):
            return False
        ip = cleanremoteaddr(ip_part)
        if ip is None:
            return False
        mask = int(mask_text)
        if ":" in ip:
            if not is_v6 or mask > 128:
                return False
            return ipaddress.IPv6Address(addr) in ipaddress.IPv6Network(f"{ip}/{mask}", strict=False)
        if is_v6 or mask > 32:
            return False
        if mask == 0:
            return True
        bits = (0xFFFFFFFF << (32 - mask)) & 0xFFFFFFFF
        return (_ip2long(addr) & bits) == (_ip2long(ip) & bits)
    if "-" in entry:
        parts = entry.split("-")
        if len(parts) != 2 or ":" in entry or is_v6:
            return False
        start = cleanremoteaddr(parts[0].strip())
        if start is None:
            return False
        end = cleanremoteaddr(".".join([*start.split(".")[:3], parts[1].strip()]))
        if end is None:
            return False
        return _ip2long(start) <= _ip2long(addr) <= _ip2long(end)
    if ":" in entry:
        if not is_v6:
            return False
        groups = [g for g in entry.split(":")]
        if groups and groups[-1] == "":
            groups = groups[:-1]
        expanded = addr.split(":")
        return len(groups) <= 8 and all(g and int(g, 16) == int(expanded[i], 16) for i, g in enumerate(groups) if re.fullmatch(r"[0-9a-fA-F]{1,4}", g)) and all(re.fullmatch(r"[0-9a-fA-F]{1,4}", g) for g in groups)
    if is_v6:
        return False
    parts = entry.split(".")
    if parts[-1] == "":
        parts = parts[:-1]
    count = len(parts)
    if count == 4:
        return cleanremoteaddr(".".join(parts)) == addr
    if count > 4 or count == 0:
        return False
    subnet = cleanremoteaddr(".".join(parts + ["0"] * (4 - count)))
    if subnet is None:
        return False
    bits = (0xFFFFFFFF << ((4 - count) * 8)) & 0xFFFFFFFF
    return (_ip2long(addr) & bits) == (_ip2long(subnet) & bits)


def address_in_subnet(addr: str, subnets: str) -> bool:
    """Whether ``addr`` is in any ``,``-separated entry: exact IP, CIDR, ``a.b.c.d-e`` or prefix."""
    if addr.strip() == "0.0.0.0":
        return False
    clean = cleanremoteaddr(addr)
    if clean is None:
        return False
    is_v6 = ":" in clean
    return any(_in_entry(clean, is_v6, entry.strip()) for entry in subnets.split(",") if entry.strip())


def getremoteaddr(request: Request, trusted_header: str | None) -> str | None:
    """The client IP: the trusted header when configured and present, else the peer address."""
    if trusted_header:
        value = request.headers.get(trusted_header)
        if value:
            first = value.split(",")[0]
            return cleanremoteaddr(first)
    peer = request.client.host if request.client else None
    if not peer:
        return None
    return cleanremoteaddr(peer) or peer
