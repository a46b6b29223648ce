"""The listening socket the mocks (and the bench's servers) serve on.

asyncio sets TCP_NODELAY only on accepted sockets whose listening socket names its protocol
(IPPROTO_TCP); one made as `socket.socket(AF_INET, SOCK_STREAM)` has protocol 0, its connections
keep Nagle's algorithm on, and every keep-alive answer on the asyncio stack (uvicorn's fallback
where uvloop cannot install) waits ~40 ms for the client's delayed ACK.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import pytest

from crm_mocks.core.server import bind_socket


async def _nodelay_of_accepted(listener: socket.socket) -> int:
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
    try:
        host, port = listener.getsockname()[:2]
        _, writer = await asyncio.open_connection(host, port)
        value = await asyncio.wait_for(accepted, 5)
        writer.close()
        return value
    finally:
        server.close()


def test_bind_socket_names_the_tcp_protocol() -> None:
    with bind_socket("127.0.0.1", 0) as sock:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockname()[1] > 0


@pytest.mark.parametrize(
    ("make", "nodelay"),
    [
        (lambda: bind_socket("127.0.0.1", 0), True),
        # what bench_server used to do: the contrast shows the check can fail
        (lambda: _plain_socket(), False),
    ],
    ids=["bind_socket", "protocol-0 socket"],
)
def test_asyncio_connections_get_tcp_nodelay(
    make: Callable[[], socket.socket], nodelay: bool
) -> None:
    listener = make()
    with listener:
        assert bool(asyncio.run(_nodelay_of_accepted(listener))) is nodelay


def _plain_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    return sock
