"""The client every operation takes: where the API is, how to authenticate, timeouts, retries.

`connect()` builds the right one for this vendor; build one by hand only for something
`connect()` does not offer. The API of openapi-python-client's own `Client` is kept
(`with_headers`, `set_httpx_client`, context managers, ...) and extended with a default
timeout and retries (module `retries`).

Written by the crm-openapi pipeline (scripts/generator/modules), not by hand in this package.
"""

import ssl
from typing import Any, Self

import httpx
from attrs import define, evolve, field

from .retries import AsyncRetryTransport, RetryTransport

#: connect 5 s: a reachable API opens a TCP+TLS connection in well under a second, so waiting
#: longer mostly delays the retry of a black-holed address. read/write/pool 60 s: a full
#: page of a list or a search can take seconds on a loaded vendor; a minute still surfaces
#: a hung server instead of waiting forever.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2


@define
class Client:
    """A client for the API's operations that need no credentials.

    Keyword arguments:
        base_url: where the API lives; operation paths are relative to it.
        cookies / headers: sent with every request.
        timeout: `httpx.Timeout` (default: connect 5 s, everything else 60 s); every operation
            also takes `timeout=` for one call.
        max_retries: retries of a failed request (default 2; see module `retries`).
        verify_ssl: verify the server's certificate (True), a CA bundle path, or an SSLContext.
        follow_redirects: follow 3xx answers (default False).
        httpx_args: more arguments for `httpx.Client` / `httpx.AsyncClient` (a `transport`
            given here is wrapped by the retry transport).
        raise_on_unexpected_status: `*_detailed()` raise `errors.UnexpectedStatus` on a status
            the spec does not document.
    """

    raise_on_unexpected_status: bool = field(default=False, kw_only=True)
    _base_url: str = field(alias="base_url")
    _cookies: dict[str, str] = field(factory=dict, kw_only=True, alias="cookies", repr=False)
    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers", repr=False)
    _timeout: httpx.Timeout = field(default=DEFAULT_TIMEOUT, kw_only=True, alias="timeout")
    _max_retries: int = field(default=DEFAULT_MAX_RETRIES, kw_only=True, alias="max_retries")
    _verify_ssl: str | bool | ssl.SSLContext = field(default=True, kw_only=True, alias="verify_ssl")
    _follow_redirects: bool = field(default=False, kw_only=True, alias="follow_redirects")
    _httpx_args: dict[str, Any] = field(factory=dict, kw_only=True, alias="httpx_args", repr=False)
    _client: httpx.Client | None = field(default=None, init=False, repr=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False, repr=False)

    def _auth_headers(self) -> dict[str, str]:
        return {}

    def _client_args(self) -> dict[str, Any]:
        args = {
            "base_url": self._base_url,
            "cookies": self._cookies,
            "headers": {**self._headers, **self._auth_headers()},
            "timeout": self._timeout,
            "follow_redirects": self._follow_redirects,
            **self._httpx_args,
        }
        args.pop("transport", None)
        return args

    def with_headers(self, headers: dict[str, str]) -> Self:
        """A new client matching this one with additional headers"""
        if self._client is not None:
            self._client.headers.update(headers)
        if self._async_client is not None:
            self._async_client.headers.update(headers)
        return evolve(self, headers={**self._headers, **headers})

    def with_cookies(self, cookies: dict[str, str]) -> Self:
        """A new client matching this one with additional cookies"""
        if self._client is not None:
            self._client.cookies.update(cookies)
        if self._async_client is not None:
            self._async_client.cookies.update(cookies)
        return evolve(self, cookies={**self._cookies, **cookies})

    def with_timeout(self, timeout: httpx.Timeout) -> Self:
        """A new client matching this one with a new timeout"""
        if self._client is not None:
            self._client.timeout = timeout
        if self._async_client is not None:
            self._async_client.timeout = timeout
        return evolve(self, timeout=timeout)

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Use this `httpx.Client` as it is (its own timeout and transport: no retries unless
        it sends through a `retries.RetryTransport`)."""
        self._client = client
        return self

    def get_httpx_client(self) -> httpx.Client:
        """The underlying `httpx.Client`, made on first use."""
        if self._client is None:
            inner = self._httpx_args.get("transport") or httpx.HTTPTransport(
                verify=self._verify_ssl
            )
            self._client = httpx.Client(
                transport=RetryTransport(inner, self._max_retries), **self._client_args()
            )
        return self._client

    def __enter__(self) -> Self:
        """Enter a context manager for self.client—you cannot enter twice (see httpx docs)"""
        self.get_httpx_client().__enter__()
        return self

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for internal httpx.Client (see httpx docs)"""
        self.get_httpx_client().__exit__(*args, **kwargs)

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Use this `httpx.AsyncClient` as it is (see `set_httpx_client`)."""
        self._async_client = async_client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The underlying `httpx.AsyncClient`, made on first use."""
        if self._async_client is None:
            inner = self._httpx_args.get("transport") or httpx.AsyncHTTPTransport(
                verify=self._verify_ssl
            )
            self._async_client = httpx.AsyncClient(
                transport=AsyncRetryTransport(inner, self._max_retries), **self._client_args()
            )
        return self._async_client

    async def __aenter__(self) -> Self:
        """Enter a context manager for the underlying httpx.AsyncClient (once only)"""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for underlying httpx.AsyncClient (see httpx docs)"""
        await self.get_async_httpx_client().__aexit__(*args, **kwargs)


@define
class AuthenticatedClient(Client):
    """A client that authenticates every request: `{auth_header_name}: {prefix} {token}`.

    The token never appears in `repr()`.
    """

    token: str = field(default="", repr=False)
    """The token to use for authentication"""
    prefix: str = "Bearer"
    """The prefix to use for the Authorization header"""
    auth_header_name: str = "Authorization"
    """The name of the Authorization header"""

    def _auth_headers(self) -> dict[str, str]:
        return {self.auth_header_name: f"{self.prefix} {self.token}" if self.prefix else self.token}
