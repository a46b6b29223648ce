"""The Relenta API v3 mock against the vendor's documented behaviour (fact sheet §9, §10, §11).

Real HTTP on loopback through the `relenta_mock` fixture. The expected payloads below are copied
from the fact sheet's §11 (the doc's own examples), not from the mock's seed module, so a change
to the seed that breaks the doc's examples fails here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from crm_mocks import RunningMock
from crm_mocks.core.app import OptionError, create_vendor
from crm_mocks.relenta import RelentaMock

KEY = "X-Relenta-Department-Key"
DOC_KEY = "8e222f0167df75f78449921176c570ca"  # the key of the doc's curl examples

# -- the doc's examples (fact sheet §11) -------------------------------------------------------

BOND = {
    "id": "33103982", "full_name": "James Bond", "first_name": "James", "last_name": "Bond",
    "dt_created": "2016-01-05T12:03:32Z", "dt_modified": "2016-01-05T14:03:33Z",
    "emails": "james.bond@mi6.gov.uk", "title": None, "company": "British Secret Service",
    "comment": None, "phone": "", "url": "", "fax": "", "messenger": "", "twitter": "",
    "linkedin": "", "facebook": "", "text": "", "address": "", "do_not_mass_email": False,
}  # fmt: skip
EVIL = {
    "id": "33077973", "full_name": "Dr. Evil", "first_name": "Dr.", "last_name": "Evil",
    "dt_created": "2013-07-08T12:38:11Z", "dt_modified": "2016-01-03T00:12:22Z",
    "emails": "ceo@virtucon.biz", "title": "CEO", "company": "Virtucon",
    "comment": "Claims that he's the Princess of Canada.",
    "phone": "800-VIRTUCON7 (toll-free);703-123-4567 (Cell)", "url": "virtucon.biz", "fax": "",
    "messenger": "drevil8387 (Skype)", "twitter": "AbsoluteEvil", "linkedin": "",
    "facebook": "https://www.facebook.com/pages/Dr-Evil/351058975168 (personal)", "text": "",
    "address": "(Secret Lair)\nUnderground in the Nevada desert\r\nSomewhere outside Las Vegas",
    "do_not_mass_email": False, "groups": "Cold;Qualified;Beyond evil;Absolute evil",
    "tags": "Good guys;New tag for evil guys;Very evil", "Occupation": "Evil doctor and a nice guy",
    "T-shirt_size": "XL", "Featured_in": "The Spy Who Shagged Me;Austin Powers 4",
    "Skills": "Startups and Entrepreneurship",
}  # fmt: skip
LUNCH = {
    "id": "33104113", "activity_type": "default", "label": "Lunch", "calendar_id": "1",
    "all_day": True, "dt_created": "2016-01-09T15:05:29Z", "dt_modified": "2016-01-21T16:21:42Z",
    "dt_start": "2016-01-21T19:00:00Z", "dt_end": "2016-01-21T19:00:00Z", "rrule": "",
    "status": "open", "author": "Austin Powers <austin.powers@mi6.gov.uk>",
    "users": "Austin Powers <austin.powers@mi6.gov.uk>",
    "contacts": "Ivana Humpalot <ivana.humpalot@kgb.ru>;Mustafa <assassinmustafa@gmail.com>",
    "subject": "Discuss placement subject", "body": "Discuss placement body",
}  # fmt: skip
LUNCH_EARLIER = {**LUNCH, "id": "33104112", "dt_modified": "2016-01-21T16:18:57Z"}
CUSTOM_FIELDS = [
    {"id": "33078803", "type": "Text", "key": "Occupation", "label": "Occupation",
     "default_value": ""},
    {"id": "33078800", "type": "Single choice", "key": "T-shirt_size", "label": "T-shirt size",
     "default_value": "", "choices": ["S", "M", "L", "XL", "XXL"]},
    {"id": "33078801", "type": "Multiple choice", "key": "Featured_in", "label": "Featured in",
     "default_value": "", "choices": ["International Man of Mystery", "The Spy Who Shagged Me",
                                      "Goldmember", "Austin Powers 4"]},
    {"id": "33101174", "type": "Text", "key": "Hours", "label": "Hours", "default_value": ""},
    {"id": "33101635", "type": "Text", "key": "Skills", "label": "Skills", "default_value": ""},
    {"id": "33102253", "type": "Date", "key": "DOB", "label": "DOB", "default_value": ""},
]  # fmt: skip
# §11's inferred save bodies
CREATE_BODY = {
    "first_name": "Austin", "last_name": "Powers", "emails": "austin.powers@mi6.gov.uk",
    "T-shirt_size": "M",
}  # fmt: skip
UPDATE_BODY = {"id": 33077973, "title": "Supreme Leader"}


# -- helpers ------------------------------------------------------------------------------------


def client(mock: RunningMock, label: str | None) -> httpx.Client:
    headers = {} if label is None else {KEY: mock.credentials[label]["department_key"]}
    return httpx.Client(base_url=mock.api_url, headers=headers, timeout=10)


@pytest.fixture
def demo(relenta_mock: RunningMock) -> Iterator[httpx.Client]:
    with client(relenta_mock, "demo") as c:
        yield c


@pytest.fixture
def other(relenta_mock: RunningMock) -> Iterator[httpx.Client]:
    with client(relenta_mock, "other") as c:
        yield c


@pytest.fixture
def anonymous(relenta_mock: RunningMock) -> Iterator[httpx.Client]:
    with client(relenta_mock, None) as c:
        yield c


def contacts(c: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    r = c.get("/contact.list.json", params=params)
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


def activities(c: httpx.Client) -> list[dict[str, Any]]:
    r = c.get("/activity.list.json")
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


def contact(c: httpx.Client, contact_id: int | str) -> dict[str, Any]:
    found = [x for x in contacts(c) if x["id"] == str(contact_id)]
    assert len(found) == 1, f"contact {contact_id} not listed"
    return found[0]


def save(c: httpx.Client, body: Any, path: str = "/contact.save.json") -> httpx.Response:
    return c.post(path, json=body)


def created_id(r: httpx.Response) -> int:
    assert r.status_code == 200, r.text
    new_id = r.json()["data"]["id"]
    assert isinstance(new_id, int)
    return new_id


def assert_error(r: httpx.Response, status: int) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] is False and body["code"] == status and body["data"] is None
    assert isinstance(body["message"], str) and body["message"]


# -- §11: the doc's examples reproduced ----------------------------------------------------------


def test_contact_list_is_the_docs_example(demo: httpx.Client) -> None:
    r = demo.get("/contact.list.json")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == {"status": True, "code": 200, "data": [BOND, EVIL]}
    assert list(r.json()["data"][1]) == list(EVIL)  # key order as in the doc, custom keys last


def test_activity_list_is_the_docs_example(demo: httpx.Client) -> None:
    r = demo.get("/activity.list.json")
    assert r.json() == {"status": True, "code": 200, "data": [LUNCH, LUNCH_EARLIER]}


def test_custom_field_list_is_the_docs_example(demo: httpx.Client) -> None:
    r = demo.get("/custom_field.list.json")
    assert r.json() == {"status": True, "code": 200, "data": CUSTOM_FIELDS}


def test_docs_curl_example_key_is_the_demo_key(relenta_mock: RunningMock) -> None:
    assert relenta_mock.credentials["demo"]["department_key"] == DOC_KEY


def test_first_save_answers_the_docs_save_example(demo: httpx.Client) -> None:
    r = save(demo, CREATE_BODY)
    assert r.json() == {"status": True, "code": 200, "data": {"id": 33104663}}
    first = contacts(demo)[0]
    assert first["id"] == "33104663" and first["full_name"] == "Austin Powers"
    assert first["T-shirt_size"] == "M" and first["emails"] == "austin.powers@mi6.gov.uk"


def test_docs_update_example_changes_only_the_title(demo: httpx.Client) -> None:
    r = save(demo, UPDATE_BODY)
    assert r.json() == {"status": True, "code": 200, "data": {"id": 33077973}}
    after = contact(demo, 33077973)
    assert after["title"] == "Supreme Leader"
    assert after["dt_modified"] > EVIL["dt_modified"]
    unchanged = {k: v for k, v in EVIL.items() if k not in ("title", "dt_modified")}
    assert {k: after[k] for k in unchanged} == unchanged
    assert len(contacts(demo)) == 2  # an update, not a create


# -- §9.1: the envelope --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/contact.list.json?page=x", None, 400),
        ("POST", "/contact.save.json", {"id": 1, "first_name": "X"}, 404),
        ("POST", "/activity.save.json", {"unknown": 1}, 400),
        ("DELETE", "/contact.list.json", None, 405),
        ("GET", "/contact.delete.json", None, 404),
    ],
)
def test_every_error_uses_the_envelope(
    demo: httpx.Client, method: str, path: str, body: Any, status: int
) -> None:
    assert_error(demo.request(method, path, json=body), status)


def test_every_success_uses_the_envelope(demo: httpx.Client) -> None:
    for r in (
        demo.get("/contact.list.json"),
        demo.get("/activity.list.json"),
        demo.get("/custom_field.list.json"),
        save(demo, {"company": "Virtucon"}),
        save(demo, {"subject": "Call"}, "/activity.save.json"),
    ):
        assert r.status_code == 200
        assert set(r.json()) == {"status", "code", "data"}
        assert r.json()["status"] is True and r.json()["code"] == 200


# -- §2 / §9: authentication --------------------------------------------------------------------

OPERATIONS = [
    ("GET", "/contact.list.json"),
    ("POST", "/contact.save.json"),
    ("POST", "/contact.create.json"),
    ("GET", "/activity.list.json"),
    ("POST", "/activity.save.json"),
    ("GET", "/custom_field.list.json"),
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_missing_department_key_is_401(anonymous: httpx.Client, method: str, path: str) -> None:
    assert_error(anonymous.request(method, path, json={"company": "X"}), 401)


@pytest.mark.parametrize("key", ["wrong", DOC_KEY.upper(), DOC_KEY[:-1], ""])
def test_wrong_department_key_is_401(anonymous: httpx.Client, key: str) -> None:
    r = anonymous.get("/contact.list.json", headers={KEY: key})
    assert_error(r, 401)
    assert DOC_KEY not in r.text


def test_department_keys_never_reach_the_request_log(
    relenta_mock: RunningMock, demo: httpx.Client
) -> None:
    demo.get("/contact.list.json")
    demo.get("/contact.list.json", headers={KEY: "a-wrong-key-123"})
    logged = json.dumps(relenta_mock.requests())
    assert DOC_KEY not in logged and "a-wrong-key-123" not in logged
    assert '"x-relenta-department-key": "[redacted]"' in logged


# -- §5: operations, methods and paths -----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/contact.save.json", "POST"),
        ("GET", "/contact.create.json", "POST"),
        ("GET", "/activity.save.json", "POST"),
        ("POST", "/contact.list.json", "GET"),
        ("PUT", "/activity.list.json", "GET"),
        ("POST", "/custom_field.list.json", "GET"),
        ("DELETE", "/contact.save.json", "POST"),
    ],
)
def test_wrong_method_is_405_with_allow(
    demo: httpx.Client, method: str, path: str, allow: str
) -> None:
    r = demo.request(method, path)
    assert_error(r, 405)
    assert r.headers["allow"] == allow


@pytest.mark.parametrize("path", ["/contact.get.json", "/deal.list.json", "/", "/contacts"])
def test_unknown_operation_is_404(demo: httpx.Client, path: str) -> None:
    assert_error(demo.get(path), 404)


@pytest.mark.parametrize("path", ["/contact.list.xml", "/contact.list", "/activity.save.XML"])
def test_operation_without_json_format_is_400(demo: httpx.Client, path: str) -> None:
    assert_error(demo.get(path), 400)


def test_contact_create_path_creates_and_updates_like_save(demo: httpx.Client) -> None:
    new_id = created_id(save(demo, {"first_name": "Basil"}, "/contact.create.json"))
    assert contact(demo, new_id)["full_name"] == "Basil"
    r = save(demo, {"id": new_id, "last_name": "Exposition"}, "/contact.create.json")
    assert r.json()["data"] == {"id": new_id}
    assert contact(demo, new_id)["full_name"] == "Basil Exposition"
    assert_error(save(demo, {"id": 1, "company": "X"}, "/contact.create.json"), 404)


def test_custom_field_list_takes_no_parameters(demo: httpx.Client) -> None:
    assert_error(demo.get("/custom_field.list.json", params={"page": 1}), 400)


# -- §9.4: ids -----------------------------------------------------------------------------------


def test_list_ids_are_strings_and_save_ids_integers(demo: httpx.Client) -> None:
    contact_id = created_id(save(demo, {"company": "Virtucon"}))
    activity_id = created_id(save(demo, {"subject": "Call"}, "/activity.save.json"))
    assert contacts(demo)[0]["id"] == str(contact_id)
    assert activities(demo)[0]["id"] == str(activity_id)
    listed = demo.get("/custom_field.list.json").json()["data"]
    assert all(isinstance(f["id"], str) for f in listed)


def test_update_accepts_the_id_as_a_string(demo: httpx.Client) -> None:
    r = save(demo, {"id": "33103982", "title": "Commander"})
    assert r.json()["data"] == {"id": 33103982}
    assert contact(demo, 33103982)["title"] == "Commander"


@pytest.mark.parametrize("bad", ["abc", "12a", 1.5, True, None, [1], {"id": 1}, "", " 1"])
def test_malformed_id_is_400(demo: httpx.Client, bad: Any) -> None:
    assert_error(save(demo, {"id": bad, "company": "X"}), 400)
    assert len(contacts(demo)) == 2


@pytest.mark.parametrize("unknown", [0, -5, 99, "33104663", "9" * 30, 2**70])
def test_unknown_id_is_404_and_creates_nothing(demo: httpx.Client, unknown: Any) -> None:
    assert_error(save(demo, {"id": unknown, "company": "X"}), 404)
    assert_error(save(demo, {"id": unknown, "subject": "X"}, "/activity.save.json"), 404)
    assert len(contacts(demo)) == 2 and len(activities(demo)) == 2


# -- §9.5: save creates without id, updates with one --------------------------------------------


def test_create_without_id_stamps_both_dates(demo: httpx.Client) -> None:
    new_id = created_id(save(demo, {"first_name": "Frau", "last_name": "Farbissina"}))
    item = contacts(demo)[0]  # newest first
    assert item["id"] == str(new_id)
    assert item["dt_created"] == item["dt_modified"]
    created = datetime.strptime(item["dt_created"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - created).total_seconds()) < 60
    assert item["title"] is None and item["comment"] is None and item["phone"] == ""
    assert item["do_not_mass_email"] is False
    assert len(contacts(demo)) == 3


def test_update_keeps_absent_keys_and_ignores_read_only_ones(demo: httpx.Client) -> None:
    body = {"id": 33077973, "company": "Virtucon Industries", "dt_created": "1999-01-01T00:00:00Z"}
    assert created_id(save(demo, body)) == 33077973
    after = contact(demo, 33077973)
    assert after["company"] == "Virtucon Industries"
    assert after["dt_created"] == EVIL["dt_created"]
    assert after["phone"] == EVIL["phone"] and after["T-shirt_size"] == "XL"


def test_new_ids_are_unique_across_objects(demo: httpx.Client) -> None:
    ids = [created_id(save(demo, {"company": f"C{i}"})) for i in range(3)]
    ids.append(created_id(save(demo, {"subject": "S"}, "/activity.save.json")))
    assert len(set(ids)) == 4


def test_a_listed_item_saved_back_unchanged_round_trips(demo: httpx.Client) -> None:
    # §7: the save body is "identical to" a list item
    for item in contacts(demo):
        assert created_id(save(demo, item)) == int(item["id"])
    for item in activities(demo):
        assert created_id(save(demo, item, "/activity.save.json")) == int(item["id"])

    def strip(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in i.items() if k != "dt_modified"} for i in items]

    assert strip(contacts(demo)) == strip([BOND, EVIL])
    assert strip(activities(demo)) == strip([LUNCH, LUNCH_EARLIER])


# -- §7: contact field rules ---------------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"title": "CEO"}, {"first_name": "", "company": ""}])
def test_contact_needs_a_name_email_or_company(demo: httpx.Client, body: dict[str, Any]) -> None:
    assert_error(save(demo, body), 400)
    assert len(contacts(demo)) == 2


def test_update_cannot_blank_every_identifying_field(demo: httpx.Client) -> None:
    body = {"id": 33103982, "full_name": "", "emails": "", "company": ""}
    assert_error(save(demo, body), 400)
    assert contact(demo, 33103982)["full_name"] == "James Bond"


def test_full_name_follows_first_and_last_name(demo: httpx.Client) -> None:
    split_id = created_id(save(demo, {"full_name": "Number Two"}))
    item = contact(demo, split_id)
    assert (item["first_name"], item["last_name"]) == ("Number", "Two")
    joined_id = created_id(save(demo, {"first_name": "Scott", "last_name": "Evil"}))
    assert contact(demo, joined_id)["full_name"] == "Scott Evil"
    save(demo, {"id": joined_id, "first_name": "Scotty"})
    assert contact(demo, joined_id)["full_name"] == "Scotty Evil"


@pytest.mark.parametrize(
    "body",
    [
        {"company": 5},
        {"company": None},
        {"company": "X", "phone": ["1", "2"]},
        {"company": "X", "do_not_mass_email": "yes"},
        {"company": "X", "groups": 3},
    ],
)
def test_contact_field_types_are_checked(demo: httpx.Client, body: dict[str, Any]) -> None:
    assert_error(save(demo, body), 400)


def test_title_and_comment_take_null(demo: httpx.Client) -> None:
    save(demo, {"id": 33077973, "title": None, "comment": None})
    item = contact(demo, 33077973)
    assert item["title"] is None and item["comment"] is None


def test_do_no_mass_email_is_an_alias(demo: httpx.Client) -> None:
    # §10 #1: the table's spelling is accepted, the examples' spelling is what comes back
    new_id = created_id(save(demo, {"company": "Virtucon", "do_no_mass_email": True}))
    item = contact(demo, new_id)
    assert item["do_not_mass_email"] is True and "do_no_mass_email" not in item
    # both spellings sent: the one the vendor's output uses wins
    both = created_id(
        save(demo, {"company": "X", "do_no_mass_email": True, "do_not_mass_email": False})
    )
    assert contact(demo, both)["do_not_mass_email"] is False


def test_unknown_contact_key_is_400(demo: httpx.Client) -> None:
    assert_error(save(demo, {"company": "X", "nickname": "Mini-Me"}), 400)
    assert_error(save(demo, {"company": "X", "T-shirt size": "M"}), 400)  # a label, not a key
    assert len(contacts(demo)) == 2


# -- §9.2 / §9.3: flat objects, `;`-joined values, absent keys ----------------------------------


def test_empty_groups_tags_and_custom_values_are_absent(demo: httpx.Client) -> None:
    new_id = created_id(save(demo, {"company": "X", "groups": "", "tags": "", "Occupation": ""}))
    item = contact(demo, new_id)
    assert not {"groups", "tags", "Occupation", "T-shirt_size"} & set(item)
    save(demo, {"id": new_id, "groups": "Cold", "tags": "Henchmen", "Occupation": "Henchman"})
    item = contact(demo, new_id)
    assert (item["groups"], item["tags"], item["Occupation"]) == ("Cold", "Henchmen", "Henchman")


def test_an_empty_value_clears_a_custom_field(demo: httpx.Client) -> None:
    save(demo, {"id": 33077973, "Skills": "", "Featured_in": None})
    item = contact(demo, 33077973)
    assert "Skills" not in item and "Featured_in" not in item
    assert item["Occupation"] == EVIL["Occupation"]


def test_name_lists_are_semicolon_joined(demo: httpx.Client) -> None:
    new_id = created_id(
        save(demo, {"company": "X", "groups": "Cold; Qualified;;Cold", "tags": "a"})
    )
    assert contact(demo, new_id)["groups"] == "Cold;Qualified"


def test_labelled_multi_values_are_kept_verbatim(demo: httpx.Client) -> None:
    phone = "800-VIRTUCON7 (toll-free);703-123-4567 (Cell)"
    address = "(Lair)\nLine two\r\nLine three"
    new_id = created_id(save(demo, {"company": "X", "phone": phone, "address": address}))
    item = contact(demo, new_id)
    assert (item["phone"], item["address"]) == (phone, address)


# -- §6.3 / §7: custom-field values against their definitions ----------------------------------


@pytest.mark.parametrize("size", ["S", "XXL"])
def test_single_choice_takes_a_listed_choice(demo: httpx.Client, size: str) -> None:
    new_id = created_id(save(demo, {"company": "X", "T-shirt_size": size}))
    assert contact(demo, new_id)["T-shirt_size"] == size


@pytest.mark.parametrize("size", ["XXXL", "m", "S;M", " M", 3])
def test_single_choice_rejects_anything_else(demo: httpx.Client, size: Any) -> None:
    assert_error(save(demo, {"company": "X", "T-shirt_size": size}), 400)


def test_multiple_choice_is_semicolon_joined_choices(demo: httpx.Client) -> None:
    value = "Goldmember; International Man of Mystery"
    new_id = created_id(save(demo, {"company": "X", "Featured_in": value}))
    assert contact(demo, new_id)["Featured_in"] == "Goldmember;International Man of Mystery"


@pytest.mark.parametrize("value", ["Goldmember;Moonraker", "Moonraker", ";", ["Goldmember"]])
def test_multiple_choice_rejects_an_unlisted_item(demo: httpx.Client, value: Any) -> None:
    assert_error(save(demo, {"company": "X", "Featured_in": value}), 400)


def test_date_custom_field_takes_iso_dates(demo: httpx.Client) -> None:
    new_id = created_id(save(demo, {"company": "X", "DOB": "1962-05-19"}))
    assert contact(demo, new_id)["DOB"] == "1962-05-19"
    for bad in ("19/05/1962", "1962-02-30", "yesterday"):
        assert_error(save(demo, {"company": "X", "DOB": bad}), 400)


def test_text_custom_fields_take_any_string_but_not_other_types(demo: httpx.Client) -> None:
    new_id = created_id(save(demo, {"company": "X", "Hours": "9-5 (weekdays)"}))
    assert contact(demo, new_id)["Hours"] == "9-5 (weekdays)"
    assert_error(save(demo, {"company": "X", "Hours": 40}), 400)


def test_custom_values_come_back_in_definition_order(demo: httpx.Client) -> None:
    body = {"company": "X", "DOB": "1962-05-19", "Skills": "Lasers", "Occupation": "Evil"}
    item = contact(demo, created_id(save(demo, body)))
    assert [k for k in item if k in ("Occupation", "Skills", "DOB")] == [
        "Occupation",
        "Skills",
        "DOB",
    ]


def test_a_rejected_update_changes_nothing(demo: httpx.Client) -> None:
    assert_error(
        save(demo, {"id": 33077973, "title": "Supreme Leader", "T-shirt_size": "XXXL"}), 400
    )
    assert contact(demo, 33077973) == EVIL


# -- §6.2 / §7: activities -----------------------------------------------------------------------


def test_activity_create_fills_the_docs_defaults(demo: httpx.Client) -> None:
    new_id = created_id(save(demo, {"subject": "Call Number Two"}, "/activity.save.json"))
    item = activities(demo)[0]
    assert item["id"] == str(new_id)
    assert (item["activity_type"], item["status"], item["calendar_id"]) == ("default", "open", "1")
    assert item["all_day"] is False and item["rrule"] == "" and item["body"] == ""
    assert item["dt_created"] == item["dt_modified"] == item["dt_start"] == item["dt_end"]


def test_activity_update_is_partial(demo: httpx.Client) -> None:
    r = save(demo, {"id": "33104113", "status": "done", "label": "Dinner"}, "/activity.save.json")
    assert r.json()["data"] == {"id": 33104113}
    item = activities(demo)[0]
    assert (item["status"], item["label"], item["subject"]) == ("done", "Dinner", LUNCH["subject"])
    assert item["dt_created"] == LUNCH["dt_created"] and item["dt_modified"] > LUNCH["dt_modified"]


def test_activity_needs_a_subject(demo: httpx.Client) -> None:
    assert_error(save(demo, {"label": "Lunch"}, "/activity.save.json"), 400)
    assert_error(save(demo, {"id": 33104113, "subject": " "}, "/activity.save.json"), 400)
    assert activities(demo) == [LUNCH, LUNCH_EARLIER]


def test_activity_times_are_iso_8601_stored_in_utc(demo: httpx.Client) -> None:
    body = {"subject": "Lunch", "dt_start": "2016-01-21T21:00:00+02:00"}
    created_id(save(demo, body, "/activity.save.json"))
    item = activities(demo)[0]
    assert item["dt_start"] == item["dt_end"] == "2016-01-21T19:00:00Z"


@pytest.mark.parametrize(
    "body",
    [
        {"subject": "S", "dt_start": "tomorrow"},
        {"subject": "S", "dt_start": "2016-01-21"},
        {"subject": "S", "dt_end": "2016-02-30T10:00:00Z"},
        {"subject": "S", "dt_start": "2016-01-21T19:00:00"},  # no zone
        {"subject": "S", "all_day": "yes"},
        {"subject": "S", "calendar_id": 1},
        {"subject": "S", "priority": "high"},  # not an activity field
    ],
)
def test_activity_fields_are_checked(demo: httpx.Client, body: dict[str, Any]) -> None:
    assert_error(save(demo, body, "/activity.save.json"), 400)
    assert len(activities(demo)) == 2


# -- §9.7: department isolation -----------------------------------------------------------------


def test_departments_never_see_each_others_records(demo: httpx.Client, other: httpx.Client) -> None:
    other_ids = {c["id"] for c in contacts(other)} | {a["id"] for a in activities(other)}
    demo_ids = {c["id"] for c in contacts(demo)} | {a["id"] for a in activities(demo)}
    assert other_ids and not other_ids & demo_ids
    new_id = created_id(save(demo, {"company": "Virtucon"}))
    assert str(new_id) not in {c["id"] for c in contacts(other)}
    activity_id = created_id(save(other, {"subject": "Support call"}, "/activity.save.json"))
    assert str(activity_id) not in {a["id"] for a in activities(demo)}


def test_a_department_cannot_update_anothers_records(
    demo: httpx.Client, other: httpx.Client
) -> None:
    assert_error(save(other, {"id": 33077973, "title": "Hijacked"}), 404)
    assert_error(save(other, {"id": 33104113, "subject": "Hijacked"}, "/activity.save.json"), 404)
    assert contact(demo, 33077973) == EVIL
    felix = contacts(other)[0]
    assert_error(save(demo, {"id": felix["id"], "title": "Hijacked"}), 404)
    assert contacts(other)[0] == felix


def test_each_department_has_its_own_custom_field_definitions(
    demo: httpx.Client, other: httpx.Client
) -> None:
    mine = demo.get("/custom_field.list.json").json()["data"]
    theirs = other.get("/custom_field.list.json").json()["data"]
    assert [f["key"] for f in theirs] == [f["key"] for f in mine]
    assert not {f["id"] for f in theirs} & {f["id"] for f in mine}


# -- §9.8: plan limit ---------------------------------------------------------------------------


def test_contact_limit_answers_401_on_create_only(crm_mock_server: Any) -> None:
    running = crm_mock_server("relenta", contact_limit=3)
    running.reset()
    with client(running, "demo") as demo, client(running, "other") as other:
        created_id(save(demo, {"company": "Third"}))  # 2 seeded + 1 = the limit
        r = save(demo, {"company": "Fourth"})
        assert_error(r, 401)
        assert "3" in r.json()["message"]
        assert_error(save(demo, {"company": "Fourth"}, "/contact.create.json"), 401)
        assert len(contacts(demo)) == 3
        assert created_id(save(demo, {"id": 33077973, "title": "Still editable"})) == 33077973
        created_id(save(demo, {"subject": "Activities are not limited"}, "/activity.save.json"))
        created_id(save(other, {"company": "Other dept"}))  # the limit is per department


def test_default_contact_limit_is_generous(relenta_mock: RunningMock) -> None:
    assert isinstance(relenta_mock.mock, RelentaMock)
    assert relenta_mock.mock.contact_limit >= 10_000
    assert "contact_limit" in RelentaMock.option_names


@pytest.mark.parametrize("limit", [-1, "many", True])
def test_bad_contact_limit_option_is_refused(limit: Any) -> None:
    with pytest.raises(OptionError):
        create_vendor(RelentaMock, options={"contact_limit": limit})


# -- §9.9 / §3: request bodies -------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", [None, "application/x-www-form-urlencoded", "text/plain", "application/json"]
)
def test_json_body_is_read_whatever_the_content_type(
    demo: httpx.Client, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    r = demo.post("/contact.save.json", content=json.dumps(CREATE_BODY), headers=headers)
    assert contact(demo, created_id(r))["full_name"] == "Austin Powers"


def test_form_fields_are_read_when_the_body_is_not_json(demo: httpx.Client) -> None:
    form = {"first_name": "Basil", "last_name": "Exposition", "do_not_mass_email": "true"}
    item = contact(demo, created_id(demo.post("/contact.save.json", data=form)))
    assert item["full_name"] == "Basil Exposition" and item["do_not_mass_email"] is True
    r = demo.post("/activity.save.json", data={"subject": "Briefing", "all_day": "1"})
    assert activities(demo)[0]["id"] == str(created_id(r))
    assert activities(demo)[0]["all_day"] is True


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"", None),
        (b"   ", "application/json"),
        (b'{"company": "X"', None),
        (b"company=X", "application/json"),  # declared JSON: no form fallback
        (b"[1, 2]", None),
        (b'"company"', "application/json"),
        (b"not a form", None),
        (b'{"company": NaN}', None),
        (b'{"company": "\\ud800"}', None),  # a lone surrogate could not be sent back
        (b"[" * 100_000 + b"]" * 100_000, None),
        (b"\xff\xfe", None),
    ],
)
def test_unusable_body_is_400_and_stores_nothing(
    demo: httpx.Client, content: bytes, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    assert_error(demo.post("/contact.save.json", content=content, headers=headers), 400)
    assert len(contacts(demo)) == 2


# -- §5: pagination -----------------------------------------------------------------------------


def test_pages_slice_the_newest_first_list(demo: httpx.Client) -> None:
    new = [str(created_id(save(demo, {"company": f"C{i}"}))) for i in range(3)]
    everything = [c["id"] for c in contacts(demo)]
    assert everything == [*reversed(new), BOND["id"], EVIL["id"]]
    pages = [[c["id"] for c in contacts(demo, page=p, page_size=2)] for p in (1, 2, 3)]
    assert pages == [everything[0:2], everything[2:4], everything[4:5]]
    assert contacts(demo, page=4, page_size=2) == []
    assert contacts(demo, page=10**25) == []
    assert [c["id"] for c in contacts(demo, page_size=500)] == everything


def test_activity_pages(demo: httpx.Client) -> None:
    r = demo.get("/activity.list.json", params={"page": 2, "page_size": 1})
    assert r.json()["data"] == [LUNCH_EARLIER]


@pytest.mark.parametrize("name", ["page", "page_size"])
@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "", " 1", "+1", "１"])
def test_bad_page_parameters_are_400(demo: httpx.Client, name: str, value: str) -> None:
    assert_error(demo.get("/contact.list.json", params={name: value}), 400)
    assert_error(demo.get("/activity.list.json", params={name: value}), 400)


def test_page_size_is_capped_at_500(demo: httpx.Client) -> None:
    assert_error(demo.get("/contact.list.json", params={"page_size": 501}), 400)
