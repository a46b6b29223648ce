"""Bantam Live mock (`crm-mock bantam-live`)."""

from .mock import BantamLiveMock

__all__ = ["BantamLiveMock"]
