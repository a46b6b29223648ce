"""The one error model of every crm-openapi client.

    ApiError
     +-- ApiStatusError (status_code, message, code, field_errors, request_id, body, response)
     |    +-- BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403,
     |    |   NotFoundError 404, ConflictError 409, UnprocessableEntityError 422,
     |    |   RateLimitError 429 (retry_after), InternalServerError >= 500
     +-- ApiConnectionError (the request got no answer; wraps httpx's error)
     |    +-- ApiTimeoutError
     +-- UnexpectedStatus (a status the spec does not document, with raise_on_unexpected_status)

`sync()` / `asyncio()` raise these; `iterate()` / `aiterate()` too, with the page number set.
Where the vendor keeps its message, code and request id comes from data (`_vendor.ERRORS`,
written from scripts/generator/vendors.yaml), never from code per vendor.

Written by the crm-openapi pipeline (scripts/generator/modules), not by hand in this package.
"""

import email.utils
import json
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import httpx

from ._vendor import ERRORS

_MAX_TEXT = 300  # characters of a non-JSON body quoted as the message


@dataclass(frozen=True)
class FieldError:
    """One field the vendor rejected: where (`field`, e.g. Sell's `/data/last_name`) and why."""

    field: str
    message: str
    code: str | None = None


class ApiError(Exception):
    """Everything a crm-openapi client raises on purpose."""

    #: the page `iterate()` / `aiterate()` was fetching when it gave up (None elsewhere)
    page: int | None = None

    def _page_suffix(self) -> str:
        return f" [page {self.page}]" if self.page is not None else ""


class ApiConnectionError(ApiError):
    """No answer from the server (refused, dropped, DNS, TLS...), after any retries."""

    def __init__(self, error: httpx.TransportError, request: httpx.Request | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.request = request

    def __str__(self) -> str:
        where = f" ({self.request.method} {self.request.url.path})" if self.request else ""
        reason = str(self.error) or type(self.error).__name__
        return f"{type(self).__name__}: {reason}{where}{self._page_suffix()}"


class ApiTimeoutError(ApiConnectionError):
    """The server did not answer within the timeout (after any retries)."""


class ApiStatusError(ApiError):
    """The server answered with a non-2xx status.

    Attributes:
        status_code: the HTTP status.
        message: the vendor's own human-readable message (or the reason phrase).
        code: the vendor's machine-readable error code, where it gives one.
        field_errors: the fields the vendor rejected (e.g. Sell's `/data/last_name`).
        request_id: the vendor's id of the request (e.g. Sell's `logref` / `X-Request-Id`).
        body: the parsed JSON body, or the text when it is not JSON.
        response: the `httpx.Response`.
    """

    def __init__(
        self,
        response: httpx.Response,
        *,
        message: str,
        code: str | None = None,
        field_errors: tuple[FieldError, ...] = (),
        request_id: str | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.message = message
        self.code = code
        self.field_errors = field_errors
        self.request_id = request_id
        self.body = body

    def __str__(self) -> str:
        # Method and path only: a query string or a header may carry a credential.
        request = self.response.request
        try:
            phrase = HTTPStatus(self.status_code).phrase
        except ValueError:
            phrase = "Error"
        text = f"{self.status_code} {phrase}: {self.message} ({request.method} {request.url.path})"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        return text + self._page_suffix()


class BadRequestError(ApiStatusError):
    """400"""


class AuthenticationError(ApiStatusError):
    """401"""


class PermissionDeniedError(ApiStatusError):
    """403"""


class NotFoundError(ApiStatusError):
    """404"""


class ConflictError(ApiStatusError):
    """409"""


class UnprocessableEntityError(ApiStatusError):
    """422"""


class RateLimitError(ApiStatusError):
    """429; `retry_after` is the server's `Retry-After` in seconds, when it sent one."""

    @property
    def retry_after(self) -> float | None:
        return retry_after_seconds(self.response.headers.get("Retry-After"))


class InternalServerError(ApiStatusError):
    """>= 500"""


class UnexpectedStatus(ApiError):
    """A status the spec does not document (raised when `raise_on_unexpected_status` is set)."""

    def __init__(self, status_code: int, content: bytes):
        self.status_code = status_code
        self.content = content
        super().__init__(f"Unexpected status code: {status_code}")


_BY_STATUS: dict[int, type[ApiStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` as seconds from now: a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _pointer(document: Any, pointer: str) -> Any:
    """RFC 6901 pointer into parsed JSON; None when it does not resolve."""
    node = document
    for raw in pointer.split("/")[1:] if pointer else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _first_text(document: Any, pointers: Any) -> str | None:
    for pointer in pointers or ():
        value = _pointer(document, pointer)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return None


def _field_errors(document: Any) -> tuple[FieldError, ...]:
    spec = ERRORS.get("field_errors")
    if not spec:
        return ()
    items = _pointer(document, spec["items"])
    found = []
    for item in items if isinstance(items, list) else ():
        field = _first_text(item, [spec["field"]])
        message = _first_text(item, [spec["message"]])
        if field and message:
            found.append(FieldError(field, message, _first_text(item, [spec.get("code", "")])))
    return tuple(found)


def from_response(response: httpx.Response, page: int | None = None) -> ApiError:
    """The typed error for a non-2xx response (the vendor's message, code, request id, ...)."""
    response.read()
    try:
        body: Any = json.loads(response.content) if response.content else None
    except ValueError:
        body = response.text
    fields = _field_errors(body)
    message = _first_text(body, ERRORS.get("message"))
    if message is None and fields:
        message = "; ".join(f"{f.field}: {f.message}" for f in fields)
    if message is None and isinstance(body, str) and body.strip():
        message = body.strip()[:_MAX_TEXT]
    if message is None:
        try:
            message = HTTPStatus(response.status_code).phrase
        except ValueError:
            message = "Error"
    request_id = _first_text(body, ERRORS.get("request_id"))
    header = ERRORS.get("request_id_header")
    if request_id is None and header:
        request_id = response.headers.get(header)
    status = response.status_code
    cls = _BY_STATUS.get(status) or (InternalServerError if status >= 500 else ApiStatusError)
    error = cls(
        response,
        message=message,
        code=_first_text(body, ERRORS.get("code")),
        field_errors=fields,
        request_id=request_id,
        body=body,
    )
    error.page = page
    return error


def transport_error(error: httpx.TransportError, page: int | None = None) -> ApiConnectionError:
    """httpx's transport failure as this client's error (the original is `__cause__`)."""
    try:
        request: httpx.Request | None = error.request
    except RuntimeError:  # raised outside a request: httpx keeps none
        request = None
    cls = ApiTimeoutError if isinstance(error, httpx.TimeoutException) else ApiConnectionError
    wrapped = cls(error, request)
    wrapped.page = page
    return wrapped


__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiStatusError",
    "ApiTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "FieldError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnexpectedStatus",
    "UnprocessableEntityError",
    "from_response",
    "retry_after_seconds",
    "transport_error",
]
