"""Zendesk's official Python client, `basecrm` 1.2.9 from PyPI, used unchanged against the mock.

Users with code written on `basecrm` point it at the mock with `base_url=` (the client appends
`/v2` itself) and a demo token. Every service the client has is driven here through every verb
it offers, the way its own README uses it (keyword arguments, `hot=True` booleans included),
so a disagreement between the mock and Zendesk's own reading of the API fails a test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import basecrm
import pytest

from crm_mocks import RunningMock

DEVICE_UUID = "a7d1b2c3-0000-4000-8000-000000000001"


@pytest.fixture
def client(zendesk_sell_mock: RunningMock) -> Any:
    return basecrm.Client(
        access_token=zendesk_sell_mock.credentials["demo"]["token"],
        base_url=zendesk_sell_mock.url,
    )


@dataclass
class World:
    """Records the CRUD cases below refer to, created through the official client itself."""

    organization: Any
    person: Any
    deal: Any
    lead: Any
    order: Any
    product: Any
    spare_deal: Any


@pytest.fixture
def world(client: Any) -> World:
    organization = client.contacts.create(name="Coffee Shop", is_organization=True)
    person = client.contacts.create(
        first_name="Mark", last_name="Johnson", contact_id=organization.id
    )
    deal = client.deals.create(name="Chemex", contact_id=organization.id, value=99, currency="USD")
    lead = client.leads.create(last_name="Kowalski", organization_name="Design Co")
    product = client.products.create(
        name="Enterprise Plan",
        sku="enterprise-plan",
        active=True,
        cost=2,
        max_discount=10,
        max_markup=10,
        prices=[{"amount": "1599.99", "currency": "USD"}],
    )
    order = client.orders.create(deal_id=deal.id, discount=4)
    spare_deal = client.deals.create(name="Aeropress", contact_id=organization.id, value=5)
    return World(organization, person, deal, lead, order, product, spare_deal)


@dataclass(frozen=True)
class Crud:
    """One service's create/update payloads; `None` update = the client offers no update."""

    service: str
    create: Callable[[World], dict[str, Any]]
    update: dict[str, Any] | None
    list_params: dict[str, Any] = field(default_factory=dict)


CRUD_SERVICES = [
    Crud("contacts", lambda w: {"name": "Acme", "is_organization": True}, {"description": "x"}),
    Crud(
        "deals",
        lambda w: {"name": "Big deal", "contact_id": w.organization.id, "value": 10},
        {"hot": True, "name": "Bigger deal"},
        {"organization_id": None, "hot": False},
    ),
    Crud("leads", lambda w: {"last_name": "Doe", "organization_name": "Doe Inc"}, {"title": "CEO"}),
    Crud("deal_sources", lambda w: {"name": "Partner"}, {"name": "Partners"}),
    Crud("lead_sources", lambda w: {"name": "Webinar"}, {"name": "Webinars"}),
    Crud("sources", lambda w: {"name": "Fair"}, {"name": "Fairs"}),
    Crud("loss_reasons", lambda w: {"name": "Too slow"}, {"name": "Far too slow"}),
    Crud("deal_unqualified_reasons", lambda w: {"name": "No fit"}, {"name": "No fit at all"}),
    Crud(
        "tags",
        lambda w: {"name": "vip", "resource_type": "contact"},
        {"name": "very-important"},
        {"resource_type": "contact"},
    ),
    Crud(
        "notes",
        lambda w: {"resource_type": "lead", "resource_id": w.lead.id, "content": "Met at the fair"},
        {"content": "Met at the fair, again"},  # the client persists content/resource only
        {"resource_type": "lead"},
    ),
    Crud(
        "tasks",
        lambda w: {"content": "Call back", "resource_type": "deal", "resource_id": w.deal.id},
        {"completed": True},
        {"completed": False, "resource_type": "deal"},
    ),
    # one order per deal: the world's deal has one already
    Crud("orders", lambda w: {"deal_id": w.spare_deal.id, "discount": 0}, {"discount": 5}),
    Crud(
        "products",
        lambda w: {
            "name": "Starter",
            "sku": "starter",
            "active": True,
            "cost": 1,
            "max_discount": 0,
            "max_markup": 0,
            "prices": [{"amount": "10.00", "currency": "USD"}],
        },
        {"name": "Starter plan"},
        {"active": True},
    ),
]


def _ids(items: list[Any]) -> set[int]:
    return {item.id for item in items}


