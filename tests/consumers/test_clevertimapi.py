"""Clevertim's own Python client, `clevertimapi` 0.0.1 from PyPI, used against the mock.

Users point it at the mock with `Session(token, endpoint_url=<mock api_url>)`. The client is
used unchanged but for one shim: on Python 3 it formats the *bytes* of its base64 credentials
into the Authorization header (`Basic b'...'`), a Python 2 relic no server accepts;
`decode_basic_auth` makes its base64 call return text. Nothing else is patched.
"""

from __future__ import annotations

import base64
import datetime
from collections.abc import Iterator
from typing import Any

import clevertimapi
import pytest
from clevertimapi import session as clevertim_session
from clevertimapi.contact import PhoneNumber, SocialMediaId
from clevertimapi.customfield import CustomField
from clevertimapi.session import SessionError

from crm_mocks import RunningMock


class _TextBase64:
    """`base64` as clevertimapi's session module sees it, with text instead of bytes out."""

    @staticmethod
    def standard_b64encode(data: bytes) -> str:
        return base64.standard_b64encode(data).decode("ascii")


@pytest.fixture(autouse=True)
def decode_basic_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clevertim_session, "base64", _TextBase64)


@pytest.fixture
def session(clevertim_mock: RunningMock) -> Iterator[Any]:
    # caching off: every read goes to the mock, so the test sees what the mock stored
    yield clevertimapi.Session(
        clevertim_mock.credentials["demo"]["token"],
        endpoint_url=clevertim_mock.api_url,
        enable_caching=False,
    )


def _reload(obj: Any) -> Any:
    return type(obj)(obj.session, key=obj.key)


def _gone(obj: Any) -> None:
    key = obj.key
    obj.delete()
    with pytest.raises(SessionError, match="404"):
        type(obj)(obj.session, key=key)


def test_company_and_contact_crud(session: Any) -> None:
    company = clevertimapi.Company(session)
    company.name = "ACME Ltd"
    company.emails = ["sales@acme.example"]
    company.phone_numbers = [PhoneNumber(phone_number="+44 20 7946 0000", phone_type="Work")]
    company.save()
    assert company.key

    contact = clevertimapi.Contact(session)
    contact.first_name, contact.last_name = "Ann", "Lee"
    contact.company = company
    contact.social_media_ids = [SocialMediaId(social_media_id="annlee", social_media_type="Github")]
    contact.tags = ["vip"]
    contact.save()

    contact.title = "CEO"
    contact.save()
    stored = _reload(contact)
    assert (stored.first_name, stored.title, stored.tags) == ("Ann", "CEO", ["vip"])
    assert stored.company.key == company.key
    assert stored.social_media_ids[0].social_media_type == "Github"
    assert contact.key in {c.key for c in clevertimapi.Contact.all(session)}

    company.description = "Widgets"
    company.save()
    assert _reload(company).description == "Widgets"
    assert _reload(company).phone_numbers[0].phone_number == "+44 20 7946 0000"
    _gone(contact)
    _gone(company)


def test_case_opportunity_task_and_note_crud(session: Any) -> None:
    contact = clevertimapi.Contact(session)
    contact.first_name = "Bo"
    contact.save()

    case = clevertimapi.Case(session)
    case.name, case.who = "Broken widget", contact
    case.save()
    case.description = "Customer reports a crack"
    case.save()
    assert _reload(case).description == "Customer reports a crack"

    opportunity = clevertimapi.Opportunity(session)
    opportunity.name, opportunity.who = "Renewal", contact
    opportunity.save()
    opportunity.description = "Three seats"
    opportunity.save()
    assert _reload(opportunity).description == "Three seats"

    task = clevertimapi.Task(session)
    task.name, task.who = "Call back", contact
    task.start_date = datetime.date(2026, 1, 2)
    task.save()
    task.name = "Call back on Friday"
    task.save()
    assert _reload(task).name == "Call back on Friday"
    assert _reload(task).start_date == datetime.date(2026, 1, 2)

    note = clevertimapi.Note(session)
    note.description, note.who = "Met at the fair", [contact]
    note.save()
    note.description = "Met at the fair; follow up"
    note.save()
    assert _reload(note).description == "Met at the fair; follow up"

    # the mock keeps the vendor's derived lists: the contact now lists what points at it
    stored = _reload(contact)
    assert [t.key for t in stored.tasks] == [task.key]
    assert [n.key for n in stored.notes] == [note.key]
    for obj in (note, task, opportunity, case, contact):
        _gone(obj)


