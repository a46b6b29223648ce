"""Clevertim CRM mock (`crm-mock clevertim`)."""

from .mock import ClevertimMock

__all__ = ["ClevertimMock"]
