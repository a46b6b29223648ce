"""Models print only the fields that are set: no `<...types.Unset object at 0x...>`."""

from __future__ import annotations

from typing import Any

from clevertim_client.models import ContactCreate
from zendesk_sell_client.api.contacts import create_contact
from zendesk_sell_client.models import ContactCreate as SellContactCreate
from zendesk_sell_client.models import ContactCreateRequest

from crm_mocks import RunningMock


def test_repr_lists_the_set_fields_only() -> None:
    assert repr(ContactCreate(fn="Ada", ln="Lovelace")) == "ContactCreate(fn='Ada', ln='Lovelace')"
    assert repr(ContactCreate()) == "ContactCreate()"


def test_repr_of_a_parsed_answer(zendesk_sell_mock: RunningMock, connect_client: Any) -> None:
    client = connect_client(zendesk_sell_mock, "demo")
    body = ContactCreateRequest(data=SellContactCreate(last_name="Lovelace"))
    created = create_contact.sync(client=client, body=body)
    shown = repr(created)
    assert shown.startswith("ContactResponse(data=Contact(id=")
    assert "last_name='Lovelace'" in shown
    assert "Unset" not in shown and " at 0x" not in shown
