"""The Bantam Live mock: behaviour of fact sheet §7, on the shared mock core.

Bantam Live (a Rails 2 app, shut down in 2011) documented only paths, Basic auth and four keys.
Statuses and error bodies follow the fact sheet's Rails-conventional table (§6): 401 with the
text `HTTP Basic: Access denied.`, 404/403/400 as `{"error": "..."}`, 422 as Rails-2
`[["field", "message"], ...]` pairs. Where the fact sheet left a choice open, the conventional
REST answer was picked (406 for an Accept without JSON, 415 for a body that is not JSON).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from ..core.accounts import Account, User
from ..core.app import VendorMock
from ..core.bulk import collector_paused
from ..core.clock import utc_timestamp
from ..core.errors import MockError
from ..core.http import (
    InvalidJson,
    accepts_json,
    int_id,
    json_body,
    json_response,
    resource,
)
from ..core.options import Option
from ..core.store import Filter, Record, Store
from . import contacts, feed
from .contacts import BadBody, ValidationFailed

PREFIX = "/api"
KIND = "contact"
ADMIN = "admin"  # permission: sees every contact of the account and may change any of them
# The real feed's address was never published (fact sheet 4): the project keeps it under the
# API base so one base URL reaches everything (spec decision bantam-live-4.2).
DEFAULT_FEED_PATH = PREFIX + "/feeds/stream.rss"
DEFAULT_FEED_LIMIT = 50
REALM = "Application"  # Rails' default realm for authenticate_or_request_with_http_basic


def _person(first: str, last: str, **extra: str) -> dict[str, Any]:
    return {"type": contacts.PEOPLE, "first_name": first, "last_name": last, **extra}


def _org(name: str, **extra: str) -> dict[str, Any]:
    return {"type": contacts.COMPANIES, "name": name, **extra}


# Seed contacts per account: (owner user id, fields). Ids follow this order (1, 2, ...).
SEED_TIME = "2011-01-03T09:00:00Z"
SEED: dict[str, list[tuple[int, dict[str, Any]]]] = {
    "myaccount": [
        (1, _person("Tom", "Jones", tag_names="singer,vegas")),
        (1, _org("Vegas Lounge Ltd")),
        (1, _person("Pat", "Private", visibility="private")),
        (2, _person("Sam", "Seller", tag_names="prospect")),
        (2, _org("Seller Leads Inc", visibility="private")),
    ],
    "yourcompany": [(1, _person("Olga", "Other"))],
}


def _now() -> str:
    return utc_timestamp()


def _feed_path_problem(path: str) -> str | None:
    if (
        not path.startswith("/")
        or path.rstrip("/") in ("", PREFIX, PREFIX + "/contacts")
        or path.startswith((PREFIX + "/contacts/", "/__mock__"))
        or "{" in path
    ):
        return f"must be an absolute path outside {PREFIX}/contacts and /__mock__"
    return None


def _is_json_type(header: str) -> bool:
    media = header.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


class BantamLiveMock(VendorMock):
    name: ClassVar[str] = "bantam-live"
    api_prefix: ClassVar[str] = PREFIX
    strip_trailing_slash: ClassVar[bool] = True  # Rails routes `/api/contacts/` as `/api/contacts`
    declared_options: ClassVar[tuple[Option, ...]] = (
        Option(
            "feed_path",
            str,
            DEFAULT_FEED_PATH,
            "path of the RSS activity feed (the real one was never published)",
            check=_feed_path_problem,
        ),
        Option(
            "feed_limit",
            int,
            DEFAULT_FEED_LIMIT,
            "most items the activity feed lists",
            minimum=1,
            maximum=1000,
        ),
    )

    def __init__(
        self, store: Store, accounts: Sequence[Account], options: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(store, accounts, options)
        self.feed_path: str = self.options["feed_path"].rstrip("/")
        self.feed_limit: int = self.options["feed_limit"]
        store.ensure_index(KIND, ["type"])
        store.ensure_index(KIND, ["visibility", "owner_id"])
        store.ensure_index(feed.KIND, ["visibility", "owner_id"])

    @staticmethod
    def secret_of(credentials: Mapping[str, str]) -> str:
        # E-mail logins are case-insensitive; the password is not. Joined by a newline, which no
        # e-mail address contains.
        return credentials["email"].strip().lower() + "\n" + credentials["password"]

    # -- responses --------------------------------------------------------------------------

    def error(self, status: int, message: str, request: Request | None = None) -> Response:
        if status == 401:
            # Rails 2's request_http_basic_authentication: a text body and a Basic challenge.
            return Response(
                "HTTP Basic: Access denied.\n",
                401,
                headers={"WWW-Authenticate": f'Basic realm="{REALM}"'},
                media_type="text/plain",
            )
        if status == 422:
            return json_response([["base", message]], 422)
        return json_response({"error": message}, status)

    # `unsupported` is the core's: Rails 2 answered a known path with an unrouted verb 405 +
    # Allow (MethodNotAllowed), in the error shape above.

    def render_error(self, exc: MockError, request: Request | None = None) -> Response:
        if isinstance(exc, ValidationFailed):  # every failed field as a [field, message] pair
            return json_response([list(pair) for pair in exc.errors], 422)
        return super().render_error(exc, request)

    def failure(self, exc: Exception) -> MockError | None:
        if isinstance(exc, InvalidJson | BadBody):
            return MockError(400, f"Malformed request body: {exc}")
        return None

    # -- auth and visibility ----------------------------------------------------------------

    def authenticate(self, request: Request) -> User:
        """HTTP Basic with the login e-mail and password (§2), scoped to the Host's account."""
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic" or not encoded.strip():
            raise MockError(401, "")
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise MockError(401, "") from None
        email, sep, password = decoded.partition(":")
        if not sep:
            raise MockError(401, "")
        email = email.strip().lower()
        user = self.directory.authenticate(email + "\n" + password)
        if user is None and "%" in email:
            # The vendor's examples put the e-mail in the URL as `me%40example.com`; a client
            # that forwards it without decoding still means the same login.
            user = self.directory.authenticate(unquote(email) + "\n" + password)
        if user is None:
            raise MockError(401, "")
        # Each account has its own subdomain (§1): on `<account>.<host>` only that account's
        # users can sign in. A bare IP or `localhost` (how the mock is usually reached) names
        # no account, and then the credentials alone decide.
        host_account = self.host_account(request)
        if host_account is not None and host_account != user.account:
            raise MockError(401, "")
        return user

    def host_account(self, request: Request) -> str | None:
        host = request.headers.get("host", "").rsplit(":", 1)[0].strip().lower()
        label, dot, _ = host.partition(".")
        return label if dot and label in self.directory.accounts else None

    def api_user(self, request: Request) -> User:
        """Authenticate an /api request: Basic auth, API access on (§2), JSON accepted (§3)."""
        user = self.authenticate(request)
        profile = self.directory.accounts[user.account].profile
        if profile.get("api_access") is False:
            raise MockError(
                403, "API access is not enabled for this account (Settings > API Access)."
            )
        # lenient (§8 #2): no Accept, or any range JSON matches with q > 0, is fine
        if not accepts_json(request.headers.get("accept", "")):
            raise MockError(
                406, "This API only serves application/json; send Accept: application/json."
            )
        return user

    @staticmethod
    def is_admin(user: User) -> bool:
        return user.can(ADMIN)

    def can_see(self, user: User, contact: Mapping[str, Any]) -> bool:
        return (
            contact.get("visibility") != "private"
            or contact.get("owner_id") == user.id
            or self.is_admin(user)
        )

    def can_change(self, user: User, contact: Mapping[str, Any]) -> bool:
        """Admins change any contact; a normal user only the contacts they own."""
        return contact.get("owner_id") == user.id or self.is_admin(user)

    def find(self, user: User, raw_id: str) -> Record:
        """A contact the user may see; others' private contacts 404 as if absent (§2)."""
        record_id = int_id(raw_id)
        contact = None if record_id is None else self.store.get(user.account, KIND, record_id)
        if contact is None or not self.can_see(user, contact):
            raise MockError(404, f"Couldn't find Contact with ID={raw_id}")
        return contact

    def body(self, request: Request) -> Any:
        """The JSON body; `Content-Type: application/json` is required (§3)."""
        if not _is_json_type(request.headers.get("content-type", "")):
            raise MockError(415, "Send the body as JSON with Content-Type: application/json.")
        return json_body(request)

    # -- handlers ---------------------------------------------------------------------------

    async def list_contacts(self, request: Request) -> Response:
        user = self.api_user(request)
        view = request.query_params.get("view", "")
        filters: list[Filter] = []
        if view == "people":
            filters.append(Filter("type", "=", contacts.PEOPLE))
        elif view == "companies":
            filters.append(Filter("type", "=", contacts.COMPANIES))
        # any other value (empty included) lists both: fact sheet 4, unknown values are ignored
        with collector_paused():  # every contact, unpaged: see core/bulk.py
            if self.is_admin(user):
                return json_response(self.store.query(user.account, KIND, filters))
            # Shared contacts plus the user's own private ones, each from an indexed query.
            shared = self.store.query(
                user.account, KIND, [*filters, Filter("visibility", "!=", "private")]
            )
            own = self.store.query(
                user.account,
                KIND,
                [*filters, Filter("visibility", "=", "private"), Filter("owner_id", "=", user.id)],
            )
            return json_response(sorted([*shared, *own], key=lambda c: int(c["id"])))

    async def get_contact(self, request: Request) -> Response:
        user = self.api_user(request)
        return json_response(self.find(user, request.path_params["id"]))

    async def create_contact(self, request: Request) -> Response:
        user = self.api_user(request)
        changes = contacts.clean(self.body(request))
        stamp = _now()
        item = {
            "type": changes.pop("type"),
            **contacts.DEFAULTS,
            **changes,
            "owner_id": user.id,
            "created_at": stamp,
            "updated_at": stamp,
        }
        with self.store.transaction():
            created = self.store.insert(user.account, KIND, item)
            feed.record_event(self.store, user, "created", created, stamp)
        location = f"{PREFIX}/contacts/{created['id']}"
        return json_response(created, 201, {"Location": location})

    async def update_contact(self, request: Request) -> Response:
        """PUT and POST to the item both merge the sent keys into the record (§7.6)."""
        user = self.api_user(request)
        body = self.body(request)
        with self.store.transaction():  # read, merge and write as one step
            contact = self.find(user, request.path_params["id"])
            if not self.can_change(user, contact):
                raise MockError(403, "You are not allowed to update this contact.")
            changes = contacts.clean(body, current_type=contact["type"])
            stamp = _now()
            merged = {**contact, **changes, "updated_at": stamp}
            self.store.put(user.account, KIND, merged)
            feed.record_event(self.store, user, "updated", merged, stamp, changes.keys())
        return json_response(merged)

    async def delete_contact(self, request: Request) -> Response:
        user = self.api_user(request)
        with self.store.transaction():
            contact = self.find(user, request.path_params["id"])
            if not self.can_change(user, contact):
                raise MockError(403, "You are not allowed to delete this contact.")
            self.store.delete(user.account, KIND, contact["id"])
            feed.record_event(self.store, user, "deleted", contact, _now())
        return Response(status_code=200)  # Rails scaffold: `head :ok`, an empty body

    async def activity_feed(self, request: Request) -> Response:
        """The user's dashboard stream: events on contacts they can see, newest first."""
        user = self.authenticate(request)
        events = feed.recent_events(
            self.store, user, see_all=self.is_admin(user), limit=self.feed_limit
        )
        base = str(request.base_url).rstrip("/")
        xml = feed.render_rss(
            events,
            account=user.account,
            account_name=self.directory.accounts[user.account].name,
            site_url=base + "/",
            feed_url=base + self.feed_path,
            contact_url=base + PREFIX + "/contacts/{id}",
            list_url=base + PREFIX + "/contacts",
        )
        return Response(xml, 200, media_type="application/rss+xml; charset=utf-8")

    # -- seed data --------------------------------------------------------------------------

    def seed(self) -> None:
        """A few contacts per account covering both types, both visibilities and both owners."""
        for account, rows in SEED.items():
            if account not in self.directory.accounts:  # a custom --accounts file
                continue
            for owner, row in rows:
                item = {
                    "type": row["type"],
                    **contacts.DEFAULTS,
                    **row,
                    "owner_id": owner,
                    "created_at": SEED_TIME,
                    "updated_at": SEED_TIME,
                }
                self.store.insert(account, KIND, item)

    # -- routing ----------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        return [
            resource(
                f"{PREFIX}/contacts",
                {"GET": self.list_contacts, "POST": self.create_contact},
                self.unsupported,
            ),
            resource(
                f"{PREFIX}/contacts/{{id}}",
                {
                    "GET": self.get_contact,
                    "PUT": self.update_contact,
                    "POST": self.update_contact,  # the vendor updates with POST too (§8 #1)
                    "DELETE": self.delete_contact,
                },
                self.unsupported,
            ),
            resource(self.feed_path, {"GET": self.activity_feed}, self.unsupported),
        ]
