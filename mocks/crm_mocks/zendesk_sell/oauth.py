"""OAuth2 (companion fact sheet §4): `/oauth2/authorize`, `/oauth2/token`, `/oauth2/revoke`, and
the access tokens they issue, which then work on every API family with their granted scopes.

Client apps are registered per account in the accounts file (`profile.oauth_apps`: client_id,
client_secret, redirect_uri, user_label — the user the mock's authorize page "logs in" as,
since a mock has no login form). Issued tokens live in the store under a pseudo-account, keyed
by the SHA-256 of the token (the token itself is never stored), so a reset forgets them and a
`--db` file keeps them. Access tokens expire after `--option oauth_token_ttl` seconds (default
3600, the documented hour); refresh tokens do not expire but are replaced on every refresh (the
old one stops working: inferred, the sheet says clients store the new one).

Token-endpoint errors use the RFC 6749 shape `{"error", "error_description"}`: the one code
seen from the vendor is `401 invalid_client` (Zapier's test); the others are RFC 6749's.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.responses import JSONResponse, RedirectResponse, Response

from ..core.accounts import Directory, User
from ..core.store import Filter, Store

HOLDER = "_oauth"  # pseudo-account holding every issued token and code
TOKEN = "_oauth_token"
CODE = "_oauth_code"
SCOPES = ("read", "write", "profile", "sync")
DEFAULT_TTL = 3600
CODE_TTL = 600  # an authorization code is good for 10 minutes, once (inferred)
GRANTS = ("authorization_code", "password", "refresh_token")
PARAMETERS = (
    "grant_type", "code", "redirect_uri", "username", "password", "refresh_token", "scope", "token",
)  # fmt: skip


class OAuthError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description

    def response(self) -> Response:
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        if self.status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="api.getbase.com"'
        body = {"error": self.error, "error_description": self.description}
        return JSONResponse(body, self.status, headers=headers)


def ensure_indexes(store: Store) -> None:
    store.ensure_index(TOKEN, ["access_hash"])
    store.ensure_index(TOKEN, ["refresh_hash"])
    store.ensure_index(CODE, ["code_hash"])


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class App:
    client_id: str
    client_secret: str = dataclasses.field(repr=False)
    redirect_uri: str
    account: str
    user_label: str


def apps_of(directory: Directory) -> dict[str, App]:
    out = {}
    for account in directory.accounts.values():
        for app in account.profile.get("oauth_apps", []):
            out[app["client_id"]] = App(
                app["client_id"],
                app["client_secret"],
                app["redirect_uri"],
                account.id,
                app["user_label"],
            )
    return out


def user_by_label(directory: Directory, account: str, label: str) -> User | None:
    return next((u for u in directory.accounts[account].users if u.label == label), None)


def parse_scope(raw: str | None, allowed: frozenset[str]) -> tuple[str, ...]:
    """Requested scopes (space-separated), within what the user holds; none: all of those."""
    held = tuple(s for s in SCOPES if s in allowed)
    if raw is None or not raw.strip():
        return held
    wanted = tuple(dict.fromkeys(raw.split()))
    if any(s not in SCOPES or s not in allowed for s in wanted):
        raise OAuthError(400, "invalid_scope", f"Scopes are a subset of: {' '.join(held)}.")
    return wanted


# -- issuing ---------------------------------------------------------------------------------


def issue(
    store: Store, user: User, client_id: str, scopes: tuple[str, ...], ttl: float
) -> dict[str, Any]:
    access, refresh = secrets.token_hex(32), secrets.token_hex(32)  # 64 characters, like PATs
    store.insert(
        HOLDER,
        TOKEN,
        {
            "access_hash": digest(access),
            "refresh_hash": digest(refresh),
            "client_id": client_id,
            "account": user.account,
            "user_id": user.id,
            "scopes": list(scopes),
            "expires_at": time.time() + ttl,
        },
    )
    return {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": int(ttl),
        "refresh_token": refresh,
        "scope": " ".join(scopes),
    }


def user_for(store: Store, directory: Directory, token: str | None) -> User | None:
    """The user an unexpired, unrevoked OAuth access token acts as, with its granted scopes."""
    if not token:
        return None
    rows = store.query(HOLDER, TOKEN, [Filter("access_hash", "=", digest(token))], limit=1)
    if not rows or rows[0]["expires_at"] < time.time():
        return None
    row = rows[0]
    account = directory.accounts.get(row["account"])
    user = next((u for u in account.users if u.id == row["user_id"]), None) if account else None
    if user is None:
        return None
    return dataclasses.replace(user, permissions=frozenset(row["scopes"]))


# -- endpoints -------------------------------------------------------------------------------


def client_of(headers: Mapping[str, str], apps: Mapping[str, App]) -> App:
    """HTTP Basic `client_id:client_secret`, required on every token request (§4.2)."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    app = None
    if scheme.lower() == "basic":
        try:
            client_id, _, client_secret = (
                base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            client_id = client_secret = ""
        app = apps.get(client_id)
        if app is not None and not hmac.compare_digest(
            app.client_secret.encode(), client_secret.encode()
        ):
            app = None
    if app is None:
        raise OAuthError(401, "invalid_client", "Client authentication failed.")
    return app


def form_of(raw: bytes, content_type: str) -> dict[str, str]:
    if content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        raise OAuthError(
            400, "invalid_request", "The body must be application/x-www-form-urlencoded."
        )
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise OAuthError(400, "invalid_request", "The body is not a valid form.") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form and key in PARAMETERS:  # RFC 6749 3.1: no parameter twice
            raise OAuthError(400, "invalid_request", f"'{key}' is given more than once.")
        form[key] = value  # unknown parameters are ignored (RFC 6749 3.1)
    return form


def need(form: Mapping[str, str], *names: str) -> None:
    for name in names:
        if not form.get(name):
            raise OAuthError(400, "invalid_request", f"'{name}' is required.")


def token(
    store: Store,
    directory: Directory,
    headers: Mapping[str, str],
    form: Mapping[str, str],
    ttl: float,
) -> dict[str, Any]:
    """`POST /oauth2/token`: the body was read and parsed before this touches any state."""
    app = client_of(headers, apps_of(directory))
    grant = form.get("grant_type")
    if not grant:
        raise OAuthError(400, "invalid_request", "'grant_type' is required.")
    if grant not in GRANTS:
        raise OAuthError(400, "unsupported_grant_type", f"Grant types: {', '.join(GRANTS)}.")
    with store.transaction():  # a code or refresh token is used up exactly once
        if grant == "authorization_code":
            need(form, "code")
            rows = store.query(HOLDER, CODE, [Filter("code_hash", "=", digest(form["code"]))])
            code = rows[0] if rows else None
            if (
                code is None
                or code["client_id"] != app.client_id
                or code["expires_at"] < time.time()
                or ("redirect_uri" in form and form["redirect_uri"] != code["redirect_uri"])
            ):
                raise OAuthError(400, "invalid_grant", "The authorization code is not valid.")
            store.delete(HOLDER, CODE, code["id"])
            user = user_by_label(directory, code["account"], code["user_label"])
            scopes = tuple(code["scopes"])
        elif grant == "password":
            need(form, "username", "password")
            user = next(
                (
                    u
                    for u in directory.accounts[app.account].users
                    if u.email == form["username"]
                    and hmac.compare_digest(
                        u.credentials.get("password", "").encode(), form["password"].encode()
                    )
                    and u.credentials.get("password")
                ),
                None,
            )
            if user is None:
                raise OAuthError(400, "invalid_grant", "The user name or password is wrong.")
            scopes = parse_scope(form.get("scope"), user.permissions)
        else:
            need(form, "refresh_token")
            rows = store.query(
                HOLDER, TOKEN, [Filter("refresh_hash", "=", digest(form["refresh_token"]))]
            )
            old = rows[0] if rows else None
            if old is None or old["client_id"] != app.client_id:
                raise OAuthError(400, "invalid_grant", "The refresh token is not valid.")
            store.delete(HOLDER, TOKEN, old["id"])  # replaced by the new pair
            account = directory.accounts[old["account"]]
            user = next((u for u in account.users if u.id == old["user_id"]), None)
            scopes = tuple(old["scopes"])
            if "scope" in form:  # a refresh may narrow the grant, never widen it
                scopes = parse_scope(form["scope"], frozenset(scopes))
        if user is None:
            raise OAuthError(400, "invalid_grant", "The grant's user no longer exists.")
        return issue(store, user, app.client_id, scopes, ttl)


def revoke(
    store: Store, directory: Directory, headers: Mapping[str, str], form: Mapping[str, str]
) -> None:
    """`POST /oauth2/revoke` (third-party sources only): the token, access or refresh, and its
    pair stop working; an unknown token is not an error (RFC 7009)."""
    app = client_of(headers, apps_of(directory))
    need(form, "token")
    hashed = digest(form["token"])
    with store.transaction():
        for field in ("access_hash", "refresh_hash"):
            for row in store.query(HOLDER, TOKEN, [Filter(field, "=", hashed)]):
                if row["client_id"] == app.client_id:
                    store.delete(HOLDER, TOKEN, row["id"])


def authorize(
    store: Store, directory: Directory, params: Mapping[str, str], ttl: float
) -> Response:
    """`GET /oauth2/authorize`: the mock approves at once as the app's configured user and
    redirects with a `code` (query) or, for `response_type=token`, the token (fragment)."""
    app = apps_of(directory).get(params.get("client_id", ""))
    if app is None:
        raise OAuthError(400, "invalid_client", "Unknown client_id.")
    redirect = params.get("redirect_uri") or app.redirect_uri
    if redirect != app.redirect_uri:
        raise OAuthError(400, "invalid_request", "redirect_uri is not the app's.")
    state = {"state": params["state"]} if "state" in params else {}
    response_type = params.get("response_type")
    user = user_by_label(directory, app.account, app.user_label)
    try:
        if response_type not in ("code", "token"):
            raise OAuthError(400, "unsupported_response_type", "response_type is code or token.")
        if user is None:
            raise OAuthError(400, "access_denied", "The app's user does not exist.")
        scopes = parse_scope(params.get("scope"), user.permissions)
    except OAuthError as exc:
        query = urlencode({"error": exc.error, "error_description": exc.description, **state})
        return RedirectResponse(f"{redirect}?{query}", 302)
    if response_type == "token":
        issued = issue(store, user, app.client_id, scopes, ttl)
        fragment = urlencode({**issued, **state})
        return RedirectResponse(f"{redirect}#{fragment}", 302)
    code = secrets.token_urlsafe(24)
    store.insert(
        HOLDER,
        CODE,
        {
            "code_hash": digest(code),
            "client_id": app.client_id,
            "redirect_uri": redirect,
            "account": app.account,
            "user_label": app.user_label,
            "scopes": list(scopes),
            "expires_at": time.time() + CODE_TTL,
        },
    )
    return RedirectResponse(f"{redirect}?{urlencode({'code': code, **state})}", 302)
