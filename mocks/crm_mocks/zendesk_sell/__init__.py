"""Zendesk Sell (ex Base CRM) Core API v2 mock (`crm-mock zendesk-sell`)."""

from .mock import ZendeskSellMock

__all__ = ["ZendeskSellMock"]
