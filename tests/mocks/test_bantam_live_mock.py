"""The Bantam Live mock against the vendor's documented (and fact-sheet-inferred) behaviour.

One test per rule of fact sheet §7 (plus the choices the mock makes where the fact sheet leaves
them open), over real HTTP on loopback. Seed data per account (ids in order):
myaccount: 1 Tom Jones (admin's), 2 Vegas Lounge Ltd (admin's), 3 Pat Private (admin's,
private), 4 Sam Seller (user's), 5 Seller Leads Inc (user's, private); yourcompany: 1 Olga Other.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import feedparser
import httpx
import pytest

from crm_mocks import RunningMock
from crm_mocks.core.app import OptionError, build_app, create_vendor
from crm_mocks.core.server import BackgroundServer
from crm_mocks.registry import vendor_class

JSON = {"Accept": "application/json", "Content-Type": "application/json"}
FEED = "/api/feeds/stream.rss"


def client(mock: RunningMock, label: str = "admin", **kwargs: Any) -> httpx.Client:
    creds = mock.credentials[label]
    return httpx.Client(
        base_url=mock.api_url,
        auth=(creds["email"], creds["password"]),
        headers={"Accept": "application/json"},
        timeout=10,
        **kwargs,
    )


@pytest.fixture
def admin(bantam_live_mock: RunningMock) -> Iterator[httpx.Client]:
    with client(bantam_live_mock, "admin") as c:
        yield c


@pytest.fixture
def user(bantam_live_mock: RunningMock) -> Iterator[httpx.Client]:
    with client(bantam_live_mock, "user") as c:
        yield c


@pytest.fixture
def other(bantam_live_mock: RunningMock) -> Iterator[httpx.Client]:
    with client(bantam_live_mock, "other") as c:
        yield c


def ids(response: httpx.Response) -> list[int]:
    assert response.status_code == 200, response.text
    return [c["id"] for c in response.json()]


def create(c: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = c.post("/contacts", json=fields, headers=JSON)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def read_feed(mock: RunningMock, label: str = "admin", path: str = FEED) -> Any:
    creds = mock.credentials[label]
    response = httpx.get(mock.url + path, auth=(creds["email"], creds["password"]), timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    return parsed


# -- §2 / §7.1: accounts, users, HTTP Basic -------------------------------------------------


def test_basic_auth_with_email_and_password_reads_contacts(admin: httpx.Client) -> None:
    assert ids(admin.get("/contacts")) == [1, 2, 3, 4, 5]


def test_missing_credentials_get_the_rails_basic_auth_challenge(
    bantam_live_mock: RunningMock,
) -> None:
    response = httpx.get(
        bantam_live_mock.api_url + "/contacts", headers={"Accept": "application/json"}
    )
    assert response.status_code == 401
    assert response.text == "HTTP Basic: Access denied.\n"
    assert response.headers["www-authenticate"] == 'Basic realm="Application"'


def test_wrong_password_is_401(bantam_live_mock: RunningMock) -> None:
    email = bantam_live_mock.credentials["admin"]["email"]
    response = httpx.get(bantam_live_mock.api_url + "/contacts", auth=(email, "not-the-password"))
    assert response.status_code == 401
    assert "not-the-password" not in response.text


def test_password_of_another_user_does_not_log_in(bantam_live_mock: RunningMock) -> None:
    creds = bantam_live_mock.credentials
    mixed = (creds["admin"]["email"], creds["user"]["password"])
    assert httpx.get(bantam_live_mock.api_url + "/contacts", auth=mixed).status_code == 401


def test_email_login_is_case_insensitive(bantam_live_mock: RunningMock) -> None:
    creds = bantam_live_mock.credentials["admin"]
    auth = (creds["email"].upper(), creds["password"])
    assert httpx.get(bantam_live_mock.api_url + "/contacts", auth=auth).status_code == 200


def test_percent_encoded_email_from_the_vendor_example_logs_in(
    bantam_live_mock: RunningMock,
) -> None:
    creds = bantam_live_mock.credentials["admin"]
    raw = f"{creds['email'].replace('@', '%40')}:{creds['password']}".encode()
    header = {"Authorization": "Basic " + base64.b64encode(raw).decode()}
    response = httpx.get(bantam_live_mock.api_url + "/contacts/1", headers=header)
    assert response.status_code == 200
    assert response.json()["first_name"] == "Tom"


def test_accounts_are_isolated(other: httpx.Client, admin: httpx.Client) -> None:
    assert [c["first_name"] for c in other.get("/contacts").json()] == ["Olga"]
    assert other.get("/contacts/2").status_code == 404  # myaccount's id 2 is not theirs
    create(other, type="Person", first_name="Only", last_name="Theirs")
    assert "Only" not in [c["first_name"] for c in admin.get("/contacts").json()]


def test_subdomain_host_must_be_the_users_account(bantam_live_mock: RunningMock) -> None:
    with client(bantam_live_mock, "admin") as c:
        own = c.get("/contacts", headers={"Host": "myaccount.bantamlive.com"})
        foreign = c.get("/contacts", headers={"Host": "yourcompany.bantamlive.com"})
    assert own.status_code == 200
    assert foreign.status_code == 401
    assert foreign.text == "HTTP Basic: Access denied.\n"


def test_api_access_switched_off_is_403(tmp_path: Path) -> None:
    accounts = {
        "accounts": [
            {
                "id": "closed",
                "profile": {"api_access": False},
                "users": [
                    {
                        "id": 1,
                        "label": "closed",
                        "email": "c@example.com",
                        "credentials": {"email": "c@example.com", "password": "pw"},
                    }
                ],
            }
        ]
    }
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps(accounts))
    vendor = create_vendor(vendor_class("bantam-live"), accounts_file=str(path))
    server = BackgroundServer(build_app(vendor)).start()
    try:
        response = httpx.get(server.url + "/api/contacts", auth=("c@example.com", "pw"))
        assert response.status_code == 403
        assert "API Access" in response.json()["error"]
        assert (
            httpx.get(server.url + "/api/contacts", auth=("c@example.com", "no")).status_code == 401
        )
    finally:
        server.stop()


# -- §7.2: one id sequence, view filter -----------------------------------------------------


def test_people_and_organizations_share_one_id_sequence(admin: httpx.Client) -> None:
    person = create(admin, type="Person", first_name="Ann")
    org = create(admin, type="Organization", name="Ann Co")
    person2 = create(admin, type="Person", first_name="Bob")
    assert [person["id"], org["id"], person2["id"]] == [6, 7, 8]


def test_view_people_lists_only_persons(admin: httpx.Client) -> None:
    response = admin.get("/contacts", params={"view": "people"})
    assert ids(response) == [1, 3, 4]
    assert {c["type"] for c in response.json()} == {"Person"}


def test_view_companies_lists_only_organizations(admin: httpx.Client) -> None:
    response = admin.get("/contacts", params={"view": "companies"})
    assert ids(response) == [2, 5]
    assert {c["type"] for c in response.json()} == {"Organization"}


def test_no_view_or_an_empty_view_lists_both(admin: httpx.Client) -> None:
    assert ids(admin.get("/contacts")) == [1, 2, 3, 4, 5]
    assert ids(admin.get("/contacts", params={"view": ""})) == [1, 2, 3, 4, 5]


def test_unknown_view_is_ignored_and_lists_both(admin: httpx.Client) -> None:
    assert ids(admin.get("/contacts", params={"view": "deals"})) == [1, 2, 3, 4, 5]


# -- §7.3: per-user visibility and rights ---------------------------------------------------


def test_normal_user_sees_shared_contacts_and_own_private_ones(user: httpx.Client) -> None:
    assert ids(user.get("/contacts")) == [1, 2, 4, 5]  # not 3: the admin's private contact
    assert ids(user.get("/contacts", params={"view": "companies"})) == [2, 5]


def test_admin_sees_private_contacts_of_others(admin: httpx.Client) -> None:
    assert 5 in ids(admin.get("/contacts"))
    assert admin.get("/contacts/5").json()["name"] == "Seller Leads Inc"


def test_private_contact_of_another_user_is_404_for_a_normal_user(user: httpx.Client) -> None:
    response = user.get("/contacts/3")
    assert response.status_code == 404
    assert response.json() == {"error": "Couldn't find Contact with ID=3"}
    assert user.put("/contacts/3", json={"last_name": "X"}, headers=JSON).status_code == 404
    assert user.delete("/contacts/3").status_code == 404


def test_normal_user_may_not_update_a_contact_they_do_not_own(
    user: httpx.Client, admin: httpx.Client
) -> None:
    response = user.put("/contacts/1", json={"last_name": "Hacked"}, headers=JSON)
    assert response.status_code == 403
    assert response.json() == {"error": "You are not allowed to update this contact."}
    assert admin.get("/contacts/1").json()["last_name"] == "Jones"


def test_normal_user_may_not_delete_a_contact_they_do_not_own(
    user: httpx.Client, admin: httpx.Client
) -> None:
    response = user.delete("/contacts/2")
    assert response.status_code == 403
    assert response.json() == {"error": "You are not allowed to delete this contact."}
    assert admin.get("/contacts/2").status_code == 200


def test_normal_user_may_change_their_own_contacts(user: httpx.Client) -> None:
    assert user.put("/contacts/4", json={"last_name": "Sold"}, headers=JSON).status_code == 200
    mine = create(user, type="Person", first_name="New")
    assert mine["owner_id"] == 2
    assert user.delete(f"/contacts/{mine['id']}").status_code == 200


def test_admin_may_change_contacts_of_others(admin: httpx.Client) -> None:
    response = admin.put("/contacts/4", json={"tag_names": "won"}, headers=JSON)
    assert response.status_code == 200
    assert response.json()["owner_id"] == 2  # ownership does not move to the editor
    assert admin.delete("/contacts/5").status_code == 200


def test_making_a_contact_private_hides_it_from_other_users(
    admin: httpx.Client, user: httpx.Client
) -> None:
    assert admin.put("/contacts/1", json={"visibility": "private"}, headers=JSON).status_code == 200
    assert 1 not in ids(user.get("/contacts"))
    bad = admin.put("/contacts/1", json={"visibility": "secret"}, headers=JSON)
    assert bad.status_code == 422
    assert bad.json()[0][0] == "visibility"


# -- §7.4: type required, open field set ----------------------------------------------------


def test_create_returns_201_with_the_record_and_its_location(admin: httpx.Client) -> None:
    body = {
        "first_name": "Tom",
        "last_name": "Jones",
        "type": "Person",
        "tag_names": "singer,vegas",
    }
    response = admin.post("/contacts", json=body, headers=JSON)
    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"] == f"/api/contacts/{created['id']}"
    assert {k: created[k] for k in body} == body
    assert created["created_at"].endswith("Z") and created["owner_id"] == 1
    assert admin.get(f"/contacts/{created['id']}").json() == created


def test_create_without_type_is_422_in_rails_shape(admin: httpx.Client) -> None:
    response = admin.post("/contacts", json={"first_name": "Tom"}, headers=JSON)
    assert response.status_code == 422
    assert response.json() == [["type", "can't be blank"]]
    assert ids(admin.get("/contacts")) == [1, 2, 3, 4, 5]


def test_type_outside_person_and_organization_is_422(admin: httpx.Client) -> None:
    for bad in ("Company", "person", 7):
        response = admin.post("/contacts", json={"type": bad}, headers=JSON)
        assert response.status_code == 422
        assert response.json() == [["type", "is not included in the list"]]


def test_arbitrary_extra_keys_are_kept_and_returned(admin: httpx.Client) -> None:
    extra = {"background": "Met in Vegas", "emails": [{"address": "tom@example.com"}], "vip": True}
    created = create(admin, type="Person", first_name="Tom", **extra)
    read = admin.get(f"/contacts/{created['id']}").json()
    assert {k: read[k] for k in extra} == extra


def test_server_managed_keys_in_a_body_are_ignored(admin: httpx.Client) -> None:
    created = create(admin, type="Person", id=99, owner_id=2, created_at="1999-01-01T00:00:00Z")
    assert created["id"] == 6 and created["owner_id"] == 1
    assert created["created_at"] != "1999-01-01T00:00:00Z"


def test_validation_errors_are_all_reported_and_nothing_is_written(admin: httpx.Client) -> None:
    response = admin.post(
        "/contacts", json={"first_name": 5, "tag_names": ["a"], "visibility": "x"}, headers=JSON
    )
    assert response.status_code == 422
    assert [field for field, _ in response.json()] == [
        "type",
        "first_name",
        "tag_names",
        "visibility",
    ]
    assert ids(admin.get("/contacts")) == [1, 2, 3, 4, 5]


def test_values_that_cannot_round_trip_as_json_are_refused(admin: httpx.Client) -> None:
    nan = b'{"type": "Person", "score": NaN}'
    response = admin.post("/contacts", content=nan, headers=JSON)
    assert response.status_code == 400  # NaN is not JSON (RFC 8259): a body that doesn't parse
    surrogate_key = b'{"type": "Person", "\\ud800": 1}'
    response = admin.post("/contacts", content=surrogate_key, headers=JSON)
    assert response.status_code == 422
    assert response.json() == [["base", "contains an invalid Unicode character"]]
    deep: Any = 1
    for _ in range(40):
        deep = [deep]
    assert (
        admin.post("/contacts", json={"type": "Person", "x": deep}, headers=JSON).status_code == 422
    )


def test_type_cannot_change_on_update(admin: httpx.Client) -> None:
    response = admin.put("/contacts/1", json={"type": "Organization"}, headers=JSON)
    assert response.status_code == 422
    assert response.json() == [["type", "can't be changed"]]
    same = admin.put("/contacts/1", json={"type": "Person", "last_name": "J"}, headers=JSON)
    assert same.status_code == 200 and same.json()["type"] == "Person"


def test_body_wrapped_in_a_rails_root_key_is_accepted(admin: httpx.Client) -> None:
    created = create(admin, person={"first_name": "Wrapped"})
    assert created["type"] == "Person" and created["first_name"] == "Wrapped"
    org = create(admin, organization={"name": "Wrapped Co"})
    assert org["type"] == "Organization"
    response = admin.put(
        f"/contacts/{org['id']}", json={"contact": {"name": "Renamed"}}, headers=JSON
    )
    assert response.json()["name"] == "Renamed"


def test_malformed_or_non_object_json_is_400(admin: httpx.Client) -> None:
    for raw in (b"{not json", b"", b"[1, 2]", b'"Person"'):
        response = admin.post("/contacts", content=raw, headers=JSON)
        assert response.status_code == 400, raw
        assert "error" in response.json()
    assert ids(admin.get("/contacts")) == [1, 2, 3, 4, 5]


# -- §7.5: tag_names ------------------------------------------------------------------------


def test_tag_names_is_a_normalised_comma_separated_string(admin: httpx.Client) -> None:
    created = create(admin, type="Person", tag_names=" singer , vegas,,singer,crooner ")
    assert created["tag_names"] == "singer,vegas,crooner"
    assert create(admin, type="Organization")["tag_names"] == ""


def test_tag_names_must_be_a_string(admin: httpx.Client) -> None:
    response = admin.post(
        "/contacts", json={"type": "Person", "tag_names": ["a", "b"]}, headers=JSON
    )
    assert response.status_code == 422
    assert response.json() == [["tag_names", "must be a comma-separated string"]]


# -- §7.6: partial updates through PUT and POST ---------------------------------------------


def test_put_merges_only_the_sent_keys(admin: httpx.Client) -> None:
    response = admin.put("/contacts/1", json={"last_name": "McJones"}, headers=JSON)
    assert response.status_code == 200
    after = admin.get("/contacts/1").json()
    assert after == response.json()
    assert (after["first_name"], after["last_name"], after["tag_names"]) == (
        "Tom",
        "McJones",
        "singer,vegas",
    )


def test_post_to_the_item_updates_like_the_vendor_example(admin: httpx.Client) -> None:
    response = admin.post(
        "/contacts/1", json={"last_name": "McJones", "mood": "happy"}, headers=JSON
    )
    assert response.status_code == 200
    after = admin.get("/contacts/1").json()
    assert (after["first_name"], after["last_name"], after["mood"]) == ("Tom", "McJones", "happy")


# -- §7.7: delete ---------------------------------------------------------------------------


def test_delete_answers_200_empty_and_the_contact_is_then_404(admin: httpx.Client) -> None:
    response = admin.delete("/contacts/2")
    assert response.status_code == 200 and response.content == b""
    assert admin.get("/contacts/2").status_code == 404
    assert 2 not in ids(admin.get("/contacts"))
    assert admin.delete("/contacts/2").status_code == 404


def test_unknown_or_non_numeric_id_is_404(admin: httpx.Client) -> None:
    assert admin.get("/contacts/999").json() == {"error": "Couldn't find Contact with ID=999"}
    assert admin.get("/contacts/abc").status_code == 404


# -- §3 / §7.8: headers ---------------------------------------------------------------------


def test_missing_accept_is_still_answered_with_json(bantam_live_mock: RunningMock) -> None:
    creds = bantam_live_mock.credentials["admin"]
    # the vendor's own create example sends no Accept header (§8 #2)
    response = httpx.post(
        bantam_live_mock.api_url + "/contacts",
        auth=(creds["email"], creds["password"]),
        content=b'{"type": "Person", "first_name": "NoAccept"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"


def test_an_accept_header_that_excludes_json_is_406(admin: httpx.Client) -> None:
    response = admin.get("/contacts", headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert "application/json" in response.json()["error"]
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert admin.get("/contacts", headers={"Accept": browser}).status_code == 200
    refused = "application/json;q=0, text/html"
    assert admin.get("/contacts", headers={"Accept": refused}).status_code == 406


def test_write_without_a_json_content_type_is_415(admin: httpx.Client) -> None:
    body = b'{"type": "Person", "first_name": "Form"}'
    for headers in ({}, {"Content-Type": "application/x-www-form-urlencoded"}):
        response = admin.post("/contacts", content=body, headers=headers)
        assert response.status_code == 415
        assert "Content-Type" in response.json()["error"]
    assert admin.put("/contacts/1", content=b'{"last_name": "X"}').status_code == 415
    assert admin.get("/contacts/1").json()["last_name"] == "Jones"
    charset = {"Content-Type": "application/json; charset=utf-8"}
    assert admin.post("/contacts", content=body, headers=charset).status_code == 201


# -- routing and errors ---------------------------------------------------------------------


def test_unsupported_method_is_405_with_allow(admin: httpx.Client) -> None:
    response = admin.patch("/contacts/1", json={}, headers=JSON)
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, POST, PUT"
    assert response.json() == {"error": "Method not allowed"}
    assert admin.delete("/contacts").headers["allow"] == "GET, POST"


def test_unknown_path_is_404_in_the_vendor_shape(admin: httpx.Client) -> None:
    response = admin.get("/deals")
    assert response.status_code == 404
    assert response.json() == {"error": "Not found"}


def test_format_suffix_is_not_a_route(admin: httpx.Client) -> None:
    # The fact sheet documents only unsuffixed paths; `.json` is not routed.
    assert admin.get("/contacts.json").status_code == 404
    assert admin.get("/contacts/1.json").status_code == 404


def test_trailing_slash_routes_like_rails(admin: httpx.Client) -> None:
    assert ids(admin.get("/contacts/")) == [1, 2, 3, 4, 5]


def test_passwords_never_reach_the_request_log(
    bantam_live_mock: RunningMock, admin: httpx.Client
) -> None:
    admin.get("/contacts")
    logged = json.dumps(bantam_live_mock.requests())
    assert bantam_live_mock.credentials["admin"]["password"] not in logged
    assert bantam_live_mock.requests()[-1]["headers"]["authorization"] == "[redacted]"


# -- §4: the RSS activity stream ------------------------------------------------------------


def test_feed_requires_basic_auth(bantam_live_mock: RunningMock) -> None:
    response = httpx.get(bantam_live_mock.url + FEED)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="Application"'
    bad = httpx.get(bantam_live_mock.url + FEED, auth=("me@example.com", "wrong"))
    assert bad.status_code == 401


def test_feed_lists_the_actions_taken_newest_first(
    bantam_live_mock: RunningMock, admin: httpx.Client, user: httpx.Client
) -> None:
    assert read_feed(bantam_live_mock).entries == []
    tom = create(admin, type="Person", first_name="Tom", last_name="Jones")
    admin.post(f"/contacts/{tom['id']}", json={"last_name": "McJones"}, headers=JSON)
    user.put("/contacts/4", json={"tag_names": "won"}, headers=JSON)
    admin.delete(f"/contacts/{tom['id']}")
    entries = read_feed(bantam_live_mock).entries
    assert [(e.title, [t.term for t in e.tags]) for e in entries] == [
        ("Demo Admin deleted Tom McJones", ["deleted"]),
        ("Demo User updated Sam Seller", ["updated"]),
        ("Demo Admin updated Tom McJones", ["updated"]),
        ("Demo Admin created Tom Jones", ["created"]),
    ]
    assert [e.author_detail.email for e in entries] == [
        "me@example.com",
        "user@example.com",
        "me@example.com",
        "me@example.com",
    ]
    assert "changed last_name" in entries[2].description
    assert entries[1].link == f"{bantam_live_mock.api_url}/contacts/4"
    assert entries[0].link == f"{bantam_live_mock.api_url}/contacts"  # gone: the list instead
    assert len({e.id for e in entries}) == 4
    published = [parsedate_to_datetime(e.published) for e in entries]
    assert published == sorted(published, reverse=True)
    assert published[0].year == int(tom["created_at"][:4])


def test_feed_hides_activity_on_private_contacts_of_others(
    bantam_live_mock: RunningMock, admin: httpx.Client, user: httpx.Client
) -> None:
    admin.put("/contacts/3", json={"tag_names": "secret"}, headers=JSON)  # admin's private
    user.put("/contacts/5", json={"tag_names": "mine"}, headers=JSON)  # user's private
    admin.put("/contacts/1", json={"tag_names": "public"}, headers=JSON)
    user_titles = [e.title for e in read_feed(bantam_live_mock, "user").entries]
    assert user_titles == ["Demo Admin updated Tom Jones", "Demo User updated Seller Leads Inc"]
    assert len(read_feed(bantam_live_mock, "admin").entries) == 3


def test_feed_is_per_account(
    bantam_live_mock: RunningMock, admin: httpx.Client, other: httpx.Client
) -> None:
    create(admin, type="Person", first_name="Mine")
    create(other, type="Organization", name="Theirs Inc")
    assert [e.title for e in read_feed(bantam_live_mock, "other").entries] == [
        "Other Admin created Theirs Inc"
    ]
    assert read_feed(bantam_live_mock, "other").feed.title == "Your Company: activity stream"


def test_feed_events_live_in_the_store_per_account(
    bantam_live_mock: RunningMock, admin: httpx.Client
) -> None:
    create(admin, type="Person", first_name="Stored")
    events = bantam_live_mock.mock.store.query("myaccount", "activity")
    assert [(e["action"], e["actor_id"], e["contact_name"]) for e in events] == [
        ("created", 1, "Stored")
    ]
    assert bantam_live_mock.mock.store.query("yourcompany", "activity") == []


def test_failed_writes_leave_no_activity(
    bantam_live_mock: RunningMock, admin: httpx.Client, user: httpx.Client
) -> None:
    admin.post("/contacts", json={"first_name": "NoType"}, headers=JSON)
    user.delete("/contacts/1")
    admin.put("/contacts/1", json={"type": "Organization"}, headers=JSON)
    assert read_feed(bantam_live_mock).entries == []


def test_feed_survives_characters_xml_cannot_carry(
    bantam_live_mock: RunningMock, admin: httpx.Client
) -> None:
    created = create(admin, type="Person", first_name="Bell\u0007", last_name="<b>&amp;")
    assert admin.get(f"/contacts/{created['id']}").json()["first_name"] == "Bell\u0007"
    (entry,) = read_feed(bantam_live_mock).entries
    assert entry.title == "Demo Admin created Bell\ufffd <b>&amp;"


def test_feed_limit_option_keeps_the_newest(crm_mock_server: Any) -> None:
    mock = crm_mock_server("bantam-live", feed_limit=2)
    with client(mock) as c:
        for name in ("One", "Two", "Three"):
            create(c, type="Person", first_name=name)
    assert [e.title for e in read_feed(mock).entries] == [
        "Demo Admin created Three",
        "Demo Admin created Two",
    ]


def test_feed_path_option_moves_the_feed(crm_mock_server: Any) -> None:
    mock = crm_mock_server("bantam-live", feed_path="/activity/subscribe.rss")
    assert read_feed(mock, path="/activity/subscribe.rss").entries == []
    creds = mock.credentials["admin"]
    auth = (creds["email"], creds["password"])
    assert httpx.get(mock.url + FEED, auth=auth).status_code == 404


@pytest.mark.parametrize(
    "options",
    [
        {"feed_path": "/api/contacts/feed"},
        {"feed_path": "feed.rss"},
        {"feed_limit": 0},
        {"feed_limit": "x"},
    ],
)
def test_bad_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(OptionError):
        create_vendor(vendor_class("bantam-live"), options=options)
