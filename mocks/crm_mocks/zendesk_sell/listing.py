"""List query parameters (fact sheet §4): filters, `ids`, `custom_fields[...]`, `sort_by`,
`page`/`per_page`, `includes`, turned into store filters and orders so that SQL does the work.

Anything the vendor would not accept is a 400 `invalid_param`: unknown parameters, malformed
values, `per_page` outside 1..100, `page` < 1, ids outside the Java `Long` range the ids live in
(§1), a malformed `sort_by`. Which attributes each resource sorts on is not documented (§10)
beyond a default and an example or two, so any attribute name is taken (stages excepted: their
page lists the sortable fields, §5.12); a name the records lack leaves the order to the id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from ..core.store import Filter, Order
from .errors import invalid_param
from .params import BadValue, p_int, p_number
from .resources import Resource

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
PAGING = ("page", "per_page")
CUSTOM_PARAM = re.compile(r"^custom_fields\[([A-Za-z_][A-Za-z0-9_]*)\]$")
SORT_FIELD = re.compile(r"^[a-z][a-z0-9_]*$")  # an attribute name
# a page whose offset is beyond this is past the end of any collection (SQLite takes int64)
MAX_OFFSET = 2**62
# custom field types that may be filtered / sorted on (seed: "Single Line Text", "Number",
# "Dropdown", and "Multi Select" for filters only)
FILTERABLE_CF = ("string", "number", "list", "multi_select_list")
SORTABLE_CF = ("string", "number", "list")


# -- the parsed query -----------------------------------------------------------------------


@dataclass
class ListQuery:
    filters: list[Filter] = field(default_factory=list)
    order: list[Order] = field(default_factory=list)
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    includes: tuple[str, ...] = ()

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def single_values(items: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Query parameters by name; a repeated parameter is ambiguous and refused."""
    out: dict[str, str] = {}
    for key, value in items:
        if key in out:
            raise invalid_param(key, "given more than once")
        out[key] = value
    return out


def parse_paging(params: Mapping[str, str]) -> tuple[int, int]:
    page, per_page = 1, DEFAULT_PER_PAGE
    if "page" in params:
        raw = params["page"]
        # any page number is valid: paging past the end answers an empty page (§2.2)
        page = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 1000 else 0
        if page < 1:
            raise invalid_param("page", "must be greater than or equal to 1")
    if "per_page" in params:
        raw = params["per_page"]
        try:
            per_page = p_int(raw)
        except BadValue:
            per_page = 0
        if not 1 <= per_page <= MAX_PER_PAGE:
            # Exactly the observed wording, given value echoed (§2.4).
            shown = raw if len(raw) <= 20 else raw[:20] + "..."
            raise invalid_param("per_page", f"must be between 1 and {MAX_PER_PAGE}, given: {shown}")
    return page, per_page


def parse_sort(res: Resource, raw: str, cf_defs: Mapping[str, Mapping[str, Any]]) -> list[Order]:
    """`field`, `field:asc|desc`, comma lists, and `custom_fields:<name>[:dir]` (§4)."""
    orders: list[Order] = []
    for part in raw.split(","):
        pieces = part.split(":")
        if pieces[0] == "custom_fields" and res.custom_fields:
            if len(pieces) not in (2, 3):
                raise invalid_param("sort_by", f"cannot sort by '{part}'")
            name, direction = pieces[1], (pieces[2] if len(pieces) == 3 else "asc")
            definition = cf_defs.get(name)
            if definition is None or definition["type"] not in SORTABLE_CF:
                raise invalid_param("sort_by", f"cannot sort by custom field '{name}'")
            path = f"custom_fields.{name}"
        else:
            known = SORT_FIELD.match(pieces[0]) and (
                res.sortable is None or pieces[0] in res.sortable
            )
            if len(pieces) not in (1, 2) or not known:
                raise invalid_param("sort_by", f"cannot sort by '{part}'")
            path, direction = pieces[0], (pieces[1] if len(pieces) == 2 else "asc")
        if direction not in ("asc", "desc"):
            raise invalid_param("sort_by", "the direction must be asc or desc")
        orders.append(Order(path, direction == "desc"))
    return orders


def parse_includes(res: Resource, raw: str) -> tuple[str, ...]:
    """`includes=a,b`: each a related resource the endpoint embeds; repeats are harmless."""
    wanted = raw.split(",")
    if any(w not in res.includes for w in wanted):
        raise invalid_param("includes", f"supported: {', '.join(res.includes)}")
    return tuple(dict.fromkeys(wanted))


