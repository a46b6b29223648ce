"""The generated Clevertim client (generated/clevertim-client) against the Clevertim mock.

Every call goes over real HTTP on loopback: `connect(token, base_url=mock.api_url)` and the
typed operations of `clevertim_client.api`. Errors are read the way the client exposes them:
`sync_detailed(...)` -> `status_code` and the parsed `Error` model.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from clevertim_client import Client, connect
from clevertim_client.api.cases import create_case, delete_case, get_case, list_cases, update_case
from clevertim_client.api.comments import (
    create_comment,
    delete_comment,
    get_comment,
    list_comments,
    update_comment,
)
from clevertim_client.api.companies import (
    create_company,
    delete_company,
    get_company,
    list_companies,
    update_company,
)
from clevertim_client.api.contacts import (
    create_contact,
    delete_contact,
    get_contact,
    list_contacts,
    update_contact,
)
from clevertim_client.api.custom_fields import (
    create_custom_field,
    delete_custom_field,
    get_custom_field,
    list_custom_fields,
    update_custom_field,
)
from clevertim_client.api.files import create_file, delete_file, get_file, list_files, update_file
from clevertim_client.api.folders import (
    create_folder,
    delete_folder,
    get_folder,
    list_folders,
    update_folder,
)
from clevertim_client.api.groups import list_groups
from clevertim_client.api.linked_files import (
    create_linked_file,
    delete_linked_file,
    get_linked_file,
    list_linked_files,
    update_linked_file,
)
from clevertim_client.api.notes import create_note, delete_note, get_note, list_notes, update_note
from clevertim_client.api.opportunities import (
    create_opportunity,
    delete_opportunity,
    get_opportunity,
    list_opportunities,
    update_opportunity,
)
from clevertim_client.api.tasks import create_task, delete_task, get_task, list_tasks, update_task
from clevertim_client.api.users import list_users
from clevertim_client.models import (
    CaseCreate,
    CaseEnvelope,
    CaseInput,
    CommentCreate,
    CommentEnvelope,
    CompanyCreate,
    CompanyEnvelope,
    CompanyInput,
    ContactCreate,
    ContactEnvelope,
    ContactInput,
    CustomFieldCreate,
    CustomFieldEnvelope,
    CustomFieldInput,
    Error,
    FileCreate,
    FileEnvelope,
    FileInput,
    FolderCreate,
    FolderEnvelope,
    FolderInput,
    GroupEnvelope,
    LinkedFileCreate,
    LinkedFileEnvelope,
    LinkedFileInput,
    NoteCreate,
    NoteEnvelope,
    NoteInput,
    OkStatus,
    OpportunityCreate,
    OpportunityEnvelope,
    OpportunityInput,
    TaskCreate,
    TaskEnvelope,
    TaskInput,
    UserEnvelope,
)

from crm_mocks import RunningMock

# -- full CRUD, one table row per resource ----------------------------------------------------


def _note_parent(client: Client) -> CommentCreate:
    """A comment needs a parent: create a note first, then comment on it."""
    note = create_note.sync_detailed(client=client, body=NoteCreate(desc="Parent note"))
    assert note.status_code == 200, note.content
    assert isinstance(note.parsed, NoteEnvelope)
    return CommentCreate(comment="New comment", nid=note.parsed.content[0].id)


@dataclass(frozen=True)
class Crud:
    path: str  # the collection's path under /api
    envelope: type
    create: ModuleType
    get: ModuleType
    list: ModuleType
    update: ModuleType
    delete: ModuleType
    new: Callable[[Client], Any]  # the create body (may create a parent first)
    field: str  # the attribute the update changes
    before: Any
    after: Any
    change: Any  # the update body; None: PUT is the documented 501
    kept: tuple[str, Any] | None  # an attribute the (merging) update must leave alone


CRUDS = [
    Crud(
        "contact", ContactEnvelope,
        create_contact, get_contact, list_contacts, update_contact, delete_contact,
        lambda _: ContactCreate(fn="Mike", ln="Speranza", title="CTO"),
        "fn", "Mike", "John", ContactInput(fn="John"), ("ln", "Speranza"),
    ),
    Crud(
        "company", CompanyEnvelope,
        create_company, get_company, list_companies, update_company, delete_company,
        lambda _: CompanyCreate(cn="My Ltd.", city="London"),
        "cn", "My Ltd.", "MyLtd.", CompanyInput(cn="MyLtd."), ("city", "London"),
    ),
    Crud(
        "case", CaseEnvelope,
        create_case, get_case, list_cases, update_case, delete_case,
        lambda _: CaseCreate(name="New case", description="Printer keeps jamming"),
        "name", "New case", "New case 2", CaseInput(name="New case 2"),
        ("description", "Printer keeps jamming"),
    ),
    Crud(
        "opportunity", OpportunityEnvelope,
        create_opportunity, get_opportunity, list_opportunities, update_opportunity,
        delete_opportunity,
        lambda _: OpportunityCreate(name="Sell more", value="1000.50", currency="GBP"),
        "name", "Sell more", "Sell much more", OpportunityInput(name="Sell much more"),
        ("value", "1000.50"),
    ),
    Crud(
        "task", TaskEnvelope,
        create_task, get_task, list_tasks, update_task, delete_task,
        lambda _: TaskCreate(name="New task", location="Bromley"),
        "name", "New task", "New task 2", TaskInput(name="New task 2"), ("location", "Bromley"),
    ),
    Crud(
        "note", NoteEnvelope,
        create_note, get_note, list_notes, update_note, delete_note,
        lambda _: NoteCreate(desc="This is a note"),
        "desc", "This is a note", "Another note", NoteInput(desc="Another note"), ("type_", "N"),
    ),
    Crud(
        "comment", CommentEnvelope,
        create_comment, get_comment, list_comments, update_comment, delete_comment,
        _note_parent,
        "comment", "New comment", "New comment", None, None,
    ),
    Crud(
        "customfield", CustomFieldEnvelope,
        create_custom_field, get_custom_field, list_custom_fields, update_custom_field,
        delete_custom_field,
        lambda _: CustomFieldCreate(name="Deadline", elem_type="date", model_type=["cases"]),
        "name", "Deadline", "Due date", CustomFieldInput(name="Due date"), ("elem_type", "date"),
    ),
]  # fmt: skip


@pytest.mark.parametrize("crud", CRUDS, ids=lambda crud: crud.path)
def test_full_crud(
    clevertim_mock: RunningMock, connect_client: Callable[..., Client], crud: Crud
) -> None:
    client = connect_client(clevertim_mock, "demo")
    body = crud.new(client)
    first_request = len(clevertim_mock.requests())

    created = crud.create.sync_detailed(client=client, body=body)
    assert created.status_code == 200, created.content
    assert isinstance(created.parsed, crud.envelope)
    assert created.parsed.status == "OK"
    [item] = created.parsed.content
    assert getattr(item, crud.field) == crud.before
    item_id = item.id

    got = crud.get.sync_detailed(item_id, client=client)
    assert got.status_code == 200
    assert isinstance(got.parsed, crud.envelope)
    assert [(i.id, getattr(i, crud.field)) for i in got.parsed.content] == [(item_id, crud.before)]

    listed = crud.list.sync_detailed(client=client)
    assert listed.status_code == 200
    assert isinstance(listed.parsed, crud.envelope)
    assert item_id in [i.id for i in listed.parsed.content]

    if crud.change is None:  # comments: PUT is documented as not supported
        refused = update_comment.sync_detailed(item_id, client=client)
        assert refused.status_code == 501
        assert isinstance(refused.parsed, Error)
        assert refused.parsed.status == "ERROR"
    else:
        updated = crud.update.sync_detailed(item_id, client=client, body=crud.change)
        assert updated.status_code == 200, updated.content
        assert isinstance(updated.parsed, crud.envelope)
        [changed] = updated.parsed.content
        assert (changed.id, getattr(changed, crud.field)) == (item_id, crud.after)
    reread = crud.get.sync_detailed(item_id, client=client)
    assert isinstance(reread.parsed, crud.envelope)
    [current] = reread.parsed.content
    assert getattr(current, crud.field) == crud.after
    if crud.kept is not None:  # PUT merges: keys not sent keep their values
        name, value = crud.kept
        assert getattr(current, name) == value

    deleted = crud.delete.sync_detailed(item_id, client=client)
    assert deleted.status_code == 200
    assert isinstance(deleted.parsed, OkStatus)
    assert deleted.parsed.status == "OK"

    gone = crud.get.sync_detailed(item_id, client=client)
    assert gone.status_code == 404
    assert isinstance(gone.parsed, Error)
    assert gone.parsed.status == "ERROR" and gone.parsed.error
    after_delete = crud.list.sync_detailed(client=client)
    assert isinstance(after_delete.parsed, crud.envelope)
    assert item_id not in [i.id for i in after_delete.parsed.content]

    # what went over the wire, as the mock saw it
    item_path = f"/api/{crud.path}/{item_id}"
    seen = [(r["method"], r["path"], r["status"]) for r in clevertim_mock.requests()]
    assert seen[first_request:] == [
        ("POST", f"/api/{crud.path}", 200),
        ("GET", item_path, 200),
        ("GET", f"/api/{crud.path}", 200),
        ("PUT", item_path, 200 if crud.change is not None else 501),
        ("GET", item_path, 200),
        ("DELETE", item_path, 200),
        ("GET", item_path, 404),
        ("GET", f"/api/{crud.path}", 200),
    ]


def test_comment_update_is_501_and_changes_nothing(
    clevertim_mock: RunningMock, connect_client: Callable[..., Client]
) -> None:
    client = connect_client(clevertim_mock, "demo")
    created = create_comment.sync(client=client, body=_note_parent(client))
    assert isinstance(created, CommentEnvelope)
    comment_id = created.content[0].id

    refused = update_comment.sync_detailed(comment_id, client=client)
    assert refused.status_code == 501
    assert isinstance(refused.parsed, Error)
    assert "delete" in refused.parsed.error.lower()

    still = get_comment.sync(comment_id, client=client)
    assert isinstance(still, CommentEnvelope)
    assert still.content[0].comment == "New comment"


# -- users and groups -------------------------------------------------------------------------


def test_list_users(clevertim_mock: RunningMock, connect_client: Callable[..., Client]) -> None:
    response = list_users.sync_detailed(client=connect_client(clevertim_mock, "demo"))
    assert response.status_code == 200
    assert isinstance(response.parsed, UserEnvelope)
    users = {u.id: u for u in response.parsed.content}
    assert sorted(users) == [1, 2]
    owner, readonly = users[1], users[2]
    assert (owner.user, owner.email, owner.is_owner, owner.is_admin) == (
        "Demo Owner",
        "owner@demo.example",
        True,
        True,
    )
    assert sorted(owner.permissions) == ["candelete", "canedit", "canexport"]
    assert (readonly.user, readonly.is_owner, readonly.pending) == ("Read Only", False, False)
    assert readonly.permissions == ["canexport"]

    other = list_users.sync(client=connect_client(clevertim_mock, "other"))
    assert isinstance(other, UserEnvelope)
    assert [(u.id, u.user) for u in other.content] == [(1, "Other Owner")]


def test_list_groups(clevertim_mock: RunningMock, connect_client: Callable[..., Client]) -> None:
    response = list_groups.sync_detailed(client=connect_client(clevertim_mock, "demo"))
    assert response.status_code == 200
    assert isinstance(response.parsed, GroupEnvelope)
    assert sorted((g.id, g.name, g.gid, g.users) for g in response.parsed.content) == [
        (6, "Sales Users", 4, [1]),
        (7, "Support", 8, [2]),
    ]


# -- errors as the client exposes them --------------------------------------------------------


def test_bad_token_is_401(clevertim_mock: RunningMock) -> None:
    with connect("not-a-real-token", base_url=clevertim_mock.api_url) as client:
        listed = list_contacts.sync_detailed(client=client)
        created = create_contact.sync_detailed(client=client, body=ContactCreate(fn="Mike"))
    for response in (listed, created):
        assert response.status_code == 401
        assert isinstance(response.parsed, Error)
        assert response.parsed.status == "ERROR"
        assert response.parsed.error
        assert response.headers["WWW-Authenticate"].startswith("Basic ")


def test_readonly_user_writes_are_403(
    clevertim_mock: RunningMock, connect_client: Callable[..., Client]
) -> None:
    owner = connect_client(clevertim_mock, "demo")
    readonly = connect_client(clevertim_mock, "readonly")
    created = create_contact.sync(client=owner, body=ContactCreate(fn="Mike"))
    assert isinstance(created, ContactEnvelope)
    contact_id = created.content[0].id

    attempts = [
        create_contact.sync_detailed(client=readonly, body=ContactCreate(fn="Eve")),
        update_contact.sync_detailed(contact_id, client=readonly, body=ContactInput(fn="Eve")),
        delete_contact.sync_detailed(contact_id, client=readonly),
    ]
    for response in attempts:
        assert response.status_code == 403
        assert isinstance(response.parsed, Error)
        assert response.parsed.status == "ERROR"
        assert "not allowed" in response.parsed.error

    # reading is still allowed, and nothing changed
    seen = get_contact.sync(contact_id, client=readonly)
    assert isinstance(seen, ContactEnvelope)
    assert seen.content[0].fn == "Mike"
    everyone = list_contacts.sync(client=owner)
    assert isinstance(everyone, ContactEnvelope)
    assert [c.fn for c in everyone.content] == ["Mike"]


def test_unknown_id_is_404(
    clevertim_mock: RunningMock, connect_client: Callable[..., Client]
) -> None:
    client = connect_client(clevertim_mock, "demo")
    company = create_company.sync(client=client, body=CompanyCreate(cn="Busy Bee Ltd."))
    assert isinstance(company, CompanyEnvelope)
    company_id = company.content[0].id
    contact = create_contact.sync(client=client, body=ContactCreate(fn="Mike"))
    assert isinstance(contact, ContactEnvelope)

    attempts = [
        get_contact.sync_detailed(999_999, client=client),
        update_contact.sync_detailed(999_999, client=client, body=ContactInput(fn="John")),
        delete_contact.sync_detailed(999_999, client=client),
        # contacts and companies share one id space, but each endpoint finds only its own kind
        get_contact.sync_detailed(company_id, client=client),
        # another account's user does not see this account's items
        get_contact.sync_detailed(
            contact.content[0].id, client=connect_client(clevertim_mock, "other")
        ),
    ]
    for response in attempts:
        assert response.status_code == 404
        assert isinstance(response.parsed, Error)
        assert response.parsed.status == "ERROR"
        assert response.parsed.error


MISSING_MINIMUM = [
    (create_contact, ContactCreate(title="CTO")),
    (create_company, CompanyCreate(cn="")),
    (create_case, CaseCreate(name="")),
    (create_opportunity, OpportunityCreate(name="")),
    (create_task, TaskCreate(name="")),
    (create_note, NoteCreate(desc="")),
    (create_comment, CommentCreate(comment="")),
    (create_custom_field, CustomFieldCreate(name="", elem_type="date", model_type=["cases"])),
]


@pytest.mark.parametrize(
    ("operation", "body"),
    MISSING_MINIMUM,
    ids=[operation.__name__.rpartition(".")[2] for operation, _ in MISSING_MINIMUM],
)
def test_create_without_minimum_is_400(
    clevertim_mock: RunningMock, connect_client: Callable[..., Client], operation: Any, body: Any
) -> None:
    response = operation.sync_detailed(client=connect_client(clevertim_mock, "demo"), body=body)
    assert response.status_code == 400, response.content
    assert isinstance(response.parsed, Error)
    assert response.parsed.status == "ERROR"
    assert response.parsed.error
    assert [r["status"] for r in clevertim_mock.requests()] == [400]


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_body_that_is_not_json_is_500(
    clevertim_mock: RunningMock, connect_client: Callable[..., Client], method: str
) -> None:
    client = connect_client(clevertim_mock, "demo")
    created = create_contact.sync(client=client, body=ContactCreate(fn="Mike"))
    assert isinstance(created, ContactEnvelope)
    path = "/contact" if method == "POST" else f"/contact/{created.content[0].id}"

    # the typed API always sends valid JSON: go through the client's own httpx client
    response = client.get_httpx_client().request(
        method, path, content=b'{"fn": "John"', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 500
    error = Error.from_dict(response.json())
    assert error.status == "ERROR"
    assert error.error

    unchanged = list_contacts.sync(client=client)
    assert isinstance(unchanged, ContactEnvelope)
    assert [c.fn for c in unchanged.content] == ["Mike"]


# -- wire format ------------------------------------------------------------------------------


def test_sends_http_basic_token_and_x(
    clevertim_mock: RunningMock, connect_client: Callable[..., Client], sent_requests: Any
) -> None:
    token = clevertim_mock.credentials["demo"]["token"]
    client = connect_client(clevertim_mock, "demo", httpx_args=sent_requests.httpx_args)
    assert list_contacts.sync_detailed(client=client).status_code == 200
    create_contact.sync_detailed(client=client, body=ContactCreate(fn="Mike"))

    assert len(sent_requests.requests) == 2
    expected = "Basic " + base64.b64encode(f"{token}:X".encode()).decode()
    for request in sent_requests.requests:
        assert request.headers["Authorization"] == expected
    listing, creation = sent_requests.requests
    assert (listing.method, str(listing.url)) == ("GET", clevertim_mock.api_url + "/contact")
    assert (creation.method, str(creation.url)) == ("POST", clevertim_mock.api_url + "/contact")
    assert creation.headers["Content-Type"] == "application/json"
    # the mock's own log keeps the header, redacted
    assert clevertim_mock.requests()[0]["headers"]["authorization"] == "[redacted]"


def test_token_never_in_repr(clevertim_mock: RunningMock) -> None:
    token = clevertim_mock.credentials["demo"]["token"]
    encoded = base64.b64encode(f"{token}:X".encode()).decode()
    with connect(token, base_url=clevertim_mock.api_url) as client:
        before = repr(client)
        assert list_contacts.sync_detailed(client=client).status_code == 200
        after = repr(client)
    for text in (before, after, str(client)):
        assert token not in text
        assert encoded not in text
    assert clevertim_mock.api_url in before  # the repr is informative, just not secret


def test_default_base_url_is_the_vendor() -> None:
    client = connect("some-token")
    request = client.get_httpx_client().build_request("GET", "/contact")
    assert str(request.url) == "https://www.clevertim.com/api/contact"
    client.get_httpx_client().close()


def test_every_operation_accepts_the_client_connect_returns(
    rejecting_connect: Callable[[str], list[str]],
) -> None:
    """The README's `list_contacts.sync(client=connect(...))` must type-check."""
    rejecting = rejecting_connect("clevertim_client")
    assert not rejecting, f"{len(rejecting)} operations reject connect()'s client: {rejecting}"


