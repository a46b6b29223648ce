"""Clevertim's resources as the vendor documents them (fact sheet §5-§8), for the mock.

Written from the vendor's README, resource pages, the founder's client and the WSO2 connector's
live tests — not from our OpenAPI spec. Each resource lists its writable fields (read-only keys
a client sends are ignored, §10.8), its creation minimum and its defaults.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.fields import (
    UNSET,
    Field,
    Invalid,
    anything,
    array,
    boolean,
    choice,
    integer,
    record,
    required,
    text,
)

CTYPES = ["C", "P", "S", "R", "E", "O", "N", "T", "D", "X", "I", "M", "A", "V", "W", "L", "F", "H"]
TASK_TYPES = ["Email", "TO DO", "Meeting", "Not set", "Call", "Follow up", "Appointment"]
PHONE_TYPES = ["Work", "Home", "Mobile", "Fax", "Pager"]
SOCIAL_TYPES = [
    "BitBucket",
    "Facebook",
    "Github",
    "Google+",
    "Instagram",
    "Kik",
    "LinkedIn",
    "MSN",
    "Pinterest",
    "Reddit",
    "Skype",
    "Snapchat",
    "Telegram",
    "Twitter",
    "Whatsapp",
    "YouTube",
]
ELEM_TYPES = [
    "input",
    "select",
    "date",
    "user",
    "state",
    "country",
    "region",
    "contact",
    "company",
    "case",
    "opportunity",
    "currency",
]
MODEL_TYPES = ["customers", "companies", "cases", "opportunities"]

ref = integer(nullable=True)
ids = array(integer())


def _blank_or(field: Field) -> Field:
    """`field`, or "" meaning "not set": what the WSO2 connector's live-tested createTask sends
    for a task's links and type (§10.11). No source shows it for other fields, which stay
    strict (spec clevertim-10.11)."""

    def coerce(name: str, value: Any) -> Any:
        return UNSET if value == "" else field.coerce(name, value)

    return Field(coerce)


task_ref = _blank_or(ref)
strings = array(text())

COMMON: dict[str, Field] = {
    "is_private": boolean(),
    "puser": integer(nullable=True),
    "gid": integer(),
}

CUSTOMER: dict[str, Field] = {
    **COMMON,
    "description": text(),
    "email": strings,
    "phones": array(
        # unknown keys inside a phone or social media id are ignored, like unknown body keys
        record(
            {"type": required(choice(PHONE_TYPES)), "no": required(text(min_length=1))},
            closed=False,
        )
    ),
    "website": strings,
    "address": text(),
    "city": text(),
    "postcode": text(),
    "region": text(),
    "country": text(),
    "smids": array(
        record(
            {"type": required(choice(SOCIAL_TYPES)), "smid": required(text(min_length=1))},
            closed=False,
        )
    ),
    "ctype": choice(CTYPES),  # "" is lenient only for task atype (spec clevertim-10.11)
    "tags": strings,
    "files": ids,
    "lfiles": ids,
    "cf": anything(),  # checked against the custom field definitions, see mock.check_cf
}

DATE_PARTS = record(  # unknown keys ignored, like the rest of a body
    {
        "y": required(integer()),
        "mo": required(integer(minimum=1, maximum=12)),
        "d": required(integer(minimum=1, maximum=31)),
        "h": integer(minimum=0, maximum=23),
        "mi": integer(minimum=0, maximum=59),
    },
    closed=False,
)


def _note_cust(name: str, value: Any) -> Any:
    # Docs show an integer, the live API and the client an array (§11 #8): take both.
    if isinstance(value, list):
        return ids.coerce(name, value)
    if value is None:
        raise Invalid(name, "must be a contact/company id or a list of them")
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,18}\s*", value):
        value = int(value)  # the live-tested WSO2 createNote sends "cust": "<id>" (§10.11)
    return [ref.coerce(name, value)]


FOLDER_PREFIX = "f"  # folder ids are strings like "f1001" in the client's fixtures (§6.11)


def _folder_ref(name: str, value: Any) -> Any:
    """A folder's id ("f<digits>") or null for the root folder (§6.11, client-only)."""
    if value is None:
        return None
    if isinstance(value, str) and re.fullmatch(FOLDER_PREFIX + r"[0-9]{1,18}", value):
        return value
    raise Invalid(name, 'must be a folder id such as "f12" or null')


folder_ref = Field(_folder_ref)
IN_FOLDER: dict[str, Field] = {**COMMON, "name": text(), "parentId": folder_ref}  # folder, file


# `{}` or `{"type": "weekday"}` (skip weekends); other keys are ignored like any unknown key.
RECURRENCE_OPTIONS = record({"type": choice(["weekday"])}, closed=False)


def _select_values(clean: dict[str, Any]) -> None:
    if clean.get("elemType") == "select":
        if not clean.get("values"):
            raise Invalid("values", "is required for a select custom field")
    else:
        clean.pop("values", None)  # only select fields have values (§11 #17)


def _comment_parent(clean: dict[str, Any]) -> None:
    parents = [k for k in ("nid", "tid") if clean.get(k) is not None]
    if len(parents) != 1:
        raise Invalid("nid", "a comment belongs to exactly one note (nid) or task (tid)")


def _name_or_fn_ln(clean: dict[str, Any]) -> None:
    if not clean.get("fn") and not clean.get("ln"):
        raise Invalid("fn", "provide at least the first name (fn) or the last name (ln)")


def _task_opportunity_alias(clean: dict[str, Any]) -> None:
    # The WSO2 updateTask sends `opportunity` for tasks (§11 #10): accept it, store `opp`.
    if "opportunity" in clean:
        alias = clean.pop("opportunity")
        clean.setdefault("opp", alias)


