"""Helpers shared by test modules, imported by package path (`tests.support...`)."""
