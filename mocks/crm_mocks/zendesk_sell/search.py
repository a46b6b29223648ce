"""The Search API v3 (companion fact sheet §2): `POST /v3/<resource>/search` over the records the
Core API writes, plus the attribute schemas.

A request is a batch: `{"items": [{"data": QueryRequest}, ...]}`, answered item by item. Each
query becomes one store query — its filter tree an SQL WHERE (`and`/`or`/`not` as
AllOf/AnyOf/Not), its sort an ORDER BY with the id as tie-break, its page LIMIT/OFFSET — plus a
COUNT for `total_count` and one SQL aggregate per aggregation: nothing reads all rows into
Python. Projection then shapes the page's rows only.

Decided where the sheet is silent (and stated in the spec): operators beyond `eq`,
`starts_with` and `is_null` are `any` and `range`; a sort item is
`{"attribute": {"name"}, "order": "ascending"|"descending"}`; a bad query answers HTTP 400 in
the v2 error envelope for the whole batch, with a pointer to the offending part.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.store import AllOf, AnyOf, Condition, Filter, Not, Order
from . import customfields, firehose
from .errors import SellError
from .hooks import Ctx

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_DEPTH = 10  # nesting of and/or/not (inferred: a limit keeps a request from exhausting us)
MAX_ITEMS = 10  # batched queries per request (inferred)
AGGREGATIONS = ("min", "max", "avg")
ORDERS = {"ascending": False, "descending": True}


@dataclass(frozen=True)
class Attr:
    """One searchable attribute: where it is stored, its type, what may be done with it."""

    path: str | None  # JSON path of the stored record; None: computed for projection only
    type: str  # string | number | integer | boolean | datetime | date | object
    filter: bool = True
    sort: bool = True


def _a(path: str, type_: str, **kw: Any) -> Attr:
    return Attr(path, type_, **kw)


COMMON = {
    "id": _a("id", "integer"),
    "version": Attr(None, "integer", filter=False, sort=False),
    "created_at": _a("created_at", "datetime"),
    "updated_at": _a("updated_at", "datetime"),
}
OWNER = {
    "owner_id": _a("owner_id", "integer"),
    "owner": Attr(
        None, "object", filter=False, sort=False
    ),  # {id, name}: evidence: zendesk-sell-v3-oauth#2.5
}


@dataclass(frozen=True)
class Searchable:
    kind: str
    type: str
    attrs: Mapping[str, Attr]
    custom_fields: str | None = None
    schema: bool = True  # whether `/v3/<resource>/schema` exists (§2.1)
    computed: Mapping[str, Callable[[Ctx, dict[str, Any]], Any]] = field(default_factory=dict)


def _lead_name(ctx: Ctx, row: dict[str, Any]) -> Any:
    person = " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p)
    return person or row.get("organization_name")


RESOURCES: dict[str, Searchable] = {
    "contacts": Searchable(
        "contact",
        "contact",
        {
            **COMMON,
            **OWNER,
            "display_name": _a("name", "string"),
            "first_name": _a("first_name", "string"),
            "last_name": _a("last_name", "string"),
            "email": _a("email", "string"),
            "phone": _a("phone", "string"),
            "mobile": _a("mobile", "string"),
            "title": _a("title", "string"),
            "industry": _a("industry", "string"),
            # British spelling in Search, `is_organization` in v2
            # (evidence: zendesk-sell-v3-oauth#6.4)
            "is_organisation": _a("is_organization", "boolean"),
            "contact_id": _a("contact_id", "integer"),
            "customer_status": _a("customer_status", "string"),
            "prospect_status": _a("prospect_status", "string"),
            "creator_id": _a("creator_id", "integer"),
        },
        custom_fields="contact",
    ),
    "deals": Searchable(
        "deal",
        "deal",
        {
            **COMMON,
            **OWNER,
            "name": _a("name", "string"),
            "decimal_value": _a("value", "number"),
            "currency": _a("currency", "string"),
            "hot": _a("hot", "boolean"),
            "stage_id": _a("stage_id", "integer"),
            # a deal's pipeline is its stage's: filtered through the stages (eq/any only)
            "pipeline_id": Attr(None, "integer", sort=False),
            "contact_id": _a("contact_id", "integer"),
            "organization_id": _a("organization_id", "integer"),
            "source_id": _a("source_id", "integer"),
            "loss_reason_id": _a("loss_reason_id", "integer"),
            "estimated_close_date": _a("estimated_close_date", "date"),
            "last_stage_change_at": _a("last_stage_change_at", "datetime"),
            "creator_id": _a("creator_id", "integer"),
        },
        custom_fields="deal",
    ),
    "leads": Searchable(
        "lead",
        "lead",
        {
            **COMMON,
            **OWNER,
            "display_name": Attr(None, "string", filter=False, sort=False),
            "first_name": _a("first_name", "string"),
            "last_name": _a("last_name", "string"),
            "organization_name": _a("organization_name", "string"),
            "status": _a("status", "string"),
            "email": _a("email", "string"),
            "phone": _a("phone", "string"),
            "mobile": _a("mobile", "string"),
            "source_id": _a("source_id", "integer"),
            "creator_id": _a("creator_id", "integer"),
        },
        custom_fields="lead",
        computed={"display_name": _lead_name},
    ),
    "notes": Searchable(
        "note",
        "note",
        {
            **COMMON,
            "content": _a("content", "string"),
            "resource_type": _a("resource_type", "string"),
            "resource_id": _a("resource_id", "integer"),
            "is_important": _a("is_important", "boolean"),
            "creator_id": _a("creator_id", "integer"),
        },
        schema=False,
    ),
    "tasks": Searchable(
        "task",
        "task",
        {
            **COMMON,
            **OWNER,
            "content": _a("content", "string"),
            "completed": _a("completed", "boolean"),
            "completed_at": _a("completed_at", "datetime"),
            "due_date": _a("due_date", "datetime"),
            "resource_type": _a("resource_type", "string"),
            "resource_id": _a("resource_id", "integer"),
            "creator_id": _a("creator_id", "integer"),
        },
        schema=False,
    ),
}


def bad(pointer: str, details: str) -> SellError:
    return SellError(400, "invalid_payload", details, resource="search", field=pointer)


def _object(value: Any, pointer: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad(pointer, f"The attribute '{pointer}' must be an object.")
    return value


def _list(value: Any, pointer: str) -> list[Any]:
    if not isinstance(value, list):
        raise bad(pointer, f"The attribute '{pointer}' must be an array.")
    return value


def _int(value: Any, pointer: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise bad(pointer, f"The attribute '{pointer}' must be an integer >= {low}.")
    if high is not None and value > high:
        raise bad(pointer, f"The attribute '{pointer}' must be at most {high}.")
    return value


def _only(obj: Mapping[str, Any], allowed: tuple[str, ...], pointer: str) -> None:
    for key in obj:
        if key not in allowed:
            raise bad(f"{pointer}/{key}", f"The attribute '{pointer}/{key}' is unknown.")


# -- one query ---------------------------------------------------------------------------------


@dataclass
class Query:
    res: Searchable
    ctx: Ctx
    custom: dict[str, str] = field(default_factory=dict)  # `custom_fields.<key>` -> stored name

    def attr(self, raw: Any, pointer: str) -> tuple[str, Attr]:
        """The attribute `{"name": ...}` names (custom fields resolved by their key)."""
        named = _object(raw, pointer)
        _only(named, ("name",), pointer)
        name = named.get("name")
        if not isinstance(name, str):
            raise bad(f"{pointer}/name", f"The attribute '{pointer}/name' must be a string.")
        if name in self.res.attrs:
            return name, self.res.attrs[name]
        stored = self.custom_field(name)
        if stored is None:
            raise bad(f"{pointer}/name", f"Unknown attribute '{name}' for {self.res.type} search.")
        return name, Attr(f"custom_fields.{stored}", "string")

    def custom_field(self, name: str) -> str | None:
        """`custom_fields.contact:123` (its search_api_id) or `custom_fields.123` (§2.3)."""
        if not self.res.custom_fields or not name.startswith("custom_fields."):
            return None
        if not self.custom:
            for definition in customfields.definitions(
                self.ctx.data, self.res.custom_fields
            ).values():
                stored = definition["name"]
                if stored.isidentifier():  # a JSON path needs a plain name
                    self.custom[f"{self.res.custom_fields}:{definition['id']}"] = stored
                    self.custom[str(definition["id"])] = stored
        return self.custom.get(name.partition(".")[2])

    # filters

    def condition(self, node: Any, pointer: str, depth: int = 0) -> Condition:
        if depth > MAX_DEPTH:
            raise bad(pointer, f"Filters nest at most {MAX_DEPTH} levels deep.")
        obj = _object(node, pointer)
        if len(obj) != 1:
            raise bad(pointer, f"'{pointer}' must have exactly one of and, or, not, filter.")
        ((key, value),) = obj.items()
        here = f"{pointer}/{key}"
        if key in ("and", "or"):
            parts = _list(value, here)
            if not parts:
                raise bad(here, f"'{here}' must not be empty.")
            conditions = tuple(
                self.condition(p, f"{here}/{i}", depth + 1) for i, p in enumerate(parts)
            )
            return AllOf(conditions) if key == "and" else AnyOf(conditions)
        if key == "not":
            return Not(self.condition(value, here, depth + 1))
        if key == "filter":
            return self.leaf(value, here)
        raise bad(here, f"'{key}' is not a filter operator (and, or, not, filter).")

    def leaf(self, node: Any, pointer: str) -> Condition:
        obj = _object(node, pointer)
        _only(obj, ("attribute", "parameter"), pointer)
        if "attribute" not in obj or "parameter" not in obj:
            raise bad(pointer, f"'{pointer}' needs an attribute and a parameter.")
        name, attr = self.attr(obj["attribute"], f"{pointer}/attribute")
        if not attr.filter:
            raise bad(f"{pointer}/attribute/name", f"'{name}' cannot be filtered on.")
        param = _object(obj["parameter"], f"{pointer}/parameter")
        if len(param) != 1:
            raise bad(f"{pointer}/parameter", "A parameter has exactly one operator.")
        ((op, value),) = param.items()
        here = f"{pointer}/parameter/{op}"
        if attr.path is None:  # pipeline_id: the deals of the pipeline's stages
            return self.pipeline(op, value, here)
        path = attr.path
        if op == "eq":
            return Filter(path, "=", self.value(attr, value, here))
        if op == "any":
            values = _list(value, here)
            if not values or len(values) > 1000:
                raise bad(here, f"'{here}' must list 1 to 1000 values.")
            return Filter(
                path, "in", [self.value(attr, v, f"{here}/{i}") for i, v in enumerate(values)]
            )
        if op == "starts_with":
            if attr.type != "string" or not isinstance(value, str):
                raise bad(here, f"'{here}' needs a string attribute and a string value.")
            escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            return Filter(path, "like", escaped + "%")
        if op == "is_null":
            if not isinstance(value, bool):
                raise bad(here, f"'{here}' must be true or false.")
            return Filter(path, "=" if value else "!=", None)
        if op == "range":
            bounds = _object(value, here)
            _only(bounds, ("gt", "gte", "lt", "lte"), here)
            if not bounds or attr.type in ("boolean", "object"):
                raise bad(here, f"'{here}' needs gt, gte, lt or lte on a comparable attribute.")
            sql = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
            return AllOf(
                tuple(
                    Filter(path, sql[k], self.value(attr, v, f"{here}/{k}"))  # type: ignore[arg-type]
                    for k, v in bounds.items()
                )
            )
        raise bad(here, f"'{op}' is not an operator (eq, any, starts_with, is_null, range).")

    def pipeline(self, op: str, value: Any, pointer: str) -> Condition:
        if op not in ("eq", "any"):
            raise bad(pointer, "pipeline_id takes eq or any.")
        wanted = [value] if op == "eq" else _list(value, pointer)
        ids = [self.value(COMMON["id"], v, pointer) for v in wanted[:1000]]
        stages = self.ctx.data.query("stage", [Filter("pipeline_id", "in", ids)], order=())
        return Filter("stage_id", "in", [s["id"] for s in stages])

    @staticmethod
    def value(attr: Attr, value: Any, pointer: str) -> Any:
        """A scalar to compare with (a value of another type than the attribute's simply
        matches nothing, as SQL compares it)."""
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number and not (value == value and abs(value) < 2**63):
            raise bad(pointer, f"'{pointer}' is out of range.")
        if not (number or isinstance(value, str | bool)):
            raise bad(pointer, f"'{pointer}' must be a string, number or boolean.")
        return value

    # sort and projection

    def orders(self, raw: Any, pointer: str) -> list[Order]:
        out = []
        for i, item in enumerate(_list(raw, pointer)):
            here = f"{pointer}/{i}"
            obj = _object(item, here)
            _only(obj, ("attribute", "order"), here)
            name, attr = self.attr(obj.get("attribute"), f"{here}/attribute")
            if not attr.sort or attr.path is None:
                raise bad(f"{here}/attribute/name", f"'{name}' cannot be sorted on.")
            order = obj.get("order", "ascending")
            if order not in ORDERS:
                raise bad(f"{here}/order", "The order is ascending or descending.")
            out.append(Order(attr.path, ORDERS[order]))
        if not any(o.path == "id" for o in out):  # pages must not overlap: the id breaks ties
            out.append(Order("id", out[-1].descending if out else False))
        return out

    def projection(self, raw: Any, pointer: str) -> list[tuple[str, Attr]]:
        items = _list(raw, pointer)
        if len(items) > 100:
            raise bad(pointer, "At most 100 attributes can be projected.")
        return [self.attr(item, f"{pointer}/{i}") for i, item in enumerate(items)]


def project(
    q: Query, rows: list[dict[str, Any]], wanted: list[tuple[str, Attr]]
) -> list[dict[str, Any]]:
    users: dict[int, Any] = {}

    def owner(row: dict[str, Any]) -> Any:
        oid = row.get("owner_id")
        if oid is None:
            return None
        if oid not in users:
            found = q.ctx.data.get("user", oid)
            users[oid] = {"id": oid, "name": found["name"] if found else None}
        return users[oid]

    out = []
    for row in rows:
        data: dict[str, Any] = {}
        for name, attr in wanted:
            if name == "version":
                data[name] = firehose.version_of(q.ctx.data, q.res.kind, row["id"])
            elif name == "owner":
                data[name] = owner(row)
            elif name in q.res.computed:
                data[name] = q.res.computed[name](q.ctx, row)
            elif name == "pipeline_id":
                stage = q.ctx.data.get("stage", row.get("stage_id") or 0)
                data[name] = stage["pipeline_id"] if stage else None
            elif attr.path and attr.path.startswith("custom_fields."):
                value = (row.get("custom_fields") or {}).get(attr.path.partition(".")[2])
                data.setdefault("custom_fields", {})[name.partition(".")[2]] = (
                    None if value is None else str(value)  # values come back as text (§2.3)
                )
            else:
                data[name] = row.get(attr.path or name)
        out.append({"data": data, "meta": {"type": q.res.type}})
    return out


def fingerprint(data: Mapping[str, Any]) -> str:
    """What a cursor is bound to: the query and aggregations, not the paging."""
    basis = {k: data.get(k) for k in ("query",)}
    return hashlib.sha1(json.dumps(basis, sort_keys=True).encode()).hexdigest()[:16]


def encode_cursor(offset: int, bound_to: str) -> str:
    return base64.urlsafe_b64encode(f"{bound_to}:{offset}".encode()).decode()


def decode_cursor(raw: Any, bound_to: str, pointer: str) -> int:
    if not isinstance(raw, str):
        raise bad(pointer, "The cursor must be a string from links.next_page.")
    try:
        text = base64.urlsafe_b64decode(raw.encode("ascii")).decode("ascii")
        bound, _, offset = text.rpartition(":")
        value = int(offset) if offset.isdigit() and len(offset) <= 12 else -1
    except (binascii.Error, UnicodeError, ValueError):
        value, bound = -1, ""
    if value < 0 or bound != bound_to:
        raise bad(pointer, "The cursor was not issued for this query.")
    return value


def run_one(ctx: Ctx, res: Searchable, raw: Any, pointer: str) -> dict[str, Any]:
    item = _object(raw, pointer)
    _only(item, ("data",), pointer)
    data = _object(item.get("data"), f"{pointer}/data")
    here = f"{pointer}/data"
    _only(
        data,
        ("query", "aggregations", "hits", "cursor", "page", "per_page", "offset"),
        here,
    )
    paging = [k for k in ("cursor", "page", "offset") if k in data]
    if len(paging) > 1:
        raise bad(f"{here}/{paging[1]}", f"{', '.join(paging)} cannot be combined.")
    q = Query(res, ctx)
    query = _object(data.get("query", {}), f"{here}/query")
    _only(query, ("projection", "filter", "sort"), f"{here}/query")
    conditions: list[Condition] = []
    if "filter" in query:
        conditions.append(q.condition(query["filter"], f"{here}/query/filter"))
    order = q.orders(query.get("sort", []), f"{here}/query/sort")
    if "projection" in query:
        wanted = q.projection(query["projection"], f"{here}/query/projection")
    else:
        wanted = [("id", COMMON["id"]), ("version", COMMON["version"])]
    hits = data.get("hits", True)
    if not isinstance(hits, bool):
        raise bad(f"{here}/hits", "hits must be true or false.")
    per_page = _int(data.get("per_page", DEFAULT_PER_PAGE), f"{here}/per_page", 0, MAX_PER_PAGE)
    bound_to = fingerprint(data)
    if "cursor" in data:
        offset = decode_cursor(data["cursor"], bound_to, f"{here}/cursor")
    elif "offset" in data:
        offset = _int(data["offset"], f"{here}/offset", 0, 2**40)
    else:
        offset = _int(data.get("page", 0), f"{here}/page", 0, 2**30) * per_page
    aggregations: dict[str, dict[str, Any]] = {}
    for i, agg in enumerate(_list(data.get("aggregations", []), f"{here}/aggregations")):
        at = f"{here}/aggregations/{i}"
        obj = _object(agg, at)
        _only(obj, ("attribute", "aggregation_type"), at)
        name, attr = q.attr(obj.get("attribute"), f"{at}/attribute")
        kind = obj.get("aggregation_type")
        if kind not in AGGREGATIONS or attr.path is None:
            raise bad(f"{at}/aggregation_type", f"Aggregations are {', '.join(AGGREGATIONS)}.")
        if attr.type not in ("integer", "number") and kind == "avg":
            raise bad(f"{at}/aggregation_type", "avg needs a numeric attribute.")
        value = ctx.data.store.aggregate(ctx.data.account, res.kind, attr.path, kind, conditions)
        aggregations.setdefault(name, {})[kind] = value

    store = ctx.data.store
    total = store.count(ctx.data.account, res.kind, conditions)
    rows: list[dict[str, Any]] = []
    if hits and per_page:
        rows = store.query(
            ctx.data.account, res.kind, conditions, order, limit=per_page + 1, offset=offset
        )
    page_rows = rows[:per_page]
    links: dict[str, str] = {}
    if len(rows) > per_page:
        links["next_page"] = encode_cursor(offset + per_page, bound_to)
    meta: dict[str, Any] = {
        "type": "collection",
        "count": len(page_rows),
        "total_count": total,
        "http_status": "200 OK",
        "links": links,
    }
    if aggregations:
        meta["aggregations"] = aggregations
    return {"successful": True, "items": project(q, page_rows, wanted), "meta": meta}


def run(ctx: Ctx, resource: str, body: Any) -> dict[str, Any]:
    """The answer to one batch; the body was parsed before any state was read."""
    res = RESOURCES[resource]
    envelope = _object(body, "")
    _only(envelope, ("items",), "")
    items = _list(envelope.get("items"), "/items")
    if not 1 <= len(items) <= MAX_ITEMS:
        raise bad("/items", f"A search sends 1 to {MAX_ITEMS} queries.")
    return {"items": [run_one(ctx, res, item, f"/items/{i}") for i, item in enumerate(items)]}


# -- schemas -----------------------------------------------------------------------------------


def attribute_schema(ctx: Ctx, resource: str) -> str:
    """`GET /v3/<resource>/schema`: the attributes as YAML (their types, filter, sort)."""
    res = RESOURCES[resource]
    lines = [f"resource: {res.type}", "attributes:"]
    for name, attr in res.attrs.items():
        lines += [
            f"  - name: {name}",
            f"    type: {attr.type}",
            f"    filterable: {'true' if attr.filter else 'false'}",
            f"    sortable: {'true' if attr.sort and attr.path else 'false'}",
        ]
    if res.custom_fields:
        for definition in customfields.definitions(ctx.data, res.custom_fields).values():
            key = f"custom_fields.{res.custom_fields}:{definition['id']}"
            lines += [
                f'  - name: "{key}"',
                "    type: string",
                f"    filterable: {'true' if definition['name'].isidentifier() else 'false'}",
                "    sortable: false",
            ]
    return "\n".join(lines) + "\n"


def custom_fields_of(ctx: Ctx, resource: str) -> dict[str, Any]:
    """`GET /v3/<resource>/custom_fields`: each definition with its `search_api_id`."""
    rtype = RESOURCES[resource].custom_fields or ""
    items = [
        {
            "data": {
                "id": d["id"],
                "name": d["name"],
                "type": d["type"],
                "search_api_id": f"custom_fields.{rtype}:{d['id']}",
            },
            "meta": {"type": "custom_field"},
        }
        for d in customfields.definitions(ctx.data, rtype).values()
    ]
    return {"items": items, "meta": {"type": "collection", "count": len(items)}}


REQUEST_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Search request",
    "type": "object",
    "required": ["items"],
    "properties": {
        "items": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_ITEMS,
            "items": {
                "type": "object",
                "required": ["data"],
                "properties": {
                    "data": {
                        "type": "object",
                        "properties": {
                            "query": {
                                "type": "object",
                                "properties": {
                                    "projection": {"type": "array"},
                                    "filter": {"type": "object"},
                                    "sort": {"type": "array"},
                                },
                            },
                            "aggregations": {"type": "array"},
                            "hits": {"type": "boolean", "default": True},
                            "cursor": {"type": "string"},
                            "page": {"type": "integer", "minimum": 0, "default": 0},
                            "per_page": {
                                "type": "integer",
                                "minimum": 0,
                                "maximum": MAX_PER_PAGE,
                                "default": DEFAULT_PER_PAGE,
                            },
                            "offset": {"type": "integer", "minimum": 0, "default": 0},
                        },
                    }
                },
            },
        }
    },
}
