"""Zendesk Sell's error envelope (fact sheet §2.4, §3.2) and the exception that carries it.

Every failure the mock reports goes through `SellError` and `render`, so the shape is the same
for auth, header, query, body, unknown paths and unexpected exceptions:

    {"errors": [{"error": {code, message, details?, resource?, field?},
                 "meta": {"type": "error", "links": {"more_info": ...}}}],
     "meta": {"type": "errors", "http_status": "422 Unprocessable Entity", "logref": <X-Request-Id>,
              "links": {"more_info": ...}}}
"""

from __future__ import annotations

import random
from http import HTTPStatus
from typing import Any

from starlette.responses import Response

from ..core.errors import MockError
from ..core.fields import Invalid
from ..core.http import json_response

JSON_TYPE = "application/json; charset=utf-8"  # on success and error alike (§1)
MORE_INFO = "https://developers.getbase.com/docs/rest/articles/errors"

# code -> human message. Observed pairs (§2.4) are copied; the rest follow their style.
MESSAGES = {
    "unknown": "unknown attribute",
    "incorrect_value": "attribute value is incorrect",
    "invalid_type": "attribute has invalid type",
    "blank": "attribute cannot be blank",
    "missing": "attribute is missing",
    "already_exists": "resource already exists",
    "incorrect_payload": "request payload is incorrect",
    "invalid_param": "invalid request query parameter",
    "invalid_user_agent": "invalid user agent",
    "invalid_header": "invalid request header",
    "invalid_payload": "invalid request payload",
    "unauthorized": "unauthorized",
    "insufficient_scope": "insufficient scope",
    "forbidden": "forbidden",
    "not_found": "Not Found",
    "method_not_allowed": "method not allowed",
    "not_acceptable": "not acceptable",
    "conflict": "conflict",
    "rate_limit_exceeded": "rate limit exceeded",
    "request_too_large": "request entity too large",
    "server_error": "server error",
}


def new_request_id() -> str:
    """A random (version 4) UUID as text, the form of the vendor's request ids. Not a secret,
    so from `random`: `str(uuid.uuid4())` cost a twentieth of a GET's CPU."""
    n = random.getrandbits(128) & _V4_KEEP | _V4_SET
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# the version (4, bits 76-79) and variant (0b10, bits 62-63) of RFC 4122
_V4_KEEP = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
_V4_SET = (0x4 << 76) | (0x2 << 62)


def http_status(status: int) -> str:
    """`meta.http_status` is a string: code and reason phrase, e.g. "422 Unprocessable Entity"."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


class SellError(MockError):
    """A failure answered with Sell's error envelope (the core hands it to `render`)."""

    def __init__(
        self,
        status: int,
        code: str,
        details: str | None = None,
        *,
        resource: str | None = None,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, details or code, headers=headers)
        self.code = code
        self.details = details
        self.resource = resource
        self.field = field


def render(exc: SellError, request_id: str) -> Response:
    error: dict[str, Any] = {"code": exc.code, "message": MESSAGES.get(exc.code, exc.code)}
    if exc.details:
        error["details"] = exc.details
    if exc.resource:
        error["resource"] = exc.resource
    if exc.field:
        error["field"] = exc.field
    body = {
        "errors": [{"error": error, "meta": {"type": "error", "links": {"more_info": MORE_INFO}}}],
        "meta": {
            "type": "errors",
            "http_status": http_status(exc.status),
            "logref": request_id,
            "links": {"more_info": MORE_INFO},
        },
    }
    headers = {**exc.headers, "X-Request-Id": request_id, "Content-Language": "en"}
    response = json_response(body, exc.status, headers)
    response.headers["Content-Type"] = JSON_TYPE
    return response


# -- request parameters and bodies --------------------------------------------------------------


def invalid_param(name: str, why: str = "") -> SellError:
    # Observed (§2.4): "The request query parameter 'per_page' is malformed, missing, or has an
    # invalid value (must be between 1 and 100, given: 200)". Unknown parameters get their own
    # sentence; values are echoed only where the vendor does (never for unknown parameters).
    if why == "unknown":
        details = f"The request query parameter '{name}' is not supported."
    else:
        suffix = f" ({why})" if why else ""
        details = (
            f"The request query parameter '{name}' is malformed, missing, or has an invalid "
            f"value{suffix}"
        )
    return SellError(400, "invalid_param", details)


def pointer(path: str) -> str:
    """A core field name ("address.city", "prices[0].amount") as a JSON pointer tail."""
    return "/" + path.replace("[", ".").replace("]", "").replace(".", "/")


def unknown_attribute(path: str, resource: str) -> SellError:
    ptr = pointer(path)
    return SellError(
        422,
        "unknown",
        f"The attribute '{ptr}' is not a known attribute for the '{resource}' resource.",
        resource=resource,
        field=ptr,
    )


def blank(path: str, resource: str) -> SellError:
    ptr = "/data" + pointer(path)
    return SellError(
        422, "blank", f"The attribute '{ptr}' cannot be blank.", resource=resource, field=ptr
    )


def incorrect(path: str, resource: str, details: str, *, data_prefix: bool = True) -> SellError:
    ptr = ("/data" if data_prefix else "") + pointer(path)
    return SellError(
        422, "incorrect_value", details.replace("{ptr}", ptr), resource=resource, field=ptr
    )


def from_invalid(exc: Invalid, resource: str) -> SellError:
    """Map a core coercion failure to Sell's code and pointer style.

    The live API's pointers differ by check (§2.4, §9): `unknown` and list-inclusion errors
    point at `/<attr>` ("/invalid_field", "/resource_type"), while blank/range/type errors point
    at `/data/<attr>` ("/data/last_name", "/data/max_discount"). Both observed styles are kept.
    """
    if exc.kind == "unknown":
        return unknown_attribute(exc.field, resource)
    if exc.kind == "required":
        return blank(exc.field, resource)
    if exc.kind == "choice":
        return incorrect(
            exc.field,
            resource,
            "The attribute '{ptr}' value is not included in the list",
            data_prefix=False,
        )
    if exc.kind in ("range", "length", "format", "invalid"):
        message = exc.message if exc.message.endswith(".") else f"{exc.message}."
        if message.startswith("Ensure"):
            return incorrect(exc.field, resource, message)
        return incorrect(exc.field, resource, "The attribute '{ptr}' " + message)
    ptr = "/data" + pointer(exc.field)
    return SellError(
        422, "invalid_type", f"The attribute '{ptr}' {exc.message}.", resource=resource, field=ptr
    )
