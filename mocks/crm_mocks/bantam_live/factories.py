"""Records `crm-mock bantam-live --seed-records` creates, as the API's create requests."""

from __future__ import annotations

import base64
from typing import Any

from ..core.accounts import User
from ..core.seeding import Factory, Made, SeedPlan, id_at
from ..core.words import person

PREFIX = "/api"


def _headers(user: User) -> dict[str, str]:
    pair = f"{user.credentials['email']}:{user.credentials['password']}"
    return {"authorization": "Basic " + base64.b64encode(pair.encode()).decode("ascii")}


def _contact(made: Made) -> dict[str, Any]:
    first, last = person(made.rng)
    if made.index % 10 == 0:
        return {"type": "Organization", "name": f"{last} Ltd"}
    return {"type": "Person", "first_name": first, "last_name": last}


PLAN = SeedPlan(
    user="admin",
    headers=_headers,
    factories=(Factory("contacts", "POST", f"{PREFIX}/contacts", _contact, id_at("id")),),
)
