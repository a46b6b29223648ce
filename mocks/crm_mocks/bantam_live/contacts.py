"""Bantam Live contacts (fact sheet §5, §6): request bodies into stored records.

People and companies are one resource told apart by `type` (a Rails single-table-inheritance
column, §5.2). Only `type`, `first_name`, `last_name` and `tag_names` are documented; the key
set of the real records was "whatever the UI shows" (§5.1), so any other key is kept as sent
and returned on read (§7.4). `name` (an organization's name) and `visibility` are this mock's
inferred keys; `id`, `owner_id`, `created_at` and `updated_at` are set by the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.errors import MockError
from ..core.fields import Field, Invalid, choice, plain_json, text

TYPES = ("Person", "Organization")
PEOPLE, COMPANIES = TYPES
#: `visibility`: "everyone" (shared with the account) or "private" (owner and admins only)
VISIBILITIES = ("everyone", "private")
#: server-managed keys: silently ignored in request bodies, like Rails' attr_protected
MANAGED = frozenset({"id", "owner_id", "created_at", "updated_at"})
#: Rails 2 may have wrapped bodies in a root key (§9); a wrapper names the type it implies
WRAPPERS: Mapping[str, str | None] = {"contact": None, "person": PEOPLE, "organization": COMPANIES}

_PLAIN = plain_json(max_depth=32)

Errors = list[tuple[str, str]]


class BadBody(ValueError):
    """The body is JSON but not a contact object (answered 400)."""


class ValidationFailed(MockError):
    """Rails-2 style validation errors: `[[field, message], ...]` (answered 422, §6)."""

    def __init__(self, errors: Errors) -> None:
        super().__init__(422, "; ".join(f"{f} {m}" for f, m in errors))
        self.errors = errors


def _tag_names(name: str, value: Any) -> Any:
    """Comma-separated tags, normalised: trimmed, no empties, no repeats, order kept (§5.2)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid(name, "must be a comma-separated string")
    tags: list[str] = []
    for raw in value.split(","):
        tag = raw.strip()
        if tag and tag not in tags:
            tags.append(tag)
    return ",".join(tags)


FIELDS: dict[str, Field] = {
    "first_name": text(nullable=True),
    "last_name": text(nullable=True),
    "name": text(nullable=True),
    "tag_names": Field(_tag_names),
    "visibility": choice(VISIBILITIES),
}

#: what a new record holds before the client's keys are applied (every column present, as Rails
#: serialises a model with all its attributes)
DEFAULTS: dict[str, Any] = {
    "first_name": None,
    "last_name": None,
    "name": None,
    "tag_names": "",
    "visibility": "everyone",
}


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unwrap(body: Any) -> dict[str, Any]:
    """The contact keys of a body, unwrapping `{"contact"|"person"|"organization": {...}}`."""
    if not isinstance(body, dict):
        raise BadBody("The request body must be a JSON object of contact fields.")
    if len(body) == 1:
        key, inner = next(iter(body.items()))
        if key in WRAPPERS and isinstance(inner, dict):
            out = dict(inner)
            implied = WRAPPERS[key]
            if implied is not None and "type" not in out:
                out["type"] = implied
            return out
    return body


def _type_errors(body: Mapping[str, Any], current: str | None) -> tuple[Errors, str | None]:
    """Check `type`: required and in the enum on create, immutable on update (§5.2: 422)."""
    value = body.get("type")
    if current is None:
        if value is None or value == "":
            return [("type", "can't be blank")], None
        if value not in TYPES:
            return [("type", "is not included in the list")], None
        return [], str(value)
    if "type" not in body or value == current:
        return [], None
    if value not in TYPES:
        return [("type", "is not included in the list")], None
    return [("type", "can't be changed")], None


def clean(body: Any, current_type: str | None = None) -> dict[str, Any]:
    """The changes a body asks for; every problem is collected before anything is written.

    `current_type` is None for a create and the stored record's type for an update.
    """
    fields = unwrap(body)
    errors, new_type = _type_errors(fields, current_type)
    changes: dict[str, Any] = {} if new_type is None else {"type": new_type}
    for key, value in fields.items():
        if key in MANAGED or key == "type":
            continue
        try:
            # The key must be storable too; an error about an unencodable key cannot name it.
            _PLAIN.coerce(key if _encodable(key) else "base", {key: value})
            spec = FIELDS.get(key)
            changes[key] = value if spec is None else spec.coerce(key, value)
        except Invalid as exc:
            errors.append((exc.field, exc.message))
    if errors:
        raise ValidationFailed(errors)
    return changes


def display_name(contact: Mapping[str, Any]) -> str:
    """How the activity feed names a contact."""
    parts = [contact.get("first_name"), contact.get("last_name")]
    person = " ".join(p for p in parts if isinstance(p, str) and p.strip())
    org = contact.get("name") if isinstance(contact.get("name"), str) else ""
    first, second = (org, person) if contact.get("type") == COMPANIES else (person, org)
    return (
        first or second or ""
    ).strip() or f"{contact.get('type', 'Contact')} #{contact.get('id')}"