# -- files, folders and linked files (x-undocumented: only the Python client shows them) ------


def _in_new_folder(client: Client) -> FileCreate:
    """A file inside a folder: create the folder first (its id is a string like "f1")."""
    folder = create_folder.sync_detailed(client=client, body=FolderCreate(name="Contracts"))
    assert folder.status_code == 200, folder.content
    assert isinstance(folder.parsed, FolderEnvelope)
    return FileCreate(name="offer.pdf", parent_id=folder.parsed.content[0].id)


FILE_CRUDS = [
    Crud(
        "folder", FolderEnvelope,
        create_folder, get_folder, list_folders, update_folder, delete_folder,
        lambda _: FolderCreate(name="Contracts"),
        "name", "Contracts", "Signed", FolderInput(name="Signed"), ("is_dir", True),
    ),
    Crud(
        "file", FileEnvelope,
        create_file, get_file, list_files, update_file, delete_file,
        _in_new_folder,
        "name", "offer.pdf", "offer-signed.pdf", FileInput(name="offer-signed.pdf"),
        ("parent_id", "f1"),
    ),
    Crud(
        "linkedfile", LinkedFileEnvelope,
        create_linked_file, get_linked_file, list_linked_files, update_linked_file,
        delete_linked_file,
        lambda _: LinkedFileCreate(name="Price list"),
        "name", "Price list", "Price list 2026", LinkedFileInput(name="Price list 2026"),
        ("size", 0),
    ),
]  # fmt: skip


@pytest.mark.parametrize("crud", FILE_CRUDS, ids=lambda crud: crud.path)
def test_files_folders_and_linked_files_full_crud(
    clevertim_mock: RunningMock, connect_client: Callable[..., Client], crud: Crud
) -> None:
    test_full_crud(clevertim_mock, connect_client, crud)
