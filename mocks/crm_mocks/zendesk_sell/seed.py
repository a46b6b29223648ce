"""The data a fresh Sell account starts with: its account record and users (from the accounts
file), the default pipeline and its seven stages (§5.12), and realistic rows for the read-only
resources (outcomes, statuses, industries, custom field definitions, text messages, visits,
sequences) plus a small organization/person/lead trio those rows refer to.

Seeded through `Data`, so a device's first Sync session delivers all of it as `created`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.accounts import Account
from .data import Data

T0 = "2014-08-27T16:32:56Z"  # seed rows carry fixed, documented-looking timestamps
STAMPS = {"created_at": T0, "updated_at": T0}

# name, category, position, likelihood, active  (the default pipeline, §5.12)
DEFAULT_STAGES = (
    ("Prospecting", "incoming", 1, 5, True),
    ("Qualified", "in_progress", 2, 10, True),
    ("Quote", "in_progress", 3, 20, True),
    ("Closure", "in_progress", 7, 50, True),
    ("Won", "won", 8, 100, False),
    ("Lost", "lost", 9, 0, False),
    ("Unqualified", "unqualified", 10, 0, False),
)

CUSTOM_FIELDS: Mapping[str, tuple[dict[str, Any], ...]] = {
    "contact": (
        {"name": "known_via", "type": "string", "for_contact": True, "for_organisation": True},
        {"name": "sku", "type": "string", "for_contact": True, "for_organisation": True},
        {
            "name": "priority",
            "type": "list",
            "for_contact": True,
            "for_organisation": True,
            "choices": ["Low", "Medium", "High"],
        },
        {"name": "employees", "type": "number", "for_contact": False, "for_organisation": True},
        {
            "name": "interests",
            "type": "multi_select_list",
            "for_contact": True,
            "for_organisation": False,
            "choices": ["Sports", "Music", "Travel"],
        },
        {"name": "birthday", "type": "date", "for_contact": True, "for_organisation": False},
        {"name": "vip", "type": "bool", "for_contact": True, "for_organisation": True},
        {
            "name": "correspondence",
            "type": "address",
            "for_contact": True,
            "for_organisation": True,
        },
    ),
    "lead": (
        {"name": "lead_score", "type": "number"},
        {"name": "campaign", "type": "string"},
        {"name": "region", "type": "list", "choices": ["EMEA", "AMER", "APAC"]},
    ),
    "deal": (
        {"name": "sku", "type": "string"},
        {"name": "contract_length", "type": "number"},
        {"name": "segment", "type": "list", "choices": ["SMB", "Mid-Market", "Enterprise"]},
        {
            "name": "sports",
            "type": "multi_select_list",
            "choices": ["baseball", "football", "soccer", "hockey"],
        },
    ),
}

INDUSTRIES = (
    "Accounting",
    "Design Services",
    "Education",
    "Financial Services",
    "Healthcare",
    "Information Technology",
    "Manufacturing",
    "Retail",
)


def seed_account(data: Data, account: Account) -> None:
    profile = dict(account.profile)
    owner = account.users[0].id
    data.insert(
        "account",
        {
            "name": account.name,
            "currency": profile.get("currency", "USD"),
            "time_format": profile.get("time_format", "24H"),
            "timezone": profile.get("timezone", "UTC+00:00"),
            "phone": profile.get("phone"),
            "subdomain": profile.get("subdomain"),
            **STAMPS,
        },
        record_id=int(profile.get("sell_id", 1)),
    )
    for user in account.users:
        extra = dict(user.profile)
        role = extra.get("role", "user")
        data.insert(
            "user",
            {
                "name": user.name,
                "email": user.email,
                "status": "active",
                "invited": True,
                "confirmed": True,
                "phone_number": extra.get("phone_number"),
                "role": role,
                "roles": [{"id": 1 if role == "admin" else 2, "name": role.capitalize()}],
                "team_name": extra.get("team_name", "Sales"),
                "group": extra.get("group"),
                "reports_to": extra.get("reports_to"),
                "timezone": extra.get("timezone", profile.get("timezone", "UTC+00:00")),
                "deleted_at": None,
                "zendesk_user_id": str(extra.get("zendesk_user_id", user.id)),
                "identity_type": "person",
                **STAMPS,
            },
            record_id=user.id,
        )

    sales = data.insert(
        "pipeline",
        {"name": "Sales Pipeline", "disabled": False, "locale_key": "sales_pipeline", **STAMPS},
    )
    for name, category, position, likelihood, active in DEFAULT_STAGES:
        data.insert(
            "stage",
            {
                "name": name,
                "category": category,
                "active": active,
                "position": position,
                "likelihood": likelihood,
                "pipeline_id": sales["id"],
                **STAMPS,
            },
        )
    # a retired pipeline: no deals can be added to a disabled pipeline (§5.11)
    legacy = data.insert(
        "pipeline", {"name": "Legacy Pipeline", "disabled": True, "locale_key": None, **STAMPS}
    )
    data.insert(
        "stage",
        {
            "name": "Incoming",
            "category": "incoming",
            "active": True,
            "position": 1,
            "likelihood": 5,
            "pipeline_id": legacy["id"],
            **STAMPS,
        },
    )

    for name in ("Referral", "Website", "Trade show"):
        data.insert(
            "deal_source", {"creator_id": owner, "name": name, "resource_type": "deal", **STAMPS}
        )
    for name in ("Web form", "Cold call"):
        data.insert(
            "lead_source", {"creator_id": owner, "name": name, "resource_type": "lead", **STAMPS}
        )
    for name in ("Too expensive", "Lost to competitor", "No decision"):
        data.insert("loss_reason", {"creator_id": owner, "name": name, **STAMPS})
    for name in ("No budget", "Not a fit"):
        data.insert("deal_unqualified_reason", {"creator_id": owner, "name": name, **STAMPS})
    for name in ("Not interested", "Wrong contact", "Duplicate"):
        data.insert("lead_unqualified_reason", {"creator_id": owner, "name": name, **STAMPS})
    for name in ("New", "Working", "Unqualified"):
        data.insert("lead_status", {"name": name, **STAMPS})
    for rtype in ("contact", "lead"):
        for name in INDUSTRIES:
            data.insert("industry", {"_resource_type": rtype, "name": name, **STAMPS})
    for rtype, definitions in CUSTOM_FIELDS.items():
        for definition in definitions:
            row = {"_resource_type": rtype, **definition}
            if "choices" in row:
                row["choices"] = [{"id": i, "name": c} for i, c in enumerate(row["choices"], 1)]
            data.insert("custom_field", row)
    for name in ("Interested", "Left voicemail", "No answer", "Not interested"):
        data.insert("call_outcome", {"creator_id": owner, "name": name, **STAMPS})
    visit_outcomes = [
        data.insert("visit_outcome", {"creator_id": owner, "name": n, **STAMPS})
        for n in ("Meeting held", "Nobody there", "Follow-up needed")
    ]
    for name in ("Inbound follow-up", "Cold outreach"):
        steps = [
            {
                "id": i + 1,
                "position": i,
                "delay_from_previous_step": 0 if i == 0 else 2,
                "delay_from_previous_step_unit": "weekdays",
                "action_type": "automated_email" if i % 2 == 0 else "task",
                "action_properties": (
                    {"email_template_id": 398744 + i, "is_reply": i > 0}
                    if i % 2 == 0
                    else {"task_content": "Call to follow up"}
                ),
            }
            for i in range(4)
        ]
        data.insert(
            "sequence",
            {"name": name, "steps_total": 4, "creator_id": owner, "steps": steps, **STAMPS},
        )

    org = data.insert(
        "contact",
        _contact(
            owner,
            is_organization=True,
            name="Design Services Company",
            email="info@designservices.example",
            industry="Design Services",
            website="www.designservices.example",
        ),
    )
    person = data.insert(
        "contact",
        _contact(
            owner,
            is_organization=False,
            contact_id=org["id"],
            name="Mark Johnson",
            first_name="Mark",
            last_name="Johnson",
            title="CEO",
            email="mark@designservices.example",
            phone="508-778-6516",
        ),
    )
    lead = data.insert(
        "lead",
        {
            "creator_id": owner,
            "owner_id": owner,
            "first_name": "Tom",
            "last_name": "Lead",
            "organization_name": "Prospect Inc",
            "status": "New",
            "source_id": None,
            "unqualified_reason_id": None,
            "title": None,
            "description": None,
            "industry": None,
            "website": None,
            "email": "tom@prospect.example",
            "phone": "+1 555 0100",
            "mobile": None,
            "fax": None,
            "twitter": None,
            "facebook": None,
            "linkedin": None,
            "skype": None,
            "address": None,
            "tags": [],
            "custom_fields": {},
            **STAMPS,
        },
    )

    # Mark Johnson came in as a lead and was converted into the person and the organization
    converted = data.insert(
        "lead",
        {**lead, "first_name": "Mark", "last_name": "Johnson", "email": person["email"]},
    )
    data.remove("lead", converted["id"])
    data.insert(
        "lead_conversion",
        {
            "lead_id": converted["id"],
            "individual_id": person["id"],
            "organization_id": org["id"],
            "deal_id": None,
            "creator_id": owner,
            "created_at": T0,
        },
    )

    for i, (rid, rtype, incoming, content) in enumerate(
        (
            (person["id"], "contact", False, "Hi Mark, are we still on for Thursday?"),
            (person["id"], "contact", True, "Yes - see you at 10."),
            (lead["id"], "lead", True, "Please call me back about pricing."),
        )
    ):
        data.insert(
            "text_message",
            {
                "associated_deal_ids": [],
                "content": content,
                "incoming": incoming,
                "resource_id": rid,
                "resource_type": rtype,
                "resource_phone_number": "+15087786516" if rtype == "contact" else "+15550100",
                "sent_at": f"2014-08-2{7 + i % 2}T1{i}:00:00Z",
                "user_id": owner,
                "user_phone_number": "+15550123",
                **STAMPS,
            },
        )
    for rid, rtype, outcome, status in (
        (person["id"], "contact", visit_outcomes[0]["id"], "verified"),
        (lead["id"], "lead", visit_outcomes[2]["id"], "unverified"),
    ):
        data.insert(
            "visit",
            {
                "creator_id": owner,
                "outcome_id": outcome,
                "resource_id": rid,
                "resource_type": rtype,
                "visited_at": "2014-08-28T09:30:00Z",
                "rep_location_verification_status": status,
                "resource_address": "2726 Smith Street, Hyannis, MA 02601",
                "summary": "On-site demo",
                **STAMPS,
            },
        )


def _contact(owner: int, **fields: Any) -> dict[str, Any]:
    blank = dict.fromkeys(
        (
            "contact_id",
            "parent_organization_id",
            "first_name",
            "last_name",
            "title",
            "description",
            "industry",
            "website",
            "email",
            "phone",
            "mobile",
            "fax",
            "twitter",
            "facebook",
            "linkedin",
            "skype",
            "address",
            "billing_address",
            "shipping_address",
        )
    )
    return {
        **blank,
        "creator_id": owner,
        "owner_id": owner,
        "customer_status": "none",
        "prospect_status": "none",
        "tags": [],
        "custom_fields": {},
        **fields,
        **STAMPS,
    }
