"""Lead conversions (companion fact sheet §5.1): the list with its own paging rules, and
`POST /v2/lead_conversions`, which turns a lead into contacts and, optionally, a deal.

The list differs from every other collection: sorted by id descending, `page` at most 50,
`per_page` up to 200, and a `cursor` that continues past page 50; `meta.links.next_page`
carries that cursor and is present only while more records exist.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from ..core.fields import Invalid, boolean, coerce_fields, integer
from ..core.store import Filter, Order
from .errors import SellError, blank, from_invalid, invalid_param
from .hooks import Ctx, missing_ref, present
from .listing import single_values
from .params import MAX_ID, BadValue, p_ids, p_int
from .resources import BY_NAME, LEAD_CONVERSIONS
from .values import now

MAX_PAGE = 50
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 25
LOOKUPS = ("lead_id", "individual_id", "organization_id", "deal_id")
PARAMS = ("page", "per_page", "cursor", "ids", *LOOKUPS)
CREATE_FIELDS = {
    "lead_id": integer(minimum=1, maximum=MAX_ID),
    "owner_id": integer(nullable=True, minimum=1, maximum=MAX_ID),
    "create_deal": boolean(),
}


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"lead_conversions:{last_id}".encode()).decode()


def decode_cursor(raw: str) -> int:
    try:
        text = base64.urlsafe_b64decode(raw.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        raise invalid_param("cursor", "is not a cursor this API issued") from None
    name, _, last = text.partition(":")
    if name != "lead_conversions" or not (last.isdigit() and len(last) <= 19):
        raise invalid_param("cursor", "is not a cursor this API issued")
    return int(last)


def _paging(params: Mapping[str, str]) -> tuple[int, int]:
    page, per_page = 1, DEFAULT_PER_PAGE
    if "page" in params:
        raw = params["page"]
        page = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else 0
        if not 1 <= page <= MAX_PAGE:
            raise invalid_param("page", f"must be between 1 and {MAX_PAGE}; use the cursor")
    if "per_page" in params:
        raw = params["per_page"]
        per_page = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else 0
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise invalid_param("per_page", f"must be between 1 and {MAX_PER_PAGE}")
    return page, per_page


def list_page(ctx: Ctx, items: list[tuple[str, str]], path: str) -> dict[str, Any]:
    params = single_values(items)
    for key in params:
        if key not in PARAMS:
            raise invalid_param(key, "unknown")
    page, per_page = _paging(params)
    filters: list[Filter] = []
    for key in LOOKUPS:
        if key in params:
            try:
                filters.append(Filter(key, "=", p_int(params[key])))
            except BadValue as exc:
                raise invalid_param(key, exc.why) from None
    if "ids" in params:
        try:
            filters.append(Filter("id", "in", p_ids(params["ids"])))
        except BadValue as exc:
            raise invalid_param("ids", exc.why) from None
    offset = (page - 1) * per_page
    if "cursor" in params:  # the cursor continues where the page it came from ended
        filters.append(Filter("id", "<", decode_cursor(params["cursor"])))
        offset = 0
    rows = ctx.data.query(
        LEAD_CONVERSIONS.kind,
        filters,
        [Order("id", descending=True)],
        limit=per_page + 1,
        offset=offset,
    )
    page_rows = rows[:per_page]
    out = [
        {"data": present(ctx, LEAD_CONVERSIONS, r), "meta": {"type": LEAD_CONVERSIONS.type}}
        for r in page_rows
    ]
    keep = [(k, v) for k, v in items if k not in ("page", "cursor")]
    links = {"self": path + ("?" + urlencode(items) if items else "")}
    if len(rows) > per_page:
        nxt = [*keep, ("cursor", encode_cursor(page_rows[-1]["id"]))]
        links["next_page"] = path + "?" + urlencode(nxt)
    return {"items": out, "meta": {"type": "collection", "count": len(out), "links": links}}


CreateRecord = Callable[[Ctx, Any, dict[str, Any]], dict[str, Any]]


def parse_create(body: Mapping[str, Any]) -> dict[str, Any]:
    for key in body:
        if key not in CREATE_FIELDS:
            raise SellError(
                422,
                "unknown",
                f"The attribute '/data/{key}' is unknown.",
                resource=LEAD_CONVERSIONS.type,
                field=f"/data/{key}",
            )
    try:
        clean = coerce_fields(dict(body), CREATE_FIELDS, closed=True, check_required=False)
    except Invalid as exc:
        raise from_invalid(exc, LEAD_CONVERSIONS.type) from None
    if clean.get("lead_id") is None:
        raise blank("lead_id", LEAD_CONVERSIONS.type)
    return clean


def convert(ctx: Ctx, clean: Mapping[str, Any], create: CreateRecord) -> dict[str, Any]:
    """Convert the lead (call inside one transaction): `last_name` makes an individual,
    `organization_name` an organization, both make both (the individual works there); with
    `create_deal` (default true, inferred) a deal on the organization, else the individual.
    The converted lead leaves the leads list, as the seed's converted lead does."""
    res = LEAD_CONVERSIONS
    lead = ctx.data.get("lead", clean["lead_id"])
    if lead is None:
        raise missing_ref(res, "lead_id", "lead", clean["lead_id"])
    owner = clean.get("owner_id") or lead["owner_id"] or ctx.user_id
    if ctx.data.get("user", owner) is None:
        raise missing_ref(res, "owner_id", "user", owner)
    shared = {
        key: lead.get(key)
        for key in ("email", "phone", "mobile", "fax", "website", "address", "industry")
    }
    organization = individual = deal = None
    if lead.get("organization_name"):
        organization = create(
            ctx,
            BY_NAME["contacts"],
            {
                **shared,
                "owner_id": owner,
                "is_organization": True,
                "name": lead["organization_name"],
            },
        )
    if lead.get("last_name"):
        individual = create(
            ctx,
            BY_NAME["contacts"],
            {
                **shared,
                "owner_id": owner,
                "is_organization": False,
                "first_name": lead.get("first_name"),
                "last_name": lead["last_name"],
                "title": lead.get("title"),
                "contact_id": organization["id"] if organization else None,
            },
        )
    primary = organization or individual
    if clean.get("create_deal", True) and primary is not None:
        deal = create(
            ctx,
            BY_NAME["deals"],
            {
                "owner_id": owner,
                "name": primary.get("name") or lead["last_name"],
                "contact_id": primary["id"],
            },
        )
    ctx.data.remove("lead", lead["id"])
    return ctx.data.insert(
        res.kind,
        {
            "lead_id": lead["id"],
            "individual_id": individual["id"] if individual else None,
            "organization_id": organization["id"] if organization else None,
            "deal_id": deal["id"] if deal else None,
            "creator_id": ctx.user_id,
            "created_at": now(),
        },
    )
