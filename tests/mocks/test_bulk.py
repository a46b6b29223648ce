"""core/bulk.py: the collector is paused inside, and left as it was found."""

from __future__ import annotations

import gc

import pytest

from crm_mocks.core.bulk import collector_paused


@pytest.mark.parametrize("enabled_before", [True, False])
def test_paused_inside_and_restored_after(enabled_before: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled_before else gc.disable)()
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled_before
        with pytest.raises(RuntimeError), collector_paused():
            raise RuntimeError("a failing listing")
        assert gc.isenabled() is enabled_before
    finally:
        (gc.enable if was else gc.disable)()
