"""Runs a mock app with uvicorn in a background thread (for fixtures and benchmarks)."""

from __future__ import annotations

import threading
import time

import uvicorn
from starlette.types import ASGIApp

from .control import is_loopback


class BackgroundServer:
    """uvicorn on 127.0.0.1 and a free port, in a daemon thread; `stop()` shuts it down."""

    def __init__(
        self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0, *, allow_remote: bool = False
    ) -> None:
        if not (allow_remote or is_loopback(host)):
            raise ValueError(f"{host} is not a loopback address (pass allow_remote=True)")
        # lifespan on: the app's shutdown hook checkpoints a --db file's write-ahead log
        config = uvicorn.Config(
            app, host=host, port=port, log_level="warning", lifespan="on", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="crm-mock", daemon=True)
        self.host = host
        self.port = port

    def start(self, timeout: float = 10.0) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the mock server did not start on {self.host}:{self.port}")
            time.sleep(0.01)
        # port 0 asks the OS for a free port; read back the one it chose
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
