"""What a fresh department holds: the doc's own examples, so its calls can be replayed.

A department whose accounts-file profile says `"examples": true` gets the records of the "Relenta
API v3" doc (fact sheet §11) under the doc's ids; any other department gets the same custom-field
definitions plus one contact and one activity of its own, under ids derived from its number.
"""

from __future__ import annotations

from typing import Any

from .objects import ACTIVITY_DEFAULTS, CONTACT_DEFAULTS

#: the six definitions of the doc's custom_field.list.json example, in the doc's order
CUSTOM_FIELDS: list[dict[str, Any]] = [
    {"id": 33078803, "type": "Text", "key": "Occupation", "label": "Occupation"},
    {"id": 33078800, "type": "Single choice", "key": "T-shirt_size", "label": "T-shirt size",
     "choices": ["S", "M", "L", "XL", "XXL"]},
    {"id": 33078801, "type": "Multiple choice", "key": "Featured_in", "label": "Featured in",
     "choices": ["International Man of Mystery", "The Spy Who Shagged Me", "Goldmember",
                 "Austin Powers 4"]},
    {"id": 33101174, "type": "Text", "key": "Hours", "label": "Hours"},
    {"id": 33101635, "type": "Text", "key": "Skills", "label": "Skills"},
    {"id": 33102253, "type": "Date", "key": "DOB", "label": "DOB"},
]  # fmt: skip

#: the doc's contact.list.json example
CONTACTS: list[dict[str, Any]] = [
    {
        **CONTACT_DEFAULTS,
        "id": 33077973, "full_name": "Dr. Evil", "first_name": "Dr.", "last_name": "Evil",
        "dt_created": "2013-07-08T12:38:11Z", "dt_modified": "2016-01-03T00:12:22Z",
        "emails": "ceo@virtucon.biz", "title": "CEO", "company": "Virtucon",
        "comment": "Claims that he's the Princess of Canada.",
        "phone": "800-VIRTUCON7 (toll-free);703-123-4567 (Cell)", "url": "virtucon.biz",
        "messenger": "drevil8387 (Skype)", "twitter": "AbsoluteEvil",
        "facebook": "https://www.facebook.com/pages/Dr-Evil/351058975168 (personal)",
        "address": "(Secret Lair)\nUnderground in the Nevada desert\r\nSomewhere outside Las Vegas",
        "groups": "Cold;Qualified;Beyond evil;Absolute evil",
        "tags": "Good guys;New tag for evil guys;Very evil",
        "custom": {
            "Occupation": "Evil doctor and a nice guy",
            "T-shirt_size": "XL",
            "Featured_in": "The Spy Who Shagged Me;Austin Powers 4",
            "Skills": "Startups and Entrepreneurship",
        },
    },
    {
        **CONTACT_DEFAULTS,
        "id": 33103982, "full_name": "James Bond", "first_name": "James", "last_name": "Bond",
        "dt_created": "2016-01-05T12:03:32Z", "dt_modified": "2016-01-05T14:03:33Z",
        "emails": "james.bond@mi6.gov.uk", "company": "British Secret Service", "custom": {},
    },
]  # fmt: skip

_LUNCH: dict[str, Any] = {
    **ACTIVITY_DEFAULTS,
    "label": "Lunch", "all_day": True, "dt_created": "2016-01-09T15:05:29Z",
    "dt_start": "2016-01-21T19:00:00Z", "dt_end": "2016-01-21T19:00:00Z",
    "author": "Austin Powers <austin.powers@mi6.gov.uk>",
    "users": "Austin Powers <austin.powers@mi6.gov.uk>",
    "contacts": "Ivana Humpalot <ivana.humpalot@kgb.ru>;Mustafa <assassinmustafa@gmail.com>",
    "subject": "Discuss placement subject", "body": "Discuss placement body",
}  # fmt: skip

#: the doc's activity.list.json example
ACTIVITIES: list[dict[str, Any]] = [
    {**_LUNCH, "id": 33104112, "dt_modified": "2016-01-21T16:18:57Z"},
    {**_LUNCH, "id": 33104113, "dt_modified": "2016-01-21T16:21:42Z"},
]

Records = list[dict[str, Any]]
#: custom-field definitions, contacts and activities of one department
Seed = tuple[Records, Records, Records]
EXAMPLES: Seed = (CUSTOM_FIELDS, CONTACTS, ACTIVITIES)

#: ids of new objects continue after the doc's examples, so the first contact saved in a fresh
#: mock gets 33104663, the id of the doc's contact.save.json response
FIRST_NEW_ID = 33104663


def starter(department: int) -> Seed:
    """Definitions, contacts and activities of a department without the doc's examples.

    Their ids (32,000,000 + 1,000 × department number + n) stay below the doc's and below
    FIRST_NEW_ID, and differ between departments, as a real account's ids would.
    """
    base = 32_000_000 + 1_000 * department
    fields = [{**f, "id": base + i} for i, f in enumerate(CUSTOM_FIELDS, start=1)]
    contact = {
        **CONTACT_DEFAULTS,
        "id": base + 100, "full_name": "Felix Leiter", "first_name": "Felix",
        "last_name": "Leiter", "dt_created": "2016-01-04T09:30:00Z",
        "dt_modified": "2016-01-04T09:30:00Z", "emails": "felix.leiter@cia.gov",
        "company": "Central Intelligence Agency", "tags": "Allies",
        "custom": {"Occupation": "Field agent", "T-shirt_size": "L"},
    }  # fmt: skip
    activity = {
        **ACTIVITY_DEFAULTS,
        "id": base + 200, "label": "Meeting", "dt_created": "2016-01-04T09:31:00Z",
        "dt_modified": "2016-01-04T09:31:00Z", "dt_start": "2016-01-12T10:00:00Z",
        "dt_end": "2016-01-12T11:00:00Z", "contacts": "Felix Leiter <felix.leiter@cia.gov>",
        "subject": "Joint operation briefing", "body": "Agenda to follow",
    }  # fmt: skip
    return fields, [contact], [activity]
