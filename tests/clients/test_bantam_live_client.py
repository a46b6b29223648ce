"""The generated Bantam Live client (generated/bantam-live-client) against the Bantam Live mock.

Contacts CRUD (people and organizations, both update verbs), the activity-stream RSS feed read
through the client and parsed with feedparser, the error answers as the client parses them,
and `connect()`'s URL and credentials. Real HTTP on loopback via
`connect(email, password, base_url=mock.api_url)`.
"""

from __future__ import annotations

import base64
import inspect
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import feedparser
import pytest
from bantam_live_client import Client, connect
from bantam_live_client.api.activity_stream import get_activity_feed
from bantam_live_client.api.contacts import (
    create_contact,
    delete_contact,
    get_contact,
    list_contacts,
    update_contact,
    update_contact_via_post,
)
from bantam_live_client.models import (
    ContactFields,
    ContactUpdate,
    Error,
    Organization,
    OrganizationCreate,
    Person,
    PersonCreate,
)

from crm_mocks import RunningMock

# `client: Any` below: connect() returns `Client`, the operations are annotated to take
# `AuthenticatedClient` (see test_every_operation_accepts_the_client_connect_returns)
Connect = Callable[..., Client]

# the seed of account "myaccount": id -> (type, display name, owner label, private?)
SEED = {
    1: ("Person", "Tom Jones", "admin", False),
    2: ("Organization", "Vegas Lounge Ltd", "admin", False),
    3: ("Person", "Pat Private", "admin", True),
    4: ("Person", "Sam Seller", "user", False),
    5: ("Organization", "Seller Leads Inc", "user", True),
}


def _name(contact: Person | Organization) -> str:
    if isinstance(contact, Organization):
        return str(contact.name)
    return f"{contact.first_name} {contact.last_name}"


def _listed(client: Any, **params: Any) -> list[Person | Organization]:
    response = list_contacts.sync_detailed(client=client, **params)
    assert response.status_code == 200, response.content
    assert isinstance(response.parsed, list)
    return response.parsed


def _created(response: Any, kind: type) -> Any:
    assert response.status_code == 201, response.content
    assert isinstance(response.parsed, kind)
    assert response.headers["Location"].endswith(f"/api/contacts/{response.parsed.id}")
    return response.parsed


# -- contacts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "view", "expected"),
    [
        ("admin", None, [1, 2, 3, 4, 5]),
        ("admin", "people", [1, 3, 4]),
        ("admin", "companies", [2, 5]),
        ("user", None, [1, 2, 4, 5]),  # shared ones plus the user's own private company
        ("user", "people", [1, 4]),
        ("user", "companies", [2, 5]),
    ],
)
def test_list_contacts_with_view(
    bantam_live_mock: RunningMock,
    connect_client: Connect,
    label: str,
    view: str | None,
    expected: list[int],
) -> None:
    client = connect_client(bantam_live_mock, label)
    contacts = _listed(client) if view is None else _listed(client, view=view)
    assert [c.id for c in contacts] == expected
    for contact in contacts:
        kind, name, _, _ = SEED[contact.id]
        assert type(contact).__name__ == contact.type_ == kind  # parsed into the right model
        assert _name(contact) == name
    sent = bantam_live_mock.requests()[-1]
    assert sent["query"] == ("" if view is None else f"view={view}")


def test_get_contact(bantam_live_mock: RunningMock, connect_client: Connect) -> None:
    client: Any = connect_client(bantam_live_mock, "admin")
    tom = get_contact.sync_detailed(1, client=client)
    assert tom.status_code == 200
    assert isinstance(tom.parsed, Person)
    assert (tom.parsed.id, tom.parsed.first_name, tom.parsed.last_name) == (1, "Tom", "Jones")
    assert tom.parsed.tag_names == "singer,vegas"
    # bantam-live-8.8: timestamps are date-times, as in the other vendors' clients
    assert tom.parsed.created_at == datetime(2011, 1, 3, 9, 0, tzinfo=UTC)
    assert isinstance(tom.parsed.updated_at, datetime)

    lounge = get_contact.sync(2, client=client)
    assert isinstance(lounge, Organization)
    assert (lounge.type_, lounge.name) == ("Organization", "Vegas Lounge Ltd")