Rule = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Resource:
    """One Clevertim resource: where it lives, what can be written, what is derived."""

    name: str  # path segment and the noun in "No such <name>."
    fields: dict[str, Field]
    minimum: tuple[str, ...] = ()  # must stay non-empty (checked on create and update)
    normalize: tuple[Rule, ...] = ()  # rewrite the cleaned input (aliases)
    rules: tuple[Rule, ...] = ()  # checks on the whole record after the write
    defaults: dict[str, Any] = field(default_factory=dict)
    sequence: str | None = None  # shared id sequence
    cf_model: str | None = None  # the customfield modelType that scopes its `cf`
    # derived read-only lists: key -> (child resource, child field holding our id)
    children: dict[str, tuple[str, str]] = field(default_factory=dict)
    updatable: bool = True
    id_prefix: str = ""  # shown before the stored integer id ("f" for folders)


CUSTOMER_CHILDREN = {
    "notes": ("note", "cust"),
    "tasks": ("task", "cust"),
    "cases": ("case", "cust"),
    "opportunities": ("opportunity", "cust"),
}

RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in [
        Resource(
            "contact",
            {**CUSTOMER, "fn": text(), "ln": text(), "title": text(), "companyId": ref},
            rules=(_name_or_fn_ln,),
            defaults={"is_company": False},
            sequence="customer",
            cf_model="customers",
            children=CUSTOMER_CHILDREN,
        ),
        Resource(
            "company",
            {**CUSTOMER, "cn": text()},
            minimum=("cn",),
            defaults={"is_company": True},
            sequence="customer",
            cf_model="companies",
            children=CUSTOMER_CHILDREN,
        ),
        Resource(
            "case",
            {
                **COMMON,
                "name": text(),
                "description": text(),
                "leadUser": ref,
                "cust": ref,
                "tags": strings,
                "files": ids,
                "lfiles": ids,
                "cf": anything(),
            },
            minimum=("name",),
            cf_model="cases",
            children={"tasks": ("task", "case"), "notes": ("note", "case")},
        ),
        Resource(
            "opportunity",
            {
                **COMMON,
                "name": text(),
                "description": text(),
                "status": text(),
                "leadUser": ref,
                "value": text(),
                "currency": text(),
                "cust": ref,
                "tags": strings,
                "files": ids,
                "lfiles": ids,
                "cf": anything(),
            },
            minimum=("name",),
            cf_model="opportunities",
            children={"tasks": ("task", "opp"), "notes": ("note", "opportunity")},
        ),
        Resource(
            "task",
            {
                **COMMON,
                "name": text(),
                "location": text(),
                "atype": _blank_or(choice(TASK_TYPES)),
                "cust": task_ref,
                "case": task_ref,
                "opp": task_ref,
                "opportunity": task_ref,
                "aUserId": task_ref,
                "startDate": DATE_PARTS,
                "endDate": DATE_PARTS,
                "is_completed": boolean(),
                "is_deleted": boolean(),
                "rec": choice(["N", "D", "W", "M", "Y"]),
                "recevery": integer(minimum=1),
                "recopts": RECURRENCE_OPTIONS,
            },
            minimum=("name",),
            normalize=(_task_opportunity_alias,),
            defaults={
                "location": "",
                "atype": "Not set",
                "rec": "N",
                "recevery": 1,
                "recopts": {},
                "is_completed": False,
                "is_deleted": False,
            },
            children={"comments": ("comment", "tid")},
        ),
        Resource(
            "note",
            {
                **COMMON,
                "desc": text(),
                "cust": anything(),
                "case": ref,
                "opportunity": ref,
                "type": choice(["N", "S", "M"]),
                "files": ids,
                "lfiles": ids,
                "is_deleted": boolean(),
            },
            minimum=("desc",),
            defaults={"type": "N", "delvry": "N", "cust": [], "is_deleted": False},
            children={"comments": ("comment", "nid")},
        ),
        Resource(
            "comment",
            {**COMMON, "comment": text(), "nid": ref, "tid": ref},
            minimum=("comment",),
            rules=(_comment_parent,),
            updatable=False,  # "update not supported, delete and re-create" → 501
        ),
        Resource(
            "customfield",
            {
                "name": text(),
                "fullname": text(),
                "elemType": choice(ELEM_TYPES),
                "modelType": array(choice(MODEL_TYPES), min_items=1),
                "multiple": boolean(),
                "values": array(text()),
            },
            minimum=("name", "elemType", "modelType"),
            rules=(_select_values,),
            defaults={"multiple": False, "app": None},
        ),
        # §6.11, client-only: metadata records; no upload call is known, so a file has no content
        Resource(
            "folder",
            IN_FOLDER,
            minimum=("name",),
            defaults={"is_dir": True, "parentId": None},  # `is_dir` is the client's default
            id_prefix=FOLDER_PREFIX,
        ),
        Resource(
            "file",
            IN_FOLDER,
            minimum=("name",),
            defaults={"parentId": None},
        ),
        Resource(
            # only `name` is writable; where the file lives (`sys` D/G, `link`, `icon`, `size`)
            # is read-only in the client, so a linked file made through the API has none of it
            "linkedfile",
            {**COMMON, "name": text()},
            minimum=("name",),
            defaults={"sys": None, "size": 0, "link": None, "icon": None},
        ),
    ]
}

# Special field coercions applied after the generic pass.
POST_COERCE: dict[tuple[str, str], Callable[[str, Any], Any]] = {
    ("note", "cust"): _note_cust,
}