@pytest.mark.parametrize("case", CRUD_SERVICES, ids=lambda c: c.service)
def test_full_crud(client: Any, world: World, case: Crud) -> None:
    service = getattr(client, case.service)
    created = service.create(**case.create(world))
    assert created.id > 0
    assert service.retrieve(created.id).id == created.id

    params = {k: (world.organization.id if v is None else v) for k, v in case.list_params.items()}
    assert created.id in _ids(service.list(page=1, per_page=100, **params))

    assert case.update is not None
    updated = service.update(created.id, case.update)
    for key, value in case.update.items():
        assert getattr(updated, key) == value, key
    assert getattr(service.retrieve(created.id), next(iter(case.update))) == next(
        iter(case.update.values())
    )

    assert service.destroy(created.id) is True
    with pytest.raises(basecrm.RequestError) as raised:
        service.retrieve(created.id)
    assert raised.value.http_status == 404


def test_boolean_query_parameters_as_the_client_sends_them(client: Any, world: World) -> None:
    """The client's README filters with `hot=True`; requests sends the text `True`."""
    client.deals.update(world.deal.id, {"hot": True})
    hot = client.deals.list(organization_id=world.organization.id, hot=True)
    assert _ids(hot) == {world.deal.id}
    cold = client.deals.list(organization_id=world.organization.id, hot=False)
    assert _ids(cold) == {world.spare_deal.id}
    assert world.organization.id in _ids(client.contacts.list(is_organization=True))
    assert world.person.id not in _ids(client.contacts.list(is_organization=True))
    assert client.stages.list(active=True)
    assert client.users.list(confirmed=True)


def test_associated_contacts(client: Any, world: World) -> None:
    deal_id = world.deal.id
    created = client.associated_contacts.create(
        deal_id, contact_id=world.person.id, role="involved"
    )
    assert created.contact_id == world.person.id
    assert [a.contact_id for a in client.associated_contacts.list(deal_id)] == [world.person.id]
    assert client.associated_contacts.destroy(deal_id, world.person.id) is True
    assert client.associated_contacts.list(deal_id) == []


def test_line_items(client: Any, world: World) -> None:
    order_id = world.order.id
    item = client.line_items.create(
        order_id,
        product_id=world.product.id,
        value=1599.99,
        variation=0,
        currency="USD",
        quantity=2,
    )
    assert client.line_items.retrieve(order_id, item.id).quantity == 2
    assert _ids(client.line_items.list(order_id)) == {item.id}
    assert client.line_items.destroy(order_id, item.id) is True
    assert client.line_items.list(order_id) == []


@pytest.mark.parametrize(
    "service",
    [
        "pipelines",
        "stages",
        "lead_unqualified_reasons",
        "text_messages",
        "visits",
        "visit_outcomes",
        "users",
    ],
)
def test_read_only_services_list(client: Any, service: str) -> None:
    items = getattr(client, service).list(page=1, per_page=25)
    assert items, f"the demo account seeds {service}"
    assert all(item.id > 0 for item in items)


def test_account_and_user_self(client: Any) -> None:
    assert client.accounts.self().name == "Design Services Demo"
    me = client.users.self()
    assert me.email == "dana@demo.example"
    assert client.users.retrieve(me.id).id == me.id
    text = client.text_messages.list()[0]
    assert client.text_messages.retrieve(text.id).id == text.id


def test_errors_map_to_the_clients_exceptions(client: Any, zendesk_sell_mock: RunningMock) -> None:
    with pytest.raises(basecrm.ResourceError) as invalid:
        client.contacts.create(is_organization=True)  # a company needs a name
    assert invalid.value.http_status == 422
    assert invalid.value.errors
    readonly = basecrm.Client(
        access_token=zendesk_sell_mock.credentials["readonly"]["token"],
        base_url=zendesk_sell_mock.url,
    )
    with pytest.raises(basecrm.RequestError) as forbidden:
        readonly.contacts.create(name="Nope", is_organization=True)
    assert forbidden.value.http_status == 403


def test_sync_flow_sees_the_clients_own_writes(client: Any, world: World) -> None:
    """`basecrm.Sync.fetch` drains the queue and acks; a second run has nothing left."""
    seen: list[tuple[str, int]] = []

    def remember(meta: Any, data: Any) -> bool:
        seen.append((meta.type, data.id))
        return bool(basecrm.Sync.ACK)

    sync = basecrm.Sync(client=client, device_uuid=DEVICE_UUID)
    sync.fetch(remember)
    assert ("contact", world.organization.id) in seen
    assert ("deal", world.deal.id) in seen
    again: list[Any] = []
    sync.fetch(lambda meta, data: again.append(meta) or basecrm.Sync.ACK)
    assert again == []


def test_every_service_of_the_client_is_exercised(client: Any) -> None:
    """A new basecrm release with another service must not pass here unnoticed."""
    exercised = {
        *(case.service for case in CRUD_SERVICES),
        "associated_contacts",
        "line_items",
        "pipelines",
        "stages",
        "lead_unqualified_reasons",
        "text_messages",
        "visits",
        "visit_outcomes",
        "users",
        "accounts",
        "sync",
    }
    services = {
        name
        for name in dir(client)
        if not name.startswith("_") and name not in {"config", "http_client"}
    }
    assert services == exercised
