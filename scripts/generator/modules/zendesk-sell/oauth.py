"""A client authenticated by OAuth2 that refreshes its access token by itself.

Written by the crm-openapi pipeline (scripts/generator/modules/zendesk-sell), not by hand.

    client = connect_oauth(client_id, client_secret, refresh_token,
                           on_refresh=lambda token: save(token["refresh_token"]))

Every refresh returns a new refresh token and the old one stops working: `on_refresh` is where
an application stores it. The access token is refreshed shortly before it expires and once
after a `401` (a revoked or server-side expired token).
"""

import threading
import time
from collections.abc import Callable, Generator
from typing import Any

import httpx

from .client import AuthenticatedClient
from .connect import DEFAULT_SERVER, VERSION

LEEWAY = 60.0  # seconds before expiry at which a token counts as expired


class OAuthRefreshError(Exception):
    """The token endpoint refused the refresh (the grant was revoked or is unknown)."""

    def __init__(self, status_code: int, error: str, description: str) -> None:
        self.status_code, self.error, self.description = status_code, error, description
        super().__init__(f"OAuth2 refresh failed ({status_code} {error}): {description}")


class OAuthRefresh(httpx.Auth):
    """httpx auth flow: Bearer access token, refreshed with the refresh token when needed."""

    requires_response_body = True

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        on_refresh: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.token_url = token_url
        self._client = (client_id, client_secret)
        self._refresh_token = refresh_token
        self._access: str | None = None
        self._expires_at = 0.0
        self._on_refresh = on_refresh
        self._lock = threading.Lock()

    def __repr__(self) -> str:  # no secret in a repr
        return f"OAuthRefresh(token_url={self.token_url!r})"

    def _refresh_request(self) -> httpx.Request:
        request = httpx.Request(
            "POST",
            self.token_url,
            data={"grant_type": "refresh_token", "refresh_token": self._refresh_token},
        )
        return next(httpx.BasicAuth(*self._client).auth_flow(request))

    def _store(self, response: httpx.Response) -> None:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
            raise OAuthRefreshError(
                response.status_code,
                str(body.get("error", "unexpected_response")) if isinstance(body, dict) else "",
                str(body.get("error_description", "")) if isinstance(body, dict) else "",
            )
        self._access = str(body["access_token"])
        self._refresh_token = str(body.get("refresh_token") or self._refresh_token)
        self._expires_at = time.monotonic() + float(body.get("expires_in", 3600))
        if self._on_refresh is not None:
            self._on_refresh(body)

    def _stale(self) -> bool:
        return self._access is None or time.monotonic() >= self._expires_at - LEEWAY

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._stale():
            self._store((yield self._refresh_request()))
        request.headers["Authorization"] = f"Bearer {self._access}"
        response = yield request
        if response.status_code == 401:
            self._store((yield self._refresh_request()))
            request.headers["Authorization"] = f"Bearer {self._access}"
            yield request


def connect_oauth(
    client_id: str,
    client_secret: str,
    refresh_token: str,
    *,
    base_url: str | None = None,
    on_refresh: Callable[[dict[str, Any]], None] | None = None,
    user_agent: str = f"zendesk-sell-client/{VERSION} (crm-openapi)",
    **client_args: Any,
) -> AuthenticatedClient:
    """A client for Zendesk Sell that authenticates as an OAuth2 app's grant.

    Args:
        client_id: the OAuth2 app's client id
        client_secret: the OAuth2 app's client secret
        refresh_token: a refresh token of the grant (from the authorization code flow)
        base_url: where the API lives instead (a mock, a proxy); default the production host
        on_refresh: called with each token answer; store its `refresh_token` (the old one dies)
        user_agent: the `User-Agent` header sent with every request
        client_args: passed on to `AuthenticatedClient` (timeout, ...)
    """
    base = (base_url or DEFAULT_SERVER).rstrip("/")
    auth = OAuthRefresh(base + "/oauth2/token", client_id, client_secret, refresh_token, on_refresh)
    headers = {"User-Agent": user_agent, **client_args.pop("headers", {})}
    httpx_args = {**client_args.pop("httpx_args", {}), "auth": auth}
    # the token placeholder is replaced on every request by the auth flow's current token
    return AuthenticatedClient(
        base_url=base, token="", headers=headers, httpx_args=httpx_args, **client_args
    )
