#!/usr/bin/env python3
"""A server for `crm_tools.bench`'s stack comparison: a vendor mock, or a bare Starlette app,
on a chosen uvicorn event loop and HTTP parser.

    python -m crm_tools.bench_server mock clevertim --port 0 --loop uvloop --http httptools
    python -m crm_tools.bench_server bare --port 0 --loop asyncio --http h11

It binds its socket first and then prints `listening on http://127.0.0.1:<port>` on stderr (with
`--port 0`, the port the system gave), so the bench never races another process for a port.

`crm-mock` lets uvicorn pick the fastest stack installed; this script names one, so the bench can
measure what uvloop + httptools gain over asyncio + h11 and how much of a request's time is the
mock's own code (bare: one route answering a fixed JSON body through the same stack).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm_mocks.core.server import bind_socket

BARE_PATH = "/bare"
BARE_BODY = b'{"status":"OK","content":[{"id":1,"fn":"Ada","ln":"Lovelace"}]}'


def bare_app() -> Starlette:
    async def endpoint(request: Request) -> Response:
        return Response(BARE_BODY, media_type="application/json")

    async def health(request: Request) -> Response:  # what the bench polls for readiness
        return Response(b"{}", media_type="application/json")

    return Starlette(
        routes=[
            Route(BARE_PATH, endpoint, methods=["GET"]),
            Route("/__mock__/health", health, methods=["GET"]),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench_server.py", description=__doc__)
    p.add_argument("what", choices=("mock", "bare"))
    p.add_argument("vendor", nargs="?", help="the vendor, for `mock`")
    p.add_argument("--port", type=int, default=0, help="0 (default): any free port, printed")
    p.add_argument("--loop", choices=("uvloop", "asyncio"), required=True)
    p.add_argument("--http", choices=("httptools", "h11"), required=True)
    p.add_argument(
        "--no-read-memo",
        action="store_true",
        help="compute every read (the mock's read_memo option off)",
    )
    args = p.parse_args(argv)
    if args.what == "mock":
        from crm_mocks.core.app import build_app, create_vendor
        from crm_mocks.registry import vendor_class

        options: dict[str, object] = {"rate_limit": 10**9} if args.vendor == "zendesk-sell" else {}
        if args.no_read_memo:
            options["read_memo"] = False
        app = build_app(create_vendor(vendor_class(args.vendor), options=options))
    else:
        app = bare_app()
    # the mocks' own binding: a socket made without its protocol number (IPPROTO_TCP) is one
    # asyncio's transports do not set TCP_NODELAY on, and every keep-alive answer on the
    # asyncio stack then waits ~40 ms for the client's delayed ACK
    sock = bind_socket("127.0.0.1", args.port)
    print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}", file=sys.stderr, flush=True)
    config = uvicorn.Config(
        app, loop=args.loop, http=args.http, log_level="warning", access_log=False
    )
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
