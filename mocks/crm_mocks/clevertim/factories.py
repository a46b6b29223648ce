"""Records `crm-mock clevertim --seed-records` creates, as the API's create requests."""

from __future__ import annotations

import base64
from typing import Any

from ..core.accounts import User
from ..core.seeding import Factory, Made, SeedPlan, id_at
from ..core.words import person

PREFIX = "/api"


def _headers(user: User) -> dict[str, str]:
    token = base64.b64encode(f"{user.credentials['token']}:X".encode()).decode("ascii")
    return {"authorization": f"Basic {token}"}


def _contact(made: Made) -> dict[str, Any]:
    first, last = person(made.rng)
    return {"fn": first, "ln": last, "email": [f"contact{made.index}@seed.example"]}


def _note(made: Made) -> dict[str, Any]:
    contacts = made.ids["contacts"]
    return {"desc": f"Call #{made.index}", "cust": [contacts[made.index % len(contacts)]]}


PLAN = SeedPlan(
    user="demo",
    headers=_headers,
    factories=(
        Factory("contacts", "POST", f"{PREFIX}/contact", _contact, id_at("content", 0, "id")),
        Factory(
            "notes", "POST", f"{PREFIX}/note", _note, id_at("content", 0, "id"), needs=("contacts",)
        ),
    ),
)
