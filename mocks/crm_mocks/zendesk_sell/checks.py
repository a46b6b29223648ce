"""Request checks that come before any resource logic, in the vendor's order (§7):
authentication (401), then the token's rate budget (429), User-Agent (400), Accept (406).
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Callable

from starlette.requests import Request

from ..core.accounts import Directory, User
from ..core.http import accepts_json, header
from .errors import SellError

UNAUTHORIZED = "Required access token is missing, malformed, expired, or invalid."


def token_of(request: Request) -> str | None:
    """Bearer is canonical (every official client); Basic with the token as user name and an
    empty password is what the seed's curl examples send (`-u "$API_KEY:"`)."""
    authorization = header(request, b"authorization")
    if len(authorization) > MAX_KEPT_HEADER:  # kept only while short: bounded memory
        return _token_of_header.__wrapped__(authorization)
    return _token_of_header(authorization)


MAX_KEPT_HEADER = 512


@functools.lru_cache(maxsize=1024)  # a client sends the same header on every request
def _token_of_header(authorization: str) -> str | None:
    scheme, _, value = authorization.partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        return value or None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[0] or None
    return None


def authenticate(
    directory: Directory,
    request: Request,
    fallback: Callable[[str | None], User | None] = lambda token: None,
) -> User:
    """The user of the request's token: a personal access token of the directory, else what
    `fallback` finds (OAuth2 access tokens)."""
    token = token_of(request)
    user = directory.authenticate(token) or fallback(token)
    if user is None:
        raise SellError(
            401,
            "unauthorized",
            UNAUTHORIZED,
            headers={"WWW-Authenticate": 'Bearer realm="api.getbase.com"'},
        )
    return user


def check_headers(request: Request) -> None:
    if not header(request, b"user-agent").strip():
        # seed: "Requests with no User-Agent header will be rejected with 400 Bad Request"
        raise SellError(
            400, "invalid_user_agent", "All API requests must include a valid User-Agent header."
        )
    if not accepts_json(header(request, b"accept")):
        raise SellError(
            406, "not_acceptable", "The API responds in JSON only: accept application/json."
        )
