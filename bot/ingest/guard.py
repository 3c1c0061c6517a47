"""Feeds and article pages are fetched from public addresses only (no SSRF).

A feed, or a link inside one, is written by whoever runs the site, and so is
every redirect it answers with. Left alone, an article link that redirects to
127.0.0.1, 10.0.0.5 or 169.254.169.254 (a cloud's metadata service) would have
the bot read an internal page and deliver its text to a subscriber.

Where the check happens, and why it closes DNS rebinding
---------------------------------------------------------
Checking a URL's host before the request and then letting the HTTP library
resolve it again leaves a gap: a name can answer a public address to the check
and 127.0.0.1 to the connection a moment later (DNS rebinding). So the check
sits where the socket is opened. httpcore (under httpx) opens every connection
through a network backend's `connect_tcp(host, port)`; `GuardedBackend` is that
backend:

1. it resolves the host itself (`resolve`, getaddrinfo by default), so odd
   literals such as `2130706433`, `0x7f.1` or `::ffff:127.0.0.1` are read
   exactly as the system reads them;
2. it refuses the host if ANY of its addresses is not public (`why_not_public`);
3. it connects to one of those very addresses, never to the name, so nothing
   is resolved twice. TLS still sends the name as SNI and checks the
   certificate against it, and the Host header is untouched: both come from the
   request's URL, not from the socket.

Every hop of a redirect chain opens (or reuses, for the same origin) a pooled
connection, so every hop is checked, feeds and article pages alike, and a
refused hop ends the fetch with `PrivateAddress` before a byte is sent to it.

httpx 0.28 cannot be handed a network backend (encode/httpx#3749), so
`GuardedTransport` is httpx's own transport with its connection pool rebuilt on
the guarded backend. A custom transport also means the ingest client ignores
HTTP(S)_PROXY: a proxy would connect on our behalf, out of the check's sight.

`ALLOW_PRIVATE_FEEDS=1` (tests, intranet feeds) keeps the same path and only
skips the refusal.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

import httpcore
import httpx

IPAddress = IPv4Address | IPv6Address
Resolve = Callable[[str, int], Awaitable[Sequence[str]]]

_SHARED = ip_network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
_NAT64 = ip_network("64:ff9b::/96")  # IPv4 inside IPv6 (RFC 6052)


class PrivateAddress(Exception):
    """A fetch was about to connect to a loopback, private, link-local… address."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        self.host, self.address, self.reason = host, address, reason
        where = host if host == address else f"{host} ({address})"
        super().__init__(
            f"{where} is not a public address ({reason});"
            " only public addresses are fetched unless ALLOW_PRIVATE_FEEDS=1"
        )


def why_not_public(address: IPAddress) -> str | None:
    """What kind of non-public address this is ("loopback", "private"…); None if public.

    An IPv6 address that carries an IPv4 one (mapped ::ffff:a.b.c.d, NAT64, 6to4)
    is judged by the IPv4 address it leads to.
    """
    if isinstance(address, IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour or _nat64(address)
        if inner is not None:
            return why_not_public(inner)
    checks = (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("unspecified", address.is_unspecified),
        ("multicast", address.is_multicast),
        ("site-local", isinstance(address, IPv6Address) and address.is_site_local),
        ("shared (CGNAT)", isinstance(address, IPv4Address) and address in _SHARED),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("non-global", not address.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def _nat64(address: IPv6Address) -> IPv4Address | None:
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


async def system_resolve(host: str, port: int) -> list[str]:
    """The host's addresses as the system resolver gives them (literals included)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    families = (socket.AF_INET, socket.AF_INET6)
    return list(dict.fromkeys(str(info[4][0]) for info in infos if info[0] in families))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve once, refuse non-public addresses, connect to the checked address itself.

    `resolve` and `network` are injected by tests (a made-up public name routed to
    the loopback feed server); production uses getaddrinfo and anyio's sockets.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolve: Resolve = system_resolve,
        network: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.allow_private = allow_private
        self.resolve = resolve
        self.network = network or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._addresses(host, port, timeout)
        failure: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:  # in the resolver's order of preference, like urllib3
            try:
                return await self.network.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure

    async def _addresses(self, host: str, port: int, timeout: float | None) -> list[str]:
        """Every address of `host`, all checked; PrivateAddress if any one is not public."""
        try:
            async with asyncio.timeout(timeout):
                addresses = list(await self.resolve(host, port))
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} took over {timeout:g} s") from None
        except OSError as exc:  # socket.gaierror: no such name
            raise httpcore.ConnectError(f"{host}: {exc}") from exc
        if not self.allow_private:
            for address in addresses:
                reason = why_not_public(ip_address(address))
                if reason:
                    raise PrivateAddress(host, address, reason)
        return addresses

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("feeds are not fetched over unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self.network.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport, its connection pool opening every socket through `backend`."""

    def __init__(self, backend: GuardedBackend, limits: httpx.Limits) -> None:
        tls = httpx.create_ssl_context()  # certifi's roots, or SSL_CERT_FILE/SSL_CERT_DIR
        super().__init__(verify=tls, limits=limits)
        # httpx's transport only talks to `_pool`; rebuild it as httpx would, plus our backend.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=tls,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )
