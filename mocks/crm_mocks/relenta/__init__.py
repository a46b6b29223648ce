"""Relenta API v3 mock (`crm-mock relenta`)."""

from .mock import RelentaMock

__all__ = ["RelentaMock"]