def test_create_update_delete_person(
    bantam_live_mock: RunningMock, connect_client: Connect
) -> None:
    client: Any = connect_client(bantam_live_mock, "admin")
    body = PersonCreate(type_="Person", first_name="Austin", last_name="Powers", tag_names="spy")
    person = _created(create_contact.sync_detailed(client=client, body=body), Person)
    assert (person.first_name, person.last_name, person.tag_names) == ("Austin", "Powers", "spy")
    assert person.id not in SEED

    fetched = get_contact.sync(person.id, client=client)
    assert isinstance(fetched, Person)
    assert fetched.to_dict() == person.to_dict()
    assert person.id in [c.id for c in _listed(client, view="people")]
    assert person.id not in [c.id for c in _listed(client, view="companies")]

    change = ContactUpdate(first_name="Danger", tag_names="spy, mojo")
    put = update_contact.sync_detailed(person.id, client=client, body=change)
    assert put.status_code == 200, put.content
    assert isinstance(put.parsed, Person)
    assert (put.parsed.first_name, put.parsed.last_name) == ("Danger", "Powers")  # merged
    assert put.parsed.tag_names == "spy,mojo"

    posted = update_contact_via_post.sync_detailed(
        person.id, client=client, body=ContactUpdate(last_name="Powers Jr.")
    )
    assert posted.status_code == 200, posted.content
    assert isinstance(posted.parsed, Person)
    assert (posted.parsed.first_name, posted.parsed.last_name) == ("Danger", "Powers Jr.")

    reread = get_contact.sync(person.id, client=client)
    assert isinstance(reread, Person)
    assert (reread.first_name, reread.last_name, reread.tag_names) == (
        "Danger",
        "Powers Jr.",
        "spy,mojo",
    )

    deleted = delete_contact.sync_detailed(person.id, client=client)
    assert deleted.status_code == 200
    assert deleted.parsed is None  # an empty 200
    gone = get_contact.sync_detailed(person.id, client=client)
    assert gone.status_code == 404
    assert isinstance(gone.parsed, Error)
    assert person.id not in [c.id for c in _listed(client)]

    seen = [(r["method"], r["path"], r["status"]) for r in bantam_live_mock.requests()]
    item = f"/api/contacts/{person.id}"
    assert [s for s in seen if s[1] == item] == [
        ("GET", item, 200),
        ("PUT", item, 200),
        ("POST", item, 200),
        ("GET", item, 200),
        ("DELETE", item, 200),
        ("GET", item, 404),
    ]


def test_create_update_delete_organization(
    bantam_live_mock: RunningMock, connect_client: Connect
) -> None:
    client: Any = connect_client(bantam_live_mock, "user")
    body = OrganizationCreate(type_="Organization", name="Virtucon", tag_names="evil")
    org = _created(create_contact.sync_detailed(client=client, body=body), Organization)
    assert (org.name, org.tag_names) == ("Virtucon", "evil")
    assert org.id in [c.id for c in _listed(client, view="companies")]

    put = update_contact.sync_detailed(
        org.id, client=client, body=ContactUpdate(name="Virtucon Industries")
    )
    assert isinstance(put.parsed, Organization)
    assert (put.parsed.name, put.parsed.tag_names) == ("Virtucon Industries", "evil")
    posted = update_contact_via_post.sync(
        org.id, client=client, body=ContactUpdate(tag_names="evil,global")
    )
    assert isinstance(posted, Organization)
    assert (posted.name, posted.tag_names) == ("Virtucon Industries", "evil,global")

    # the user owns it: they may delete it
    assert delete_contact.sync_detailed(org.id, client=client).status_code == 200
    assert get_contact.sync_detailed(org.id, client=client).status_code == 404


# -- the activity feed ------------------------------------------------------------------------


def _feed(client: Any) -> Any:
    response = get_activity_feed.sync_detailed(client=client)
    assert response.status_code == 200, response.content
    assert response.headers["Content-Type"].startswith("application/rss+xml")
    assert isinstance(response.parsed, str)
    parsed = feedparser.parse(response.parsed)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    return parsed