def test_comment_create_read_delete(session: Any) -> None:
    note = clevertimapi.Note(session)
    note.description = "Needs a comment"
    note.save()

    # The client declares `nid` as a list of notes; the vendor's documents, its examples and
    # every other consumer use one note id (project decision: an integer), so the client's
    # own setter is refused the way the vendor refuses a malformed id...
    comment = clevertimapi.Comment(session)
    comment.description, comment.note = "Looks good", [note]
    with pytest.raises(SessionError, match="400"):
        comment.save()

    # ...and the documented body, built with the same client class, is accepted.
    comment = clevertimapi.Comment(session, content={"comment": "Looks good", "nid": note.key})
    comment.save()
    assert _reload(comment).description == "Looks good"
    assert [c.key for c in _reload(note).comments] == [comment.key]
    # Comments cannot be edited (the vendor answers 501); delete and re-create.
    with pytest.raises(SessionError, match="501"):
        comment.save()
    _gone(comment)
    note.delete()


def test_custom_field_crud(session: Any) -> None:
    field = CustomField(session)
    field.name, field.field_type, field.field_scope = "Tier", "select", ["customers"]
    field.allowed_values = ["Gold", "Silver"]
    field.save()
    assert field.key in {f.key for f in CustomField.all(session)}
    field.allowed_values = ["Gold", "Silver", "Bronze"]
    field.save()
    assert _reload(field).allowed_values == ["Gold", "Silver", "Bronze"]
    field.delete()
    assert field.key is None
    assert CustomField.all(session) == []


def test_users_and_groups(session: Any) -> None:
    users = {u.name: u for u in clevertimapi.User.all(session)}
    assert users["Demo Owner"].is_owner is True
    assert users["Read Only"].permissions == ["canexport"]
    groups = {g.name: g for g in clevertimapi.Group.all(session)}
    assert [u.key for u in groups["Sales Users"].users] == [users["Demo Owner"].key]


def test_bad_token_is_refused(clevertim_mock: RunningMock) -> None:
    stranger = clevertimapi.Session("not-a-token", endpoint_url=clevertim_mock.api_url)
    with pytest.raises(SessionError, match="401"):
        clevertimapi.Contact.all(stranger)


def test_folder_file_and_linked_file_crud(session: Any) -> None:
    # `clevertimapi.file` is not exported by the package's __init__; it registers the classes
    from clevertimapi.file import File, Folder, LinkedFile

    root = Folder(session)
    root.name = "Contracts"
    root.save()
    assert isinstance(root.key, str) and root.key.startswith("f")  # as in the client's fixtures
    sub = Folder(session)
    sub.name, sub.parent = "2026", root
    sub.save()
    sub.name = "Signed 2026"
    sub.save()
    stored = _reload(sub)
    assert (stored.name, stored.parent.key) == ("Signed 2026", root.key)
    assert {root.key, sub.key} <= {f.key for f in Folder.all(session)}

    document = File(session)
    document.name, document.parent = "offer.pdf", sub
    document.save()
    assert isinstance(document.key, int)
    document.name = "offer-signed.pdf"
    document.save()
    assert (_reload(document).name, _reload(document).parent.key) == ("offer-signed.pdf", sub.key)
    assert document.key in {f.key for f in File.all(session)}

    linked = LinkedFile(session)
    linked.name = "Price list"
    linked.save()
    linked.name = "Price list 2026"
    linked.save()
    stored_link = _reload(linked)
    assert (stored_link.name, stored_link.size, stored_link.storage_system) == (
        "Price list 2026",
        0,
        None,
    )
    assert linked.key in {f.key for f in LinkedFile.all(session)}

    # a contact lists the file and the linked file it is given, by the client's own setters
    contact = clevertimapi.Contact(session)
    contact.first_name = "Cy"
    contact.files, contact.linked_files = [document], [linked]
    contact.save()
    stored_contact = _reload(contact)
    assert [f.key for f in stored_contact.files] == [document.key]
    assert [f.key for f in stored_contact.linked_files] == [linked.key]
    for obj in (contact, linked, document, sub, root):
        _gone(obj)
