"""The Clevertim mock against the vendor's documented behaviour (fact sheet §10), rule by rule."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from crm_mocks import RunningMock


@pytest.fixture
def api(clevertim_mock: RunningMock) -> Iterator[httpx.Client]:
    token = clevertim_mock.credentials["demo"]["token"]
    with httpx.Client(base_url=clevertim_mock.api_url, auth=(token, "X")) as client:
        yield client


def as_user(mock: RunningMock, label: str) -> httpx.Client:
    return httpx.Client(base_url=mock.api_url, auth=(mock.credentials[label]["token"], "X"))


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "OK" and len(body["content"]) == 1
    item: dict[str, Any] = body["content"][0]
    return item


def error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == "ERROR" and set(body) == {"status", "error"}
    return str(body["error"])


# §10.1 collection vs item reads


def test_collection_returns_every_item_and_item_returns_a_one_element_list(
    api: httpx.Client,
) -> None:
    a = created(api.post("/case", json={"name": "A"}))
    b = created(api.post("/case", json={"name": "B"}))
    listed = api.get("/case").json()
    assert listed["status"] == "OK"
    assert [c["id"] for c in listed["content"]] == [a["id"], b["id"]]
    one = api.get(f"/case/{b['id']}").json()
    assert one == {"status": "OK", "content": [b]}


def test_unknown_id_is_404_with_the_resource_name(api: httpx.Client) -> None:
    assert error(api.get("/opportunity/999"), 404) == "No such opportunity."
    assert error(api.put("/task/0", json={"id": "0"}), 404) == "No such task."
    assert error(api.get("/contact/not-a-number"), 404) == "No such contact."


# §10.2 create


def test_create_returns_the_new_item_with_id_timestamps_and_defaults(api: httpx.Client) -> None:
    task = created(api.post("/task", json={"name": "Call back"}))
    assert isinstance(task["id"], int)
    assert task["ao"].endswith("Z") and task["lm"] == task["ao"]
    assert (
        task
        | {
            "location": "",
            "atype": "Not set",
            "rec": "N",
            "recevery": 1,
            "recopts": {},
            "is_completed": False,
            "is_deleted": False,
        }
        == task
    )
    assert created(api.post("/contact", json={"fn": "Mike"}))["is_company"] is False
    assert created(api.post("/company", json={"cn": "My Ltd."}))["is_company"] is True


# §10.3 update merges


def test_put_changes_only_the_keys_sent_and_ignores_a_body_id(api: httpx.Client) -> None:
    contact = created(api.post("/contact", json={"fn": "John", "ln": "Smith", "title": "CEO"}))
    updated = created(api.put(f"/contact/{contact['id']}", json={"id": 999, "fn": "Johnny"}))
    assert updated["id"] == contact["id"]
    assert (updated["fn"], updated["ln"], updated["title"]) == ("Johnny", "Smith", "CEO")
    assert api.get(f"/contact/{contact['id']}").json()["content"][0]["fn"] == "Johnny"


# §10.4 delete


def test_delete_answers_status_only_and_the_item_is_gone(api: httpx.Client) -> None:
    note = created(api.post("/note", json={"desc": "x"}))
    response = api.request("DELETE", f"/note/{note['id']}", json={"fn": "ignored"})
    assert response.status_code == 200 and response.json() == {"status": "OK"}
    assert error(api.get(f"/note/{note['id']}"), 404) == "No such note."


# §10.5 unparseable JSON is a documented 500


@pytest.mark.parametrize("body", [b"{", b"", b"{'single': 'quotes'}"])
def test_body_that_is_not_json_is_500(api: httpx.Client, body: bytes) -> None:
    assert "cannot be parsed" in error(api.post("/case", content=body), 500)


# §10.6 minimum fields


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/case", {}),
        ("/contact", {"fn": ""}),
        ("/company", {"name": ""}),
        ("/task", {"name": ""}),
        ("/note", {}),
        ("/comment", {}),
        ("/opportunity", {}),
        ("/customfield", {"name": "Deadline", "modelType": ["cases"]}),
        ("/customfield", {"name": "Kind", "elemType": "select", "modelType": ["cases"]}),
        ("/customfield", {"name": "Kind", "elemType": "date", "modelType": []}),
    ],
)
def test_missing_minimum_field_is_400(api: httpx.Client, path: str, body: dict[str, Any]) -> None:
    assert error(api.post(path, json=body), 400)


def test_wrong_types_and_enums_are_400_and_store_nothing(api: httpx.Client) -> None:
    error(api.post("/contact", json={"fn": "A", "ctype": "Z"}), 400)
    error(api.post("/task", json={"name": "A", "atype": "to do"}), 400)  # exact spelling matters
    error(api.post("/contact", json={"fn": 42}), 400)
    assert api.get("/contact").json()["content"] == []


# §10.7 comment update


def test_comment_update_is_501(api: httpx.Client) -> None:
    task = created(api.post("/task", json={"name": "t"}))
    comment = created(api.post("/comment", json={"comment": "hi", "tid": task["id"]}))
    assert error(api.put(f"/comment/{comment['id']}", json={"comment": "x"}), 501)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/contact"),
        ("DELETE", "/case"),
        ("POST", "/task/1"),
        ("POST", "/user"),
        ("PATCH", "/note/1"),
    ],
)
def test_unsupported_operations_are_501(api: httpx.Client, method: str, path: str) -> None:
    assert error(api.request(method, path), 501)


# §10.8 derived read-only lists


def test_children_appear_in_their_parents_read_only_lists(api: httpx.Client) -> None:
    company = created(api.post("/company", json={"cn": "Acme"}))
    case = created(api.post("/case", json={"name": "c", "cust": company["id"]}))
    opp = created(api.post("/opportunity", json={"name": "o", "cust": company["id"]}))
    note = created(api.post("/note", json={"desc": "n", "cust": company["id"], "case": case["id"]}))
    task = created(api.post("/task", json={"name": "t", "cust": company["id"], "opp": opp["id"]}))
    comment = created(api.post("/comment", json={"comment": "c", "nid": note["id"]}))
    parent = api.get(f"/company/{company['id']}").json()["content"][0]
    assert (parent["notes"], parent["tasks"], parent["cases"], parent["opportunities"]) == (
        [note["id"]],
        [task["id"]],
        [case["id"]],
        [opp["id"]],
    )
    assert api.get(f"/case/{case['id']}").json()["content"][0]["notes"] == [note["id"]]
    assert api.get(f"/opportunity/{opp['id']}").json()["content"][0]["tasks"] == [task["id"]]
    assert api.get(f"/note/{note['id']}").json()["content"][0]["comments"] == [comment["id"]]


def test_writes_to_read_only_lists_are_ignored_not_rejected(api: httpx.Client) -> None:
    contact = created(
        api.post("/contact", json={"fn": "A", "notes": [77], "tasks": [5], "userId": 9})
    )
    assert contact["notes"] == [] and contact["tasks"] == [] and "userId" not in contact


# §10.9 one id sequence for contacts and companies


def test_contacts_and_companies_share_ids_but_not_paths(api: httpx.Client) -> None:
    contact = created(api.post("/contact", json={"fn": "A"}))
    company = created(api.post("/company", json={"cn": "B"}))
    assert company["id"] == contact["id"] + 1
    assert error(api.get(f"/contact/{company['id']}"), 404) == "No such contact."
    assert error(api.get(f"/company/{contact['id']}"), 404) == "No such company."


# §10.10 visibility and rights


def test_private_items_are_visible_to_their_owner_only(
    clevertim_mock: RunningMock, api: httpx.Client
) -> None:
    mine = created(api.post("/case", json={"name": "secret", "is_private": True}))
    public = created(api.post("/case", json={"name": "open"}))
    with as_user(clevertim_mock, "readonly") as other:
        assert [c["id"] for c in other.get("/case").json()["content"]] == [public["id"]]
        assert error(other.get(f"/case/{mine['id']}"), 404)


def test_the_account_owner_sees_items_private_to_another_user(api: httpx.Client) -> None:
    theirs = created(api.post("/case", json={"name": "p", "is_private": True, "puser": 2}))
    assert api.get(f"/case/{theirs['id']}").status_code == 200


def test_group_items_need_a_shared_group(clevertim_mock: RunningMock, api: httpx.Client) -> None:
    support_only = created(api.post("/case", json={"name": "s", "gid": 8}))
    sales_only = created(api.post("/case", json={"name": "s", "gid": 4}))
    with as_user(clevertim_mock, "readonly") as member_of_support:
        assert [c["id"] for c in member_of_support.get("/case").json()["content"]] == [
            support_only["id"]
        ]
        assert error(member_of_support.get(f"/case/{sales_only['id']}"), 404)


def test_read_only_user_can_read_but_not_write(
    clevertim_mock: RunningMock, api: httpx.Client
) -> None:
    case = created(api.post("/case", json={"name": "c"}))
    with as_user(clevertim_mock, "readonly") as reader:
        assert reader.get(f"/case/{case['id']}").status_code == 200
        assert error(reader.post("/case", json={"name": "x"}), 403)
        assert error(reader.put(f"/case/{case['id']}", json={"name": "x"}), 403)
        assert error(reader.delete(f"/case/{case['id']}"), 403)
    assert api.get(f"/case/{case['id']}").json()["content"][0]["name"] == "c"


def test_accounts_never_see_each_others_data(
    clevertim_mock: RunningMock, api: httpx.Client
) -> None:
    case = created(api.post("/case", json={"name": "ours"}))
    with as_user(clevertim_mock, "other") as stranger:
        assert stranger.get("/case").json()["content"] == []
        assert error(stranger.get(f"/case/{case['id']}"), 404)
        assert error(stranger.delete(f"/case/{case['id']}"), 404)
    assert api.get(f"/case/{case['id']}").status_code == 200


@pytest.mark.parametrize("auth", [None, ("wrong-token", "X")])
def test_missing_or_bad_token_is_401_with_a_basic_challenge(
    clevertim_mock: RunningMock, auth: tuple[str, str] | None
) -> None:
    response = httpx.get(clevertim_mock.api_url + "/contact", auth=auth)
    assert error(response, 401)
    assert response.headers["www-authenticate"] == 'Basic realm="Clevertim"'


def test_password_is_ignored(clevertim_mock: RunningMock) -> None:
    token = clevertim_mock.credentials["demo"]["token"]
    assert (
        httpx.get(clevertim_mock.api_url + "/contact", auth=(token, "anything")).status_code == 200
    )


# §10.11 lenient input observed live


def test_numeric_strings_and_blanks_are_coerced_like_the_live_api(api: httpx.Client) -> None:
    contact = created(api.post("/contact", json={"fn": "A"}))
    task = created(
        api.post(
            "/task",
            json={
                "name": "t",
                "location": "",
                "case": "",
                "cust": "",
                "aUserId": "",
                "atype": "",
                "opp": "",
            },
        )
    )
    assert task["atype"] == "Not set" and "cust" not in task and "case" not in task
    note = created(api.post("/note", json={"desc": "n", "cust": str(contact["id"])}))
    assert note["cust"] == [contact["id"]]


def test_task_accepts_opportunity_as_an_alias_of_opp(api: httpx.Client) -> None:
    opp = created(api.post("/opportunity", json={"name": "o"}))
    task = created(api.post("/task", json={"name": "t", "opportunity": opp["id"]}))
    assert task["opp"] == opp["id"] and "opportunity" not in task


# §10.12 custom field values (inferred validation)


def test_custom_field_values_are_checked_against_their_definitions(api: httpx.Client) -> None:
    kind = created(
        api.post(
            "/customfield",
            json={
                "name": "Kind",
                "elemType": "select",
                "modelType": ["customers"],
                "values": ["A", "B"],
            },
        )
    )
    key = str(kind["id"])
    assert created(api.post("/contact", json={"fn": "x", "cf": {key: "A"}}))["cf"] == {key: "A"}
    error(api.post("/contact", json={"fn": "x", "cf": {key: "C"}}), 400)  # not one of values
    error(api.post("/company", json={"cn": "x", "cf": {key: "A"}}), 400)  # not scoped to companies
    error(api.post("/contact", json={"fn": "x", "cf": {"999": "A"}}), 400)  # unknown field


def test_values_exist_only_on_select_fields(api: httpx.Client) -> None:
    date = created(
        api.post(
            "/customfield",
            json={
                "elemType": "date",
                "name": "Deadline",
                "modelType": ["cases"],
                "values": ["X", "Y"],
            },
        )
    )
    assert "values" not in date and date["fullname"] == "Deadline" and date["multiple"] is False


def test_an_update_checks_the_custom_field_values_it_sends_not_those_stored(
    api: httpx.Client,
) -> None:
    """A value stored under a field that was later deleted or rescoped does not block every
    later update of the record; a `cf` the update sends is checked in full."""
    field = created(
        api.post(
            "/customfield",
            json={"name": "Tier", "elemType": "input", "modelType": ["opportunities"]},
        )
    )
    key = str(field["id"])
    opp = created(api.post("/opportunity", json={"name": "o", "cf": {key: "gold"}}))
    assert api.delete(f"/customfield/{key}").status_code == 200
    renamed = created(api.put(f"/opportunity/{opp['id']}", json={"name": "renamed"}))
    assert renamed["name"] == "renamed" and renamed["cf"] == {key: "gold"}
    error(api.put(f"/opportunity/{opp['id']}", json={"cf": {key: "silver"}}), 400)
    assert created(api.put(f"/opportunity/{opp['id']}", json={"cf": {}}))["cf"] == {}


# §10.13 trailing slashes


def test_trailing_slash_is_the_same_path(api: httpx.Client) -> None:
    case = created(api.post("/case/", json={"name": "c"}))
    assert api.get(f"/case/{case['id']}/").json()["content"][0]["id"] == case["id"]


# users and groups (read-only, from the account)


def test_users_and_groups_come_from_the_account(api: httpx.Client) -> None:
    users = api.get("/user").json()["content"]
    assert {u["user"] for u in users} == {"Demo Owner", "Read Only"}
    assert next(u for u in users if u["user"] == "Read Only")["permissions"] == ["canexport"]
    assert {g["gid"] for g in api.get("/group").json()["content"]} == {4, 8}


# secrets and failure safety


def test_request_log_redacts_the_token(clevertim_mock: RunningMock, api: httpx.Client) -> None:
    api.get("/contact")
    logged = clevertim_mock.requests()[-1]
    assert logged["headers"]["authorization"] == "[redacted]"
    assert clevertim_mock.credentials["demo"]["token"] not in str(clevertim_mock.requests())


def test_unknown_paths_answer_in_the_error_envelope(api: httpx.Client) -> None:
    assert error(api.get("/nothing-here"), 404)


# §10.11 leniency where a source shows it, strictness where none does (spec clevertim-10.11)


def test_blank_task_type_means_not_set_but_other_enums_reject_blank(api: httpx.Client) -> None:
    task = created(api.post("/task", json={"name": "Call", "atype": ""}))
    assert task["atype"] == "Not set"
    assert "Enum" not in error(api.post("/contact", json={"fn": "A", "ctype": ""}), 400)
    error(api.post("/task", json={"name": "Call", "rec": ""}), 400)
    error(api.post("/note", json={"desc": "x", "type": ""}), 400)


def test_unknown_keys_inside_phones_and_social_ids_are_ignored(api: httpx.Client) -> None:
    contact = created(
        api.post(
            "/contact",
            json={
                "fn": "Ann",
                "phones": [{"type": "Work", "no": "123", "ext": "9"}],
                "smids": [{"type": "Github", "smid": "ann", "verified": True}],
            },
        )
    )
    assert contact["phones"] == [{"type": "Work", "no": "123"}]
    assert contact["smids"] == [{"type": "Github", "smid": "ann"}]


def test_custom_field_scope_must_not_be_empty(api: httpx.Client) -> None:
    error(api.post("/customfield", json={"name": "T", "elemType": "input", "modelType": []}), 400)


def test_the_live_tested_wso2_payloads_are_taken_and_nothing_looser(api: httpx.Client) -> None:
    contact = created(api.post("/contact", json={"fn": "Ann"}))
    task = created(
        api.post(
            "/task",
            json={"name": "Call", "location": "", "case": "", "cust": "", "aUserId": "",
                  "atype": "", "opp": ""},
        )
    )  # fmt: skip
    assert (task["atype"], task.get("cust"), task.get("case")) == ("Not set", None, None)
    note = created(api.post("/note", json={"desc": "Hi", "cust": str(contact["id"])}))
    assert note["cust"] == [contact["id"]]
    error(api.post("/contact", json={"fn": "Bo", "companyId": "3"}), 400)
    error(api.post("/case", json={"name": "C", "cust": ""}), 400)
    error(api.post("/task", json={"name": "T", "recevery": "2"}), 400)


# §6.11 files, folders and linked files (client-only evidence)


def test_folders_have_string_ids_and_files_sit_in_them(api: httpx.Client) -> None:
    folder = created(api.post("/folder", json={"name": "Contracts", "is_dir": True}))
    assert folder["id"].startswith("f") and folder["is_dir"] is True
    assert folder["parentId"] is None
    sub = created(api.post("/folder", json={"name": "2026", "parentId": folder["id"]}))
    assert api.get(f"/folder/{sub['id']}").json()["content"] == [sub]
    assert [f["id"] for f in api.get("/folder").json()["content"]] == [folder["id"], sub["id"]]
    # a folder's bare number is no folder id
    assert error(api.get(f"/folder/{sub['id'][1:]}"), 404) == "No such folder."
    document = created(api.post("/file", json={"name": "offer.pdf", "parentId": sub["id"]}))
    assert isinstance(document["id"], int)
    renamed = created(api.put(f"/file/{document['id']}", json={"name": "offer-signed.pdf"}))
    assert (renamed["name"], renamed["parentId"]) == ("offer-signed.pdf", sub["id"])
    assert api.delete(f"/folder/{sub['id']}").json() == {"status": "OK"}
    assert error(api.get(f"/folder/{sub['id']}"), 404) == "No such folder."


def test_linked_file_system_fields_are_read_only(api: httpx.Client) -> None:
    body = {"name": "Price list", "sys": "D", "size": 9, "link": "https://x.example/a"}
    linked = created(api.post("/linkedfile", json=body))
    assert (linked["name"], linked["sys"], linked["size"], linked["link"]) == (
        "Price list",
        None,
        0,
        None,
    )
    assert created(api.put(f"/linkedfile/{linked['id']}", json=body))["sys"] is None
    assert error(api.get("/linkedfile/999"), 404) == "No such linkedfile."
    assert error(api.delete("/file/999"), 404) == "No such file."


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/folder", {}),
        ("/file", {"name": ""}),
        ("/linkedfile", {"size": 3}),
        ("/folder", {"name": "A", "parentId": 12}),
        ("/file", {"name": "a.txt", "parentId": "folder-1"}),
    ],
)
def test_files_and_folders_refuse_bad_input(
    api: httpx.Client, path: str, body: dict[str, Any]
) -> None:
    assert error(api.post(path, json=body), 400)
    assert api.get(path).json()["content"] == []


def test_files_and_folders_need_the_token(clevertim_mock: RunningMock) -> None:
    with httpx.Client(base_url=clevertim_mock.api_url) as anonymous:
        for path in ("/folder", "/file", "/linkedfile"):
            assert error(anonymous.get(path), 401)
            assert error(anonymous.post(path, json={"name": "x"}), 401)
