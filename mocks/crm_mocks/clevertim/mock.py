"""The Clevertim mock: behaviour of fact sheet §10, on the shared mock core."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, ClassVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from ..core.accounts import Account, User
from ..core.app import VendorMock
from ..core.bulk import collector_paused
from ..core.clock import utc_timestamp
from ..core.errors import MockError
from ..core.fields import Invalid, coerce_fields, plain_json
from ..core.http import (
    Handler,
    InvalidJson,
    encode_json,
    encoded_json_response,
    int_id,
    json_body,
    json_response,
    resource,
)
from ..core.memo import READ_MEMO_OPTION, UntilWrite
from ..core.options import Option
from ..core.store import Filter, Operator, Store
from .resources import POST_COERCE, RESOURCES, Resource

PREFIX = "/api"
MODEL_OF_CF = {
    "contact": "customers",
    "company": "companies",
    "case": "cases",
    "opportunity": "opportunities",
}

PARSE_ERROR = "Error, your JSON cannot be parsed. Use a json syntax validator."
_PLAIN = plain_json()


def _now() -> str:
    return utc_timestamp()


Lists = dict[str, dict[Any, list[int]]]


def _link_op(child: str, link: str) -> Operator:
    # a note's `cust` is a list of customers; every other parent link is a single id
    return "contains" if (child, link) == ("note", "cust") else "="


class ClevertimMock(VendorMock):
    name: ClassVar[str] = "clevertim"
    api_prefix: ClassVar[str] = PREFIX
    strip_trailing_slash: ClassVar[bool] = True  # §10.13: `/api/task/` is `/api/task`
    declared_options: ClassVar[tuple[Option, ...]] = (READ_MEMO_OPTION,)

    def __init__(
        self, store: Store, accounts: Sequence[Account], options: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(store, accounts, options)
        # GET-by-id answers: a function of the stored data and the caller (never of the clock)
        self.reads: UntilWrite[bytes] = UntilWrite(store, enabled=self.options["read_memo"])
        # each derived list (a contact's notes, tasks, ...) is an index lookup per parent
        for res in RESOURCES.values():
            for child, link in res.children.values():
                if _link_op(child, link) == "contains":
                    store.ensure_member_index(child, link)
                else:
                    store.ensure_index(child, [link])

    @staticmethod
    def secret_of(credentials: Mapping[str, str]) -> str:
        return credentials["token"]

    # -- responses --------------------------------------------------------------------------

    def error(self, status: int, message: str, request: Request | None = None) -> Response:
        headers = {"WWW-Authenticate": 'Basic realm="Clevertim"'} if status == 401 else None
        return json_response({"status": "ERROR", "error": message}, status, headers)

    @staticmethod
    def ok(content: list[Any] | None = None) -> Response:
        return json_response(
            {"status": "OK"} if content is None else {"status": "OK", "content": content}
        )

    def unsupported(self, request: Request, allowed: list[str]) -> Response:
        # The vendor answers unsupported operations with 501 (documented for comment update).
        raise MockError(501, "Operation not supported.")

    def failure(self, exc: Exception) -> MockError | None:
        if isinstance(exc, InvalidJson):
            # documented: "500 - Error, your JSON cannot be parsed. Use a json syntax
            # validator" (the vendor's words, not the parser's)
            return MockError(500, PARSE_ERROR)
        if isinstance(exc, Invalid):
            return MockError(400, f"Invalid {exc.field}: {exc.message}")
        return None

    # -- auth and visibility ----------------------------------------------------------------

    def authenticate(self, request: Request) -> User:
        header = request.headers.get("authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic" or not encoded:
            raise MockError(
                401, "Authentication required: send your API token as the HTTP Basic user name."
            )
        try:
            token = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            raise MockError(401, "Malformed HTTP Basic credentials.") from None
        user = self.directory.authenticate(token)
        if user is None:
            raise MockError(401, "Invalid API token.")
        return user

    def group_mask(self, user: User) -> int:
        groups = self.directory.accounts[user.account].profile.get("groups", [])
        return sum(int(g["gid"]) for g in groups if user.id in g.get("users", []))

    def visible(self, user: User, item: Mapping[str, Any]) -> bool:
        """Private items are their owner's; group items need a shared group bit (§6.1).

        The account owner sees everything (inferred: the fact sheet only says collections are
        per-user views), so an owner never loses sight of an item it made private to another.
        """
        if user.profile.get("is_owner"):
            return True
        if item.get("is_private"):
            return item.get("puser") in (None, user.id)
        gid = int(item.get("gid") or 0)
        return gid == 0 or bool(gid & self.group_mask(user)) or bool(user.profile.get("is_admin"))

    # -- reading ----------------------------------------------------------------------------

    def present(
        self, user: User, res: Resource, item: dict[str, Any], lists: Lists | None = None
    ) -> dict[str, Any]:
        """The stored record plus its derived read-only lists (§10.8), completed in place:
        `item` is the caller's own copy, just read from (or written to) the store.

        `lists` (from `derived_lists`) holds every parent's lists at once, for a listing; without
        it the lists are one statement of indexed look-ups. A listing shares those lists (and
        one empty tuple, encoded `[]`) instead of copying them: at 100k records the copies were
        most of the objects the cyclic garbage collector walked, again and again, as the page
        grew.
        """
        out = item
        record_id = item["id"]
        if res.id_prefix:
            out["id"] = f"{res.id_prefix}{record_id}"
        if lists is not None:
            for key in res.children:
                out[key] = lists[key].get(record_id, ())
            return out
        queries = [
            (child, [Filter(link, _link_op(child, link), record_id)])
            for child, link in res.children.values()
        ]
        for key, children in zip(
            res.children, self.store.query_each(user.account, queries), strict=True
        ):
            out[key] = [c["id"] for c in children if self.visible(user, c)]
        return out

    def derived_lists(self, user: User, res: Resource) -> Lists:
        """Derived list key -> parent id -> visible child ids in id order, one query per child
        kind (a listing of n records would otherwise make n queries per list)."""
        lists: Lists = {}
        for key, (child, link) in res.children.items():
            by_parent: dict[Any, list[int]] = {}
            for c in self.store.query(user.account, child):
                if not self.visible(user, c):
                    continue
                value = c.get(link)
                if _link_op(child, link) == "contains":
                    parents = value if isinstance(value, list) else []
                else:
                    parents = [value]
                for parent in parents:
                    if isinstance(parent, int | float | str):  # what SQL equality could match
                        ids = by_parent.setdefault(parent, [])
                        if not ids or ids[-1] != c["id"]:  # a customer listed twice: once
                            ids.append(c["id"])
            lists[key] = by_parent
        return lists

    def find(self, user: User, res: Resource, raw_id: str) -> dict[str, Any]:
        if res.id_prefix:  # "f12" names folder 12; a bare "12" names none
            raw_id = raw_id[len(res.id_prefix) :] if raw_id.startswith(res.id_prefix) else ""
        record_id = int_id(raw_id)
        item = None if record_id is None else self.store.get(user.account, res.name, record_id)
        if item is None or not self.visible(user, item):
            raise MockError(404, f"No such {res.name}.")
        return item

    # -- writing ----------------------------------------------------------------------------

    def clean(self, res: Resource, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise MockError(400, "The request body must be a JSON object.")
        # lone surrogates parse as JSON but are no text: refused before anything is stored
        body = _PLAIN.coerce("body", body)
        clean = coerce_fields(body, res.fields, check_required=False)
        for (name, key), coerce in POST_COERCE.items():
            if name == res.name and key in clean:
                clean[key] = coerce(key, clean[key])
        for rule in res.normalize:
            rule(clean)
        return clean

    def check(
        self, user: User, res: Resource, item: dict[str, Any], sent: dict[str, Any] | None = None
    ) -> None:
        """`item` as it would be stored; `sent`, on an update, the keys the request sent."""
        for key in res.minimum:
            if not item.get(key):
                raise Invalid(key, "is required")
        for rule in res.rules:
            rule(item)
        # References (cust, case, opp, ...) are not checked: the vendor documents no such check,
        # and a dangling one simply shows up in no parent's derived list. Custom field values are
        # checked as sent: a value stored under a field deleted or rescoped since then must not
        # make every later update of the record fail (§10.12, inferred).
        values = item if sent is None else sent
        if "cf" in values:
            self.check_cf(user, res, values["cf"])

    def check_cf(self, user: User, res: Resource, cf: Any) -> None:
        """Custom field values against their definitions (§10.12, inferred)."""
        if not isinstance(cf, dict):
            raise Invalid("cf", "must be an object of custom field id -> value")
        for key, value in cf.items():
            field_id = int_id(key)
            definition = (
                None if field_id is None else self.store.get(user.account, "customfield", field_id)
            )
            if definition is None or MODEL_OF_CF.get(res.name) not in definition["modelType"]:
                raise Invalid(f"cf.{key}", f"no custom field {key} applies to a {res.name}")
            values = value if definition.get("multiple") else [value]
            if definition.get("multiple") and not isinstance(value, list):
                raise Invalid(f"cf.{key}", "this custom field takes a list of values")
            for v in values:
                if not isinstance(v, str):
                    raise Invalid(f"cf.{key}", "custom field values are strings")
                if definition["elemType"] == "select" and v not in definition.get("values", []):
                    raise Invalid(f"cf.{key}", f"{v!r} is not one of the field's values")

    def require(self, user: User, permission: str) -> None:
        if not user.can(permission):
            verb = "delete" if permission == "candelete" else "change"
            raise MockError(403, f"Your user is not allowed to {verb} data.")

    # -- handlers ---------------------------------------------------------------------------

    async def list_items(self, request: Request, res: Resource) -> Response:
        user = self.authenticate(request)
        with collector_paused():  # every record of the kind, unpaged (§10.1): see core/bulk.py
            items = self.store.query(user.account, res.name)
            lists = self.derived_lists(user, res)
            visible = [self.present(user, res, i, lists) for i in items if self.visible(user, i)]
            return self.ok(visible)

    async def get_item(self, request: Request, res: Resource) -> Response:
        user = self.authenticate(request)
        raw_id = request.path_params["id"]
        # what a record's answer depends on: who asks (visibility) and which record
        key = (user.account, user.id, res.name, raw_id)
        data = self.reads.get(key)
        if data is None:
            mark = self.reads.mark()
            item = self.find(user, res, raw_id)
            data = encode_json({"status": "OK", "content": [self.present(user, res, item)]})
            self.reads.put(key, data, mark)
        return encoded_json_response(data)

    async def create_item(self, request: Request, res: Resource) -> Response:
        user = self.authenticate(request)
        self.require(user, "canedit")
        clean = self.clean(res, json_body(request))
        stamp = _now()
        item = {**res.defaults, **clean, "ao": stamp, "lm": stamp}
        if res.name in ("opportunity", "task", "note", "comment"):
            item["userId"] = user.id
        if res.name == "customfield":
            item.setdefault("fullname", item.get("name"))
        if "is_private" in item and item["is_private"] and item.get("puser") is None:
            item["puser"] = user.id
        with self.store.transaction():
            self.check(user, res, item)
            created = self.store.insert(user.account, res.name, item, sequence=res.sequence)
        return self.ok([self.present(user, res, created)])

    async def update_item(self, request: Request, res: Resource) -> Response:
        user = self.authenticate(request)
        self.require(user, "canedit")
        # The core read the body before routing and json_body is synchronous: nothing in this
        # read-merge-write can wait for the network, and it is one transaction.
        with self.store.transaction():
            item = self.find(user, res, request.path_params["id"])
            clean = self.clean(res, json_body(request))  # a body `id` is ignored (§11 #6)
            merged = {**item, **clean, "lm": _now()}  # merge: only the sent keys change (§10.3)
            self.check(user, res, merged, sent=clean)
            self.store.put(user.account, res.name, merged)
        return self.ok([self.present(user, res, merged)])

    async def delete_item(self, request: Request, res: Resource) -> Response:
        user = self.authenticate(request)
        self.require(user, "candelete")
        with self.store.transaction():
            item = self.find(user, res, request.path_params["id"])
            self.store.delete(user.account, res.name, item["id"])
        return self.ok()

    async def update_comment(self, request: Request) -> Response:
        self.authenticate(request)
        raise MockError(501, "Comments cannot be updated: delete and re-create the comment.")

    async def list_users(self, request: Request) -> Response:
        user = self.authenticate(request)
        users = [
            {
                "id": u.id,
                "user": u.name,
                "email": u.email,
                "is_owner": bool(u.profile.get("is_owner")),
                "is_admin": bool(u.profile.get("is_admin")),
                "permissions": sorted(u.permissions),
                "pending": bool(u.profile.get("pending")),
            }
            for u in self.directory.users(user.account)
        ]
        return self.ok(users)

    async def list_groups(self, request: Request) -> Response:
        user = self.authenticate(request)
        return self.ok(list(self.directory.accounts[user.account].profile.get("groups", [])))

    # -- routing ----------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        out: list[BaseRoute] = []
        for res in RESOURCES.values():
            item_handlers: dict[str, Handler] = {
                "GET": partial(self.get_item, res=res),
                "DELETE": partial(self.delete_item, res=res),
                "PUT": partial(self.update_item, res=res) if res.updatable else self.update_comment,
            }
            collection: dict[str, Handler] = {
                "GET": partial(self.list_items, res=res),
                "POST": partial(self.create_item, res=res),
            }
            out.append(resource(f"{PREFIX}/{res.name}", collection, self.unsupported))
            out.append(resource(f"{PREFIX}/{res.name}/{{id}}", item_handlers, self.unsupported))
        out.append(resource(f"{PREFIX}/user", {"GET": self.list_users}, self.unsupported))
        out.append(resource(f"{PREFIX}/group", {"GET": self.list_groups}, self.unsupported))
        return out
