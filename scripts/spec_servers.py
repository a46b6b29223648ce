"""Where a spec's API lives: its first server's URL, and the path part a mock serves it under.

Shared by the client pipeline, the contract runner and the docs build, so all three agree on
where the mock answers a spec's paths (`/api`, `/api/v3`, or "" when the paths carry the whole
prefix themselves, like Sell's `/v2/...`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit


def server_url(spec: Mapping[str, Any], index: int = 0) -> str:
    """servers[index].url with its variables at their defaults."""
    server = spec["servers"][index]
    url = str(server["url"])
    for name, variable in (server.get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(variable.get("default", name)))
    return url


def server_path(spec: Mapping[str, Any]) -> str:
    """The path part of the first server: where a mock serves the spec's paths."""
    return urlsplit(server_url(spec)).path.rstrip("/")
