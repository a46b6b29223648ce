"""The generated Relenta client (generated/relenta-client) against the Relenta mock.

All six operations over real HTTP on loopback via `connect(department_key, base_url=...)`,
`iterate()` over several pages, the error answers as the client parses them (`ErrorEnvelope`)
and the key header on the wire.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import pytest
from relenta_client import AuthenticatedClient, connect, errors
from relenta_client.api.activities import list_activities, save_activity
from relenta_client.api.contacts import create_contact, list_contacts, save_contact
from relenta_client.api.custom_fields import list_custom_fields
from relenta_client.models import (
    ActivityListEnvelope,
    ActivitySave,
    ContactListEnvelope,
    ContactSave,
    CustomFieldListEnvelope,
    ErrorEnvelope,
    SaveEnvelope,
)

from crm_mocks import RunningMock

KEY_HEADER = "X-Relenta-Department-Key"
LIST_PATH = "/api/v3/contact.list.json"

Connect = Callable[..., AuthenticatedClient]


def _contacts(client: AuthenticatedClient, **params: Any) -> list[Any]:
    listed = list_contacts.sync_detailed(client=client, **params)
    assert listed.status_code == 200, listed.content
    assert isinstance(listed.parsed, ContactListEnvelope)
    assert (listed.parsed.status, listed.parsed.code) == (True, 200)
    return listed.parsed.data


def _activities(client: AuthenticatedClient, **params: Any) -> list[Any]:
    listed = list_activities.sync_detailed(client=client, **params)
    assert listed.status_code == 200, listed.content
    assert isinstance(listed.parsed, ActivityListEnvelope)
    return listed.parsed.data


def _saved_id(response: Any) -> int:
    assert response.status_code == 200, response.content
    assert isinstance(response.parsed, SaveEnvelope)
    assert (response.parsed.status, response.parsed.code) == (True, 200)
    assert isinstance(response.parsed.data.id, int)  # an integer here, a string in lists
    return response.parsed.data.id


# -- every operation --------------------------------------------------------------------------


def test_list_contacts_parses_the_doc_examples(
    relenta_mock: RunningMock, connect_client: Connect
) -> None:
    contacts = _contacts(connect_client(relenta_mock, "demo"))
    assert [(c.id, c.full_name) for c in contacts] == [
        ("33103982", "James Bond"),  # newest first
        ("33077973", "Dr. Evil"),
    ]
    bond, evil = contacts
    assert (bond.title, bond.company, bond.do_not_mass_email) == (
        None,
        "British Secret Service",
        False,
    )
    assert bond.dt_created == datetime(2016, 1, 5, 12, 3, 32, tzinfo=UTC)
    assert evil.groups == "Cold;Qualified;Beyond evil;Absolute evil"
    # custom-field values ride along as extra top-level keys
    assert evil["T-shirt_size"] == "XL"
    assert evil["Featured_in"] == "The Spy Who Shagged Me;Austin Powers 4"


@pytest.mark.parametrize("operation", [save_contact, create_contact], ids=["save", "create"])
def test_save_contact_creates_then_updates(
    relenta_mock: RunningMock, connect_client: Connect, operation: Any
) -> None:
    client = connect_client(relenta_mock, "demo")
    body = ContactSave(first_name="Austin", last_name="Powers", emails="austin.powers@mi6.gov.uk")
    body["T-shirt_size"] = "M"
    contact_id = _saved_id(operation.sync_detailed(client=client, body=body))

    newest = _contacts(client)[0]
    assert (newest.id, newest.full_name) == (str(contact_id), "Austin Powers")
    assert newest.emails == "austin.powers@mi6.gov.uk"
    assert newest["T-shirt_size"] == "M"

    change = ContactSave(id=contact_id, title="International Man of Mystery", tags="Spies")
    assert _saved_id(operation.sync_detailed(client=client, body=change)) == contact_id

    contacts = _contacts(client)
    assert len(contacts) == 3  # updated in place, not created again
    updated = next(c for c in contacts if c.id == str(contact_id))
    assert (updated.title, updated.tags) == ("International Man of Mystery", "Spies")
    assert (updated.full_name, updated.emails) == ("Austin Powers", "austin.powers@mi6.gov.uk")
    assert updated["T-shirt_size"] == "M"
    assert updated.dt_modified >= updated.dt_created


def test_ids_keep_their_wire_types_and_match_as_strings(
    relenta_mock: RunningMock, connect_client: Connect
) -> None:
    """relenta-10.14: a save answers an int, a list gives a str; `str(saved)` matches."""
    client = connect_client(relenta_mock, "demo")
    saved = _saved_id(save_contact.sync_detailed(client=client, body=ContactSave(full_name="Ada")))
    listed = _contacts(client)[0]
    assert isinstance(listed.id, str) and listed.id == str(saved)


def test_save_contact_updates_with_the_listed_string_id(
    relenta_mock: RunningMock, connect_client: Connect
) -> None:
    client = connect_client(relenta_mock, "demo")
    body = ContactSave(id="33077973", title="Supreme Leader", do_not_mass_email=True)
    assert _saved_id(save_contact.sync_detailed(client=client, body=body)) == 33077973
    evil = next(c for c in _contacts(client) if c.id == "33077973")
    assert (evil.title, evil.do_not_mass_email, evil.company) == (
        "Supreme Leader",
        True,
        "Virtucon",
    )


def test_list_and_save_activities(relenta_mock: RunningMock, connect_client: Connect) -> None:
    client = connect_client(relenta_mock, "demo")
    assert [a.id for a in _activities(client)] == ["33104113", "33104112"]

    start = datetime(2016, 1, 22, 19, 0, tzinfo=UTC)
    body = ActivitySave(
        label="Lunch",
        all_day=False,
        dt_start=start,
        dt_end=datetime(2016, 1, 22, 20, 0, tzinfo=UTC),
        users="Austin Powers <austin.powers@mi6.gov.uk>",
        subject="Discuss placement subject",
        body="Discuss placement body",
    )
    activity_id = _saved_id(save_activity.sync_detailed(client=client, body=body))
    newest = _activities(client)[0]
    assert (newest.id, newest.subject, newest.label) == (
        str(activity_id),
        "Discuss placement subject",
        "Lunch",
    )
    assert (newest.dt_start, newest.all_day) == (start, False)

    moved = ActivitySave(id=activity_id, dt_start=start.replace(day=23), subject="Moved lunch")
    assert _saved_id(save_activity.sync_detailed(client=client, body=moved)) == activity_id
    activities = _activities(client)
    assert len(activities) == 3
    [after] = [a for a in activities if a.id == str(activity_id)]
    assert (after.subject, after.dt_start, after.body) == (
        "Moved lunch",
        start.replace(day=23),
        "Discuss placement body",
    )


def test_list_custom_fields(relenta_mock: RunningMock, connect_client: Connect) -> None:
    response = list_custom_fields.sync_detailed(client=connect_client(relenta_mock, "demo"))
    assert response.status_code == 200
    assert isinstance(response.parsed, CustomFieldListEnvelope)
    fields = response.parsed.data
    assert [(f.id, f.type_, f.key) for f in fields] == [
        ("33078803", "Text", "Occupation"),
        ("33078800", "Single choice", "T-shirt_size"),
        ("33078801", "Multiple choice", "Featured_in"),
        ("33101174", "Text", "Hours"),
        ("33101635", "Text", "Skills"),
        ("33102253", "Date", "DOB"),
    ]
    assert fields[1].choices == ["S", "M", "L", "XL", "XXL"]


def test_departments_are_separate(relenta_mock: RunningMock, connect_client: Connect) -> None:
    demo = connect_client(relenta_mock, "demo")
    other = connect_client(relenta_mock, "other")
    _saved_id(save_contact.sync_detailed(client=demo, body=ContactSave(full_name="Vanessa K")))
    assert [c.full_name for c in _contacts(other)] == ["Felix Leiter"]
    assert "Vanessa K" in [c.full_name for c in _contacts(demo)]


# -- iterate(): every page --------------------------------------------------------------------


def _pages_requested(mock: RunningMock, since: int, path: str) -> list[dict[str, list[str]]]:
    return [
        parse_qs(r["query"])
        for r in mock.requests()[since:]
        if r["method"] == "GET" and r["path"] == path
    ]


def test_iterate_walks_every_contact_page(
    relenta_mock: RunningMock, connect_client: Connect
) -> None:
    client = connect_client(relenta_mock, "demo")
    seeded = len(_contacts(client))
    for n in range(25 - seeded):  # 25 contacts in all: pages of 10, 10 and 5
        body = ContactSave(first_name="Agent", last_name=f"{n:03d}")
        _saved_id(save_contact.sync_detailed(client=client, body=body))
    since = len(relenta_mock.requests())

    contacts = list(list_contacts.iterate(client=client, page_size=10))

    assert len(contacts) == 25
    ids = [int(c.id) for c in contacts]
    assert ids == sorted(set(ids), reverse=True)  # each once, newest first across pages
    assert {"James Bond", "Dr. Evil"} <= {c.full_name for c in contacts}
    assert _pages_requested(relenta_mock, since, LIST_PATH) == [
        {"page": ["1"], "page_size": ["10"]},
        {"page": ["2"], "page_size": ["10"]},
        {"page": ["3"], "page_size": ["10"]},
    ]


def test_iterate_stops_at_an_empty_page(relenta_mock: RunningMock, connect_client: Connect) -> None:
    """20 activities, pages of 10: the third page is empty and ends the walk."""
    client = connect_client(relenta_mock, "demo")
    seeded = len(_activities(client))
    for n in range(20 - seeded):
        body = ActivitySave(subject=f"Stake-out {n}")
        _saved_id(save_activity.sync_detailed(client=client, body=body))
    since = len(relenta_mock.requests())

    activities = list(list_activities.iterate(client=client, page_size=10))

    assert len({a.id for a in activities}) == len(activities) == 20
    pages = _pages_requested(relenta_mock, since, "/api/v3/activity.list.json")
    assert [p["page"] for p in pages] == [["1"], ["2"], ["3"]]


def test_iterate_is_lazy_and_starts_at_page(
    relenta_mock: RunningMock, connect_client: Connect
) -> None:
    client = connect_client(relenta_mock, "demo")
    since = len(relenta_mock.requests())
    walk = list_contacts.iterate(client=client, page=2, page_size=1)
    assert len(relenta_mock.requests()) == since  # nothing fetched before the first item
    assert next(walk).full_name == "Dr. Evil"  # page 2 of size 1: the older contact
    assert [p["page"] for p in _pages_requested(relenta_mock, since, LIST_PATH)] == [["2"]]


def test_iterate_raises_on_an_error_page(relenta_mock: RunningMock) -> None:
    with (
        connect("0" * 32, base_url=relenta_mock.api_url) as client,
        pytest.raises(errors.AuthenticationError) as raised,
    ):
        list(list_contacts.iterate(client=client, page_size=10))
    assert raised.value.status_code == 401
    assert raised.value.page == 1


# -- errors as the client exposes them --------------------------------------------------------


def _error(response: Any, status: int) -> ErrorEnvelope:
    assert response.status_code == status, response.content
    assert isinstance(response.parsed, ErrorEnvelope)
    assert (response.parsed.status, response.parsed.code) == (False, status)
    assert response.parsed.message
    return response.parsed


def test_bad_key_is_401(relenta_mock: RunningMock) -> None:
    with connect("0" * 32, base_url=relenta_mock.api_url) as client:
        responses = [
            list_contacts.sync_detailed(client=client),
            save_contact.sync_detailed(client=client, body=ContactSave(full_name="Nobody")),
            create_contact.sync_detailed(client=client, body=ContactSave(full_name="Nobody")),
            list_activities.sync_detailed(client=client),
            save_activity.sync_detailed(client=client, body=ActivitySave(subject="Nothing")),
            list_custom_fields.sync_detailed(client=client),
        ]
    for response in responses:
        assert "key" in _error(response, 401).message.lower()


def test_plan_limit_is_401(
    crm_mock_server: Callable[..., RunningMock], connect_client: Connect
) -> None:
    limited = crm_mock_server("relenta", contact_limit=3)
    client = connect_client(limited, "demo")
    assert len(_contacts(client)) == 2
    first = _saved_id(save_contact.sync_detailed(client=client, body=ContactSave(full_name="A")))

    refused = save_contact.sync_detailed(client=client, body=ContactSave(full_name="B"))
    assert "3" in _error(refused, 401).message
    also = create_contact.sync_detailed(client=client, body=ContactSave(full_name="C"))
    _error(also, 401)
    assert len(_contacts(client)) == 3
    # updates are not creations: still allowed at the limit
    change = ContactSave(id=first, title="Still fine")
    assert _saved_id(save_contact.sync_detailed(client=client, body=change)) == first


def test_save_with_unknown_id_is_404(relenta_mock: RunningMock, connect_client: Connect) -> None:
    client = connect_client(relenta_mock, "demo")
    responses = [
        save_contact.sync_detailed(client=client, body=ContactSave(id=99_999_999, title="X")),
        create_contact.sync_detailed(client=client, body=ContactSave(id="99999999", title="X")),
        save_activity.sync_detailed(client=client, body=ActivitySave(id=99_999_999, label="X")),
        # the other department's contact is not this department's
        save_contact.sync_detailed(
            client=connect_client(relenta_mock, "other"),
            body=ContactSave(id=33077973, title="X"),
        ),
    ]
    for response in responses:
        _error(response, 404)
    assert len(_contacts(client)) == 2  # nothing was created
    assert len(_activities(client)) == 2


@pytest.mark.parametrize(
    "params",
    [{"page_size": 0}, {"page_size": 501}, {"page": 0}, {"page_size": -5}],
    ids=["size-0", "size-501", "page-0", "size-negative"],
)
def test_bad_paging_is_400(
    relenta_mock: RunningMock, connect_client: Connect, params: dict[str, int]
) -> None:
    client = connect_client(relenta_mock, "demo")
    _error(list_contacts.sync_detailed(client=client, **params), 400)
    _error(list_activities.sync_detailed(client=client, **params), 400)


# -- wire format and connect() ----------------------------------------------------------------


def test_key_goes_in_the_department_key_header(
    relenta_mock: RunningMock, connect_client: Connect, sent_requests: Any
) -> None:
    key = relenta_mock.credentials["demo"]["department_key"]
    client = connect_client(relenta_mock, "demo", httpx_args=sent_requests.httpx_args)
    _contacts(client, page=2, page_size=10)
    _saved_id(save_contact.sync_detailed(client=client, body=ContactSave(full_name="Q")))

    listing, saving = sent_requests.requests
    for request in (listing, saving):
        assert request.headers[KEY_HEADER] == key
        assert "Authorization" not in request.headers
    assert str(listing.url) == relenta_mock.api_url + "/contact.list.json?page=2&page_size=10"
    assert (saving.method, str(saving.url)) == ("POST", relenta_mock.api_url + "/contact.save.json")
    assert saving.headers["Content-Type"] == "application/json"
    # the mock saw the header (its log redacts the value)
    assert relenta_mock.requests()[0]["headers"][KEY_HEADER.lower()] == "[redacted]"
    assert key not in repr(client)


def test_connect_needs_base_url_or_account_name() -> None:
    with pytest.raises(ValueError, match="account_name"):
        connect("8e222f0167df75f78449921176c570ca")


def test_connect_with_account_name_builds_the_vendor_url() -> None:
    with connect("8e222f0167df75f78449921176c570ca", account_name="mycompany") as client:
        request = client.get_httpx_client().build_request("GET", "/contact.list.json")
    assert str(request.url) == "https://mycompany.relenta.com/api/v3/contact.list.json"
    assert request.headers[KEY_HEADER] == "8e222f0167df75f78449921176c570ca"


def test_every_operation_accepts_the_client_connect_returns(
    rejecting_connect: Callable[[str], list[str]],
) -> None:
    """The README's `list_contacts.sync(client=connect(...))` must type-check."""
    rejecting = rejecting_connect("relenta_client")
    assert not rejecting, f"{len(rejecting)} operations reject connect()'s client: {rejecting}"
