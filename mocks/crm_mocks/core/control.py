"""The control endpoints (`/__mock__/...`) and who may call them.

They can wipe every account's data (the `--db` file included) and list every request body the
mock received, so a web page must not be able to reach them through the user's browser:

- the `Host` header must name a loopback address (`127.0.0.1`, `[::1]`, `localhost` or a
  `*.localhost` name): a DNS-rebinding page reaches the mock under its own host name;
- an `Origin` (or `Sec-Fetch-Site: cross-site`) from anywhere but a loopback page is refused;
- calls that change state are requests a browser cannot send cross-site without a CORS
  preflight (which the mock never grants): `POST /__mock__/reset` needs
  `Content-Type: application/json`, and `DELETE` is never a "simple" request.

A mock started with `--allow-remote` is meant to be reached under other host names, so there
the Host rule is dropped; the Origin and content-type rules stay.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .http import json_response
from .recorder import CONTROL_PREFIX, RequestLog

Endpoint = Callable[[Request], Response]


def is_loopback(host: str) -> bool:
    """Whether a host name or address (no port; IPv6 with or without brackets) is loopback."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):  # RFC 6761: always loopback
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str:
    """The host of a `Host` header value (`[::1]:8080` -> `::1`, `a.b:80` -> `a.b`)."""
    header = header.strip()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def refusal(request: Request, *, check_host: bool) -> Response | None:
    """Why a control call is refused (403/415), or None when it may proceed."""
    if check_host and not is_loopback(_host_name(request.headers.get("host", ""))):
        return json_response(
            {"error": "control endpoints answer only on a loopback host name (127.0.0.1, "
             "localhost, [::1]); start the mock with --allow-remote to reach them otherwise"},
            403,
        )  # fmt: skip
    origin = request.headers.get("origin")
    if origin is not None and not is_loopback(urlsplit(origin).hostname or ""):
        return json_response({"error": "control endpoints refuse cross-site requests"}, 403)
    if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
        return json_response({"error": "control endpoints refuse cross-site requests"}, 403)
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json":
            return json_response(
                {"error": "send control calls that change state with "
                 "Content-Type: application/json (a browser cannot send that cross-site)"},
                415,
            )  # fmt: skip
    return None


def control_routes(
    vendor_name: str, reset: Callable[[], None], request_log: RequestLog, *, check_host: bool
) -> list[BaseRoute]:
    def health(request: Request) -> Response:
        return json_response({"status": "ok", "vendor": vendor_name})

    def do_reset(request: Request) -> Response:
        reset()
        request_log.clear()
        return json_response({"status": "reset", "vendor": vendor_name})

    def requests(request: Request) -> Response:
        if request.method == "DELETE":
            request_log.clear()
            return json_response({"requests": []})
        return json_response({"requests": request_log.entries()})

    def route(path: str, handler: Endpoint, methods: list[str]) -> Route:
        async def serve(request: Request) -> Response:
            return refusal(request, check_host=check_host) or handler(request)

        return Route(f"{CONTROL_PREFIX}/{path}", serve, methods=methods)

    return [
        route("health", health, ["GET"]),
        route("reset", do_reset, ["POST"]),
        route("requests", requests, ["GET", "DELETE"]),
    ]