def test_activity_feed_lists_the_actions_newest_first(
    bantam_live_mock: RunningMock, connect_client: Connect
) -> None:
    client: Any = connect_client(bantam_live_mock, "admin")
    assert _feed(client).entries == []  # the seed is not activity

    austin = create_contact.sync(
        client=client, body=PersonCreate(type_="Person", first_name="Austin", last_name="Powers")
    )
    assert isinstance(austin, Person)
    virtucon = create_contact.sync(
        client=client, body=OrganizationCreate(type_="Organization", name="Virtucon")
    )
    assert isinstance(virtucon, Organization)
    update_contact.sync(austin.id, client=client, body=ContactUpdate(first_name="Danger"))
    update_contact_via_post.sync(
        virtucon.id, client=client, body=ContactUpdate(name="Virtucon Industries")
    )
    delete_contact.sync(austin.id, client=client)

    feed = _feed(client)
    assert feed.feed.title == "My Account: activity stream"
    base = bantam_live_mock.url + "/api/contacts"
    expected = [  # (action, title, contact id, link, what the description says changed)
        ("deleted", "Demo Admin deleted Danger Powers", austin.id, base, None),
        (
            "updated",
            "Demo Admin updated Virtucon Industries",
            virtucon.id,
            f"{base}/{virtucon.id}",
            "changed name",
        ),
        (
            "updated",
            "Demo Admin updated Danger Powers",
            austin.id,
            f"{base}/{austin.id}",
            "changed first_name",
        ),
        ("created", "Demo Admin created Virtucon", virtucon.id, f"{base}/{virtucon.id}", None),
        ("created", "Demo Admin created Austin Powers", austin.id, f"{base}/{austin.id}", None),
    ]
    assert len(feed.entries) == len(expected)
    for entry, (action, title, contact_id, link, changed) in zip(
        feed.entries, expected, strict=True
    ):
        assert [tag.term for tag in entry.tags] == [action]
        assert entry.title == title
        assert entry.link == link
        assert f"(#{contact_id})" in entry.summary
        if changed is not None:
            assert changed in entry.summary
        assert "me@example.com" in entry.author
    # newest first by time too, and every guid distinct
    stamps = [entry.published_parsed for entry in feed.entries]
    assert stamps == sorted(stamps, reverse=True)
    assert len({entry.id for entry in feed.entries}) == len(expected)


def test_activity_feed_shows_a_user_only_what_they_may_see(
    bantam_live_mock: RunningMock, connect_client: Connect
) -> None:
    admin: Any = connect_client(bantam_live_mock, "admin")
    user: Any = connect_client(bantam_live_mock, "user")
    shared = PersonCreate(type_="Person", first_name="Basil", last_name="Exposition")
    secret = PersonCreate(type_="Person", first_name="Number", last_name="Two")
    secret["visibility"] = "private"
    create_contact.sync(client=admin, body=shared)
    create_contact.sync(client=admin, body=secret)

    assert [e.title for e in _feed(admin).entries] == [
        "Demo Admin created Number Two",
        "Demo Admin created Basil Exposition",
    ]
    assert [e.title for e in _feed(user).entries] == ["Demo Admin created Basil Exposition"]


# -- errors as the client exposes them --------------------------------------------------------


def test_wrong_password_is_401(bantam_live_mock: RunningMock) -> None:
    email = bantam_live_mock.credentials["admin"]["email"]
    with connect(email, "wrong-password", base_url=bantam_live_mock.api_url) as client:
        anyone: Any = client
        responses = [
            list_contacts.sync_detailed(client=anyone),
            get_contact.sync_detailed(1, client=anyone),
            create_contact.sync_detailed(
                client=anyone, body=PersonCreate(type_="Person", first_name="X")
            ),
            update_contact.sync_detailed(1, client=anyone, body=ContactUpdate(first_name="X")),
            delete_contact.sync_detailed(1, client=anyone),
            get_activity_feed.sync_detailed(client=anyone),
        ]
    for response in responses:
        assert response.status_code == 401
        assert response.parsed == "HTTP Basic: Access denied.\n"  # Rails' text body
        assert response.headers["WWW-Authenticate"] == 'Basic realm="Application"'


def test_user_changing_the_admins_contact_is_403(
    bantam_live_mock: RunningMock, connect_client: Connect
) -> None:
    user: Any = connect_client(bantam_live_mock, "user")
    change = ContactUpdate(first_name="Hacked")
    responses = [
        update_contact.sync_detailed(1, client=user, body=change),
        update_contact_via_post.sync_detailed(1, client=user, body=change),
        delete_contact.sync_detailed(1, client=user),
    ]
    for response in responses:
        assert response.status_code == 403
        assert isinstance(response.parsed, Error)
        assert "not allowed" in str(response.parsed.error)
    tom = get_contact.sync(1, client=user)
    assert isinstance(tom, Person)
    assert tom.first_name == "Tom"