def with_tiebreak(orders: list[Order]) -> list[Order]:
    """Pages must not overlap: ties are broken by id, in the direction of the last key, so an
    index on (filter, sort field) — which ends in the id — serves the whole ORDER BY."""
    if any(o.path == "id" for o in orders):
        return orders
    return [*orders, Order("id", orders[-1].descending if orders else False)]


def parse_list_query(
    res: Resource,
    items: Sequence[tuple[str, str]],
    cf_defs: Mapping[str, Mapping[str, Any]],
) -> ListQuery:
    params = single_values(items)
    query = ListQuery()
    query.page, query.per_page = parse_paging(params)
    for group in res.together:
        given = [p for p in group if p in params]
        if given and len(given) != len(group):
            missing = next(p for p in group if p not in params)
            raise invalid_param(missing, f"must be given together with '{given[0]}'")
    sort_raw = None
    for key, raw in params.items():
        if key in PAGING:
            continue
        if key == "sort_by" and res.sort_param:
            sort_raw = raw
        elif key == "includes" and res.includes:
            query.includes = parse_includes(res, raw)
        elif key in res.filters:
            try:
                query.filters += res.filters[key].build(raw)
            except BadValue as exc:
                raise invalid_param(key, exc.why) from None
        elif res.custom_fields and (match := CUSTOM_PARAM.match(key)):
            query.filters.append(custom_field_filter(key, match.group(1), raw, cf_defs))
        else:
            raise invalid_param(key, "unknown")
    default = parse_sort(res, res.default_sort, {}) if res.default_sort else []
    query.order = with_tiebreak(default if sort_raw is None else parse_sort(res, sort_raw, cf_defs))
    return query


def choose_index(
    res: Resource, filters: Sequence[Filter], order: Sequence[Order]
) -> tuple[str, ...] | None:
    """The index a listing should read, from the resource's declared indexes.

    SQLite has no statistics here and, left alone, walks a sort index even for a filter that
    matches three rows out of 100k (a full scan), or for an `ids` list. We know which filters
    are broad (`Resource.broad`), so we rank, best first:
      0. (selective equality filter..., first sort key): reads exactly the page;
      1. led by a selective equality filter: few rows, sorted in memory;
      2. (broad equality filter..., first sort key): reads the page, skipping little;
      3. the first sort key's own index, checking the (broad) filters while walking it.
    `ids` lists use the primary key only (an empty tuple: no secondary index).
    """
    if any(f.path == "id" for f in filters):
        return ()
    if not order:
        return None
    equal = {f.path for f in filters if f.op == "="}
    primary = order[0].path
    ranked: list[tuple[int, int, tuple[str, ...]]] = []
    for index in res.indexes:
        fixed = 0  # how many leading columns the filters pin to one value
        while fixed < len(index) and index[fixed] in equal:
            fixed += 1
        if not fixed:
            if index == (primary,):
                ranked.append((3, 0, index))
            continue
        sorted_ = index[fixed : fixed + 1] == (primary,) or (
            fixed == len(index) and primary == "id"
        )
        selective = any(c not in res.broad for c in index[:fixed])
        if selective:
            ranked.append((0 if sorted_ else 1, -fixed, index))
        elif sorted_:
            ranked.append((2, -fixed, index))
    return min(ranked)[2] if ranked else None


def custom_field_filter(
    key: str, name: str, raw: str, cf_defs: Mapping[str, Mapping[str, Any]]
) -> Filter:
    definition = cf_defs.get(name)
    if definition is None or definition["type"] not in FILTERABLE_CF:
        raise invalid_param(key, "not a filterable custom field")
    path = f"custom_fields.{name}"
    if definition["type"] == "number":
        try:
            return Filter(path, "=", p_number(raw))
        except BadValue as exc:
            raise invalid_param(key, exc.why) from None
    if definition["type"] == "multi_select_list":
        return Filter(path, "contains", raw)
    return Filter(path, "=", raw)


def links(
    base_url: str,
    items: Sequence[tuple[str, str]],
    query: ListQuery,
    *,
    count: int,
    has_more: bool,
) -> dict[str, str]:
    """`self` always; `first_page`/`prev_page`/`next_page` only when they apply (§2.2)."""
    keep = [(k, v) for k, v in items if k not in PAGING]

    def url(page: int) -> str:
        return base_url + "?" + urlencode([*keep, ("page", page), ("per_page", query.per_page)])

    out = {"self": url(query.page)}
    if count == 0:
        return out  # a page past the end only links to itself (ZAP empty response)
    out["first_page"] = url(1)
    if query.page > 1:
        out["prev_page"] = url(query.page - 1)
    if has_more:
        out["next_page"] = url(query.page + 1)
    return out
