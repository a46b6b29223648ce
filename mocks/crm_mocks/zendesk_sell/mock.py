"""The Zendesk Sell (ex Base CRM) Core API v2 mock: fact sheet §7 on the shared mock core.

Generic handlers serve every resource of resources.RESOURCES (list, get, create, partial update,
delete, upsert); hooks.py adds what is resource-specific, sync.py the Sync API. Check order for
every request: auth 401 -> rate limit 429 -> User-Agent 400 -> Accept 406 -> query 400 ->
write scope 403 -> unknown id 404 -> body 400/422 -> rules 422.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, ClassVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from ..core.accounts import Account, User
from ..core.app import VendorMock
from ..core.body import request_body
from ..core.errors import MockError
from ..core.fields import Invalid, coerce_fields, plain_json
from ..core.http import (
    ALL_METHODS,
    InvalidJson,
    base_url,
    encode_json,
    encoded_json_response,
    int_id,
    json_body,
    json_response,
    resource,
)
from ..core.memo import READ_MEMO_OPTION, UntilWrite
from ..core.options import Option
from ..core.ratelimit import RateLimiter
from ..core.store import Filter, Store
from . import conversions, customfields, firehose, oauth, search, sync
from .checks import authenticate, check_headers
from .data import SYNC_KINDS, Data
from .errors import (
    JSON_TYPE,
    SellError,
    blank,
    from_invalid,
    invalid_param,
    new_request_id,
    render,
    unknown_attribute,
)
from .hooks import Ctx, hooks, missing_ref, present, strip
from .listing import (
    CUSTOM_PARAM,
    MAX_OFFSET,
    choose_index,
    custom_field_filter,
    links,
    parse_includes,
    parse_list_query,
    single_values,
)
from .params import BadValue
from .resources import BY_KIND, BY_NAME, RESOURCES, SEQUENCE_ENROLLMENTS, Resource
from .seed import seed_account
from .values import now

PREFIX = "/v2"
DEFAULT_RATE_LIMIT = 36_000  # requests per token per hour (§3.3)
DEFAULT_RATE_WINDOW = 3_600
Handler = Callable[..., Awaitable[Response]]


def single(type_: str, data: Any, status: int = 200) -> Response:
    return json_response({"data": data, "meta": {"type": type_}}, status)


_REPLACED = (b"x-request-id", b"content-language")
_JSON_TYPE = JSON_TYPE.encode("latin-1")


def finish_headers(response: Response) -> None:
    """What every answer of the API carries: a new X-Request-Id, Content-Language, and JSON's
    type with its charset. One pass over the raw headers; setting them through
    `response.headers` rescanned them three times (a tenth of a GET's CPU)."""
    raw = [
        (name, _JSON_TYPE if name == b"content-type" and value == b"application/json" else value)
        for name, value in response.raw_headers
        if name not in _REPLACED
    ]
    raw.append((b"x-request-id", new_request_id().encode("latin-1")))
    raw.append((b"content-language", b"en"))
    response.raw_headers = raw


def no_params(request: Request, allowed: Sequence[str] = ()) -> dict[str, str]:
    params = single_values(request.query_params.multi_items())
    for key in params:
        if key not in allowed:
            raise invalid_param(key, "unknown")
    return params


class ZendeskSellMock(VendorMock):
    name: ClassVar[str] = "zendesk-sell"
    api_prefix: ClassVar[str] = PREFIX
    #: the official clients' base URL is the host; they add `API_VERSION = '/v2'` to each path
    client_base_path: ClassVar[str] = ""
    secret_headers: ClassVar[tuple[str, ...]] = ("authorization",)
    declared_options: ClassVar[tuple[Option, ...]] = (
        Option(
            "rate_limit", int, DEFAULT_RATE_LIMIT, "requests a token may make per window", minimum=1
        ),
        Option(
            "rate_window",
            float,
            float(DEFAULT_RATE_WINDOW),
            "rate-limit window in seconds",
            minimum=0,
            above=True,
        ),
        Option(
            "firehose_retention",
            float,
            float(firehose.DEFAULT_RETENTION),
            "seconds of Firehose history a position stays valid (default: the documented 72 h)",
        ),
        Option(
            "oauth_token_ttl",
            float,
            float(oauth.DEFAULT_TTL),
            "seconds an OAuth2 access token lives (default: the documented hour)",
        ),
        READ_MEMO_OPTION,
    )
    # token requests carry passwords, codes and refresh tokens in their form bodies
    secret_body_paths: ClassVar[tuple[str, ...]] = ("/oauth2/",)

    def __init__(
        self, store: Store, accounts: Sequence[Account], options: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(store, accounts, options)
        self.limiter = RateLimiter(self.options["rate_limit"], self.options["rate_window"])
        self.retention: float = self.options["firehose_retention"]
        self.token_ttl: float = self.options["oauth_token_ttl"]
        # each account's record, read by every request's context (typed read-only: shared)
        self.account_records: UntilWrite[Mapping[str, Any]] = UntilWrite(store)
        self.field_definitions: UntilWrite[Mapping[str, Mapping[str, Any]]] = UntilWrite(store)
        # GET-by-id answer bodies of resources whose presentation does not read the clock
        self.reads: UntilWrite[bytes] = UntilWrite(store, enabled=self.options["read_memo"])
        for res in RESOURCES:
            for paths in res.indexes:
                store.ensure_index(res.kind, list(paths))
        sync.ensure_indexes(store)
        firehose.ensure_indexes(store)
        oauth.ensure_indexes(store)

    @staticmethod
    def secret_of(credentials: Mapping[str, str]) -> str:
        return credentials["token"]

    # -- core hooks -------------------------------------------------------------------------

    def seed(self) -> None:
        self.limiter.clear()  # a reset starts every token with a full budget
        for account in self.directory.accounts.values():
            seed_account(Data(self.store, account.id), account)

    def error(self, status: int, message: str, request: Request | None = None) -> Response:
        # 413 (a body over the mock's size limit) is undocumented for Sell: its envelope, a
        # code in the style of the documented ones, and the core's message as details
        if status == 413:
            return render(SellError(413, "request_too_large", message), new_request_id())
        code = {404: "not_found", 405: "method_not_allowed"}.get(status, "server_error")
        details = "Requested path was not found." if status == 404 else None
        return render(SellError(status, code, details), new_request_id())

    # -- request pipeline -------------------------------------------------------------------

    def context(self, request: Request, user: User) -> Ctx:
        data = Data(self.store, user.account)
        account = self.account_records.get(user.account)
        if account is None:
            mark = self.account_records.mark()
            account = data.first("account", []) or {}
            self.account_records.put(user.account, account, mark)
        return Ctx(data, user.id, account, base_url(request))

    def admit(self, request: Request) -> User:
        # a personal access token, else an OAuth2 access token (with the scopes it was granted)
        user = authenticate(
            self.directory, request, lambda token: oauth.user_for(self.store, self.directory, token)
        )
        if not self.limiter.hit(f"{user.account}:{user.id}"):
            raise SellError(
                429,
                "rate_limit_exceeded",
                "The access token exceeded its request budget; retry later.",
            )
        check_headers(request)
        return user

    def endpoint(self, handler: Handler, *args: Any) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            # a SellError raised here or in the handler reaches the core, which renders it
            user = self.admit(request)
            if request.method in ("GET", "HEAD"):
                self.require(user, "read")  # an OAuth2 token may lack it (§4.4)
            response = await handler(request, self.context(request, user), user, *args)
            finish_headers(response)
            return response

        return run

    def render_error(self, exc: MockError, request: Request | None = None) -> Response:
        if isinstance(exc, SellError):
            return render(exc, new_request_id())
        return super().render_error(exc, request)

    def unsupported(self, request: Request, allowed: list[str]) -> Response:
        # 405 is undocumented for Sell (§3.2): answered after auth, in the error envelope
        self.admit(request)
        raise SellError(
            405,
            "method_not_allowed",
            f"The {request.method} method is not allowed on this path.",
            headers={"Allow": ", ".join(allowed)},
        )

    @staticmethod
    def require(user: User, scope: str) -> None:
        if not user.can(scope):
            raise SellError(
                403,
                "insufficient_scope",
                f"The access token lacks the '{scope}' scope for this request.",
            )

    # -- lookups ----------------------------------------------------------------------------

    def parent_of(self, ctx: Ctx, res: Resource, request: Request) -> dict[str, Any] | None:
        if res.parent is None:
            return None
        raw = request.path_params[res.parent.param]
        parent_id = int_id(raw)
        found = None if parent_id is None else ctx.data.get(res.parent.kind, parent_id)
        if found is None:
            raise SellError(404, "not_found", f"The {res.parent.type} could not be found.")
        return found

    def scope_filters(self, res: Resource, parent: Mapping[str, Any] | None) -> list[Filter]:
        out = [Filter(k, "=", v) for k, v in res.scope.items()]
        if res.parent and parent is not None:
            out.append(Filter(res.parent.field, "=", parent["id"]))
        return out

    def find(
        self, ctx: Ctx, res: Resource, request: Request, parent: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        key = int_id(request.path_params[res.item_key])
        found = None
        if key is not None and res.item_key == "id" and not res.scope and parent is None:
            found = ctx.data.get(res.kind, key)  # the primary key alone: no query to build
        elif key is not None:
            filters = [*self.scope_filters(res, parent), Filter(res.item_key, "=", key)]
            found = ctx.data.first(res.kind, filters)
        if found is None:
            raise SellError(404, "not_found", f"The {res.type} could not be found.")
        return found

    def cf_defs(self, ctx: Ctx, res: Resource) -> Mapping[str, Mapping[str, Any]]:
        """The account's custom field definitions of the resource's type (read-only: kept until
        the next write, as every listing and search reads them)."""
        if not res.custom_fields:
            return {}
        key = (ctx.data.account, res.custom_fields)
        defs = self.field_definitions.get(key)
        if defs is None:
            mark = self.field_definitions.mark()
            defs = customfields.definitions(ctx.data, res.custom_fields)
            self.field_definitions.put(key, defs, mark)
        return defs

    # -- bodies -----------------------------------------------------------------------------

    @staticmethod
    def envelope(request: Request, type_: str, meta_type: str | None = "") -> dict[str, Any]:
        """`{"data": {...}, "meta": {"type": ...}?}`; meta is optional (§2.3), but a `meta.type`
        that is sent names the payload's type (seed, "Body"): `meta_type` ("" = `type_`), or
        None where the endpoint documents no type (any non-empty name then)."""
        expected = type_ if meta_type == "" else meta_type
        try:
            body = plain_json().coerce("body", json_body(request))
        except (InvalidJson, Invalid):
            raise SellError(400, "invalid_payload", "The request body is not valid JSON.") from None
        if not isinstance(body, dict) or "data" not in body:
            raise SellError(
                422,
                "missing",
                "The request must carry a 'data' object.",
                resource=type_,
                field="/data",
            )
        if not isinstance(body["data"], dict):
            raise SellError(
                422,
                "invalid_type",
                "The attribute '/data' must be an object.",
                resource=type_,
                field="/data",
            )
        meta = body.get("meta")
        if "meta" in body and not isinstance(meta, dict):
            raise SellError(
                422,
                "invalid_type",
                "The attribute '/meta' must be an object.",
                resource=type_,
                field="/meta",
            )
        if meta and "type" in meta:
            sent = meta["type"]
            if expected is None and not (isinstance(sent, str) and sent):
                raise SellError(
                    422,
                    "invalid_type",
                    "The attribute '/meta/type' must be a resource name.",
                    resource=type_,
                    field="/meta/type",
                )
            if expected is not None and sent != expected:
                raise SellError(
                    422,
                    "incorrect_value",
                    f"The attribute '/meta/type' must be '{expected}'.",
                    resource=type_,
                    field="/meta/type",
                )
        return dict(body["data"])

    def clean(self, ctx: Ctx, res: Resource, body: Mapping[str, Any]) -> dict[str, Any]:
        for key in body:
            if key not in res.fields and key not in res.read_only:
                raise unknown_attribute(key, res.type)
        writable = {k: v for k, v in body.items() if k in res.fields}  # read-only: ignored
        try:
            out = coerce_fields(writable, res.fields, closed=True, check_required=False)
        except Invalid as exc:
            raise from_invalid(exc, res.type) from None
        if "custom_fields" in out and res.custom_fields:
            out["custom_fields"] = customfields.clean(
                ctx.data, res.custom_fields, res.type, out["custom_fields"]
            )
        return out

    # -- writes -----------------------------------------------------------------------------

    def validate(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        for field in res.required:
            if item.get(field) in (None, "", []):
                raise blank(field, res.type)
        for field, kind in res.references.items():
            value = item.get(field)
            changed = old is None or old.get(field) != value
            if value is not None and changed and ctx.data.get(kind, value) is None:
                raise missing_ref(res, field, kind, value)
        hooks(res).prepare(ctx, res, item, old)
        if res.unique:
            filters = [Filter(f, "=", item.get(f)) for f in res.unique]
            for other in ctx.data.query(res.kind, filters + self.scope_filters(res, None), limit=2):
                if other["id"] != item.get("id"):
                    raise SellError(
                        422,
                        "already_exists",
                        f"A {res.type} with this {' and '.join(res.unique)} already exists.",
                        resource=res.type,
                        field=f"/data/{res.unique[0]}",
                    )

    def after_write(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        if res.tag_type:
            # tags need not exist to be assigned: they are created with the record (seed)
            before = set(old["tags"]) if old else set()
            for name in item["tags"]:
                if name in before or ctx.data.first(
                    "tag", [Filter("name", "=", name), Filter("resource_type", "=", res.tag_type)]
                ):
                    continue
                ctx.data.insert(
                    "tag",
                    {
                        "creator_id": ctx.user_id,
                        "name": name,
                        "resource_type": res.tag_type,
                        "created_at": now(),
                        "updated_at": now(),
                    },
                )
        hooks(res).after_write(ctx, res, item, old)

    def create(
        self, ctx: Ctx, res: Resource, clean: dict[str, Any], parent: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        stamp = now()
        item = {**res.template, **res.scope, **clean}
        if "custom_fields" in item:
            item["custom_fields"] = customfields.merge({}, item["custom_fields"])
        for field in ("creator_id", "owner_id"):
            if field in res.template and item.get(field) is None:
                item[field] = ctx.user_id
        if "created_at" in res.template:
            item.update(created_at=stamp, updated_at=stamp)
        if res.parent and parent is not None:
            item[res.parent.field] = parent["id"]
        with ctx.data.store.transaction():
            self.validate(ctx, res, item, None)
            created = ctx.data.insert(res.kind, item)
            self.after_write(ctx, res, created, None)
        return created

    def update(
        self, ctx: Ctx, res: Resource, old: dict[str, Any], clean: dict[str, Any]
    ) -> dict[str, Any]:
        # partial: only the sent attributes change; arrays (tags, prices) and objects are
        # replaced whole, custom fields merge by name (null removes one)
        item = {**old, **clean}
        if "custom_fields" in clean:
            item["custom_fields"] = customfields.merge(
                old.get("custom_fields") or {}, clean["custom_fields"]
            )
        if "updated_at" in item:
            item["updated_at"] = now()
        with ctx.data.store.transaction():
            self.validate(ctx, res, item, old)
            ctx.data.replace(res.kind, item)
            self.after_write(ctx, res, item, old)
        return item

    # -- generic handlers -------------------------------------------------------------------

    async def list_items(self, request: Request, ctx: Ctx, user: User, res: Resource) -> Response:
        items = request.query_params.multi_items()
        query = parse_list_query(res, items, self.cf_defs(ctx, res))
        parent = self.parent_of(ctx, res, request)
        filters = [*self.scope_filters(res, parent), *query.filters]
        rows = (
            ctx.data.query(
                res.kind,
                filters,
                query.order,
                limit=query.per_page + 1,
                offset=query.offset,
                index=choose_index(res, filters, query.order),
            )
            if query.offset <= MAX_OFFSET
            else []  # far past the end of any collection: an empty page (§2.2)
        )
        has_more = len(rows) > query.per_page  # one extra row instead of a count
        out = [
            {"data": present(ctx, res, row, query.includes), "meta": {"type": res.type}}
            for row in rows[: query.per_page]
        ]
        base = ctx.base_url + request.url.path
        meta = {
            "type": "collection",
            "count": len(out),
            "links": links(base, items, query, count=len(out), has_more=has_more),
        }
        return json_response({"items": out, "meta": meta})

    def includes_of(self, request: Request, res: Resource) -> tuple[str, ...]:
        if not request.scope["query_string"]:
            return ()  # no parameters at all: nothing to parse or refuse
        params = no_params(request, ("includes",) if res.includes else ())
        return parse_includes(res, params["includes"]) if "includes" in params else ()

    async def get_item(self, request: Request, ctx: Ctx, user: User, res: Resource) -> Response:
        # the answer depends on the caller, the path and query (ids, includes) and the host
        # the client named (URLs in answers); auth, rate limit and headers were checked before
        scope = request.scope
        key = (user.account, user.id, scope["path"], scope["query_string"], ctx.base_url)
        data = self.reads.get(key)
        if data is None:
            mark = self.reads.mark()
            includes = self.includes_of(request, res)
            item = self.find(ctx, res, request, self.parent_of(ctx, res, request))
            body = {"data": present(ctx, res, item, includes), "meta": {"type": res.type}}
            data = encode_json(body)
            if not hooks(res).present_reads_clock:
                self.reads.put(key, data, mark)
        return encoded_json_response(data)

    async def create_item(self, request: Request, ctx: Ctx, user: User, res: Resource) -> Response:
        no_params(request)
        self.require(user, "write")
        parent = self.parent_of(ctx, res, request)
        clean = self.clean(ctx, res, self.envelope(request, res.type))
        created = self.create(ctx, res, clean, parent)
        return single(res.type, present(ctx, res, created))  # 200, as the live API (§3.1)

    async def update_item(self, request: Request, ctx: Ctx, user: User, res: Resource) -> Response:
        no_params(request)
        self.require(user, "write")
        # The core read the body before routing and envelope() is synchronous: nothing in this
        # read-merge-write can wait for the network, and it is one transaction.
        with ctx.data.store.transaction():
            old = self.find(ctx, res, request, self.parent_of(ctx, res, request))
            clean = self.clean(ctx, res, self.envelope(request, res.type))
            updated = self.update(ctx, res, old, clean)
        return single(res.type, present(ctx, res, updated))

    async def delete_item(self, request: Request, ctx: Ctx, user: User, res: Resource) -> Response:
        no_params(request)
        self.require(user, "write")
        me = ctx.data.get("user", user.id) or {}
        if res.admin_delete and me.get("role") != "admin":
            raise SellError(
                403, "forbidden", f"A {res.type} can be removed only by an account administrator."
            )
        with ctx.data.store.transaction():
            item = self.find(ctx, res, request, self.parent_of(ctx, res, request))
            hooks(res).before_delete(ctx, res, item)
            ctx.data.remove(res.kind, item["id"])
        return Response(status_code=204)

    async def upsert_item(self, request: Request, ctx: Ctx, user: User, res: Resource) -> Response:
        """Create, or update the one record the filter query parameters match (§5.20, 3P)."""
        params = single_values(request.query_params.multi_items())
        defs = self.cf_defs(ctx, res)
        filters: list[Filter] = []
        for key, raw in params.items():
            if key in res.filters and key != "ids":
                try:
                    filters += res.filters[key].build(raw)
                except BadValue as exc:
                    raise invalid_param(key, exc.why) from None
            elif res.custom_fields and (match := CUSTOM_PARAM.match(key)):
                filters.append(custom_field_filter(key, match.group(1), raw, defs))
            else:
                raise invalid_param(key, "unknown")
        if not filters:
            raise SellError(
                400, "invalid_param", "An upsert needs at least one filter query parameter."
            )
        self.require(user, "write")
        clean = self.clean(ctx, res, self.envelope(request, res.type))
        with ctx.data.store.transaction():  # match and write as one step
            matches = ctx.data.query(res.kind, filters, limit=2)
            if len(matches) > 1:
                raise SellError(409, "conflict", f"More than one {res.type} matches the filters.")
            if matches:
                result = self.update(ctx, res, matches[0], clean)
            else:
                result = self.create(ctx, res, clean, None)
        return single(res.type, present(ctx, res, result))

    # -- special endpoints ------------------------------------------------------------------

    async def account_self(self, request: Request, ctx: Ctx, user: User) -> Response:
        no_params(request)
        return single("account", strip(ctx.account, ()))

    async def user_self(self, request: Request, ctx: Ctx, user: User) -> Response:
        no_params(request)  # `/users/self?unknown=param` is the documented 400 (§4)
        me = ctx.data.get("user", user.id)
        if me is None:
            raise SellError(404, "not_found", "The user could not be found.")
        return single("user", present(ctx, BY_NAME["users"], me))

    async def finish_enrollments(self, request: Request, ctx: Ctx, user: User) -> Response:
        """Finish every active enrollment of one lead or contact; answers with them."""
        no_params(request)
        self.require(user, "write")
        res = SEQUENCE_ENROLLMENTS
        body = self.envelope(request, res.type, None)  # no documented meta type
        wanted = {
            "resource_type": res.fields["resource_type"],
            "resource_id": res.fields["resource_id"],
        }
        extra = [k for k in body if k not in wanted]
        if extra:
            raise unknown_attribute(extra[0], res.type)
        if isinstance(body.get("resource_id"), str) and body["resource_id"].isdigit():
            body["resource_id"] = int(body["resource_id"])  # the Zapier app sends a string
        try:
            target = coerce_fields(body, wanted, closed=True, check_required=False)
        except Invalid as exc:
            raise from_invalid(exc, res.type) from None
        for field in wanted:
            if field not in target:
                raise blank(field, res.type)
        filters = [
            Filter("resource_type", "=", target["resource_type"]),
            Filter("resource_id", "=", target["resource_id"]),
            Filter("state", "=", "active"),
        ]
        finished = []
        with ctx.data.store.transaction():
            for row in ctx.data.query(res.kind, filters):
                row.update(state="finished", updated_at=now())
                finished.append(ctx.data.replace(res.kind, row))
        items = [{"data": present(ctx, res, r), "meta": {"type": res.type}} for r in finished]
        return json_response({"items": items, "meta": {"type": "collection", "count": len(items)}})

    async def list_conversions(self, request: Request, ctx: Ctx, user: User) -> Response:
        page = conversions.list_page(
            ctx, request.query_params.multi_items(), ctx.base_url + request.url.path
        )
        return json_response(page)

    async def convert_lead(self, request: Request, ctx: Ctx, user: User) -> Response:
        no_params(request)
        self.require(user, "write")
        clean = conversions.parse_create(self.envelope(request, "lead_conversion"))
        with ctx.data.store.transaction():  # the lead, its contacts and deal: all or nothing
            created = conversions.convert(
                ctx, clean, lambda c, res, body: self.create(c, res, self.clean(c, res, body), None)
            )
        return single("lead_conversion", present(ctx, BY_NAME["lead_conversions"], created))

    # -- Sync API (§6) ----------------------------------------------------------------------

    def sync_present(self, ctx: Ctx, type_: str, record: dict[str, Any]) -> dict[str, Any]:
        kind = SYNC_KINDS[type_]
        if kind == "account":
            return strip(record, ())
        out = present(ctx, BY_KIND[kind], record)
        if kind == "associated_contact":  # outside its deal's URL it needs its keys
            out = {"id": record["id"], "deal_id": record["deal_id"], **out}
        return out

    async def sync_start(self, request: Request, ctx: Ctx, user: User) -> Response:
        no_params(request)
        self.require(user, "sync")
        session = sync.start(ctx.data, sync.device_of(request.headers))
        if session is None:
            return Response(status_code=204)
        return json_response(sync.session_body(session, ctx.base_url), 201)

    async def sync_queue(self, request: Request, ctx: Ctx, user: User) -> Response:
        no_params(request)
        self.require(user, "sync")
        device = sync.device_of(request.headers)
        page = sync.next_page(
            ctx.data,
            device,
            request.path_params["session_id"],
            lambda t, r: self.sync_present(ctx, t, r),
        )
        return Response(status_code=204) if page is None else json_response(page)

    async def sync_ack(self, request: Request, ctx: Ctx, user: User) -> Response:
        no_params(request)
        self.require(user, "sync")
        device = sync.device_of(request.headers)
        body = self.envelope(request, "sync", None)  # no documented meta type for acks
        sync.ack(ctx.data, device, sync.parse_ack_keys(body))
        return Response(status_code=202)

    # -- Search API v3 (companion sheet §2) --------------------------------------------------

    @staticmethod
    def searchable(request: Request, schema: bool = False) -> str:
        name = str(request.path_params["resource"])
        found = search.RESOURCES.get(name)
        if found is None or (schema and not found.schema):
            raise SellError(404, "not_found", "Requested path was not found.")
        return name

    async def search(self, request: Request, ctx: Ctx, user: User) -> Response:
        resource = self.searchable(request)
        no_params(request)
        try:  # the whole body first; the store is read only once it is parsed
            body = plain_json().coerce("body", json_body(request))
        except (InvalidJson, Invalid):
            raise SellError(400, "invalid_payload", "The request body is not valid JSON.") from None
        self.require(user, "read")
        return json_response(search.run(ctx, resource, body))

    async def search_attributes(self, request: Request, ctx: Ctx, user: User) -> Response:
        resource = self.searchable(request, schema=True)
        no_params(request)
        text = search.attribute_schema(ctx, resource)
        return Response(text, media_type="application/yaml")

    async def search_custom_fields(self, request: Request, ctx: Ctx, user: User) -> Response:
        resource = self.searchable(request, schema=True)
        no_params(request)
        return json_response(search.custom_fields_of(ctx, resource))

    async def search_request_schema(self, request: Request, ctx: Ctx, user: User) -> Response:
        no_params(request)
        return json_response(search.REQUEST_SCHEMA)

    # -- OAuth2 (companion sheet §4) ----------------------------------------------------------

    async def oauth_authorize(self, request: Request) -> Response:
        try:
            params = single_values(request.query_params.multi_items())
            return oauth.authorize(self.store, self.directory, params, self.token_ttl)
        except (oauth.OAuthError, SellError) as exc:
            if isinstance(exc, SellError):
                exc = oauth.OAuthError(400, "invalid_request", exc.details or exc.code)
            return exc.response()

    async def oauth_token(self, request: Request) -> Response:
        raw = request_body(request)  # the whole form first (BufferedBody), then the state
        try:
            form = oauth.form_of(raw, request.headers.get("content-type", ""))
            body = oauth.token(self.store, self.directory, request.headers, form, self.token_ttl)
        except oauth.OAuthError as exc:
            return exc.response()
        return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    async def oauth_revoke(self, request: Request) -> Response:
        raw = request_body(request)
        try:
            form = oauth.form_of(raw, request.headers.get("content-type", ""))
            oauth.revoke(self.store, self.directory, request.headers, form)
        except oauth.OAuthError as exc:
            return exc.response()
        return JSONResponse({})

    @staticmethod
    def oauth_unsupported(request: Request, allowed: list[str]) -> Response:
        error = oauth.OAuthError(405, "invalid_request", f"Use {', '.join(allowed)}.")
        response = error.response()
        response.headers["Allow"] = ", ".join(allowed)
        return response

    # -- Firehose API v3 (companion sheet §3) ------------------------------------------------

    def firehose_present(self, ctx: Ctx, stream: str, snapshot: dict[str, Any]) -> dict[str, Any]:
        kind = firehose.KIND_OF_STREAM[stream]
        out = present(ctx, BY_KIND[kind], snapshot)
        if kind == "associated_contact":  # its stream documents id, contact_id and deal_id
            out = {"id": snapshot["id"], "deal_id": snapshot.get("deal_id"), **out}
        return out

    async def firehose_stream(self, request: Request, ctx: Ctx, user: User) -> Response:
        stream = request.path_params["stream"]
        if stream not in firehose.STREAM_TYPES:
            raise SellError(404, "not_found", "Requested path was not found.")
        params = single_values(request.query_params.multi_items())
        self.require(user, "read")
        me = ctx.data.get("user", user.id) or {}
        if me.get("role") != "admin":
            raise SellError(
                403,
                "forbidden",
                "The Firehose API needs an access token of the account's root user.",
            )
        body = firehose.page(
            ctx.data,
            stream,
            params,
            ctx.base_url + request.url.path,
            lambda s, snapshot: self.firehose_present(ctx, s, snapshot),
            self.retention,
        )
        return json_response(body)

    async def not_found(self, request: Request, ctx: Ctx, user: User) -> Response:
        raise SellError(404, "not_found", "Requested path was not found.")

    # -- routing ----------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        def route(path: str, handlers: Mapping[str, Handler], *args: Any) -> BaseRoute:
            table = {method: self.endpoint(h, *args) for method, h in handlers.items()}
            return resource(PREFIX + "/" + path, table, self.unsupported)

        # literal paths first: `/users/self` and `/contacts/upsert` must not reach `{id}`
        out = [
            route("accounts/self", {"GET": self.account_self}),
            route("users/self", {"GET": self.user_self}),
            route("sync/start", {"POST": self.sync_start}),
            route("sync/ack", {"POST": self.sync_ack}),
            route("sync/{session_id}/queues/main", {"GET": self.sync_queue}),
            route(
                "sequence_enrollments/finish_ongoing_for_resource",
                {"POST": self.finish_enrollments},
            ),
            route("lead_conversions", {"GET": self.list_conversions, "POST": self.convert_lead}),
        ]
        for res in RESOURCES:
            if "upsert" in res.ops:
                out.append(route(f"{res.path}/upsert", {"POST": self.upsert_item}, res))
        for res in RESOURCES:
            collection = {"GET": self.list_items, "POST": self.create_item}
            out.append(
                route(
                    res.path,
                    {
                        m: h
                        for m, h in collection.items()
                        if {"GET": "list", "POST": "create"}[m] in res.ops
                    },
                    res,
                )
            )
            item = {
                "GET": ("get", self.get_item),
                "PUT": ("update", self.update_item),
                "DELETE": ("delete", self.delete_item),
            }
            handlers = {m: h for m, (op, h) in item.items() if op in res.ops}
            if handlers:
                out.append(route(res.item_path(), handlers, res))
        # anything else under /v2 is Sell's 404, after the same auth and header checks
        every = dict.fromkeys(ALL_METHODS, self.not_found)
        out.append(route("{rest:path}", every))
        out += self.v3_routes()
        out += [
            resource("/oauth2/authorize", {"GET": self.oauth_authorize}, self.oauth_unsupported),
            resource("/oauth2/token", {"POST": self.oauth_token}, self.oauth_unsupported),
            resource("/oauth2/revoke", {"POST": self.oauth_revoke}, self.oauth_unsupported),
        ]
        return out

    def v3_routes(self) -> list[BaseRoute]:
        def route(path: str, handlers: Mapping[str, Handler]) -> BaseRoute:
            table = {method: self.endpoint(h) for method, h in handlers.items()}
            return resource("/v3/" + path, table, self.unsupported)

        return [
            route("search-schema", {"GET": self.search_request_schema}),
            route("{resource}/search", {"POST": self.search}),
            route("{resource}/schema", {"GET": self.search_attributes}),
            route("{resource}/custom_fields", {"GET": self.search_custom_fields}),
            route("{stream}/stream", {"GET": self.firehose_stream}),
            route("{rest:path}", dict.fromkeys(ALL_METHODS, self.not_found)),
        ]