def test_unknown_or_hidden_contact_is_404(
    bantam_live_mock: RunningMock, connect_client: Connect
) -> None:
    admin: Any = connect_client(bantam_live_mock, "admin")
    user: Any = connect_client(bantam_live_mock, "user")
    responses = [
        get_contact.sync_detailed(9999, client=admin),
        update_contact.sync_detailed(9999, client=admin, body=ContactUpdate(first_name="X")),
        update_contact_via_post.sync_detailed(
            9999, client=admin, body=ContactUpdate(first_name="X")
        ),
        delete_contact.sync_detailed(9999, client=admin),
        get_contact.sync_detailed(3, client=user),  # the admin's private contact
    ]
    for response in responses:
        assert response.status_code == 404
        assert isinstance(response.parsed, Error)
        assert str(response.parsed.error).startswith("Couldn't find Contact with ID=")


def test_create_without_type_is_422(bantam_live_mock: RunningMock, connect_client: Connect) -> None:
    client: Any = connect_client(bantam_live_mock, "admin")
    # PersonCreate and OrganizationCreate always send `type`; the typed operation sends any
    # model's to_dict(), so the shared contact fields (no `type`) make the body without it
    body = ContactFields(first_name="Austin", last_name="Powers")
    response = create_contact.sync_detailed(client=client, body=body)
    assert response.status_code == 422
    assert response.parsed == [["type", "can't be blank"]]
    assert [c.id for c in _listed(client)] == list(SEED)  # nothing was created


# -- wire format and connect() ----------------------------------------------------------------


def test_sends_http_basic_email_and_password(
    bantam_live_mock: RunningMock, connect_client: Connect, sent_requests: Any
) -> None:
    credentials = bantam_live_mock.credentials["admin"]
    client: Any = connect_client(bantam_live_mock, "admin", httpx_args=sent_requests.httpx_args)
    _listed(client, view="people")
    get_activity_feed.sync_detailed(client=client)

    pair = f"{credentials['email']}:{credentials['password']}".encode()
    listing, feed = sent_requests.requests
    for request in (listing, feed):
        assert request.headers["Authorization"] == "Basic " + base64.b64encode(pair).decode()
    assert str(listing.url) == bantam_live_mock.api_url + "/contacts?view=people"
    assert str(feed.url) == bantam_live_mock.api_url + "/feeds/stream.rss"
    assert credentials["password"] not in repr(client)


def test_sends_accept_json_as_the_vendor_requires(
    bantam_live_mock: RunningMock, connect_client: Connect, sent_requests: Any
) -> None:
    """The spec (info.description, "Headers"): the vendor requires `Accept: application/json`
    on every request and tells the client to set it once; connect() is that one place. The
    mock is lenient (`*/*` passes), so only the wire shows it."""
    client: Any = connect_client(bantam_live_mock, "admin", httpx_args=sent_requests.httpx_args)
    _listed(client)
    get_contact.sync_detailed(1, client=client)
    update_contact.sync_detailed(1, client=client, body=ContactUpdate(tag_names="singer"))
    accepts = [request.headers.get("Accept") for request in sent_requests.requests]
    assert accepts == ["application/json"] * 3


def test_connect_with_account_builds_the_vendor_url() -> None:
    with connect("me@example.com", "mypassword", account="myaccount") as client:
        request = client.get_httpx_client().build_request("GET", "/contacts")
    assert str(request.url) == "https://myaccount.bantamlive.com/api/contacts"


def test_connect_needs_account_or_base_url() -> None:
    with pytest.raises(ValueError, match="account"):
        connect("me@example.com", "mypassword")


def test_every_operation_accepts_the_client_connect_returns(
    rejecting_connect: Callable[[str], list[str]],
) -> None:
    """The README's `list_contacts.sync(client=connect(...))` must type-check: `connect()`
    returns `Client`, so every operation's `client` parameter has to accept it."""
    rejecting = rejecting_connect("bantam_live_client")
    assert not rejecting, f"{len(rejecting)} operations, e.g. {rejecting[0]}"


def test_the_view_filter_has_a_named_type() -> None:
    """bantam-live-4.3: `ContactView`, not the generator's `ListContactsViewType0`."""
    from bantam_live_client.models import ContactView

    source = inspect.getsource(list_contacts)  # the annotation as users read it
    assert "view: ContactView | str | Unset" in source and "Type0" not in source
    assert set(ContactView.__args__) == {"people", "companies"}
