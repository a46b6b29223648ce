"""What each spec says about where its facts come from, counted.

Every row of a fact sheet's table of vendor-doc inconsistencies must be resolved by an
`x-decision` in the spec; Bantam Live, whose public documentation is one page, must show a
reader which items are documented and which inferred.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from crm_tools import docs_spec

ROOT = Path(__file__).resolve().parents[2]

# (section of the fact sheet holding the inconsistency table, number of rows in it)
INCONSISTENCY_TABLES = {
    "clevertim": ("11", 17),
    "zendesk-sell": ("9", 13),
    "relenta": ("10", 13),
    "bantam-live": ("8", 7),
}


def vendor(name: str) -> docs_spec.Vendor:
    return docs_spec.Vendor.load(ROOT / "specs" / f"{name}.yaml")


@pytest.mark.parametrize(("name", "table"), sorted(INCONSISTENCY_TABLES.items()))
def test_every_listed_inconsistency_is_decided_in_the_spec(
    name: str, table: tuple[str, int]
) -> None:
    section, rows = table
    ids = {d.id for d in vendor(name).decisions}
    missing = [f"{name}-{section}.{row}" for row in range(1, rows + 1)]
    assert [i for i in missing if i not in ids] == []


@pytest.mark.parametrize("name", sorted(INCONSISTENCY_TABLES))
def test_decisions_say_what_was_documented_and_chosen(name: str) -> None:
    for decision in vendor(name).decisions:
        assert decision.documented.strip() and decision.chosen.strip() and decision.why.strip()


def test_bantam_live_documented_versus_inferred() -> None:
    spec = vendor("bantam-live")
    inferred = Counter(m.kind for m in spec.marked if m.marker == "x-inferred")
    documented_ops = sorted(op.operation_id for op in spec.operations if not op.inferred)
    inferred_ops = sorted(op.operation_id for op in spec.operations if op.inferred)
    print(f"bantam-live inferred items by kind: {dict(inferred)}; totals: {spec.totals}")
    # The vendor page documents the contact operations (the POST-to-item update is its own
    # example); the activity feed is only "an authenticated RSS feed" with no address.
    assert documented_ops == [
        "createContact",
        "deleteContact",
        "getContact",
        "listContacts",
        "updateContact",
        "updateContactViaPost",
    ]
    assert inferred_ops == ["getActivityFeed"]
    # No status code or error body is documented: every response is marked inferred.
    assert inferred["response"] == spec.totals["response"] > 0
    assert sum(inferred.values()) >= 20
    assert not [m for m in spec.marked if m.marker == "x-undocumented"]  # one source: the page
