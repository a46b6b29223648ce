"""Zendesk Sell's resources (fact sheet §5) as one table the generic handlers serve.

Each entry says where the resource lives, what a client may write (read-only attributes are
accepted and ignored, unknown ones are a 422 `unknown`, §2.3/§7), the defaults of a new record,
which query parameters filter it (and, where documented, which fields sort it), what it
references and what must be unique. Behaviour that does not fit a table (derived fields,
cascades) lives in hooks.py.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.fields import (
    Field,
    Invalid,
    array,
    boolean,
    choice,
    integer,
    record,
    required,
    text,
)
from ..core.store import Filter
from .params import (
    MAX_ID,
    BadValue,
    Param,
    custom,
    eq,
    id_list,
    one_of,
    p_bool,
    p_date,
    p_int,
    p_name,
    text_search,
)
from .values import (
    ADDRESS,
    capped_percent,
    currency,
    date_field,
    datetime_field,
    decimal_field,
    decimal_text,
    now,
    nullable,
    parse_decimal,
    tag_list,
)

CRUD = frozenset({"list", "create", "get", "update", "delete"})
LIST = frozenset({"list"})
BASE_RO = ("id", "creator_id", "created_at", "updated_at")
STAMPS = {"created_at": None, "updated_at": None}
CUSTOMER_STATUSES = ("none", "current", "past")
PROSPECT_STATUSES = ("none", "current", "lost")
RESOURCE_TYPES = ("lead", "contact", "deal")
ENROLLMENT_STATES = ("active", "blocked", "finished")  # beyond these: not found (§5.2)


@dataclass(frozen=True)
class Parent:
    """A nested collection: `/deals/{deal_id}/associated_contacts` lives under a deal."""

    param: str  # path parameter
    kind: str  # store kind of the parent
    type: str  # its meta type (for the 404)
    field: str  # child field holding the parent id


@dataclass(frozen=True)
class Resource:
    name: str  # hooks key and URL path under /v2
    kind: str  # store kind
    type: str  # meta.type
    ops: frozenset[str]
    fields: Mapping[str, Field] = field(default_factory=dict)  # writable attributes
    read_only: tuple[str, ...] = BASE_RO  # known attributes that writes ignore
    template: Mapping[str, Any] = field(default_factory=dict)  # a new record's attributes
    required: tuple[str, ...] = ()  # must be non-blank after a create or update
    filters: Mapping[str, Param] = field(default_factory=dict)
    together: tuple[tuple[str, ...], ...] = ()  # filters only valid as a group
    # the closed list of sortable attributes where the vendor gives one (stages, §5.12); None:
    # any attribute name (the lists are a gap of the fact sheet, §10)
    sortable: tuple[str, ...] | None = None
    default_sort: str = "id:asc"
    sort_param: bool = True  # whether `sort_by` is accepted at all
    includes: tuple[str, ...] = ()
    custom_fields: str | None = None  # custom field resource type of its `custom_fields`
    tag_type: str | None = None  # tags written here become tags of this resource_type
    references: Mapping[str, str] = field(default_factory=dict)  # field -> store kind
    unique: tuple[str, ...] = ()  # this combination of fields is unique per account
    parent: Parent | None = None
    scope: Mapping[str, Any] = field(default_factory=dict)  # fixed hidden fields
    hidden: tuple[str, ...] = ()  # stored but never shown (scope keys are hidden too)
    item_key: str = "id"  # what the `{id}` of the item path matches
    admin_delete: bool = False  # only admins may delete (§5.14 products)
    indexes: tuple[tuple[str, ...], ...] = ()
    # equality filters that match a large share of the records (see listing.choose_index)
    broad: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        return self.name

    @functools.cached_property  # read for every record presented: 100 times per page
    def private(self) -> tuple[str, ...]:
        """Keys a client never sees: hidden ones, the scope, internal `_` helpers."""
        return (*self.hidden, *self.scope, *(k for k in self.template if k.startswith("_")))

    def item_path(self) -> str:
        return f"{self.name}/{{{self.item_key}}}"


def _custom_fields(name: str, value: Any) -> Any:
    # checked against the account's definitions by the mock (they live in the store)
    if not isinstance(value, dict):
        raise Invalid(name, "must be an object", "type")
    return value


STR = text(nullable=True, max_length=10_000)
NAME = text(min_length=1, max_length=255)
REF = integer(nullable=True, minimum=1, maximum=MAX_ID)
ID = integer(minimum=1, maximum=MAX_ID)
CUSTOM_FIELDS = Field(_custom_fields)

PERSON: dict[str, Field] = {
    key: STR
    for key in (
        "title",
        "description",
        "industry",
        "website",
        "email",
        "phone",
        "mobile",
        "fax",
        "twitter",
        "facebook",
        "linkedin",
        "skype",
    )
}
ADDRESS_FILTERS = {
    f"address[{k}]": eq(f"address.{k}") for k in ("city", "country", "postal_code", "state")
}


def _bool_filter(path: str, when_true: str, when_false: str) -> Param:
    def build(raw: str) -> list[Filter]:
        op = when_true if p_bool(raw) else when_false
        return [Filter(path, op, None)]  # type: ignore[arg-type]

    return custom(build)


def _overdue(raw: str) -> list[Filter]:
    # `_overdue_at` is due_date for open tasks and "forever" otherwise (see hooks.tasks)
    return [Filter("_overdue_at", "<" if p_bool(raw) else ">=", now())]


def _task_type(raw: str) -> list[Filter]:
    if raw not in ("floating", "related"):
        raise BadValue("must be floating or related")
    return [Filter("resource_type", "=" if raw == "floating" else "!=", None)]


def _zendesk_user_ids(raw: str) -> list[Filter]:
    ids = raw.split(",")
    if not all(ids):
        raise BadValue("must be a comma-separated list of Zendesk user ids")
    return [Filter("zendesk_user_id", "in", ids)]


def named(
    name: str,
    kind: str,
    type_: str,
    ops: frozenset[str] = CRUD,
    sortable: tuple[str, ...] | None = None,
    **extra: Any,
) -> Resource:
    """Sources, loss reasons, unqualified reasons: a unique name and nothing else (§5.9-5.10)."""
    return Resource(
        name,
        kind,
        type_,
        ops,
        fields={"name": NAME},
        template={"creator_id": None, "name": None, **extra, **STAMPS},
        required=("name",),
        filters={"ids": id_list(), "name": eq("name")},
        unique=("name",),
        indexes=(("name",),),
        sortable=sortable,
    )


# contact sort orders served from an index (any attribute sorts, §4)
CONTACT_SORTS = ("last_name", "first_name", "name", "created_at", "updated_at")

CONTACTS = Resource(
    "contacts",
    "contact",
    "contact",
    CRUD | {"upsert"},
    fields={
        "owner_id": ID,
        "is_organization": boolean(),
        "contact_id": REF,
        "parent_organization_id": REF,
        "name": text(nullable=True, max_length=255),
        "first_name": text(nullable=True, max_length=255),
        "last_name": text(nullable=True, max_length=255),
        "customer_status": choice(CUSTOMER_STATUSES),
        "prospect_status": choice(PROSPECT_STATUSES),
        **PERSON,
        "address": ADDRESS,
        "tags": tag_list(),
        "custom_fields": CUSTOM_FIELDS,
    },
    read_only=(*BASE_RO, "billing_address", "shipping_address"),
    template={
        "creator_id": None,
        "owner_id": None,
        "is_organization": False,
        "contact_id": None,
        "parent_organization_id": None,
        "name": None,
        "first_name": None,
        "last_name": None,
        "customer_status": "none",
        "prospect_status": "none",
        **dict.fromkeys(PERSON),
        "address": None,
        "billing_address": None,
        "shipping_address": None,
        "tags": [],
        "custom_fields": {},
        **STAMPS,
    },
    filters={
        "ids": id_list(),
        "contact_id": eq("contact_id", p_int),
        **ADDRESS_FILTERS,
        "email": eq("email"),
        "first_name": eq("first_name"),
        "last_name": eq("last_name"),
        "name": eq("name"),
        "is_organization": eq("is_organization", p_bool),
        "creator_id": eq("creator_id", p_int),
        "owner_id": eq("owner_id", p_int),
        "customer_status": one_of("customer_status", CUSTOMER_STATUSES),
        "prospect_status": one_of("prospect_status", PROSPECT_STATUSES),
        "phone": eq("phone"),
        "mobile": eq("mobile"),
    },
    default_sort="last_name:asc",
    includes=("organization",),
    custom_fields="contact",
    tag_type="contact",
    references={"owner_id": "user"},
    # A filtered, sorted page must come from an index so that LIMIT stops the scan early;
    # each index costs every insert a JSON parse, so there are few. One per sort field: a
    # filter matching many rows (is_organization, owner_id, statuses) is then checked while
    # walking the sort order. Selective filters get an index led by the filter (with the
    # default sort after it): the organization's people, owners, e-mail look-ups.
    indexes=(
        *((s,) for s in CONTACT_SORTS),
        ("is_organization", "last_name"),
        ("owner_id", "last_name"),
        ("contact_id", "last_name"),
        ("email",),
        ("parent_organization_id",),  # a deleted organization's sub-organizations (perf)
    ),
    # generated and real data alike repeat these a lot (names too: many Smiths, many Anns)
    broad=(
        "is_organization",
        "owner_id",
        "creator_id",
        "customer_status",
        "prospect_status",
        "first_name",
        "last_name",
    ),
)

DEALS = Resource(
    "deals",
    "deal",
    "deal",
    CRUD | {"upsert"},
    fields={
        "owner_id": ID,
        "name": NAME,
        "value": decimal_field(as_number=True),
        "currency": currency(),
        "hot": boolean(),
        "stage_id": ID,
        "last_stage_change_at": datetime_field(),
        "source_id": REF,
        "loss_reason_id": REF,
        "unqualified_reason_id": REF,
        "contact_id": ID,
        "estimated_close_date": date_field(),
        "customized_win_likelihood": integer(nullable=True, minimum=0, maximum=100),
        # §9: clients write `added_on`, docs-derived schemas read `added_at`; both are taken
        "added_on": datetime_field(),
        "added_at": datetime_field(),
        "tags": tag_list(),
        "custom_fields": CUSTOM_FIELDS,
    },
    read_only=(
        *BASE_RO,
        "last_stage_change_by_id",
        "last_activity_at",
        "dropbox_email",
        "organization_id",
        "associated_contacts",
    ),
    template={
        "creator_id": None,
        "owner_id": None,
        "name": None,
        "value": 0,
        "currency": None,
        "hot": False,
        "stage_id": None,
        "last_stage_change_at": None,
        "last_stage_change_by_id": None,
        "last_activity_at": None,
        "source_id": None,
        "loss_reason_id": None,
        "unqualified_reason_id": None,
        "dropbox_email": None,
        "contact_id": None,
        "organization_id": None,
        "estimated_close_date": None,
        "customized_win_likelihood": None,
        "added_at": None,
        "tags": [],
        "custom_fields": {},
        **STAMPS,
    },
    required=("name", "contact_id"),
    filters={
        "ids": id_list(),
        "contact_id": eq("contact_id", p_int),
        "creator_id": eq("creator_id", p_int),
        "hot": eq("hot", p_bool),
        "organization_id": eq("organization_id", p_int),
        "owner_id": eq("owner_id", p_int),
        "source_id": eq("source_id", p_int),
        "stage_id": eq("stage_id", p_int),
        "estimated_close_date": eq("estimated_close_date", p_date),
    },
    includes=("associated_contacts",),
    custom_fields="deal",
    tag_type="deal",
    references={
        "owner_id": "user",
        "contact_id": "contact",
        "stage_id": "stage",
        "source_id": "deal_source",
        "loss_reason_id": "loss_reason",
        "unqualified_reason_id": "deal_unqualified_reason",
    },
    indexes=(("contact_id",), ("stage_id",), ("owner_id",), ("organization_id",), ("value",)),
    broad=("hot", "stage_id", "owner_id", "creator_id", "source_id"),
)

ASSOCIATED_CONTACTS = Resource(
    "deals/{deal_id}/associated_contacts",
    "associated_contact",
    "associated_contact",
    frozenset({"list", "create", "delete"}),
    fields={"contact_id": ID, "role": choice(["involved"])},
    read_only=("created_at", "updated_at"),
    template={"deal_id": None, "contact_id": None, "role": "involved", **STAMPS},
    required=("contact_id",),
    sort_param=False,
    references={"contact_id": "contact"},
    unique=("contact_id", "deal_id"),  # the first field is the one reported
    parent=Parent("deal_id", "deal", "deal", "deal_id"),
    hidden=("id", "deal_id"),
    item_key="contact_id",
    indexes=(("deal_id", "contact_id"), ("contact_id",)),
)

LEADS = Resource(
    "leads",
    "lead",
    "lead",
    CRUD | {"upsert"},
    fields={
        "owner_id": ID,
        "first_name": text(nullable=True, max_length=255),
        "last_name": text(nullable=True, max_length=255),
        "organization_name": text(nullable=True, max_length=255),
        "status": NAME,
        "source_id": REF,
        "unqualified_reason_id": REF,
        **PERSON,
        "address": ADDRESS,
        "tags": tag_list(),
        "custom_fields": CUSTOM_FIELDS,
    },
    template={
        "creator_id": None,
        "owner_id": None,
        "first_name": None,
        "last_name": None,
        "organization_name": None,
        "status": "New",
        "source_id": None,
        "unqualified_reason_id": None,
        **dict.fromkeys(PERSON),
        "address": None,
        "tags": [],
        "custom_fields": {},
        **STAMPS,
    },
    filters={
        "ids": id_list(),
        **ADDRESS_FILTERS,
        "creator_id": eq("creator_id", p_int),
        "first_name": eq("first_name"),
        "last_name": eq("last_name"),
        "organization_name": eq("organization_name"),
        "owner_id": eq("owner_id", p_int),
        "source_id": eq("source_id", p_int),
        "status": eq("status"),
        "email": eq("email"),
    },
    default_sort="updated_at:asc",
    custom_fields="lead",
    tag_type="lead",
    references={
        "owner_id": "user",
        "source_id": "lead_source",
        "unqualified_reason_id": "lead_unqualified_reason",
    },
    indexes=(
        ("updated_at",),
        ("owner_id", "updated_at"),
        ("status", "updated_at"),
        ("last_name",),
        ("email",),
    ),
    broad=("owner_id", "creator_id", "status", "source_id", "first_name", "last_name"),
)

NOTES = Resource(
    "notes",
    "note",
    "note",
    CRUD,
    fields={
        "content": text(min_length=1, max_length=100_000),
        "resource_type": choice(RESOURCE_TYPES),
        "resource_id": ID,
        "is_important": boolean(),
        "type": choice(["regular", "restricted"]),
        "tags": tag_list(),
    },
    template={
        "creator_id": None,
        "content": None,
        "resource_type": None,
        "resource_id": None,
        "is_important": False,
        "tags": [],
        "type": "regular",
        **STAMPS,
    },
    required=("content", "resource_type", "resource_id"),
    filters={
        "creator_id": eq("creator_id", p_int),
        "ids": id_list(),
        "q": text_search("content"),
        "resource_id": eq("resource_id", p_int),
        "resource_type": one_of("resource_type", RESOURCE_TYPES),
    },
    default_sort="updated_at:asc",
    indexes=(("resource_type", "resource_id"), ("updated_at",)),
    broad=("resource_type", "creator_id"),
)

TASKS = Resource(
    "tasks",
    "task",
    "task",
    CRUD,
    fields={
        "content": text(min_length=1, max_length=100_000),
        "owner_id": ID,
        "resource_type": choice(RESOURCE_TYPES, nullable=True),
        "resource_id": REF,
        "due_date": datetime_field(),
        "remind_at": datetime_field(),
        "completed": boolean(),
    },
    read_only=(*BASE_RO, "completed_at", "overdue"),
    hidden=("_overdue_at",),
    template={
        "creator_id": None,
        "owner_id": None,
        "resource_type": None,
        "resource_id": None,
        "completed": False,
        "completed_at": None,
        "due_date": None,
        "overdue": False,
        "remind_at": None,
        "content": None,
        **STAMPS,
    },
    required=("content",),
    filters={
        "completed": eq("completed", p_bool),
        "creator_id": eq("creator_id", p_int),
        "ids": id_list(),
        "overdue": custom(_overdue),
        "owner_id": eq("owner_id", p_int),
        "q": text_search("content"),
        "remind": _bool_filter("remind_at", "!=", "="),
        "resource_id": eq("resource_id", p_int),
        "resource_type": one_of("resource_type", RESOURCE_TYPES),
        "type": custom(_task_type),
    },
    default_sort="updated_at:asc",
    references={"owner_id": "user"},
    indexes=(
        ("resource_type", "resource_id"),
        ("updated_at",),
        ("owner_id", "updated_at"),
        ("_overdue_at",),
    ),
    broad=("resource_type", "owner_id", "creator_id", "completed"),
)

TAGS = Resource(
    "tags",
    "tag",
    "tag",
    CRUD,
    fields={"name": NAME, "resource_type": choice(RESOURCE_TYPES)},
    template={"creator_id": None, "name": None, "resource_type": None, **STAMPS},
    required=("name", "resource_type"),
    filters={
        "creator_id": eq("creator_id", p_int),
        "ids": id_list(),
        "name": eq("name"),
        "resource_type": one_of("resource_type", RESOURCE_TYPES),
    },
    default_sort="updated_at:asc",
    unique=("name", "resource_type"),
    indexes=(("name", "resource_type"), ("updated_at",)),
)

PRICE = record(
    {"amount": required(decimal_field(nullable=False)), "currency": required(currency())}
)

PRODUCTS = Resource(
    "products",
    "product",
    "product",
    CRUD,
    fields={
        "name": NAME,
        "description": STR,
        "sku": text(nullable=True, max_length=255),
        "active": boolean(),
        "max_discount": capped_percent(nullable_=True),
        "max_markup": integer(nullable=True),
        "cost": decimal_field(),
        "cost_currency": nullable(currency()),
        "prices": array(PRICE, max_items=200),
    },
    read_only=(*BASE_RO, "version"),
    template={
        "name": None,
        "description": None,
        "sku": None,
        "active": True,
        "max_discount": None,
        "max_markup": None,
        "cost": None,
        "cost_currency": None,
        "prices": [],
        "version": 1,
        **STAMPS,
    },
    required=("name",),
    filters={
        "ids": id_list(),
        "organization_id": eq("organization_id", p_int),
        "owner_id": eq("owner_id", p_int),
        "name": eq("name"),
        "sku": eq("sku"),
        "active": eq("active", p_bool),
    },
    admin_delete=True,
    hidden=("creator_id",),
    indexes=(("name",), ("sku",)),
)

ORDERS = Resource(
    "orders",
    "order",
    "order",
    CRUD,
    fields={"deal_id": ID, "discount": integer()},  # a percentage; no bounds documented
    template={"deal_id": None, "discount": 0, **STAMPS},
    required=("deal_id",),
    filters={"ids": id_list(), "deal_id": eq("deal_id", p_int)},
    references={"deal_id": "deal"},
    unique=("deal_id",),  # at most one order per deal (§5.13)
    hidden=("creator_id",),
    indexes=(("deal_id",),),
)

LINE_ITEMS = Resource(
    "orders/{order_id}/line_items",
    "line_item",
    "line_item",
    frozenset({"list", "create", "get", "delete"}),
    fields={
        "product_id": ID,
        "value": decimal_field(),
        "variation": decimal_field(),
        "currency": currency(),
        # an integer (rb, jv: a Java Long); no upper bound is documented (§5.13)
        "quantity": integer(minimum=1, maximum=MAX_ID),
    },
    read_only=(*BASE_RO, "price", "name", "sku", "description"),
    template={
        "order_id": None,
        "product_id": None,
        "value": None,
        "variation": "0.00",
        "currency": None,
        "quantity": 1,
        "price": None,
        "name": None,
        "sku": None,
        "description": None,
        **STAMPS,
    },
    required=("product_id", "currency"),
    filters={
        "ids": id_list(),
        "quantity": eq("quantity", p_int),
        "value": custom(lambda raw: [Filter("value", "=", _decimal_param(raw))]),
    },
    references={"product_id": "product"},
    parent=Parent("order_id", "order", "order", "order_id"),
    # product_id is "not available after creation" (§5.13)
    hidden=("order_id", "product_id", "creator_id"),
    indexes=(("order_id",),),
)


def _decimal_param(raw: str) -> str:
    try:
        return decimal_text(parse_decimal(raw))
    except (TypeError, ValueError, ArithmeticError):
        raise BadValue("must be a decimal number") from None


USERS = Resource(
    "users",
    "user",
    "user",
    frozenset({"list", "get"}),
    filters={
        "confirmed": eq("confirmed", p_bool),
        "email": eq("email"),
        "ids": id_list(),
        "name": eq("name"),
        "role": one_of("role", ("user", "admin")),
        "status": one_of("status", ("active", "inactive")),
        "zendesk_user_ids": custom(_zendesk_user_ids),
    },
    indexes=(("email",),),
)

CALLS = Resource(
    "calls",
    "call",
    "call",
    CRUD,
    fields={
        "user_id": REF,  # null or omitted: the token's user (see hooks.Calls)
        "summary": STR,
        "recording_url": STR,
        "outcome_id": REF,
        # seconds; no upper bound is documented (§5.16): the Java client's Long
        "duration": integer(nullable=True, minimum=0, maximum=MAX_ID),
        "phone_number": text(min_length=1, max_length=255),
        "incoming": boolean(),
        "missed": boolean(),
        "resource_type": choice(("lead", "contact"), nullable=True),
        "resource_id": REF,
        "associated_deal_ids": array(ID, max_items=100),
        "made_at": datetime_field(nullable=False),
        "external_id": STR,
    },
    read_only=("id", "created_at", "updated_at"),
    template={
        "user_id": None,
        "summary": None,
        "recording_url": None,
        "outcome_id": None,
        "duration": None,
        "phone_number": None,
        "incoming": False,
        "missed": False,
        "resource_type": None,
        "resource_id": None,
        "associated_deal_ids": [],
        "made_at": None,
        "external_id": None,
        **STAMPS,
    },
    # no required attribute is documented (companion sheet §5.3): a call may be logged bare
    filters={
        "ids": id_list(),
        "resource_id": eq("resource_id", p_int),
        "resource_type": one_of("resource_type", ("lead", "contact")),
        "associated_deal_id": custom(
            lambda raw: [Filter("associated_deal_ids", "contains", p_int(raw))]
        ),
    },
    default_sort="made_at:desc",  # "always sorted by made_at desc" (§5.16)
    sort_param=False,
    references={"user_id": "user", "outcome_id": "call_outcome"},
    indexes=(("made_at",),),
)

TEXT_MESSAGES = Resource(
    "text_messages",
    "text_message",
    "text_message",
    frozenset({"list", "get"}),
    filters={
        "ids": id_list(),
        "resource_id": eq("resource_id", p_int),
        "resource_type": one_of("resource_type", ("lead", "contact", "none")),
    },
    together=(("resource_id", "resource_type"),),
    default_sort="id:desc",
)

VISITS = Resource(
    "visits",
    "visit",
    "visit",
    LIST,
    filters={
        "ids": id_list(),
        "outcome_id": eq("outcome_id", p_int),
        "creator_id": eq("creator_id", p_int),
        "resource_id": eq("resource_id", p_int),
        # the types a visit can be attached to are not documented (§5.18): any name filters
        "resource_type": eq("resource_type", p_name),
        "rep_location_verification_status": eq("rep_location_verification_status"),
    },
    together=(("resource_id", "resource_type"),),
)

COLLABORATIONS = Resource(
    "collaborations",
    "collaboration",
    "collaboration",
    frozenset({"list", "create", "get", "delete"}),
    fields={"resource_type": choice(RESOURCE_TYPES), "resource_id": ID, "collaborator_id": ID},
    template={
        "creator_id": None,
        "resource_type": None,
        "resource_id": None,
        "collaborator_id": None,
        **STAMPS,
    },
    required=("resource_type", "resource_id", "collaborator_id"),
    filters={
        "ids": id_list(),
        "creator_id": eq("creator_id", p_int),
        # a singular resource name, e.g. `contact` (§5.19): any name filters
        "resource_type": eq("resource_type", p_name),
        "resource_id": eq("resource_id", p_int),
    },
    references={"collaborator_id": "user"},
    unique=("collaborator_id", "resource_type", "resource_id"),
)

SEQUENCE_ENROLLMENTS = Resource(
    "sequence_enrollments",
    "sequence_enrollment",
    "sequence_enrollment",
    frozenset({"list", "create", "get", "update"}),
    fields={
        "sequence_id": ID,
        "resource_type": choice(("lead", "contact")),
        "resource_id": ID,
        "actor_id": REF,
        # PUT stops an enrollment (`finished`) or resumes a blocked one (`active`); the key is
        # `state` as in the Zapier app's fields and fixture (the docs' prose says "status")
        "state": choice(ENROLLMENT_STATES),
    },
    read_only=(
        "id",
        "created_at",
        "updated_at",
        "sequence",
        "enrollment_steps",
        "previously_executed_step_position",
        "finished_at",
        "finished_reason",
        "finished_actor_id",
    ),
    template={
        "sequence_id": None,
        "resource_type": None,
        "resource_id": None,
        "actor_id": None,
        "state": "active",
        "previously_executed_step_position": None,
        "finished_at": None,
        "finished_reason": None,
        "finished_actor_id": None,
        **STAMPS,
    },
    required=("sequence_id", "resource_type", "resource_id"),
    filters={
        "ids": id_list(),
        "sequence_id": eq("sequence_id", p_int),
        "resource_type": one_of("resource_type", ("lead", "contact")),
        "resource_id": eq("resource_id", p_int),
        "state": one_of("state", ENROLLMENT_STATES),
    },
    references={"sequence_id": "sequence", "actor_id": "user"},
    indexes=(("resource_type", "resource_id"),),
)


# Documented (companion sheet §5.1): list and convert are served by conversions.py, whose
# paging rules (id desc, page <= 50, per_page <= 200, cursor) differ from the generic list.
LEAD_CONVERSIONS = Resource(
    "lead_conversions",
    "lead_conversion",
    "lead_conversion",
    frozenset(),
)


def _lookup(name: str, kind: str, type_: str, *, sorts: bool = True, **scope: Any) -> Resource:
    """A seeded, read-only list (pipelines, outcomes, statuses, ...)."""
    return Resource(
        name,
        kind,
        type_,
        LIST,
        filters={"ids": id_list(), "name": eq("name")} if sorts else {},
        sort_param=sorts,
        scope=scope,
        indexes=((*scope, "name"),) if scope else (("name",),),
    )


STAGES = Resource(
    "stages",
    "stage",
    "stage",
    LIST,
    filters={
        "pipeline_id": eq("pipeline_id", p_int),
        "ids": id_list(),
        "name": eq("name"),
        "active": eq("active", p_bool),
    },
    # the complete list from the stages page (§5.12)
    sortable=("pipeline_id", "id", "name", "category", "position", "likelihood"),
    indexes=(("pipeline_id", "position"),),
)

RESOURCES: tuple[Resource, ...] = (
    CONTACTS,
    DEALS,
    ASSOCIATED_CONTACTS,
    LEADS,
    LEAD_CONVERSIONS,
    NOTES,
    TASKS,
    TAGS,
    named("sources", "deal_source", "source", resource_type="deal"),
    named("deal_sources", "deal_source", "source", resource_type="deal"),
    named("lead_sources", "lead_source", "source", resource_type="lead"),
    # the loss-reasons page lists its sortable fields (companion sheet §5.4)
    named(
        "loss_reasons",
        "loss_reason",
        "loss_reason",
        sortable=("id", "name", "updated_at", "created_at"),
    ),
    named("deal_unqualified_reasons", "deal_unqualified_reason", "deal_unqualified_reason"),
    named("lead_unqualified_reasons", "lead_unqualified_reason", "lead_unqualified_reason", LIST),
    _lookup("pipelines", "pipeline", "pipeline"),
    STAGES,
    ORDERS,
    LINE_ITEMS,
    PRODUCTS,
    USERS,
    CALLS,
    _lookup("call_outcomes", "call_outcome", "call_outcome"),
    TEXT_MESSAGES,
    VISITS,
    _lookup("visit_outcomes", "visit_outcome", "visit_outcome"),
    COLLABORATIONS,
    *(
        _lookup(
            f"{rt}/custom_fields", "custom_field", "custom_field", sorts=False, _resource_type=rt
        )
        for rt in ("lead", "contact", "deal")
    ),
    _lookup("lead_statuses", "lead_status", "lead_status"),
    *(
        Resource(
            f"{rt}/industries",
            "industry",
            "industry",
            LIST,
            sort_param=False,
            scope={"_resource_type": rt},
            hidden=("id",),
            indexes=(("_resource_type", "name"),),
        )
        for rt in ("contact", "lead")
    ),
    _lookup("sequences", "sequence", "sequence"),
    SEQUENCE_ENROLLMENTS,
)

BY_NAME = {r.name: r for r in RESOURCES}
# the resource that presents a store kind (sync queue, includes); first entry wins
BY_KIND: dict[str, Resource] = {}
for _r in RESOURCES:
    BY_KIND.setdefault(_r.kind, _r)
