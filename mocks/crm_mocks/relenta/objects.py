"""Relenta's v3 objects as the vendor's doc describes them (fact sheet §6-§7), for the mock.

Written from the "Relenta API v3" doc and its examples, not from our OpenAPI spec. Every value
the API shows is flat: multi-valued data travels as one `;`-joined string (§9.3) and custom-field
values are extra top-level keys of a contact named by each field's `key` (§6.1, §10 #6).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from ..core.clock import utc_timestamp
from ..core.fields import Field, Invalid, boolean, text

#: keys the API shows but never takes from a client (`id` only selects the record to update)
READ_ONLY = ("id", "dt_created", "dt_modified")

# -- contacts (§6.1) -------------------------------------------------------------------------

#: the contact's own keys in the order the doc's list example shows them
CONTACT_ORDER = (
    "full_name", "first_name", "last_name", "dt_created", "dt_modified", "emails", "title",
    "company", "comment", "phone", "url", "fax", "messenger", "twitter", "linkedin", "facebook",
    "text", "address", "do_not_mass_email",
)  # fmt: skip
#: `;`-joined name lists shown only when not empty (§9.2: James Bond has neither key)
NAME_LISTS = ("groups", "tags")
#: the only keys the doc's example shows as null (James Bond's title and comment)
NULLABLE = ("title", "comment")
#: a new contact needs one of these (fact sheet §7, inferred)
CONTACT_MINIMUM = ("full_name", "first_name", "last_name", "emails", "company")
#: the doc's field table spells it `do_no_mass_email`, every example `do_not_mass_email` (§10 #1)
MASS_EMAIL_ALIAS = "do_no_mass_email"


def _name_list() -> Field:
    """`;`-joined names (groups, tags): items trimmed, blanks and repeats dropped."""

    def coerce(name: str, value: Any) -> Any:
        if not isinstance(value, str):  # "" clears; null is not shown by the vendor
            raise Invalid(name, "must be a string of names joined with ';'")
        return join(split(value))

    return Field(coerce)


CONTACT_FIELDS: dict[str, Field] = {
    **{
        key: text(nullable=key in NULLABLE)
        for key in CONTACT_ORDER
        if key not in READ_ONLY and key != "do_not_mass_email"
    },
    "do_not_mass_email": boolean(),
    MASS_EMAIL_ALIAS: boolean(),
    "groups": _name_list(),
    "tags": _name_list(),
}

CONTACT_DEFAULTS: dict[str, Any] = {
    **{key: "" for key in CONTACT_ORDER if key not in READ_ONLY},
    "title": None,
    "comment": None,
    "do_not_mass_email": False,
    "groups": "",
    "tags": "",
}

# -- activities (§6.2) -----------------------------------------------------------------------

ACTIVITY_ORDER = (
    "activity_type", "label", "calendar_id", "all_day", "dt_created", "dt_modified", "dt_start",
    "dt_end", "rrule", "status", "author", "users", "contacts", "subject", "body",
)  # fmt: skip
ACTIVITY_MINIMUM = ("subject",)  # fact sheet §7, inferred

_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})$", re.ASCII
)


def stamp(moment: datetime) -> str:
    """A timestamp the way the API shows them: UTC, whole seconds, `Z`."""
    return utc_timestamp(moment)


def _datetime() -> Field:
    """An ISO-8601 date-time with a zone, stored as the API shows timestamps (UTC, `Z`)."""

    def coerce(name: str, value: Any) -> Any:
        if not isinstance(value, str) or not _RFC3339.match(value):
            raise Invalid(name, "must be a date-time like 2016-01-21T19:00:00Z")
        try:
            return stamp(datetime.fromisoformat(value.upper().replace("Z", "+00:00")))
        except (ValueError, OverflowError):  # 2016-02-30, or a zone shift past year 1/9999
            raise Invalid(name, "is not a valid date-time") from None

    return Field(coerce)


ACTIVITY_FIELDS: dict[str, Field] = {
    **{key: text() for key in ACTIVITY_ORDER if key not in READ_ONLY},
    "all_day": boolean(),
    "dt_start": _datetime(),
    "dt_end": _datetime(),
}

# Values of the doc's examples where it shows them; `calendar_id` "1" is the only calendar seen.
ACTIVITY_DEFAULTS: dict[str, Any] = {
    **{key: "" for key in ACTIVITY_ORDER if key not in READ_ONLY},
    "activity_type": "default",
    "calendar_id": "1",
    "all_day": False,
    "status": "open",
}

#: fields a form-encoded body (fact sheet §3) can only send as text
BOOLEANS = frozenset(("do_not_mass_email", MASS_EMAIL_ALIAS, "all_day"))

# -- custom fields (§6.3) --------------------------------------------------------------------

FIELD_TYPES = ("Number", "Text", "Date", "Single choice", "Multiple choice")
CHOICE_TYPES = ("Single choice", "Multiple choice")
_NUMBER = re.compile(r"^-?\d{1,30}(\.\d{1,30})?$", re.ASCII)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def split(value: str) -> list[str]:
    """The items of a `;`-joined value, trimmed, without blanks or repeats (order kept)."""
    return list(dict.fromkeys(item.strip() for item in value.split(";") if item.strip()))


def join(items: Sequence[str]) -> str:
    return ";".join(items)


def custom_value(definition: Mapping[str, Any], value: Any) -> str:
    """One custom-field value checked against its definition; "" means "no value".

    Choices are the documented rule (§6.3); the Number and Date formats are undocumented, so
    the mock takes the plainest reading (decimal digits; YYYY-MM-DD) and says so in errors.
    """
    key = str(definition["key"])
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise Invalid(key, "custom field values are strings")
    kind = definition["type"]
    choices = definition.get("choices", [])
    if kind == "Single choice":
        if value not in choices:
            raise Invalid(key, f"must be one of: {'; '.join(choices)}")
        return value
    if kind == "Multiple choice":
        items = split(value)
        wrong = [item for item in items if item not in choices]
        if wrong or not items:
            raise Invalid(key, f"takes values joined with ';' from: {'; '.join(choices)}")
        return join(items)
    if kind == "Number" and not _NUMBER.match(value):
        raise Invalid(key, "must be a number, e.g. 42 or 3.5")
    if kind == "Date":
        try:
            if not _DATE.match(value):
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            raise Invalid(key, "must be a date as YYYY-MM-DD") from None
    if len(value) > 10_000:
        raise Invalid(key, "is longer than 10000 characters")
    return value


def present_field(definition: Mapping[str, Any]) -> dict[str, Any]:
    """A definition as `custom_field.list.json` shows it (§9.6): `choices` only for choices."""
    out = {
        "id": str(definition["id"]),  # quoted in list output (§10 #4)
        "type": definition["type"],
        "key": definition["key"],
        "label": definition["label"],
        "default_value": definition.get("default_value", ""),
    }
    if definition["type"] in CHOICE_TYPES:
        out["choices"] = list(definition.get("choices", []))
    return out


def present_contact(
    item: Mapping[str, Any], definitions: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """A stored contact as the list shows it: flat, empty name lists and custom keys absent."""
    out: dict[str, Any] = {"id": str(item["id"])}
    for key in CONTACT_ORDER:
        out[key] = item.get(key, CONTACT_DEFAULTS.get(key))
    for key in NAME_LISTS:
        if item.get(key):
            out[key] = item[key]
    custom = item.get("custom", {})
    for definition in definitions:  # in definition order, as in the doc's Dr. Evil example
        value = custom.get(definition["key"])
        if value:
            out[definition["key"]] = value
    return out


def present_activity(item: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": str(item["id"])}
    for key in ACTIVITY_ORDER:
        out[key] = item.get(key, ACTIVITY_DEFAULTS.get(key))
    return out
