"""Behaviour that does not fit the resource table: derived fields, cross-record rules and
cascades (fact sheet §5, §7). The generic handlers call, in order:

  prepare(ctx, res, item, old)   derive fields, check rules (inside the write transaction)
  after_write(ctx, res, item, old)
  before_delete(ctx, res, item)  cascades, inside the delete's transaction
  present(ctx, res, out, includes)  adjust what a client sees

`old` is None on create. Rule failures raise SellError (422 with resource and field).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..core.store import Filter, Order
from .data import Data
from .errors import SellError, blank, incorrect
from .resources import ASSOCIATED_CONTACTS, Resource
from .values import FOREVER, decimal_text, now, parse_decimal

RESOURCE_KINDS = {"lead": "lead", "contact": "contact", "deal": "deal"}


@dataclass
class Ctx:
    data: Data
    user_id: int
    account: Mapping[str, Any]  # the account record (currency, timezone, ...)
    base_url: str


def missing_ref(res: Resource, field: str, what: str, value: Any) -> SellError:
    return incorrect(
        field,
        res.type,
        f"The attribute '{{ptr}}' refers to a {what} that does not exist ({value}).",
    )


def check_resource(
    ctx: Ctx, res: Resource, item: dict[str, Any], *, optional: bool = False
) -> None:
    """`resource_type` + `resource_id` name an existing lead, contact or deal."""
    rtype, rid = item.get("resource_type"), item.get("resource_id")
    if optional and rtype is None and rid is None:
        return
    if rtype is None or rid is None:
        missing = "resource_type" if rtype is None else "resource_id"
        raise blank(missing, res.type)
    if ctx.data.get(RESOURCE_KINDS[rtype], rid) is None:
        raise missing_ref(res, "resource_id", rtype, rid)


def remove_attached(ctx: Ctx, rtype: str, rid: int) -> None:
    """Notes and tasks hang off the record being deleted: they go with it."""
    for kind in ("note", "task"):
        for child in ctx.data.query(
            kind, [Filter("resource_type", "=", rtype), Filter("resource_id", "=", rid)], order=()
        ):
            ctx.data.remove(kind, child["id"])


def clear_refs(ctx: Ctx, kind: str, field: str, value: int, **also: Any) -> None:
    for row in ctx.data.query(kind, [Filter(field, "=", value)], order=()):
        ctx.data.replace(kind, {**row, field: None, **also, "updated_at": now()})


class Hooks:
    #: whether `present` reads the clock: such answers are never kept (mock.py's read memo
    #: keeps a GET's answer only while it is a function of the stored data and the caller)
    present_reads_clock: ClassVar[bool] = False

    def prepare(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        pass

    def after_write(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        pass

    def before_delete(self, ctx: Ctx, res: Resource, item: dict[str, Any]) -> None:
        pass

    def present(
        self, ctx: Ctx, res: Resource, out: dict[str, Any], includes: tuple[str, ...]
    ) -> None:
        pass


class Contacts(Hooks):
    def prepare(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        if old is not None:
            item["is_organization"] = old["is_organization"]  # settable only on create (§5.2)
        if item["is_organization"]:
            if not item.get("name"):
                raise blank("name", res.type)
            if item.get("contact_id") is not None:
                raise incorrect(
                    "contact_id", res.type, "The attribute '{ptr}' is only valid for individuals."
                )
            self._organization(ctx, res, item, "parent_organization_id")
            if old is not None and item.get("parent_organization_id") == old["id"]:
                raise incorrect(
                    "parent_organization_id",
                    res.type,
                    "The attribute '{ptr}' cannot point at the organization itself.",
                )
        else:
            if not item.get("last_name"):
                raise blank("last_name", res.type)  # observed: 422 blank /data/last_name
            if item.get("parent_organization_id") is not None:
                raise incorrect(
                    "parent_organization_id",
                    res.type,
                    "The attribute '{ptr}' is only valid for organizations.",
                )
            self._organization(ctx, res, item, "contact_id")
            item["name"] = " ".join(p for p in (item.get("first_name"), item["last_name"]) if p)

    @staticmethod
    def _organization(ctx: Ctx, res: Resource, item: dict[str, Any], field: str) -> None:
        ref = item.get(field)
        if ref is None:
            return
        org = ctx.data.get("contact", ref)
        if org is None:
            raise missing_ref(res, field, "contact", ref)
        if not org["is_organization"]:
            raise incorrect(field, res.type, "The attribute '{ptr}' must refer to an organization.")

    def before_delete(self, ctx: Ctx, res: Resource, item: dict[str, Any]) -> None:
        cid = item["id"]
        for assoc in ctx.data.query("associated_contact", [Filter("contact_id", "=", cid)]):
            ctx.data.remove("associated_contact", assoc["id"])
        clear_refs(ctx, "contact", "contact_id", cid)
        clear_refs(ctx, "contact", "parent_organization_id", cid)
        clear_refs(ctx, "deal", "organization_id", cid)
        remove_attached(ctx, "contact", cid)

    def present(
        self, ctx: Ctx, res: Resource, out: dict[str, Any], includes: tuple[str, ...]
    ) -> None:
        if "organization" in includes:
            org = ctx.data.get("contact", out["contact_id"]) if out.get("contact_id") else None
            out["organization"] = (
                None
                if org is None
                else {"data": present(ctx, res, org), "meta": {"type": "contact"}}
            )


class Deals(Hooks):
    def prepare(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        if "added_on" in item:  # §9: the clients' name for added_at
            added_on = item.pop("added_on")
            if added_on is not None or item.get("added_at") is None:
                item["added_at"] = added_on
        if item.get("stage_id") is None:
            item["stage_id"] = self._default_stage(ctx)
        stage = ctx.data.get("stage", item["stage_id"])
        if stage is None:
            raise missing_ref(res, "stage_id", "stage", item["stage_id"])
        pipeline = ctx.data.get("pipeline", stage["pipeline_id"])
        if pipeline is None or pipeline["disabled"]:
            raise incorrect(
                "stage_id",
                res.type,
                "The attribute '{ptr}' belongs to a disabled "
                "pipeline: no deals can be added to it.",
            )
        if old is None:
            item["last_stage_change_at"] = item.get("last_stage_change_at") or now()
            item["last_stage_change_by_id"] = ctx.user_id
        elif old["stage_id"] != item["stage_id"]:
            # a stage change stamps the change unless the client sets the time itself
            if item.get("last_stage_change_at") == old.get("last_stage_change_at"):
                item["last_stage_change_at"] = now()
            item["last_stage_change_by_id"] = ctx.user_id
        contact = ctx.data.get("contact", item["contact_id"])
        if contact is not None:
            # organization_id follows the primary contact (§5.3, §7)
            item["organization_id"] = (
                contact["id"] if contact["is_organization"] else contact.get("contact_id")
            )
        elif old is None or old["contact_id"] != item["contact_id"]:
            raise missing_ref(res, "contact_id", "contact", item["contact_id"])
        # else: the primary contact was deleted since; a deal's `contact_id` is never null
        # (§5.3) and no cascade to deals is documented (§7), so it keeps pointing there
        item["currency"] = item.get("currency") or ctx.account.get("currency", "USD")
        if old is None:
            digest = hashlib.sha1(f"{ctx.data.account}-{ctx.user_id}-{now()}".encode()).hexdigest()
            item["dropbox_email"] = f"dropbox@{digest[:8]}.deals.futuresimple.com"

    @staticmethod
    def _default_stage(ctx: Ctx) -> int:
        """The first stage of the first enabled pipeline (§5.3 default)."""
        for pipeline in ctx.data.query("pipeline", [Filter("disabled", "=", False)]):
            stages = ctx.data.query(
                "stage",
                [Filter("pipeline_id", "=", pipeline["id"])],
                order=[Order("position")],
                limit=1,
            )
            if stages:
                return int(stages[0]["id"])
        raise SellError(
            422,
            "incorrect_value",
            "The account has no enabled pipeline.",
            resource="deal",
            field="/data/stage_id",
        )

    def before_delete(self, ctx: Ctx, res: Resource, item: dict[str, Any]) -> None:
        # documented: a deal's associated contacts go with it (§5.3); its order (and that
        # order's line items), notes and tasks would otherwise point at nothing (inferred)
        for assoc in ctx.data.query("associated_contact", [Filter("deal_id", "=", item["id"])]):
            ctx.data.remove("associated_contact", assoc["id"])
        for order in ctx.data.query("order", [Filter("deal_id", "=", item["id"])]):
            Orders().before_delete(ctx, res, order)
            ctx.data.remove("order", order["id"])
        remove_attached(ctx, "deal", item["id"])

    def present(
        self, ctx: Ctx, res: Resource, out: dict[str, Any], includes: tuple[str, ...]
    ) -> None:
        # integer when there is no decimal part, else a 2-decimal string (§5.3)
        value = out.get("value")
        if isinstance(value, float):
            out["value"] = f"{value:.2f}"
        out["added_on"] = out.get("added_at")
        if "associated_contacts" in includes:
            rows = ctx.data.query("associated_contact", [Filter("deal_id", "=", out["id"])])
            out["associated_contacts"] = {
                "items": [
                    {
                        "data": present(ctx, ASSOCIATED_CONTACTS, r),
                        "meta": {"type": "associated_contact"},
                    }
                    for r in rows
                ],
                "meta": {"type": "collection", "count": len(rows)},
            }


class Leads(Hooks):
    def prepare(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        if not item.get("last_name") and not item.get("organization_name"):
            raise blank("last_name", res.type)  # one of last_name / organization_name (§5.5)
        if old is None or old.get("status") != item["status"]:
            known = ctx.data.first("lead_status", [Filter("name", "=", item["status"])])
            if known is None:
                raise incorrect(
                    "status",
                    res.type,
                    "The attribute '{ptr}' value is not included in the list",
                    data_prefix=False,
                )

    def before_delete(self, ctx: Ctx, res: Resource, item: dict[str, Any]) -> None:
        remove_attached(ctx, "lead", item["id"])


class Notes(Hooks):
    def prepare(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        check_resource(ctx, res, item)


class Tasks(Hooks):
    present_reads_clock = True  # `overdue`

    def prepare(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        check_resource(ctx, res, item, optional=True)  # floating tasks have neither (§5.7)
        if item["completed"] and not (old and old["completed"]):
            item["completed_at"] = now()
        elif not item["completed"]:
            item["completed_at"] = None
        # overdue depends on the clock: keep the instant it becomes overdue, so that the
        # `overdue` filter is a range query (open tasks without a due date: never)
        item["_overdue_at"] = (
            FOREVER if item["completed"] or not item["due_date"] else item["due_date"]
        )

    def present(
        self, ctx: Ctx, res: Resource, out: dict[str, Any], includes: tuple[str, ...]
    ) -> None:
        out["overdue"] = bool(not out["completed"] and out["due_date"] and out["due_date"] < now())


class Tags(Hooks):
    def prepare(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        if old is not None:
            item["resource_type"] = old["resource_type"]  # a tag stays with its records

    def after_write(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        if old is not None and old["name"] != item["name"]:
            self._retag(ctx, item["resource_type"], old["name"], item["name"])

    def before_delete(self, ctx: Ctx, res: Resource, item: dict[str, Any]) -> None:
        self._retag(ctx, item["resource_type"], item["name"], None)  # untag every record (§5.8)

    @staticmethod
    def _retag(ctx: Ctx, rtype: str, name: str, new: str | None) -> None:
        kind = RESOURCE_KINDS[rtype]
        for row in ctx.data.query(kind, [Filter("tags", "contains", name)], order=()):
            tags = [new if t == name else t for t in row["tags"]]
            row["tags"] = list(dict.fromkeys(t for t in tags if t is not None))
            row["updated_at"] = now()
            ctx.data.replace(kind, row)


class Orders(Hooks):
    def before_delete(self, ctx: Ctx, res: Resource, item: dict[str, Any]) -> None:
        for line in ctx.data.query("line_item", [Filter("order_id", "=", item["id"])]):
            ctx.data.remove("line_item", line["id"])  # an order's line items go with it (§5.13)


class LineItems(Hooks):
    def prepare(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        product = ctx.data.get("product", item["product_id"])
        if product is None:
            raise missing_ref(res, "product_id", "product", item["product_id"])
        if not product["active"]:
            raise incorrect(
                "product_id", res.type, "The attribute '{ptr}' refers to an inactive product."
            )
        price = next(
            (p["amount"] for p in product["prices"] if p["currency"] == item["currency"]), None
        )
        if price is None:
            raise incorrect(
                "currency",
                res.type,
                "The attribute '{ptr}' is not a currency the product has a price in.",
            )
        variation = parse_decimal(item["variation"])
        if product.get("max_discount") is not None and variation < -product["max_discount"]:
            raise incorrect(
                "variation",
                res.type,
                "The attribute '{ptr}' exceeds the product's maximum discount.",
            )
        if product.get("max_markup") is not None and variation > product["max_markup"]:
            raise incorrect(
                "variation", res.type, "The attribute '{ptr}' exceeds the product's maximum markup."
            )
        item.update(
            price=price,
            name=product["name"],
            sku=product["sku"],
            description=product["description"],
        )
        if item.get("value") is None:  # unit price after markup/discount
            value = parse_decimal(price) * (1 + variation / 100)
            item["value"] = decimal_text(value)


class Products(Hooks):
    def prepare(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        if old is not None:
            item["version"] = old.get("version", 1) + 1


class Calls(Hooks):
    def prepare(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        # defaults documented by integrators: the caller is the token's user, made now
        item["user_id"] = item.get("user_id") or ctx.user_id
        item["made_at"] = item.get("made_at") or now()
        check_resource(ctx, res, item, optional=True)
        for i, deal_id in enumerate(item.get("associated_deal_ids") or []):
            if ctx.data.get("deal", deal_id) is None:
                raise missing_ref(res, f"associated_deal_ids[{i}]", "deal", deal_id)


class Collaborations(Hooks):
    def prepare(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        check_resource(ctx, res, item)


class SequenceEnrollments(Hooks):
    def prepare(
        self, ctx: Ctx, res: Resource, item: dict[str, Any], old: dict[str, Any] | None
    ) -> None:
        if old is None:
            check_resource(ctx, res, item)
            item["actor_id"] = item.get("actor_id") or ctx.user_id
            item["state"] = "active"  # a new enrollment runs; `state` is for PUT only
            return
        # PUT changes the state only (companion sheet §5.2): the enrolled record, sequence and
        # actor stay as they were
        for key in ("sequence_id", "resource_type", "resource_id", "actor_id"):
            item[key] = old[key]
        if item["state"] == old["state"]:
            return
        if old["state"] == "finished" or item["state"] == "blocked":
            raise incorrect(
                "state",
                res.type,
                "The attribute '{ptr}' can stop an enrollment (finished) or resume a blocked "
                "one (active); a finished enrollment stays finished.",
            )
        if item["state"] == "finished":
            item.update(finished_at=now(), finished_reason="manual", finished_actor_id=ctx.user_id)

    def present(
        self, ctx: Ctx, res: Resource, out: dict[str, Any], includes: tuple[str, ...]
    ) -> None:
        sequence = ctx.data.get("sequence", out["sequence_id"])
        out["sequence"] = (
            None
            if sequence is None
            else {"data": strip(sequence, ("steps",)), "meta": {"type": "sequence"}}
        )
        out["enrollment_steps"] = enrollment_steps(out, (sequence or {}).get("steps", []))


class Sequences(Hooks):
    def present(
        self, ctx: Ctx, res: Resource, out: dict[str, Any], includes: tuple[str, ...]
    ) -> None:
        # `steps` as the Zapier app's sequences fixture shows them (companion sheet §5.2)
        steps = out.get("steps") or []
        out["steps"] = {
            "items": [{"data": step, "meta": {"type": "step"}} for step in steps],
            "meta": {"type": "collection", "count": len(steps)},
        }


def enrollment_steps(enrollment: Mapping[str, Any], steps: list[Any]) -> dict[str, Any]:
    """The sequence's steps as this enrollment runs them (companion sheet §5.2): steps up to
    `previously_executed_step_position` are `completed`; once finished the rest `cancelled`,
    while active they wait (`pending`, a status name inferred: only the first two were seen)."""
    done = enrollment.get("previously_executed_step_position")
    items = []
    for step in steps:
        executed = done is not None and step["position"] <= done
        status = (
            "completed"
            if executed
            else ("cancelled" if enrollment["state"] == "finished" else "pending")
        )
        action = {
            "status": status,
            "executed_at": enrollment.get("created_at") if executed else None,
            "estimated_execute_at": None,
            "failure_reason": None,
        }
        data = {k: v for k, v in step.items() if k != "id"}
        data["overdue"] = False
        data["action"] = {"data": action, "meta": {"type": "action"}}
        items.append({"data": data, "meta": {"type": "enrollment_step"}})
    return {"items": items, "meta": {"type": "collection", "count": len(items)}}


HOOKS: dict[str, Hooks] = {
    "contacts": Contacts(),
    "deals": Deals(),
    "leads": Leads(),
    "notes": Notes(),
    "tasks": Tasks(),
    "tags": Tags(),
    "orders": Orders(),
    "orders/{order_id}/line_items": LineItems(),
    "products": Products(),
    "calls": Calls(),
    "collaborations": Collaborations(),
    "sequence_enrollments": SequenceEnrollments(),
    "sequences": Sequences(),
}
NO_HOOKS = Hooks()


def hooks(res: Resource) -> Hooks:
    return HOOKS.get(res.name, NO_HOOKS)


def strip(item: Mapping[str, Any], private: tuple[str, ...]) -> dict[str, Any]:
    out = dict(item)
    for key in private:  # a few known keys: cheaper than testing every key of every record
        out.pop(key, None)
    return out


def present(
    ctx: Ctx, res: Resource, item: Mapping[str, Any], includes: tuple[str, ...] = ()
) -> dict[str, Any]:
    """What a client sees of a stored record: private keys dropped, derived ones added."""
    out = strip(item, res.private)
    hooks(res).present(ctx, res, out, includes)
    return out
