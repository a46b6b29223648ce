"""Serving a mock app: the listening socket, and uvicorn in a background thread.

The socket is always bound here, before the server starts, and handed to uvicorn: port 0
gets a free port from the system with no window in which another process could take it (the
"find a free port, release it, start a server on it" race), and the real port is known as soon
as `bind_socket` returns. Clients that connect before the server loop runs just queue.
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from starlette.types import ASGIApp

from .control import is_loopback


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on `host`:`port` (0: a free port the system picks)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def socket_url(sock: socket.socket) -> str:
    """Where a bound socket listens, as an http:// URL with its real port."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class BackgroundServer:
    """uvicorn on a socket bound to 127.0.0.1 (and a free port unless `port` says), in a daemon
    thread; `stop()` shuts it down."""

    def __init__(
        self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0, *, allow_remote: bool = False
    ) -> None:
        if not (allow_remote or is_loopback(host)):
            raise ValueError(f"{host} is not a loopback address (pass allow_remote=True)")
        # lifespan on: the app's shutdown hook checkpoints a --db file's write-ahead log
        config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
        self._server = uvicorn.Server(config)
        self._socket = bind_socket(host, port)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name="crm-mock",
            daemon=True,
        )
        self.host = host
        self.port: int = self._socket.getsockname()[1]
        self.url = socket_url(self._socket)

    def start(self, timeout: float = 10.0) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the mock server did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._socket.close()
