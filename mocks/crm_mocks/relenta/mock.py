"""The Relenta API v3 mock: behaviour of fact sheet §9, on the shared mock core.

Relenta's v3 API is RPC over HTTP: `object.verb.json` paths under /api/v3, a department key in
`X-Relenta-Department-Key`, and every answer wrapped in `{status, code, data}`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..core.accounts import Account, User
from ..core.app import VendorMock
from ..core.body import request_body
from ..core.errors import MockError
from ..core.fields import Invalid, coerce_fields, plain_json
from ..core.http import ALL_METHODS, InvalidJson, json_body, json_response, resource
from ..core.options import Option
from ..core.store import Order, Store
from . import objects as obj
from . import seed as seeds

PREFIX = "/api/v3"
KEY_HEADER = "X-Relenta-Department-Key"
DEFAULT_CONTACT_LIMIT = 10_000  # the doc names no plan's limit; generous enough for any test run
MAX_PAGE_SIZE = 500  # v2's per_page cap (fact sheet §5); v3 documents none
# What a known operation looks like without (or with another) format suffix: those get the
# doc's 400 "doesn't properly specify response format"; anything else is an unknown path.
_OPERATION = re.compile(r"^(contact|activity|custom_field)\.(list|save|create)(\.[^./]*)?$")


_PLAIN = plain_json()


Handler = Callable[[Request, str], Awaitable[Response]]


def _now() -> str:
    return obj.stamp(datetime.now(UTC))


class RelentaMock(VendorMock):
    name: ClassVar[str] = "relenta"
    api_prefix: ClassVar[str] = PREFIX
    secret_headers: ClassVar[tuple[str, ...]] = (KEY_HEADER.lower(), "authorization")
    declared_options: ClassVar[tuple[Option, ...]] = (
        Option(
            "contact_limit",
            int,
            DEFAULT_CONTACT_LIMIT,
            "contacts a department may hold; creating one more answers 401, the doc's "
            "plan-limit error",
            minimum=0,
        ),
    )

    def __init__(
        self, store: Store, accounts: Sequence[Account], options: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(store, accounts, options)
        self.contact_limit: int = self.options["contact_limit"]

    @staticmethod
    def secret_of(credentials: Mapping[str, str]) -> str:
        return credentials["department_key"]

    # -- envelope (§4) ----------------------------------------------------------------------

    @staticmethod
    def ok(data: Any) -> Response:
        return json_response({"status": True, "code": 200, "data": data})

    def error(self, status: int, message: str, request: Request | None = None) -> Response:
        # The doc shows no error body; the inferred one keeps the success envelope (§4, §10 #11).
        body = {"status": False, "code": status, "data": None, "message": message}
        return json_response(body, status)

    def unsupported(self, request: Request, allowed: list[str]) -> Response:
        raise MockError(
            405,
            f"{request.method} is not supported here; use {' or '.join(allowed)}.",
            headers={"Allow": ", ".join(allowed)},
        )

    def failure(self, exc: Exception) -> MockError | None:
        if isinstance(exc, Invalid):  # field names come from the client: keep the message short
            return MockError(400, f"Invalid {exc.field[:100]}: {exc.message}")
        return None

    # -- departments (§2, §9.7) -------------------------------------------------------------

    @staticmethod
    def partition(user: User) -> str:
        """Where a department's records live: each key sees only its own department's data."""
        return f"{user.account}/{user.id}"

    def department(self, request: Request) -> User:
        key = request.headers.get(KEY_HEADER)
        if not key:
            raise MockError(401, f"The department API key is missing: send {KEY_HEADER}.")
        user = self.directory.authenticate(key)
        if user is None:
            raise MockError(401, "The department API key is incorrect.")
        return user

    def new_id(self, user: User) -> int:
        # One id sequence per Relenta account, shared by all objects and departments (the doc's
        # ids of contacts, activities and custom fields all come from one range).
        return self.store.next_id(user.account, "object", start=seeds.FIRST_NEW_ID)

    def definitions(self, part: str) -> list[dict[str, Any]]:
        return self.store.query(part, "custom_field", order=(Order("position"),))

    # -- seed (§9 "seed per department") ----------------------------------------------------

    def seed(self) -> None:
        for account in self.directory.accounts.values():
            for user in account.users:
                part = self.partition(user)
                examples = user.profile.get("examples")
                fields, contacts, activities = (
                    seeds.EXAMPLES if examples else seeds.starter(user.id)
                )
                for position, definition in enumerate(fields):
                    record = {"default_value": "", **definition, "position": position}
                    self.store.insert(part, "custom_field", record, record_id=definition["id"])
                for contact in contacts:
                    self.store.insert(part, "contact", contact, record_id=contact["id"])
                for activity in activities:
                    self.store.insert(part, "activity", activity, record_id=activity["id"])

    # -- reading requests -------------------------------------------------------------------

    def read_body(self, request: Request) -> dict[str, Any]:
        """The object a save call sends, whatever Content-Type came with it (§3, §9.9).

        The doc's curl examples post a JSON file with `--data`, which curl labels
        `application/x-www-form-urlencoded`: JSON is tried first. A body that is not JSON is read
        as form fields when it was not declared JSON (§3 "or as part of HTTP request body").
        """
        raw = request_body(request)
        if not raw.strip():
            raise MockError(400, "The request body is empty: send the object as JSON.")
        try:
            body = json_body(request)
        except InvalidJson as exc:
            declared = request.headers.get("content-type", "").split(";")[0].strip().lower()
            looks_json = raw.lstrip()[:1] in (b"{", b"[")
            if declared.endswith("json") or looks_json:
                raise MockError(400, f"{str(exc).capitalize()}.") from None
            return self.form_body(raw)
        if not isinstance(body, dict):
            raise MockError(400, "The request body must be a JSON object.")
        # lone surrogates and NaN parse but could not be stored and sent back as JSON
        return dict(_PLAIN.coerce("body", body))

    @staticmethod
    def form_body(raw: bytes) -> dict[str, Any]:
        try:
            pairs = parse_qsl(
                raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True, max_num_fields=500
            )
        except (UnicodeDecodeError, ValueError):
            raise MockError(
                400, "The request body is neither JSON nor form fields (name=value&...)."
            ) from None
        body: dict[str, Any] = {}
        for name, value in pairs:
            if name in body:
                raise MockError(400, f"Invalid {name}: given more than once.")
            # form fields are all text; the boolean fields take the usual spellings
            if name in obj.BOOLEANS and value.lower() in ("true", "1", "false", "0"):
                body[name] = value.lower() in ("true", "1")
            else:
                body[name] = value
        return body

    @staticmethod
    def page(request: Request) -> tuple[int, int]:
        """`page` (from 1) and `page_size` (1..500); anything else is the doc's 400 (§5)."""

        def number(name: str, default: int, maximum: int | None) -> int:
            raw = request.query_params.get(name)
            if raw is None:
                return default
            digits = raw.lstrip("0")
            if not (raw.isascii() and raw.isdigit()) or not digits:
                raise MockError(400, f"Invalid {name}: must be a whole number from 1.")
            # past 19 digits the exact value no longer matters (no page is that far), and
            # Python refuses to convert more than 4,300 digits
            value = int(digits) if len(digits) <= 19 else 10**19
            if maximum is not None and value > maximum:
                raise MockError(400, f"Invalid {name}: must be at most {maximum}.")
            return value

        return number("page", 1, None), number("page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE)

    @staticmethod
    def body_id(body: Mapping[str, Any]) -> int | None:
        """The id that selects the record to update: an integer, or digits in a string (§9.4).

        None when no stored record can have it (zero, negative, beyond 64 bits): that is a 404,
        not a malformed request.
        """
        value = body["id"]
        if isinstance(value, int) and not isinstance(value, bool):
            record_id = value
        elif isinstance(value, str) and value.isascii() and value.isdigit():
            if len(value) > 19:
                return None
            record_id = int(value)
        else:
            raise Invalid("id", "must be an integer (or a string of digits)")
        return record_id if 0 < record_id < 2**63 else None

    def existing(self, part: str, kind: str, body: Mapping[str, Any]) -> dict[str, Any] | None:
        """The record a save updates (None: create), or the doc's 404 for an unknown id."""
        if "id" not in body:
            return None
        record_id = self.body_id(body)
        current = None if record_id is None else self.store.get(part, kind, record_id)
        if current is None:
            raise MockError(404, f"No {kind} exists with the id given.")
        return current

    # -- contacts ---------------------------------------------------------------------------

    def clean_contact(
        self, part: str, body: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The contact's own fields and its custom-field values, checked (§7, §9.2)."""
        own = {k: v for k, v in body.items() if k in obj.CONTACT_FIELDS}
        clean = coerce_fields(own, obj.CONTACT_FIELDS, check_required=False)
        if obj.MASS_EMAIL_ALIAS in clean:
            # The table's misspelling is accepted as an alias (fact sheet 10 #1); when both
            # spellings are sent, the one the vendor's real output uses wins.
            alias = clean.pop(obj.MASS_EMAIL_ALIAS)
            clean.setdefault("do_not_mass_email", alias)
        definitions = {d["key"]: d for d in self.definitions(part)}
        custom: dict[str, str] = {}
        for key, value in body.items():
            if key in obj.CONTACT_FIELDS or key in obj.READ_ONLY:
                continue
            definition = definitions.get(key)
            if definition is None:
                raise Invalid(key, "is neither a contact field nor a custom field key")
            custom[key] = obj.custom_value(definition, value)
        return clean, custom

    async def save_contact(self, request: Request, kind: str) -> Response:
        user = self.department(request)
        part = self.partition(user)
        body = self.read_body(request)
        with self.store.transaction():  # read, check and write as one step
            current = self.existing(part, "contact", body)
            clean, custom = self.clean_contact(part, body)
            stamp = _now()
            base = current or {**obj.CONTACT_DEFAULTS, "dt_created": stamp, "custom": {}}
            item = {**base, **clean, "dt_modified": stamp}
            # keys present replace the stored value; "" (or null) removes a custom value (§7)
            merged = {**base.get("custom", {}), **custom}
            item["custom"] = {k: v for k, v in merged.items() if v}
            self.derive_names(item, clean)
            if not any(item.get(key) for key in obj.CONTACT_MINIMUM):
                raise Invalid("full_name", "a contact needs a name, an e-mail address or a company")
            if current is not None:
                self.store.put(part, "contact", item)
                return self.ok({"id": item["id"]})
            if self.store.count(part, "contact") >= self.contact_limit:
                raise MockError(
                    401, f"Your plan allows {self.contact_limit} contacts in this department."
                )
            created = self.store.insert(part, "contact", item, record_id=self.new_id(user))
        return self.ok({"id": created["id"]})  # an integer here, unlike in lists (§10 #4)

    @staticmethod
    def derive_names(item: dict[str, Any], clean: Mapping[str, Any]) -> None:
        """Keep full, first and last name in step (fact sheet §6.1 and §7, inferred)."""
        parts_given = "first_name" in clean or "last_name" in clean
        if "full_name" in clean and not parts_given:
            first, _, last = clean["full_name"].strip().partition(" ")
            item["first_name"], item["last_name"] = first, last.strip()
        elif parts_given and "full_name" not in clean:
            names = (item.get("first_name"), item.get("last_name"))
            item["full_name"] = " ".join(n.strip() for n in names if n and n.strip())

    async def list_contacts(self, request: Request, kind: str) -> Response:
        user = self.department(request)
        part = self.partition(user)
        definitions = self.definitions(part)
        items = self.listing(request, part, "contact")
        return self.ok([obj.present_contact(i, definitions) for i in items])

    def listing(self, request: Request, part: str, kind: str) -> list[dict[str, Any]]:
        """One page, newest first (both doc examples are in descending id order, §5)."""
        page, size = self.page(request)
        offset = (page - 1) * size
        if offset >= 2**62:  # past any stored record, and past what SQLite can bind
            return []
        return self.store.query(part, kind, order=(Order("id", True),), limit=size, offset=offset)

    # -- activities -------------------------------------------------------------------------

    async def save_activity(self, request: Request, kind: str) -> Response:
        user = self.department(request)
        part = self.partition(user)
        body = self.read_body(request)
        with self.store.transaction():
            current = self.existing(part, "activity", body)
            own = {k: v for k, v in body.items() if k not in obj.READ_ONLY}
            clean = coerce_fields(own, obj.ACTIVITY_FIELDS, closed=True, check_required=False)
            stamp = _now()
            base = current or {
                **obj.ACTIVITY_DEFAULTS,
                "dt_created": stamp,
                "dt_start": stamp,
                "dt_end": stamp,
            }
            if current is None and "dt_start" in clean and "dt_end" not in clean:
                base["dt_end"] = clean["dt_start"]  # an event without an end is a point in time
            item = {**base, **clean, "dt_modified": stamp}
            for key in obj.ACTIVITY_MINIMUM:
                if not item.get(key, "").strip():
                    raise Invalid(key, "is required")
            if current is not None:
                self.store.put(part, "activity", item)
                return self.ok({"id": item["id"]})
            created = self.store.insert(part, "activity", item, record_id=self.new_id(user))
        return self.ok({"id": created["id"]})

    async def list_activities(self, request: Request, kind: str) -> Response:
        user = self.department(request)
        items = self.listing(request, self.partition(user), "activity")
        return self.ok([obj.present_activity(i) for i in items])

    # -- custom fields ----------------------------------------------------------------------

    async def list_custom_fields(self, request: Request, kind: str) -> Response:
        user = self.department(request)
        if request.query_params:  # "No additional parameters needed or allowed."
            names = ", ".join(sorted(set(request.query_params.keys())))[:200]
            raise MockError(400, f"custom_field.list.json takes no parameters (got {names}).")
        return self.ok([obj.present_field(d) for d in self.definitions(self.partition(user))])

    # -- routing ----------------------------------------------------------------------------

    async def other_path(self, request: Request) -> Response:
        name = request.path_params["name"]
        if _OPERATION.match(name):
            return self.error(
                400, "The request does not specify a response format: end the path in .json."
            )
        return self.error(404, "No such API operation.")

    def routes(self) -> list[BaseRoute]:
        def op(path: str, method: str, handler: Handler, kind: str) -> BaseRoute:
            def serve(request: Request) -> Awaitable[Response]:
                return handler(request, kind)

            return resource(f"{PREFIX}/{path}", {method: serve}, self.unsupported)

        return [
            op("contact.list.json", "GET", self.list_contacts, "contact"),
            op("contact.save.json", "POST", self.save_contact, "contact"),
            # listed beside contact.save.json in the doc, missing from its table (§10 #3)
            op("contact.create.json", "POST", self.save_contact, "contact"),
            op("activity.list.json", "GET", self.list_activities, "activity"),
            op("activity.save.json", "POST", self.save_activity, "activity"),
            op("custom_field.list.json", "GET", self.list_custom_fields, "custom_field"),
            # last, so it only sees what no operation matched
            Route(f"{PREFIX}/{{name:path}}", self.other_path, methods=ALL_METHODS),
        ]
