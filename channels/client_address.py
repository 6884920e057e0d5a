"""The address of the client behind a request, believing proxies only when they are trusted.

``X-Forwarded-For`` is written by whoever sends the request, so it counts only when the peer is
one of ``TRUSTED_PROXIES`` (comma- or space-separated addresses or networks, e.g. the ingress's
``10.0.0.0/8``). The chain is then read from the right: the first address that is not itself a
trusted proxy is the client. Without trusted proxies the TCP peer is the client.
"""

from __future__ import annotations

import ipaddress
from typing import Any, List, Optional, Sequence, Union

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
UNKNOWN = "unknown"
# Keys of a WSGI-style environ (not environment variables).
_WSGI_PEER, _WSGI_FORWARDED = "REMOTE_ADDR", "HTTP_X_FORWARDED_FOR"


def parse_networks(value: Optional[str]) -> List[Network]:
    """The trusted proxies from a setting; entries that are not addresses or networks are ignored."""
    networks: List[Network] = []
    for item in (value or "").replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            continue
    return networks


def _address(text: str) -> Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]]:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address: Any, proxies: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in proxies)


def resolve(peer: Optional[str], forwarded_for: Optional[str], proxies: Sequence[Network]) -> str:
    """The client's address from the TCP peer and the ``X-Forwarded-For`` header."""
    peer_address = _address(peer or "")
    if peer_address is None:
        return UNKNOWN
    if not forwarded_for or not _trusted(peer_address, proxies):
        return str(peer_address)
    for hop in reversed(forwarded_for.split(",")):
        hop_address = _address(hop)
        if hop_address is None:
            return str(peer_address)  # a garbled chain: trust only what we saw ourselves
        if not _trusted(hop_address, proxies):
            return str(hop_address)
    return str(peer_address)


def client_address(request: Any, proxies: Sequence[Network]) -> str:
    """The client address of a Sanic request."""
    peer = getattr(getattr(request, "conn_info", None), "client_ip", None) or getattr(request, "ip", None)
    return resolve(peer, request.headers.get("x-forwarded-for"), proxies)


def environ_address(environ: Any, proxies: Sequence[Network]) -> str:
    """The client address of a socket.io connection (its WSGI-style environ)."""
    if not isinstance(environ, dict):
        return UNKNOWN
    request = environ.get("sanic.request")
    if request is not None:
        return client_address(request, proxies)
    return resolve(environ.get(_WSGI_PEER), environ.get(_WSGI_FORWARDED), proxies)
