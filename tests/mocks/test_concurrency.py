"""No acknowledged write is lost when requests on one record overlap (every vendor).

A request whose body arrives slowly must not hold a stale copy of the record: the core reads
the whole body before any handler reads state, and each read-modify-write is one transaction.
Before that fix, a PUT with a slow body read the record, waited for its body, and wrote the old
copy back over a PUT that finished in the meantime (Clevertim, Sell), and a DELETE in that gap
turned the PUT into a 500.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_mocks import RunningMock
from crm_tools.mock_ops import VENDORS, Raw, create, read

PAUSE = 0.3  # long enough for the server to have started the slow request


@pytest.fixture(params=sorted(VENDORS))
def mock(request: pytest.FixtureRequest) -> Iterator[RunningMock]:
    running: RunningMock = request.getfixturevalue(f"{request.param.replace('-', '_')}_mock")
    before = running.mock.unhandled_errors
    yield running
    assert running.mock.unhandled_errors == before, "a handler raised (answered 500)"


def test_a_slow_body_does_not_overwrite_a_faster_update(mock: RunningMock) -> None:
    ops = VENDORS[mock.vendor]
    rid = create(mock)
    first, second = ops.fields
    slow = Raw(mock, ops.update(rid, first, "from the slow request")).start()
    time.sleep(PAUSE)
    fast_status, _ = Raw(mock, ops.update(rid, second, "from the fast one")).whole().response()
    assert fast_status in ops.ok
    slow_status, _ = slow.finish().response()
    assert slow_status in ops.ok
    stored = read(mock, rid)
    assert stored is not None
    assert (stored[first], stored[second]) == ("from the slow request", "from the fast one")


@pytest.mark.parametrize("vendor", [v for v in sorted(VENDORS) if VENDORS[v].delete_path])
def test_a_delete_while_an_update_body_is_in_flight_is_a_404_not_a_500(
    vendor: str, request: pytest.FixtureRequest
) -> None:
    mock: RunningMock = request.getfixturevalue(f"{vendor.replace('-', '_')}_mock")
    ops = VENDORS[vendor]
    rid = create(mock)
    delete = ops.delete(rid)
    assert delete is not None
    slow = Raw(mock, ops.update(rid, ops.fields[0], "late")).start()
    time.sleep(PAUSE)
    deleted, _ = Raw(mock, delete).whole().response()
    assert deleted in ops.ok
    status, body = slow.finish().response()
    assert status == ops.missing, body  # the vendor's own "not found", in its error shape
    assert b"Traceback" not in body and b"Internal" not in body
    assert read(mock, rid) is None
    assert mock.mock.unhandled_errors == 0


# -- property: overlapping requests behave like some serial order of them ----------------------

Op = tuple[str, int, str]  # ("put", field index, value) or ("delete", 0, "")


def _apply(state: dict[str, Any] | None, op: Op, fields: tuple[str, str]) -> tuple[bool, Any]:
    """One op on the model: (succeeded, new state)."""
    if state is None:
        return False, None
    kind, index, value = op
    if kind == "delete":
        return True, None
    return True, {**state, fields[index]: value}


def _serial_orders_explain(
    start: dict[str, Any], ops: list[Op], ok: list[bool], final: Any, fields: tuple[str, str]
) -> bool:
    for order in itertools.permutations(range(len(ops))):
        state: dict[str, Any] | None = dict(start)
        consistent = True
        for i in order:
            succeeded, state = _apply(state, ops[i], fields)
            if succeeded != ok[i]:
                consistent = False
                break
        if not consistent or (state is None) != (final is None):
            continue
        if state is None or all(final.get(f) == state.get(f) for f in fields):
            return True
    return False


def _ops(can_delete: bool) -> st.SearchStrategy[list[Op]]:
    put = st.tuples(st.just("put"), st.integers(0, 1), st.sampled_from(["a", "b", "c"]))
    one = st.one_of(put, st.just(("delete", 0, ""))) if can_delete else put
    return st.lists(one, min_size=2, max_size=4)


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_overlapping_updates_and_deletes_equal_some_serial_order(
    vendor: str, request: pytest.FixtureRequest
) -> None:
    mock: RunningMock = request.getfixturevalue(f"{vendor.replace('-', '_')}_mock")
    ops_of = VENDORS[vendor]
    can_delete = ops_of.delete_path is not None

    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(ops=_ops(can_delete), data=st.data())
    def check(ops: list[Op], data: st.DataObject) -> None:
        rid = create(mock)
        start = read(mock, rid)
        assert start is not None
        requests = []
        for kind, index, value in ops:
            delete = ops_of.delete(rid)
            if kind == "delete" and delete is not None:
                requests.append(delete)
            else:
                requests.append(ops_of.update(rid, ops_of.fields[index], value + str(len(value))))
        # every request's headers and half its body go out, then the bodies finish in an order
        # hypothesis picks, without waiting for answers in between
        pending = [Raw(mock, r).start() for r in requests]
        order = data.draw(st.permutations(range(len(pending))))
        for i in order:
            pending[i].finish()
        answers = [p.response() for p in pending]
        for status, body in answers:
            assert status in (*ops_of.ok, ops_of.missing), body
        ok = [status in ops_of.ok for status, _ in answers]
        final = read(mock, rid)
        model_ops = [(k, i, v + str(len(v))) for k, i, v in ops]
        assert _serial_orders_explain(start, model_ops, ok, final, ops_of.fields), json.dumps(
            {"ops": ops, "statuses": [s for s, _ in answers], "final": final}
        )

    before = mock.mock.unhandled_errors
    check()
    assert mock.mock.unhandled_errors == before
