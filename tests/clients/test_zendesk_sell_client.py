"""The generated Zendesk Sell client (generated/zendesk-sell-client) against the Sell mock.

Every call goes over real HTTP on loopback: `connect(token, base_url=<mock server root>)` (the
spec's server is the bare host and every path carries `/v2` itself) and the typed operations of
`zendesk_sell_client.api`. Errors are read the way the client exposes them: `sync_detailed(...)`
-> `status_code` and the parsed `ErrorResponse` envelope.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

import pytest
from zendesk_sell_client import AuthenticatedClient, connect, errors
from zendesk_sell_client.api.account import get_account
from zendesk_sell_client.api.associated_contacts import (
    create_associated_contact,
    delete_associated_contact,
    list_associated_contacts,
)
from zendesk_sell_client.api.call_outcomes import list_call_outcomes
from zendesk_sell_client.api.calls import (
    create_call,
    delete_call,
    get_call,
    list_calls,
    update_call,
)
from zendesk_sell_client.api.collaborations import (
    create_collaboration,
    delete_collaboration,
    get_collaboration,
    list_collaborations,
)
from zendesk_sell_client.api.contacts import (
    create_contact,
    delete_contact,
    get_contact,
    list_contacts,
    update_contact,
    upsert_contact,
)
from zendesk_sell_client.api.custom_fields import list_custom_fields
from zendesk_sell_client.api.deal_sources import (
    create_deal_source,
    delete_deal_source,
    get_deal_source,
    list_deal_sources,
    update_deal_source,
)
from zendesk_sell_client.api.deal_unqualified_reasons import (
    create_deal_unqualified_reason,
    delete_deal_unqualified_reason,
    get_deal_unqualified_reason,
    list_deal_unqualified_reasons,
    update_deal_unqualified_reason,
)
from zendesk_sell_client.api.deals import (
    create_deal,
    delete_deal,
    get_deal,
    list_deals,
    update_deal,
    upsert_deal,
)
from zendesk_sell_client.api.industries import list_industries
from zendesk_sell_client.api.lead_conversions import list_lead_conversions
from zendesk_sell_client.api.lead_sources import (
    create_lead_source,
    delete_lead_source,
    get_lead_source,
    list_lead_sources,
    update_lead_source,
)
from zendesk_sell_client.api.lead_statuses import list_lead_statuses
from zendesk_sell_client.api.lead_unqualified_reasons import list_lead_unqualified_reasons
from zendesk_sell_client.api.leads import (
    create_lead,
    delete_lead,
    get_lead,
    list_leads,
    update_lead,
    upsert_lead,
)
from zendesk_sell_client.api.line_items import (
    create_line_item,
    delete_line_item,
    get_line_item,
    list_line_items,
)
from zendesk_sell_client.api.loss_reasons import (
    create_loss_reason,
    delete_loss_reason,
    get_loss_reason,
    list_loss_reasons,
    update_loss_reason,
)
from zendesk_sell_client.api.notes import (
    create_note,
    delete_note,
    get_note,
    list_notes,
    update_note,
)
from zendesk_sell_client.api.orders import (
    create_order,
    delete_order,
    get_order,
    list_orders,
    update_order,
)
from zendesk_sell_client.api.pipelines import list_pipelines
from zendesk_sell_client.api.products import (
    create_product,
    delete_product,
    get_product,
    list_products,
    update_product,
)
from zendesk_sell_client.api.sequence_enrollments import (
    create_sequence_enrollment,
    finish_ongoing_sequence_enrollments,
    list_sequence_enrollments,
)
from zendesk_sell_client.api.sequences import list_sequences
from zendesk_sell_client.api.sources import (
    create_source,
    delete_source,
    get_source,
    list_sources,
    update_source,
)
from zendesk_sell_client.api.stages import list_stages
from zendesk_sell_client.api.sync import ack_sync_events, get_sync_queue, start_sync_session
from zendesk_sell_client.api.tags import create_tag, delete_tag, get_tag, list_tags, update_tag
from zendesk_sell_client.api.tasks import (
    create_task,
    delete_task,
    get_task,
    list_tasks,
    update_task,
)
from zendesk_sell_client.api.text_messages import get_text_message, list_text_messages
from zendesk_sell_client.api.users import get_current_user, get_user, list_users
from zendesk_sell_client.api.visit_outcomes import list_visit_outcomes
from zendesk_sell_client.api.visits import list_visits
from zendesk_sell_client.models import (
    AccountResponse,
    Address,
    AddressQuery,
    AssociatedContactCollection,
    AssociatedContactCreate,
    AssociatedContactCreateRequest,
    AssociatedContactResponse,
    CallCollection,
    CallOutcomeCollection,
    CallResponse,
    CallWrite,
    CallWriteRequest,
    CollaborationCollection,
    CollaborationCreate,
    CollaborationCreateRequest,
    CollaborationResponse,
    ContactCollection,
    ContactCreate,
    ContactCreateRequest,
    ContactResponse,
    ContactUpdate,
    ContactUpdateRequest,
    CustomFieldCollection,
    DealCollection,
    DealCreate,
    DealCreateRequest,
    DealResponse,
    DealSourceCollection,
    DealSourceResponse,
    DealUnqualifiedReasonCollection,
    DealUnqualifiedReasonCreateRequest,
    DealUnqualifiedReasonResponse,
    DealUnqualifiedReasonUpdateRequest,
    DealUpdate,
    DealUpdateRequest,
    ErrorResponse,
    FinishOngoingEnrollments,
    FinishOngoingEnrollmentsRequest,
    IndustryCollection,
    LeadCollection,
    LeadConversionCollection,
    LeadCreate,
    LeadCreateRequest,
    LeadResponse,
    LeadSourceCollection,
    LeadSourceResponse,
    LeadStatusCollection,
    LeadUnqualifiedReasonCollection,
    LeadUpdate,
    LeadUpdateRequest,
    LineItemCollection,
    LineItemCreate,
    LineItemCreateRequest,
    LineItemResponse,
    LossReasonCollection,
    LossReasonCreateRequest,
    LossReasonResponse,
    LossReasonUpdateRequest,
    NoteCollection,
    NoteCreate,
    NoteCreateRequest,
    NoteResponse,
    NoteUpdate,
    NoteUpdateRequest,
    OrderCollection,
    OrderCreate,
    OrderCreateRequest,
    OrderResponse,
    OrderUpdate,
    OrderUpdateRequest,
    PipelineCollection,
    PriceInput,
    ProductCollection,
    ProductCreate,
    ProductCreateRequest,
    ProductResponse,
    ProductUpdate,
    ProductUpdateRequest,
    ReasonUpdate,
    ReasonWrite,
    SequenceCollection,
    SequenceEnrollmentCollection,
    SequenceEnrollmentCreate,
    SequenceEnrollmentCreateRequest,
    SequenceEnrollmentResponse,
    SourceCollection,
    SourceCreateRequest,
    SourceResponse,
    SourceUpdate,
    SourceUpdateRequest,
    SourceWrite,
    StageCollection,
    SyncAck,
    SyncAckRequest,
    SyncQueueCollection,
    SyncSessionResponse,
    TagCollection,
    TagCreate,
    TagCreateRequest,
    TagResponse,
    TagUpdate,
    TagUpdateRequest,
    TaskCollection,
    TaskCreate,
    TaskCreateRequest,
    TaskResponse,
    TaskUpdate,
    TaskUpdateRequest,
    TextMessageCollection,
    TextMessageResponse,
    UserCollection,
    UserResponse,
    VisitCollection,
    VisitOutcomeCollection,
)

from crm_mocks import RunningMock

Client = AuthenticatedClient
Connect = Callable[..., Client]
MISSING = 999_999


@pytest.fixture
def client(zendesk_sell_mock: RunningMock, connect_client: Connect) -> Client:
    """The demo user (admin; scopes read, write, profile, sync) on the shared, reset mock."""
    return connect_client(zendesk_sell_mock, "demo")


def _ok(response: Any, parsed: type, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    assert isinstance(response.parsed, parsed), response.content
    return response.parsed


def _error(response: Any, status: int, code: str) -> Any:
    """The parsed error envelope: one error with `code`, `meta.http_status` "<status> ..."."""
    assert response.status_code == status, response.content
    assert isinstance(response.parsed, ErrorResponse), response.content
    [item] = response.parsed.errors
    assert item.error.code == code
    assert item.error.message
    assert response.parsed.meta.http_status.startswith(f"{status} ")
    assert response.parsed.meta.type_ == "errors"
    assert response.parsed.meta.logref == response.headers["X-Request-Id"]
    return item.error


def _queries(mock: RunningMock, path: str) -> list[dict[str, str]]:
    """The decoded query strings of the GET requests the mock received on `path`."""
    return [
        dict(parse_qsl(r["query"]))
        for r in mock.requests()
        if (r["method"], r["path"]) == ("GET", path)
    ]


# -- parents: the records other resources hang off ---------------------------------------------


def _contact(client: Client, **fields: Any) -> int:
    if not fields.get("is_organization"):
        fields.setdefault("last_name", "Johnson")
    body = ContactCreateRequest(data=ContactCreate(**fields))
    return _ok(create_contact.sync_detailed(client=client, body=body), ContactResponse).data.id


def _lead(client: Client) -> int:
    body = LeadCreateRequest(data=LeadCreate(first_name="Tom", last_name="Prospect"))
    return _ok(create_lead.sync_detailed(client=client, body=body), LeadResponse).data.id


def _stage(client: Client, name: str = "Qualified") -> int:
    stages = _ok(list_stages.sync_detailed(client=client, name=name), StageCollection)
    [stage] = stages.items
    return stage.data.id


def _deal(client: Client, name: str = "Website Redesign") -> int:
    body = DealCreateRequest(
        data=DealCreate(name=name, contact_id=_contact(client), stage_id=_stage(client))
    )
    return _ok(create_deal.sync_detailed(client=client, body=body), DealResponse).data.id


def _product(client: Client) -> int:
    body = ProductCreateRequest(
        data=ProductCreate(
            name="Enterprise plan",
            sku="ENT-1",
            description="Yearly licence",
            max_discount=10,
            max_markup=20,
            prices=[PriceInput(amount="1599.99", currency="USD")],
        )
    )
    return _ok(create_product.sync_detailed(client=client, body=body), ProductResponse).data.id


def _order(client: Client) -> int:
    body = OrderCreateRequest(data=OrderCreate(deal_id=_deal(client), discount=5))
    return _ok(create_order.sync_detailed(client=client, body=body), OrderResponse).data.id


# -- full CRUD, one table row per top-level writable resource ----------------------------------


@dataclass(frozen=True)
class Crud:
    path: str  # the collection's path under /v2
    type: str  # `meta.type` of its items
    response: type
    collection: type
    create: ModuleType
    get: ModuleType
    list: ModuleType
    update: ModuleType | None  # None: the spec has no update (collaborations)
    delete: ModuleType
    new: Callable[[Client], Any]  # the create body (may create parents first)
    field: str  # the attribute the update changes
    before: Any
    after: Any
    change: Callable[[], Any] | None  # the update body
    kept: tuple[str, Any] | None  # an attribute the partial update must leave alone


def _note(client: Client) -> NoteCreateRequest:
    return NoteCreateRequest(
        data=NoteCreate(
            content="Highly important.", resource_type="contact", resource_id=_contact(client)
        )
    )


def _task(client: Client) -> TaskCreateRequest:
    return TaskCreateRequest(
        data=TaskCreate(content="Contact Tom", resource_type="lead", resource_id=_lead(client))
    )


def _deal_body(client: Client) -> DealCreateRequest:
    return DealCreateRequest(
        data=DealCreate(
            name="Website Redesign",
            contact_id=_contact(client),
            stage_id=_stage(client),
            value="1000.50",
            hot=True,
        )
    )


def _order_body(client: Client) -> OrderCreateRequest:
    return OrderCreateRequest(data=OrderCreate(deal_id=_deal(client), discount=10))


def _collaboration(client: Client) -> CollaborationCreateRequest:
    return CollaborationCreateRequest(
        data=CollaborationCreate(
            resource_type="contact", resource_id=_contact(client), collaborator_id=8
        )
    )


CRUDS = [
    Crud(
        "contacts", "contact", ContactResponse, ContactCollection,
        create_contact, get_contact, list_contacts, update_contact, delete_contact,
        lambda _: ContactCreateRequest(
            data=ContactCreate(first_name="Mark", last_name="Johnson", title="CEO")
        ),
        "last_name", "Johnson", "Jones",
        lambda: ContactUpdateRequest(data=ContactUpdate(last_name="Jones")), ("title", "CEO"),
    ),
    Crud(
        "deals", "deal", DealResponse, DealCollection,
        create_deal, get_deal, list_deals, update_deal, delete_deal,
        _deal_body,
        "name", "Website Redesign", "Website Relaunch",
        lambda: DealUpdateRequest(data=DealUpdate(name="Website Relaunch")), ("hot", True),
    ),
    Crud(
        "leads", "lead", LeadResponse, LeadCollection,
        create_lead, get_lead, list_leads, update_lead, delete_lead,
        lambda _: LeadCreateRequest(
            data=LeadCreate(last_name="Johnson", organization_name="Design Services Company")
        ),
        "last_name", "Johnson", "Jones",
        lambda: LeadUpdateRequest(data=LeadUpdate(last_name="Jones")),
        ("organization_name", "Design Services Company"),
    ),
    Crud(
        "notes", "note", NoteResponse, NoteCollection,
        create_note, get_note, list_notes, update_note, delete_note,
        _note,
        "content", "Highly important.", "Less important.",
        lambda: NoteUpdateRequest(data=NoteUpdate(content="Less important.")),
        ("resource_type", "contact"),
    ),
    Crud(
        "tasks", "task", TaskResponse, TaskCollection,
        create_task, get_task, list_tasks, update_task, delete_task,
        _task,
        "content", "Contact Tom", "Call Tom",
        lambda: TaskUpdateRequest(data=TaskUpdate(content="Call Tom")), ("resource_type", "lead"),
    ),
    Crud(
        "tags", "tag", TagResponse, TagCollection,
        create_tag, get_tag, list_tags, update_tag, delete_tag,
        lambda _: TagCreateRequest(data=TagCreate(name="important", resource_type="contact")),
        "name", "important", "very important",
        lambda: TagUpdateRequest(data=TagUpdate(name="very important")),
        ("resource_type", "contact"),
    ),
    Crud(
        "sources", "source", SourceResponse, SourceCollection,
        create_source, get_source, list_sources, update_source, delete_source,
        lambda _: SourceCreateRequest(data=SourceWrite(name="Newsletter")),
        "name", "Newsletter", "Podcast",
        lambda: SourceUpdateRequest(data=SourceUpdate(name="Podcast")), ("creator_id", 7),
    ),
    Crud(
        "deal_sources", "source", DealSourceResponse, DealSourceCollection,
        create_deal_source, get_deal_source, list_deal_sources, update_deal_source,
        delete_deal_source,
        lambda _: SourceCreateRequest(data=SourceWrite(name="Newsletter")),
        "name", "Newsletter", "Podcast",
        lambda: SourceUpdateRequest(data=SourceUpdate(name="Podcast")), ("creator_id", 7),
    ),
    Crud(
        "lead_sources", "source", LeadSourceResponse, LeadSourceCollection,
        create_lead_source, get_lead_source, list_lead_sources, update_lead_source,
        delete_lead_source,
        lambda _: SourceCreateRequest(data=SourceWrite(name="Newsletter")),
        "name", "Newsletter", "Podcast",
        lambda: SourceUpdateRequest(data=SourceUpdate(name="Podcast")), ("creator_id", 7),
    ),
    Crud(
        "loss_reasons", "loss_reason", LossReasonResponse, LossReasonCollection,
        create_loss_reason, get_loss_reason, list_loss_reasons, update_loss_reason,
        delete_loss_reason,
        lambda _: LossReasonCreateRequest(data=ReasonWrite(name="Too slow")),
        "name", "Too slow", "Far too slow",
        lambda: LossReasonUpdateRequest(data=ReasonUpdate(name="Far too slow")),
        ("creator_id", 7),
    ),
    Crud(
        "deal_unqualified_reasons", "deal_unqualified_reason", DealUnqualifiedReasonResponse,
        DealUnqualifiedReasonCollection,
        create_deal_unqualified_reason, get_deal_unqualified_reason,
        list_deal_unqualified_reasons, update_deal_unqualified_reason,
        delete_deal_unqualified_reason,
        lambda _: DealUnqualifiedReasonCreateRequest(data=ReasonWrite(name="No champion")),
        "name", "No champion", "No sponsor",
        lambda: DealUnqualifiedReasonUpdateRequest(data=ReasonUpdate(name="No sponsor")),
        ("creator_id", 7),
    ),
    Crud(
        "orders", "order", OrderResponse, OrderCollection,
        create_order, get_order, list_orders, update_order, delete_order,
        _order_body,
        "discount", 10, 15,
        lambda: OrderUpdateRequest(data=OrderUpdate(discount=15)), None,
    ),
    Crud(
        "products", "product", ProductResponse, ProductCollection,
        create_product, get_product, list_products, update_product, delete_product,
        lambda _: ProductCreateRequest(
            data=ProductCreate(
                name="Enterprise plan", sku="ENT-1",
                prices=[PriceInput(amount="1599.99", currency="USD")],
            )
        ),
        "name", "Enterprise plan", "Enterprise plan 2",
        lambda: ProductUpdateRequest(data=ProductUpdate(name="Enterprise plan 2")),
        ("sku", "ENT-1"),
    ),
    Crud(
        "calls", "call", CallResponse, CallCollection,
        create_call, get_call, list_calls, update_call, delete_call,
        lambda _: CallWriteRequest(
            data=CallWrite(phone_number="+1 508 778 6516", summary="Intro call", duration=120)
        ),
        "summary", "Intro call", "Follow-up call",
        lambda: CallWriteRequest(data=CallWrite(summary="Follow-up call")),
        ("phone_number", "+1 508 778 6516"),
    ),
    Crud(
        "collaborations", "collaboration", CollaborationResponse, CollaborationCollection,
        create_collaboration, get_collaboration, list_collaborations, None,
        delete_collaboration,
        _collaboration,
        "collaborator_id", 8, 8, None, ("resource_type", "contact"),
    ),
]  # fmt: skip


@pytest.mark.parametrize("crud", CRUDS, ids=lambda crud: crud.path)
def test_full_crud(zendesk_sell_mock: RunningMock, client: Client, crud: Crud) -> None:
    body = crud.new(client)
    first_request = len(zendesk_sell_mock.requests())

    created = _ok(crud.create.sync_detailed(client=client, body=body), crud.response)
    assert created.meta.type_ == crud.type
    assert getattr(created.data, crud.field) == crud.before
    item_id = created.data.id

    got = _ok(crud.get.sync_detailed(item_id, client=client), crud.response)
    assert (got.data.id, getattr(got.data, crud.field)) == (item_id, crud.before)

    listed = _ok(crud.list.sync_detailed(client=client, per_page=100), crud.collection)
    assert listed.meta.type_ == "collection"
    assert listed.meta.count == len(listed.items)
    assert item_id in [i.data.id for i in listed.items]
    assert {i.meta.type_ for i in listed.items} == {crud.type}

    if crud.update is not None and crud.change is not None:
        updated = _ok(
            crud.update.sync_detailed(item_id, client=client, body=crud.change()), crud.response
        )
        assert (updated.data.id, getattr(updated.data, crud.field)) == (item_id, crud.after)
    reread = _ok(crud.get.sync_detailed(item_id, client=client), crud.response)
    assert getattr(reread.data, crud.field) == crud.after
    if crud.kept is not None:  # PUT is partial: attributes not sent keep their values
        name, value = crud.kept
        assert getattr(reread.data, name) == value

    deleted = crud.delete.sync_detailed(item_id, client=client)
    assert deleted.status_code == 204
    assert deleted.content == b""

    _error(crud.get.sync_detailed(item_id, client=client), 404, "not_found")
    after_delete = _ok(crud.list.sync_detailed(client=client, per_page=100), crud.collection)
    assert item_id not in [i.data.id for i in after_delete.items]

    # what went over the wire, as the mock saw it
    collection, item = f"/v2/{crud.path}", f"/v2/{crud.path}/{item_id}"
    seen = [(r["method"], r["path"], r["status"]) for r in zendesk_sell_mock.requests()]
    update = [("PUT", item, 200)] if crud.update is not None else []
    assert seen[first_request:] == [
        ("POST", collection, 200),
        ("GET", item, 200),
        ("GET", collection, 200),
        *update,
        ("GET", item, 200),
        ("DELETE", item, 204),
        ("GET", item, 404),
        ("GET", collection, 200),
    ]


def test_deal_belongs_to_its_contact_stage_and_organization(client: Client) -> None:
    organization = _contact(client, is_organization=True, name="Design Co")
    person = _contact(client, last_name="Johnson", contact_id=organization)
    stage = _stage(client, "Quote")
    body = DealCreateRequest(data=DealCreate(name="Redesign", contact_id=person, stage_id=stage))
    deal = _ok(create_deal.sync_detailed(client=client, body=body), DealResponse).data
    assert (deal.contact_id, deal.stage_id, deal.organization_id) == (person, stage, organization)
    assert deal.currency == "USD"  # the account's currency

    by_stage = _ok(list_deals.sync_detailed(client=client, stage_id=stage), DealCollection)
    assert [d.data.id for d in by_stage.items] == [deal.id]

    won = _stage(client, "Won")
    moved = update_deal.sync_detailed(
        deal.id, client=client, body=DealUpdateRequest(data=DealUpdate(stage_id=won))
    )
    assert _ok(moved, DealResponse).data.stage_id == won


def test_product_update_bumps_its_version(client: Client) -> None:
    product_id = _product(client)
    assert (
        _ok(get_product.sync_detailed(product_id, client=client), ProductResponse).data.version == 1
    )
    body = ProductUpdateRequest(data=ProductUpdate(active=False))
    updated = _ok(
        update_product.sync_detailed(product_id, client=client, body=body), ProductResponse
    )
    assert (updated.data.active, updated.data.version) == (False, 2)
    assert [p.amount for p in updated.data.prices] == ["1599.99"]


# -- nested resources --------------------------------------------------------------------------


def test_line_items_of_an_order(zendesk_sell_mock: RunningMock, client: Client) -> None:
    order_id, product_id = _order(client), _product(client)
    body = LineItemCreateRequest(
        data=LineItemCreate(product_id=product_id, currency="USD", quantity=2, variation="-5")
    )
    created = _ok(
        create_line_item.sync_detailed(order_id, client=client, body=body), LineItemResponse
    )
    assert created.meta.type_ == "line_item"
    item = created.data
    # name, sku and price come from the product; value is the price after the variation
    assert (item.name, item.sku, item.price, item.quantity) == (
        "Enterprise plan",
        "ENT-1",
        "1599.99",
        2,
    )
    assert float(item.value) == pytest.approx(1519.99, abs=0.01)

    got = _ok(get_line_item.sync_detailed(order_id, item.id, client=client), LineItemResponse)
    assert got.data.id == item.id
    listed = _ok(list_line_items.sync_detailed(order_id, client=client), LineItemCollection)
    assert [i.data.id for i in listed.items] == [item.id]

    deleted = delete_line_item.sync_detailed(order_id, item.id, client=client)
    assert deleted.status_code == 204
    _error(get_line_item.sync_detailed(order_id, item.id, client=client), 404, "not_found")
    empty = _ok(list_line_items.sync_detailed(order_id, client=client), LineItemCollection)
    assert empty.items == []
    # an unknown order is a 404 for the whole collection
    _error(list_line_items.sync_detailed(MISSING, client=client), 404, "not_found")

    paths = [r["path"] for r in zendesk_sell_mock.requests()]
    assert f"/v2/orders/{order_id}/line_items/{item.id}" in paths


def test_order_delete_takes_its_line_items(client: Client) -> None:
    order_id, product_id = _order(client), _product(client)
    body = LineItemCreateRequest(data=LineItemCreate(product_id=product_id, currency="USD"))
    item = _ok(create_line_item.sync_detailed(order_id, client=client, body=body), LineItemResponse)
    assert delete_order.sync_detailed(order_id, client=client).status_code == 204
    _error(get_line_item.sync_detailed(order_id, item.data.id, client=client), 404, "not_found")


def test_associated_contacts_of_a_deal(zendesk_sell_mock: RunningMock, client: Client) -> None:
    deal_id, contact_id = _deal(client), _contact(client, last_name="Involved")
    body = AssociatedContactCreateRequest(
        data=AssociatedContactCreate(contact_id=contact_id, role="involved")
    )
    created = _ok(
        create_associated_contact.sync_detailed(deal_id, client=client, body=body),
        AssociatedContactResponse,
    )
    assert (created.meta.type_, created.data.contact_id, created.data.role) == (
        "associated_contact",
        contact_id,
        "involved",
    )

    listed = _ok(
        list_associated_contacts.sync_detailed(deal_id, client=client), AssociatedContactCollection
    )
    assert [a.data.contact_id for a in listed.items] == [contact_id]
    with_contacts = _ok(
        get_deal.sync_detailed(deal_id, client=client, includes=["associated_contacts"]),
        DealResponse,
    )
    embedded = with_contacts.data.associated_contacts
    assert [a.data.contact_id for a in embedded.items] == [contact_id]

    again = create_associated_contact.sync_detailed(deal_id, client=client, body=body)
    assert _error(again, 422, "already_exists").resource == "associated_contact"

    deleted = delete_associated_contact.sync_detailed(deal_id, contact_id, client=client)
    assert deleted.status_code == 204
    empty = _ok(
        list_associated_contacts.sync_detailed(deal_id, client=client), AssociatedContactCollection
    )
    assert empty.items == []
    # no get operation exists: deleting it again is the 404
    gone = delete_associated_contact.sync_detailed(deal_id, contact_id, client=client)
    _error(gone, 404, "not_found")
    assert [r["status"] for r in zendesk_sell_mock.requests()][-4:] == [422, 204, 200, 404]


def test_sequence_enrollments(client: Client) -> None:
    sequences = _ok(list_sequences.sync_detailed(client=client), SequenceCollection)
    sequence = sequences.items[0].data
    lead_id, contact_id = _lead(client), _contact(client)

    enrolled = {}
    for resource_type, resource_id in (("lead", lead_id), ("contact", contact_id)):
        body = SequenceEnrollmentCreateRequest(
            data=SequenceEnrollmentCreate(
                sequence_id=sequence.id, resource_type=resource_type, resource_id=resource_id
            )
        )
        response = create_sequence_enrollment.sync_detailed(client=client, body=body)
        enrollment = _ok(response, SequenceEnrollmentResponse)
        assert enrollment.meta.type_ == "sequence_enrollment"
        data = enrollment.data
        assert (data.resource_type, data.resource_id, data.state) == (
            resource_type,
            resource_id,
            "active",
        )
        assert data.actor_id == 7
        assert data.sequence.data.name == sequence.name
        enrolled[resource_type] = data.id

    def states() -> dict[int, str]:
        listed = list_sequence_enrollments.sync_detailed(client=client)
        return {e.data.id: e.data.state for e in _ok(listed, SequenceEnrollmentCollection).items}

    assert states() == {enrolled["lead"]: "active", enrolled["contact"]: "active"}

    body = FinishOngoingEnrollmentsRequest(
        data=FinishOngoingEnrollments(resource_type="lead", resource_id=lead_id)
    )
    finished = _ok(
        finish_ongoing_sequence_enrollments.sync_detailed(client=client, body=body),
        SequenceEnrollmentCollection,
    )
    assert [(e.data.id, e.data.state) for e in finished.items] == [(enrolled["lead"], "finished")]
    assert states() == {enrolled["lead"]: "finished", enrolled["contact"]: "active"}


def test_finishing_without_ongoing_enrollments_finishes_nothing(client: Client) -> None:
    """The spec: "`200` with the finished enrollments, or `204` when there was none"."""
    body = FinishOngoingEnrollmentsRequest(
        data=FinishOngoingEnrollments(resource_type="lead", resource_id=_lead(client))
    )
    response = finish_ongoing_sequence_enrollments.sync_detailed(client=client, body=body)
    assert response.status_code in (200, 204), response.content
    if response.status_code == 200:  # an empty collection: nothing was finished
        assert json.loads(response.content)["meta"]["count"] == 0
    else:
        assert response.content == b""


# -- upserts -----------------------------------------------------------------------------------


def _upsert_contact(client: Client, title: str) -> Any:
    body = ContactUpdateRequest(
        data=ContactUpdate(last_name="Upsert", email="up@demo.example", title=title)
    )
    response = upsert_contact.sync_detailed(client=client, body=body, email="up@demo.example")
    return _ok(response, ContactResponse).data


def _upsert_lead(client: Client, title: str) -> Any:
    body = LeadUpdateRequest(
        data=LeadUpdate(last_name="Upsert", email="up@demo.example", title=title)
    )
    response = upsert_lead.sync_detailed(client=client, body=body, email="up@demo.example")
    return _ok(response, LeadResponse).data


UPSERTS = {
    "contacts": (_upsert_contact, lambda c: list_contacts.sync(client=c, email="up@demo.example")),
    "leads": (_upsert_lead, lambda c: list_leads.sync(client=c, email="up@demo.example")),
}


@pytest.mark.parametrize("resource", sorted(UPSERTS))
def test_upsert_creates_then_updates(
    zendesk_sell_mock: RunningMock, client: Client, resource: str
) -> None:
    upsert, find = UPSERTS[resource]
    created = upsert(client, "CTO")
    assert created.title == "CTO"
    updated = upsert(client, "CEO")
    assert (updated.id, updated.title) == (created.id, "CEO")
    matches = find(client)
    assert [(m.data.id, m.data.title) for m in matches.items] == [(created.id, "CEO")]
    upserts = [r for r in zendesk_sell_mock.requests() if r["path"] == f"/v2/{resource}/upsert"]
    assert [(r["method"], r["query"], r["status"]) for r in upserts] == [
        ("POST", "email=up%40demo.example", 200)
    ] * 2


def test_upsert_deal_by_contact(client: Client) -> None:
    contact_id = _contact(client)

    def upsert(value: int) -> Any:
        body = DealUpdateRequest(
            data=DealUpdate(name="Upserted", contact_id=contact_id, value=value)
        )
        response = upsert_deal.sync_detailed(client=client, body=body, contact_id=contact_id)
        return _ok(response, DealResponse).data

    created, updated = upsert(100), upsert(250)
    assert updated.id == created.id
    assert (created.value, updated.value) == (100, 250)


def test_upsert_without_a_filter_is_400(client: Client) -> None:
    body = ContactUpdateRequest(data=ContactUpdate(last_name="Nobody"))
    _error(upsert_contact.sync_detailed(client=client, body=body), 400, "invalid_param")


# -- the Sync API ------------------------------------------------------------------------------


def _drain(client: Client, device: str) -> list[Any]:
    """Start a session and read its queue to the end: every item, or [] when there was none."""
    started = start_sync_session.sync_detailed(client=client, x_basecrm_device_uuid=device)
    if started.status_code == 204:
        return []
    session = _ok(started, SyncSessionResponse, 201)
    assert session.meta.type_ == "sync_session"
    [queue] = session.data.queues
    assert queue.data.name == "main"
    items: list[Any] = []
    while True:
        page = get_sync_queue.sync_detailed(
            session.data.id, client=client, x_basecrm_device_uuid=device
        )
        if page.status_code == 204:
            break
        items += _ok(page, SyncQueueCollection).items
    assert len(items) == queue.data.total_count
    return items


def _ack(client: Client, device: str, items: list[Any]) -> None:
    body = SyncAckRequest(data=SyncAck(ack_keys=[i.meta.sync.ack_key for i in items]))
    acked = ack_sync_events.sync_detailed(client=client, body=body, x_basecrm_device_uuid=device)
    assert acked.status_code == 202, acked.content


def test_sync_start_queue_ack(zendesk_sell_mock: RunningMock, client: Client) -> None:
    device = str(uuid.uuid4())
    first = _drain(client, device)
    # a new device first receives the whole account: its record, users, pipelines, stages, ...
    types = {i.meta.type_ for i in first}
    assert {"account", "user", "pipeline", "stage", "contact", "lead", "source"} <= types
    assert {i.meta.sync.event_type for i in first} == {"created"}
    _ack(client, device, first)
    assert _drain(client, device) == []  # everything acknowledged: 204

    contact_id = _contact(client, last_name="Synced")
    [created] = _drain(client, device)
    assert (created.meta.type_, created.meta.sync.event_type) == ("contact", "created")
    assert created.data.id == contact_id
    assert created.data.additional_properties["last_name"] == "Synced"
    assert created.meta.sync.ack_key == f"Contact-{contact_id}-{created.meta.sync.revision}"
    _ack(client, device, [created])

    assert delete_contact.sync_detailed(contact_id, client=client).status_code == 204
    [deleted] = _drain(client, device)
    assert (deleted.meta.sync.event_type, deleted.data.id) == ("deleted", contact_id)
    _ack(client, device, [deleted])
    assert _drain(client, device) == []

    # another device still gets everything, the new contact's life excluded
    other = _drain(client, str(uuid.uuid4()))
    assert len(other) == len(first)
    sync_paths = {r["path"] for r in zendesk_sell_mock.requests() if "/sync/" in r["path"]}
    assert {"/v2/sync/start", "/v2/sync/ack"} <= sync_paths


def test_sync_needs_the_device_header(client: Client) -> None:
    started = start_sync_session.sync_detailed(client=client, x_basecrm_device_uuid="")
    _error(started, 400, "invalid_header")


# -- read-only resources -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReadOnly:
    name: str
    list: Callable[..., Any]  # sync_detailed of the list operation, parameters bound
    collection: type
    type: str  # `meta.type` of its items
    key: str  # the attribute compared
    expected: list[Any]  # the seed's values of `key`, sorted


STAGE_NAMES = ["Closure", "Incoming", "Lost", "Prospecting", "Qualified", "Quote", "Unqualified"]
INDUSTRIES = [
    "Accounting", "Design Services", "Education", "Financial Services", "Healthcare",
    "Information Technology", "Manufacturing", "Retail",
]  # fmt: skip


def _bound(module: ModuleType, **params: Any) -> Callable[..., Any]:
    return lambda client: module.sync_detailed(client=client, **params)


READ_ONLY = [
    ReadOnly(
        "lead_unqualified_reasons", _bound(list_lead_unqualified_reasons),
        LeadUnqualifiedReasonCollection, "lead_unqualified_reason", "name",
        ["Duplicate", "Not interested", "Wrong contact"],
    ),
    ReadOnly(
        "pipelines", _bound(list_pipelines), PipelineCollection, "pipeline", "name",
        ["Legacy Pipeline", "Sales Pipeline"],
    ),
    ReadOnly(
        "stages", _bound(list_stages), StageCollection, "stage", "name",
        sorted([*STAGE_NAMES, "Won"]),
    ),
    ReadOnly(
        "users", _bound(list_users), UserCollection, "user", "name",
        ["Dana Demo", "Mel Member", "Rory Readonly"],
    ),
    ReadOnly(
        "call_outcomes", _bound(list_call_outcomes), CallOutcomeCollection, "call_outcome",
        "name", ["Interested", "Left voicemail", "No answer", "Not interested"],
    ),
    ReadOnly(
        "text_messages", _bound(list_text_messages), TextMessageCollection, "text_message",
        "content",
        [
            "Hi Mark, are we still on for Thursday?", "Please call me back about pricing.",
            "Yes - see you at 10.",
        ],
    ),
    ReadOnly(
        "visits", _bound(list_visits), VisitCollection, "visit",
        "rep_location_verification_status", ["unverified", "verified"],
    ),
    ReadOnly(
        "visit_outcomes", _bound(list_visit_outcomes), VisitOutcomeCollection, "visit_outcome",
        "name", ["Follow-up needed", "Meeting held", "Nobody there"],
    ),
    ReadOnly(
        "contact/custom_fields", _bound(list_custom_fields, resource_type="contact"),
        CustomFieldCollection, "custom_field", "name",
        sorted([
            "known_via", "sku", "priority", "employees", "interests", "birthday", "vip",
            "correspondence",
        ]),
    ),
    ReadOnly(
        "lead/custom_fields", _bound(list_custom_fields, resource_type="lead"),
        CustomFieldCollection, "custom_field", "name", ["campaign", "lead_score", "region"],
    ),
    ReadOnly(
        "deal/custom_fields", _bound(list_custom_fields, resource_type="deal"),
        CustomFieldCollection, "custom_field", "name",
        ["contract_length", "segment", "sku", "sports"],
    ),
    ReadOnly(
        "lead_statuses", _bound(list_lead_statuses), LeadStatusCollection, "lead_status", "name",
        ["New", "Unqualified", "Working"],
    ),
    ReadOnly(
        "contact/industries", _bound(list_industries, resource_type="contact"),
        IndustryCollection, "industry", "name", INDUSTRIES,
    ),
    ReadOnly(
        "lead/industries", _bound(list_industries, resource_type="lead"),
        IndustryCollection, "industry", "name", INDUSTRIES,
    ),
    ReadOnly(
        "sequences", _bound(list_sequences), SequenceCollection, "sequence", "name",
        ["Cold outreach", "Inbound follow-up"],
    ),
]  # fmt: skip


@pytest.mark.parametrize("resource", READ_ONLY, ids=lambda r: r.name)
def test_read_only_lists(
    zendesk_sell_mock: RunningMock, connect_client: Connect, resource: ReadOnly
) -> None:
    # the readonly token (scopes read, profile, sync) reads them like the admin does
    for label in ("demo", "readonly"):
        client = connect_client(zendesk_sell_mock, label)
        listed = _ok(resource.list(client), resource.collection)
        assert listed.meta.type_ == "collection"
        assert listed.meta.count == len(listed.items)
        assert {i.meta.type_ for i in listed.items} == {resource.type}
        assert sorted(getattr(i.data, resource.key) for i in listed.items) == resource.expected
    assert [(r["method"], r["path"]) for r in zendesk_sell_mock.requests()] == [
        ("GET", f"/v2/{resource.name}")
    ] * 2


def test_lead_conversions(client: Client) -> None:
    listed = _ok(list_lead_conversions.sync_detailed(client=client), LeadConversionCollection)
    [conversion] = listed.items
    assert conversion.meta.type_ == "lead_conversion"
    person = _ok(
        get_contact.sync_detailed(conversion.data.individual_id, client=client), ContactResponse
    )
    assert (person.data.name, person.data.contact_id) == (
        "Mark Johnson",
        conversion.data.organization_id,
    )
    _error(get_lead.sync_detailed(conversion.data.lead_id, client=client), 404, "not_found")


def test_get_account(zendesk_sell_mock: RunningMock, connect_client: Connect) -> None:
    demo = _ok(
        get_account.sync_detailed(client=connect_client(zendesk_sell_mock, "demo")), AccountResponse
    )
    assert demo.meta.type_ == "account"
    assert (demo.data.id, demo.data.name, demo.data.currency) == (
        1001,
        "Design Services Demo",
        "USD",
    )
    other = get_account.sync_detailed(client=connect_client(zendesk_sell_mock, "other"))
    assert (_ok(other, AccountResponse).data.id, other.parsed.data.currency) == (2002, "EUR")


def test_get_users(client: Client) -> None:
    me = _ok(get_current_user.sync_detailed(client=client), UserResponse)
    assert (me.meta.type_, me.data.id, me.data.email, me.data.role) == (
        "user",
        7,
        "dana@demo.example",
        "admin",
    )
    rory = _ok(get_user.sync_detailed(8, client=client), UserResponse)
    assert (rory.data.name, rory.data.role, rory.data.reports_to) == ("Rory Readonly", "user", 7)
    _error(get_user.sync_detailed(MISSING, client=client), 404, "not_found")


def test_get_text_message(client: Client) -> None:
    listed = _ok(list_text_messages.sync_detailed(client=client), TextMessageCollection)
    first = listed.items[0].data
    got = _ok(get_text_message.sync_detailed(first.id, client=client), TextMessageResponse)
    assert (got.meta.type_, got.data.id, got.data.content) == (
        "text_message",
        first.id,
        first.content,
    )
    _error(get_text_message.sync_detailed(MISSING, client=client), 404, "not_found")


# -- pagination --------------------------------------------------------------------------------


def test_iterate_walks_every_page(zendesk_sell_mock: RunningMock, client: Client) -> None:
    made = {
        _contact(client, last_name="Paged", first_name=f"P{i:03}", email=f"p{i}@demo.example")
        for i in range(250)
    }
    assert len(made) == 250
    before = len(zendesk_sell_mock.requests())

    walked = list(list_contacts.iterate(client=client, per_page=100, last_name="Paged"))

    assert len(walked) == 250
    assert {c.data.id for c in walked} == made
    pages = zendesk_sell_mock.requests()[before:]
    assert [(r["method"], r["path"], r["status"]) for r in pages] == [
        ("GET", "/v2/contacts", 200)
    ] * 3
    queries = [dict(parse_qsl(r["query"])) for r in pages]
    assert [(q["page"], q["per_page"], q["last_name"]) for q in queries] == [
        ("1", "100", "Paged"),
        ("2", "100", "Paged"),
        ("3", "100", "Paged"),
    ]


def test_iterate_on_a_seeded_list(zendesk_sell_mock: RunningMock, client: Client) -> None:
    stages = list(list_stages.iterate(client=client, per_page=3, sort_by="id"))
    assert sorted(s.data.name for s in stages) == sorted([*STAGE_NAMES, "Won"])
    assert [q["page"] for q in _queries(zendesk_sell_mock, "/v2/stages")] == ["1", "2", "3"]


def test_iterate_raises_on_an_error_page(zendesk_sell_mock: RunningMock) -> None:
    stranger = connect("x" * 64, base_url=zendesk_sell_mock.url)
    with stranger, pytest.raises(errors.AuthenticationError) as raised:
        next(list_contacts.iterate(client=stranger))
    assert raised.value.status_code == 401
    assert raised.value.page == 1


# -- wire format of query parameters -----------------------------------------------------------


def test_ids_are_comma_joined(zendesk_sell_mock: RunningMock, client: Client) -> None:
    ids = [_contact(client, last_name=f"Id{i}") for i in range(4)]
    wanted = ids[:3]

    listed = _ok(list_contacts.sync_detailed(client=client, ids=wanted), ContactCollection)

    assert sorted(c.data.id for c in listed.items) == wanted
    [query] = [r["query"] for r in zendesk_sell_mock.requests() if r["method"] == "GET"]
    # one parameter, the ids joined by commas (percent-encoded as `%2C` by httpx)
    assert ("ids", ",".join(map(str, wanted))) in parse_qsl(query)
    assert [k for k, _ in parse_qsl(query)].count("ids") == 1
    assert f"ids={'%2C'.join(map(str, wanted))}" in query


def test_address_filter_is_a_deep_object(zendesk_sell_mock: RunningMock, client: Client) -> None:
    hyannis = _contact(client, last_name="Cape", address=Address(city="Hyannis", state="MA"))
    _contact(client, last_name="Town", address=Address(city="Boston", state="MA"))

    listed = list_contacts.sync_detailed(client=client, address=AddressQuery(city="Hyannis"))

    assert [c.data.id for c in _ok(listed, ContactCollection).items] == [hyannis]
    assert listed.parsed.items[0].data.address.city == "Hyannis"
    [query] = _queries(zendesk_sell_mock, "/v2/contacts")
    assert query["address[city]"] == "Hyannis"
    assert "address" not in query
    both = list_contacts.sync(client=client, address=AddressQuery(state="MA"))
    assert isinstance(both, ContactCollection) and len(both.items) == 2


def test_per_page_over_100_is_400(client: Client) -> None:
    error = _error(list_contacts.sync_detailed(client=client, per_page=200), 400, "invalid_param")
    assert "per_page" in error.details


# -- errors as the client exposes them ---------------------------------------------------------


def test_bad_token_is_401(zendesk_sell_mock: RunningMock) -> None:
    with connect("x" * 64, base_url=zendesk_sell_mock.url) as stranger:
        listed = list_contacts.sync_detailed(client=stranger)
        body = ContactCreateRequest(data=ContactCreate(last_name="Eve"))
        created = create_contact.sync_detailed(client=stranger, body=body)
    for response in (listed, created):
        error = _error(response, 401, "unauthorized")
        assert "access token" in error.details
        assert response.headers["WWW-Authenticate"].startswith("Bearer ")


@pytest.mark.parametrize(
    "setting", [{"user_agent": ""}, {"headers": {"User-Agent": ""}}], ids=["user_agent", "headers"]
)
def test_empty_user_agent_is_400(
    zendesk_sell_mock: RunningMock,
    connect_client: Connect,
    sent_requests: Any,
    setting: dict[str, Any],
) -> None:
    client = connect_client(
        zendesk_sell_mock, "demo", httpx_args=sent_requests.httpx_args, **setting
    )
    _error(get_account.sync_detailed(client=client), 400, "invalid_user_agent")
    [request] = sent_requests.requests
    assert request.headers["User-Agent"] == ""


def test_unknown_id_is_404(
    zendesk_sell_mock: RunningMock, client: Client, connect_client: Connect
) -> None:
    contact_id = _contact(client)
    body = ContactUpdateRequest(data=ContactUpdate(last_name="Nobody"))
    attempts = [
        get_contact.sync_detailed(MISSING, client=client),
        update_contact.sync_detailed(MISSING, client=client, body=body),
        delete_contact.sync_detailed(MISSING, client=client),
        get_deal.sync_detailed(MISSING, client=client),
        get_line_item.sync_detailed(MISSING, 1, client=client),
        # another account's user does not see this account's records
        get_contact.sync_detailed(contact_id, client=connect_client(zendesk_sell_mock, "other")),
    ]
    for response in attempts:
        error = _error(response, 404, "not_found")
        assert error.details


MISSING_REQUIRED = [
    (
        create_contact, ContactCreateRequest(data=ContactCreate(first_name="Mark")),
        "contact", "/data/last_name",
    ),
    (
        create_lead, LeadCreateRequest(data=LeadCreate(first_name="Mark")),
        "lead", "/data/last_name",
    ),
    (
        create_call, CallWriteRequest(data=CallWrite(summary="No record", resource_type="lead")),
        "call", "/data/resource_id",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("operation", "body", "resource", "field"),
    MISSING_REQUIRED,
    ids=[operation.__name__.rpartition(".")[2] for operation, *_ in MISSING_REQUIRED],
)
def test_missing_required_field_is_422(
    zendesk_sell_mock: RunningMock,
    client: Client,
    operation: ModuleType,
    body: Any,
    resource: str,
    field: str,
) -> None:
    error = _error(operation.sync_detailed(client=client, body=body), 422, "blank")
    assert (error.resource, error.field) == (resource, field)
    assert field in error.details
    assert [r["status"] for r in zendesk_sell_mock.requests()] == [422]


def test_unknown_attribute_is_422(client: Client) -> None:
    # the typed models cannot carry an unknown attribute: send it through the client's httpx
    response = client.get_httpx_client().post(
        "/v2/contacts", json={"data": {"last_name": "Johnson", "nickname": "MJ"}}
    )
    assert response.status_code == 422
    error = ErrorResponse.from_dict(response.json())
    [item] = error.errors
    assert (item.error.code, item.error.resource, item.error.field) == (
        "unknown",
        "contact",
        "/nickname",
    )


def test_rate_limit_is_429(
    crm_mock_server: Callable[..., RunningMock], connect_client: Connect
) -> None:
    mock = crm_mock_server("zendesk-sell", rate_limit=3, rate_window=60)
    client = connect_client(mock, "demo")
    for _ in range(3):
        _ok(get_account.sync_detailed(client=client), AccountResponse)
    error = _error(get_account.sync_detailed(client=client), 429, "rate_limit_exceeded")
    assert error.details
    _error(list_contacts.sync_detailed(client=client), 429, "rate_limit_exceeded")
    # the budget is per token: another user of the account is not limited
    member = connect_client(mock, "member")
    _ok(get_account.sync_detailed(client=member), AccountResponse)


def test_readonly_token_writes_are_403(
    zendesk_sell_mock: RunningMock, client: Client, connect_client: Connect
) -> None:
    readonly = connect_client(zendesk_sell_mock, "readonly")
    contact_id = _contact(client, last_name="Kept")
    attempts = [
        create_contact.sync_detailed(
            client=readonly, body=ContactCreateRequest(data=ContactCreate(last_name="Eve"))
        ),
        update_contact.sync_detailed(
            contact_id,
            client=readonly,
            body=ContactUpdateRequest(data=ContactUpdate(last_name="Eve")),
        ),
        delete_contact.sync_detailed(contact_id, client=readonly),
        create_tag.sync_detailed(
            client=readonly, body=TagCreateRequest(data=TagCreate(name="x", resource_type="lead"))
        ),
    ]
    for response in attempts:
        error = _error(response, 403, "insufficient_scope")
        assert "write" in error.details

    # reading is still allowed, and nothing changed
    seen = _ok(get_contact.sync_detailed(contact_id, client=readonly), ContactResponse)
    assert seen.data.last_name == "Kept"
    names = [
        c.data.last_name
        for c in _ok(list_contacts.sync_detailed(client=client), ContactCollection).items
    ]
    assert "Eve" not in names


def test_only_admins_delete_products(
    zendesk_sell_mock: RunningMock, client: Client, connect_client: Connect
) -> None:
    product_id = _product(client)
    member = connect_client(zendesk_sell_mock, "member")
    _error(delete_product.sync_detailed(product_id, client=member), 403, "forbidden")
    _ok(get_product.sync_detailed(product_id, client=member), ProductResponse)
    assert delete_product.sync_detailed(product_id, client=client).status_code == 204


# -- authentication and the client object ------------------------------------------------------


def test_sends_bearer_token_and_user_agent(
    zendesk_sell_mock: RunningMock, connect_client: Connect, sent_requests: Any
) -> None:
    token = zendesk_sell_mock.credentials["demo"]["token"]
    client = connect_client(zendesk_sell_mock, "demo", httpx_args=sent_requests.httpx_args)
    _ok(list_contacts.sync_detailed(client=client), ContactCollection)
    _contact(client)

    assert len(sent_requests.requests) == 2
    for request in sent_requests.requests:
        assert request.headers["Authorization"] == f"Bearer {token}"
        assert request.headers["User-Agent"].startswith("zendesk-sell-client/")
    listing, creation = sent_requests.requests
    assert (listing.method, listing.url.path) == ("GET", "/v2/contacts")
    assert str(listing.url).startswith(zendesk_sell_mock.url + "/v2/contacts?")
    assert (creation.method, str(creation.url)) == ("POST", zendesk_sell_mock.url + "/v2/contacts")
    assert creation.headers["Content-Type"] == "application/json"
    # the mock's own log keeps the header, redacted, and the User-Agent as sent
    logged = zendesk_sell_mock.requests()[0]["headers"]
    assert logged["authorization"] == "[redacted]"
    assert logged["user-agent"] == listing.headers["User-Agent"]


def test_token_never_in_repr(zendesk_sell_mock: RunningMock) -> None:
    token = zendesk_sell_mock.credentials["demo"]["token"]
    with connect(token, base_url=zendesk_sell_mock.url) as client:
        before = repr(client)
        _ok(get_account.sync_detailed(client=client), AccountResponse)
        after = repr(client)
    for text in (before, after, str(client)):
        assert token not in text
    assert zendesk_sell_mock.url in before  # the repr is informative, just not secret


def test_base_url_is_the_server_root(zendesk_sell_mock: RunningMock) -> None:
    """The spec's server is `https://api.getbase.com` and its paths start with `/v2`: the mock's
    root is the base URL, and so is its `api_url`; root + `/v2` would double the prefix."""
    token = zendesk_sell_mock.credentials["demo"]["token"]
    assert zendesk_sell_mock.api_url == zendesk_sell_mock.url
    with connect(token, base_url=zendesk_sell_mock.api_url) as right:
        _ok(get_account.sync_detailed(client=right), AccountResponse)
    with connect(token, base_url=zendesk_sell_mock.url + "/v2") as doubled:
        wrong = get_account.sync_detailed(client=doubled)
    # 404 is not a documented answer of getAccount, so the client leaves it unparsed
    assert (wrong.status_code, wrong.parsed) == (404, None)
    [item] = ErrorResponse.from_dict(json.loads(wrong.content)).errors
    assert item.error.code == "not_found"
    assert [(r["path"], r["status"]) for r in zendesk_sell_mock.requests()] == [
        ("/v2/accounts/self", 200),
        ("/v2/v2/accounts/self", 404),
    ]


def test_default_base_url_is_the_vendor() -> None:
    with connect("t" * 64) as client:
        request = client.get_httpx_client().build_request("GET", "/v2/accounts/self")
    assert str(request.url) == "https://api.getbase.com/v2/accounts/self"


def test_every_operation_accepts_the_client_connect_returns(
    rejecting_connect: Callable[[str], list[str]],
) -> None:
    """The README's `get_account.sync(client=connect(...))` must type-check."""
    rejecting = rejecting_connect("zendesk_sell_client")
    assert not rejecting, f"{len(rejecting)} operations reject connect()'s client: {rejecting}"
