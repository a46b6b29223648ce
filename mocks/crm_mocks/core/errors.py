"""`MockError`: a failure a handler answers in the vendor's own error shape.

Raise it anywhere under a handler (an auth check, a body parser, a lookup): the core catches it
in front of the routes and answers with `VendorMock.render_error`, which gives the vendor's
error body (`VendorMock.error`) plus the exception's headers. A vendor whose errors carry more
than a status and a message (Zendesk Sell's `code`, `resource`, `field`) subclasses MockError
and renders the extra fields in its own `render_error`.
"""

from __future__ import annotations

from collections.abc import Mapping


class MockError(Exception):
    """An answer in the vendor's error shape: `status`, `message` and extra response headers
    (e.g. `Allow` on a 405)."""

    def __init__(self, status: int, message: str, *, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
