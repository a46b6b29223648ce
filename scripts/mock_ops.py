"""Transitional: tests/mocks (owned by the mocks branch) still imports `mock_ops` by its old
top-level name. The module is `crm_tools.mock_ops`; delete this file once those tests import
it from there (or from the public `crm_mocks.testing` API)."""

from crm_tools.mock_ops import (
    CRM_MOCK,
    VENDORS,
    MockProcess,
    Raw,
    Request,
    Served,
    Target,
    VendorOps,
    call,
    create,
    read,
)

__all__ = [
    "CRM_MOCK",
    "VENDORS",
    "MockProcess",
    "Raw",
    "Request",
    "Served",
    "Target",
    "VendorOps",
    "call",
    "create",
    "read",
]
