"""Records `crm-mock relenta --seed-records` creates, as the API's create requests.

Contacts count against the department's plan limit like any other: seeding more than the
default allows needs `--option contact_limit=...`.
"""

from __future__ import annotations

from typing import Any

from ..core.accounts import User
from ..core.seeding import Factory, Made, SeedPlan, id_at
from ..core.words import person

PREFIX = "/api/v3"


def _headers(user: User) -> dict[str, str]:
    return {"x-relenta-department-key": user.credentials["department_key"]}


def _contact(made: Made) -> dict[str, Any]:
    first, last = person(made.rng)
    return {"first_name": first, "last_name": last, "company": f"{last} Ltd"}


def _activity(made: Made) -> dict[str, Any]:
    return {"subject": f"Call #{made.index}", "body": "Seeded activity."}


PLAN = SeedPlan(
    user="demo",
    headers=_headers,
    factories=(
        Factory("contacts", "POST", f"{PREFIX}/contact.save.json", _contact, id_at("data", "id")),
        Factory(
            "activities", "POST", f"{PREFIX}/activity.save.json", _activity, id_at("data", "id")
        ),
    ),
)
