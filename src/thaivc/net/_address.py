"""Which network addresses a fetch may reach (docs/security.md group I).

A hostile document names the URL, so every host is treated as an attacker's choice: IP literals in
all the spellings ``inet_aton`` accepts (``0x7f000001``, ``2130706433``, ``127.1``), IPv4-mapped
IPv6, ``localhost`` and its sub-domains are recognised here, and every resolved address is
classified with :mod:`ipaddress` rather than by string prefix.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from typing import Final

__all__ = ["IPAddress", "address_refusal", "is_localhost_name", "literal_address"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Characters of the legacy IPv4 forms that ``inet_aton`` (and so ``getaddrinfo``) still accepts.
_LEGACY_V4: Final = re.compile(r"[0-9a-fA-FxX.]+", re.ASCII)


def is_localhost_name(host: str) -> bool:
    """``localhost`` and every ``*.localhost`` name, with or without the root dot (RFC 6761 §6.3)."""
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


def literal_address(host: str) -> IPAddress | None:
    """The address a host string denotes by itself, or ``None`` for a DNS name.

    Catches the numeric forms ``ipaddress`` refuses but the C resolver accepts (hex, octal,
    single-integer and short dotted forms), so that they cannot pass as names.
    """
    text = host.strip("[]")
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]  # "127.0.0.1." still reaches 127.0.0.1 through the C resolver
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if _LEGACY_V4.fullmatch(text) and any(c.isdigit() for c in text):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def _effective(ip: IPAddress) -> IPAddress:
    """Unwrap IPv4-mapped and 6to4/Teredo-embedded addresses to the IPv4 they reach."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip.teredo is not None:
            return ip.teredo[1]
    return ip


#: Special-purpose classes refused whatever the settings, in the order they are asked (RFC 6890).
_ALWAYS_REFUSED: Final[tuple[tuple[Callable[[IPAddress], bool], str], ...]] = (
    (lambda a: a.is_unspecified, "the unspecified address"),
    (lambda a: a.is_link_local, "a link-local address"),
    (lambda a: a.is_multicast, "a multicast address"),
    (lambda a: a.is_reserved, "a reserved address"),
)


def address_refusal(ip: IPAddress, *, allow_loopback: bool, allow_private: bool) -> str | None:
    """Why ``ip`` may not be contacted, or ``None`` when it may."""
    eff = _effective(ip)
    if eff.is_loopback:
        return None if allow_loopback else "a loopback address"
    why = next((reason for refused, reason in _ALWAYS_REFUSED if refused(eff)), None)
    if why is not None:
        return why
    if eff.is_global or (allow_private and eff.is_private):
        return None
    return "a private or non-global address"
