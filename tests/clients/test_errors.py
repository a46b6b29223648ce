"""The one error model of the four generated clients, against the running mocks.

For every vendor and every status class it answers, `sync()` raises the typed error
(`errors.NotFoundError`, ...) carrying the vendor's own message, and `str(error)` reads
`<status> <phrase>: <message> (<METHOD> <path>)` with no credential in it. Sell's field
pointers, error code and request id come through; a 5xx is provoked with the mocks'
`fault_503_rate` option. Where each vendor keeps these is data (scripts/generator/vendors.yaml).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

import bantam_live_client
import clevertim_client
import pytest
import relenta_client
import zendesk_sell_client
from bantam_live_client.api.contacts import create_contact as bl_create_contact
from bantam_live_client.api.contacts import get_contact as bl_get_contact
from bantam_live_client.api.contacts import update_contact as bl_update_contact
from bantam_live_client.models import ContactFields, ContactUpdate
from clevertim_client.api.comments import update_comment as ct_update_comment
from clevertim_client.api.contacts import create_contact as ct_create_contact
from clevertim_client.api.contacts import get_contact as ct_get_contact
from clevertim_client.api.contacts import list_contacts as ct_list_contacts
from clevertim_client.models import ContactCreate
from relenta_client.api.contacts import list_contacts as rl_list_contacts
from relenta_client.api.contacts import save_contact as rl_save_contact
from relenta_client.models import ContactSave
from zendesk_sell_client.api.account import get_account
from zendesk_sell_client.api.contacts import create_contact as zs_create_contact
from zendesk_sell_client.api.contacts import delete_contact as zs_delete_contact
from zendesk_sell_client.api.contacts import get_contact as zs_get_contact
from zendesk_sell_client.api.contacts import list_contacts as zs_list_contacts
from zendesk_sell_client.api.contacts import upsert_contact as zs_upsert_contact
from zendesk_sell_client.models import ContactCreate as SellContactCreate
from zendesk_sell_client.models import ContactCreateRequest, ContactUpdateRequest
from zendesk_sell_client.models import ContactUpdate as SellContactUpdate

from crm_mocks import RunningMock

Connect = Callable[..., Any]
PACKAGES = {
    "clevertim": clevertim_client,
    "relenta": relenta_client,
    "bantam-live": bantam_live_client,
    "zendesk-sell": zendesk_sell_client,
}


def raised(
    package: Any, kind: str, status: int, call: Callable[[], Any], method: str, path: str
) -> Any:
    """Run `call`, expect `package.errors.<kind>` with `status`; check str() and return it."""
    error_type = getattr(package.errors, kind)
    with pytest.raises(error_type) as caught:
        call()
    error = caught.value
    assert type(error) is error_type
    assert isinstance(error, package.errors.ApiStatusError)
    assert error.status_code == status
    assert error.response.status_code == status
    assert error.message
    text = str(error)
    assert re.fullmatch(
        rf"{status} [A-Z][\w '-]+: {re.escape(error.message)} \({method} {re.escape(path)}\)"
        r"( \[request id [\w-]+\])?",
        text,
    ), text
    return error


def assert_no_secret(error: Any, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in str(error)
        assert secret not in repr(error)


# -- Clevertim: {"status": "ERROR", "error": "..."} -------------------------------------------


def test_clevertim_errors(clevertim_mock: RunningMock, connect_client: Connect) -> None:
    demo = connect_client(clevertim_mock, "demo")
    pkg = clevertim_client
    error = raised(
        pkg,
        "NotFoundError",
        404,
        lambda: ct_get_contact.sync(99, client=demo),
        "GET",
        "/api/contact/99",
    )
    assert error.message == error.body["error"] == "No such contact."
    assert str(error) == "404 Not Found: No such contact. (GET /api/contact/99)"
    assert error.code is None and error.request_id is None and error.field_errors == ()

    error = raised(
        pkg,
        "BadRequestError",
        400,
        lambda: ct_create_contact.sync(client=demo, body=ContactCreate(title="CTO")),
        "POST",
        "/api/contact",
    )
    assert error.message == error.body["error"]

    readonly = connect_client(clevertim_mock, "readonly")
    error = raised(
        pkg,
        "PermissionDeniedError",
        403,
        lambda: ct_create_contact.sync(client=readonly, body=ContactCreate(fn="Eve")),
        "POST",
        "/api/contact",
    )
    assert "not allowed" in error.message

    token = "not-a-real-token"
    stranger = clevertim_client.connect(token, base_url=clevertim_mock.api_url)
    with stranger:
        error = raised(
            pkg,
            "AuthenticationError",
            401,
            lambda: ct_list_contacts.sync(client=stranger),
            "GET",
            "/api/contact",
        )
    assert error.message == error.body["error"]
    assert_no_secret(error, token)

    error = raised(
        pkg,
        "InternalServerError",
        501,
        lambda: ct_update_comment.sync(1, client=demo),
        "PUT",
        "/api/comment/1",
    )
    assert error.message == error.body["error"]


# -- Relenta: {"status": false, "code": 404, "data": null, "message": "..."} -------------------


def test_relenta_errors(relenta_mock: RunningMock, connect_client: Connect) -> None:
    demo = connect_client(relenta_mock, "demo")
    pkg = relenta_client
    path = "/api/v3/contact.save.json"
    error = raised(
        pkg,
        "NotFoundError",
        404,
        lambda: rl_save_contact.sync(client=demo, body=ContactSave(id=99_999_999, title="X")),
        "POST",
        path,
    )
    assert error.message == error.body["message"]
    error = raised(
        pkg,
        "BadRequestError",
        400,
        lambda: rl_list_contacts.sync(client=demo, page_size=0),
        "GET",
        "/api/v3/contact.list.json",
    )
    assert error.message == error.body["message"]
    key = "0" * 32
    with relenta_client.connect(key, base_url=relenta_mock.api_url) as stranger:
        error = raised(
            pkg,
            "AuthenticationError",
            401,
            lambda: rl_list_contacts.sync(client=stranger),
            "GET",
            "/api/v3/contact.list.json",
        )
    assert "key" in error.message.lower()
    assert_no_secret(error, key)


# -- Bantam Live: {"error": "..."}; 422 [[field, message]]; 401 a text body -------------------


def test_bantam_live_errors(bantam_live_mock: RunningMock, connect_client: Connect) -> None:
    admin = connect_client(bantam_live_mock, "admin")
    pkg = bantam_live_client
    error = raised(
        pkg,
        "NotFoundError",
        404,
        lambda: bl_get_contact.sync(9999, client=admin),
        "GET",
        "/api/contacts/9999",
    )
    assert error.message.startswith("Couldn't find Contact with ID=")

    error = raised(
        pkg,
        "UnprocessableEntityError",
        422,
        lambda: bl_create_contact.sync(client=admin, body=ContactFields(first_name="Austin")),
        "POST",
        "/api/contacts",
    )
    assert [(f.field, f.message) for f in error.field_errors] == [("type", "can't be blank")]
    assert error.message == "type: can't be blank"

    user = connect_client(bantam_live_mock, "user")
    error = raised(
        pkg,
        "PermissionDeniedError",
        403,
        lambda: bl_update_contact.sync(1, client=user, body=ContactUpdate(first_name="Hacked")),
        "PUT",
        "/api/contacts/1",
    )
    assert "not allowed" in error.message

    email = bantam_live_mock.credentials["admin"]["email"]
    password = "wrong-password"
    with bantam_live_client.connect(email, password, base_url=bantam_live_mock.api_url) as wrong:
        error = raised(
            pkg,
            "AuthenticationError",
            401,
            lambda: bl_get_contact.sync(1, client=wrong),
            "GET",
            "/api/contacts/1",
        )
    assert error.message == "HTTP Basic: Access denied."  # Rails' text body
    assert_no_secret(error, password)


# -- Zendesk Sell: {"errors": [{"error": {...}}], "meta": {"logref": ...}} ---------------------


def test_zendesk_sell_errors(zendesk_sell_mock: RunningMock, connect_client: Connect) -> None:
    client = connect_client(zendesk_sell_mock, "demo")
    pkg = zendesk_sell_client
    error = raised(
        pkg,
        "NotFoundError",
        404,
        lambda: zs_get_contact.sync(99, client=client),
        "GET",
        "/v2/contacts/99",
    )
    assert error.code == "not_found"
    assert error.message == error.body["errors"][0]["error"]["details"]
    assert (
        error.request_id == error.response.headers["X-Request-Id"] == error.body["meta"]["logref"]
    )
    assert str(error).endswith(f"(GET /v2/contacts/99) [request id {error.request_id}]")

    body = ContactCreateRequest(data=SellContactCreate(first_name="Mark"))
    error = raised(
        pkg,
        "UnprocessableEntityError",
        422,
        lambda: zs_create_contact.sync(client=client, body=body),
        "POST",
        "/v2/contacts",
    )
    assert error.code == "blank"
    [field] = error.field_errors
    assert (field.field, field.code) == ("/data/last_name", "blank")
    assert field.message == error.body["errors"][0]["error"]["message"]
    assert error.request_id == error.response.headers["X-Request-Id"]

    error = raised(
        pkg,
        "BadRequestError",
        400,
        lambda: zs_list_contacts.sync(client=client, per_page=1000),
        "GET",
        "/v2/contacts",
    )
    assert error.code == "invalid_param"

    for name in ("Twin", "Twin"):
        zs_create_contact.sync(
            client=client,
            body=ContactCreateRequest(data=SellContactCreate(last_name=name, email="t@w.in")),
        )
    update = ContactUpdateRequest(data=SellContactUpdate(title="CTO"))
    error = raised(
        pkg,
        "ConflictError",
        409,
        lambda: zs_upsert_contact.sync(client=client, body=update, email="t@w.in"),
        "POST",
        "/v2/contacts/upsert",
    )
    assert "More than one" in error.message

    readonly = connect_client(zendesk_sell_mock, "readonly")
    raised(
        pkg,
        "PermissionDeniedError",
        403,
        lambda: zs_delete_contact.sync(1, client=readonly),
        "DELETE",
        "/v2/contacts/1",
    )
    token = "x" * 64
    with zendesk_sell_client.connect(token, base_url=zendesk_sell_mock.url) as stranger:
        error = raised(
            pkg,
            "AuthenticationError",
            401,
            lambda: get_account.sync(client=stranger),
            "GET",
            "/v2/accounts/self",
        )
    assert_no_secret(error, token)


def test_zendesk_sell_rate_limit_error(
    crm_mock_server: Callable[..., RunningMock], connect_client: Connect
) -> None:
    mock = crm_mock_server("zendesk-sell", rate_limit=1, rate_window=60)
    client = connect_client(mock, "demo", max_retries=0)
    get_account.sync(client=client)
    error = raised(
        zendesk_sell_client,
        "RateLimitError",
        429,
        lambda: get_account.sync(client=client),
        "GET",
        "/v2/accounts/self",
    )
    assert error.code == "rate_limit_exceeded"


@pytest.mark.parametrize("vendor", sorted(PACKAGES))
def test_5xx_is_internal_server_error_with_the_vendor_shape(
    crm_mock_server: Callable[..., RunningMock], connect_client: Connect, vendor: str
) -> None:
    mock = crm_mock_server(vendor, fault_503_rate=1)
    client = connect_client(mock, "demo" if vendor != "bantam-live" else "admin", max_retries=0)
    package = PACKAGES[vendor]
    operation = {
        "clevertim": "contacts.list_contacts",
        "relenta": "contacts.list_contacts",
        "bantam-live": "contacts.list_contacts",
        "zendesk-sell": "contacts.list_contacts",
    }[vendor]
    module = importlib.import_module(f"{package.__name__}.api.{operation}")
    with pytest.raises(package.errors.InternalServerError) as caught:
        module.sync(client=client)
    error = caught.value
    assert error.status_code == 503
    assert str(error).startswith("503 Service Unavailable: ")
    # the vendor's own envelope, read through the vendor's pointers
    expected = {
        "clevertim": lambda b: b["error"],
        "relenta": lambda b: b["message"],
        "bantam-live": lambda b: b["error"],
        "zendesk-sell": lambda b: b["errors"][0]["error"]["message"],
    }[vendor](error.body)
    assert error.message == expected
    assert [r["status"] for r in mock.requests()] == [503]


def test_detailed_calls_still_return_the_response(
    clevertim_mock: RunningMock, connect_client: Connect
) -> None:
    demo = connect_client(clevertim_mock, "demo")
    response = ct_get_contact.sync_detailed(99, client=demo)
    assert response.status_code == 404
    assert response.parsed is not None


def test_an_empty_success_is_none(zendesk_sell_mock: RunningMock, connect_client: Connect) -> None:
    client = connect_client(zendesk_sell_mock, "demo")
    created = zs_create_contact.sync(
        client=client, body=ContactCreateRequest(data=SellContactCreate(last_name="Gone"))
    )
    assert zs_delete_contact.sync(created.data.id, client=client) is None
    with pytest.raises(zendesk_sell_client.errors.NotFoundError):
        zs_get_contact.sync(created.data.id, client=client)
