"""Reverse proxies: ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from the proxies the
installation names (issue 19, point 11).

``MAILLAGE_TRUSTED_PROXIES`` (or ``maillage run --trusted-proxies``) lists their addresses or networks,
separated by commas: ``127.0.0.1`` for nginx on the same machine, ``10.0.0.0/8`` for a load balancer
in a private network. The default is none: without it every request is taken from the address that
connected, and the headers are ignored, so nobody can pose as another address (to get round the
sign-in throttling) or as HTTPS. From a trusted proxy, the client is the right-most address of
``X-Forwarded-For`` that is not itself a trusted proxy, and ``X-Forwarded-Proto`` (http or https) is
the request's scheme: an HTTPS request gets a ``Secure`` session cookie and HSTS.
"""

from __future__ import annotations

import ipaddress

from core.db import ConfigurationError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse(value: str) -> tuple[Network, ...]:
    """The networks of a comma-separated list of addresses and networks; raise ConfigurationError
    naming an entry that is neither."""
    networks = []
    for entry in (value or "").replace(" ", ",").split(","):
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ConfigurationError(f"MAILLAGE_TRUSTED_PROXIES: {entry!r} is not an address nor a network "
                                     "(write 127.0.0.1 or 10.0.0.0/8, separated by commas)") from None
    return tuple(networks)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def trusted(host: str | None, networks: tuple[Network, ...]) -> bool:
    """True when ``host`` is one of the trusted proxies."""
    address = _address(host or "")
    return address is not None and any(address in network for network in networks)


def resolve(scope: dict, networks: tuple[Network, ...]) -> None:
    """Set the ASGI scope's ``client`` and ``scheme`` from the forwarded headers, when the connection
    comes from a trusted proxy; otherwise leave the scope as the connection made it."""
    client = scope.get("client")
    if not networks or not client or not trusted(client[0], networks):
        return
    forwarded_for, proto = [], ""
    for key, value in scope.get("headers") or ():
        if key == b"x-forwarded-for":
            forwarded_for += value.decode("latin-1").split(",")
        elif key == b"x-forwarded-proto":
            proto = value.decode("latin-1").split(",")[-1].strip().lower()
    if proto in ("http", "https"):
        scope["scheme"] = proto
    for entry in reversed([e.strip() for e in forwarded_for if e.strip()]):
        address = _address(entry)
        if address is None:
            break  # not an address: stop at the last proxy's word
        scope["client"] = (str(address), 0)
        if not any(address in network for network in networks):
            break
