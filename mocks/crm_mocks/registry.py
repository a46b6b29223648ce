"""The vendors this package can mock, by the name used on the command line."""

from __future__ import annotations

from importlib import import_module

from .core.app import VendorMock

# name -> "module:class"; imported lazily so one vendor's import cost isn't paid by another.
VENDORS: dict[str, str] = {
    "clevertim": "crm_mocks.clevertim:ClevertimMock",
    "bantam-live": "crm_mocks.bantam_live:BantamLiveMock",
    "relenta": "crm_mocks.relenta:RelentaMock",
    "zendesk-sell": "crm_mocks.zendesk_sell:ZendeskSellMock",
}


def vendor_class(name: str) -> type[VendorMock]:
    try:
        target = VENDORS[name]
    except KeyError:
        raise KeyError(
            f"unknown vendor {name!r}; choose one of: {', '.join(sorted(VENDORS))}"
        ) from None
    module, _, cls = target.partition(":")
    found = getattr(import_module(module), cls)
    assert isinstance(found, type) and issubclass(found, VendorMock)
    return found
