"""Records `crm-mock zendesk-sell --seed-records` creates, as the API's create requests."""

from __future__ import annotations

from typing import Any

from ..core.accounts import User
from ..core.seeding import Factory, Made, SeedPlan, id_at
from ..core.words import person

PREFIX = "/v2"


def _headers(user: User) -> dict[str, str]:
    return {
        "authorization": f"Bearer {user.credentials['token']}",
        "user-agent": "crm-mock-seeding/1.0",
        "accept": "application/json",
    }


def _contact(made: Made) -> dict[str, Any]:
    i = made.index
    if i % 10 == 0:  # one in ten an organization
        return {"data": {"is_organization": True, "name": f"{person(made.rng)[1]} Ltd"}}
    first, last = person(made.rng)
    data = {
        "is_organization": False,
        "first_name": first,
        "last_name": last,
        "email": f"contact{i}@seed.example",
        "phone": f"+1 555 {i:07d}",
    }
    return {"data": data, "meta": {"type": "contact"}}


def _note(made: Made) -> dict[str, Any]:
    contacts = made.ids["contacts"]
    target = contacts[made.index % len(contacts)]
    data = {"resource_type": "contact", "resource_id": target, "content": f"Call #{made.index}"}
    return {"data": data}


PLAN = SeedPlan(
    user="demo",
    headers=_headers,
    factories=(
        Factory("contacts", "POST", f"{PREFIX}/contacts", _contact, id_at("data", "id")),
        Factory(
            "notes", "POST", f"{PREFIX}/notes", _note, id_at("data", "id"), needs=("contacts",)
        ),
    ),
)
