#!/usr/bin/env python3
"""A server for `crm_tools.bench`'s stack comparison: a vendor mock, or a bare Starlette app,
on a chosen uvicorn event loop and HTTP parser.

    bench_server.py mock clevertim --port 8081 --loop uvloop --http httptools
    bench_server.py bare --port 8082 --loop asyncio --http h11

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
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--loop", choices=("uvloop", "asyncio"), required=True)
    p.add_argument("--http", choices=("httptools", "h11"), required=True)
    args = p.parse_args(argv)
    if args.what == "mock":
        from crm_mocks.core.app import build_app, create_vendor
        from crm_mocks.registry import vendor_class

        options = {"rate_limit": 10**9} if args.vendor == "zendesk-sell" else {}
        app = build_app(create_vendor(vendor_class(args.vendor), options=options))
    else:
        app = bare_app()
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        loop=args.loop,
        http=args.http,
        log_level="warning",
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
