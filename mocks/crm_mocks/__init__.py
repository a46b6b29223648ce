"""Stateful mock servers for four CRM vendor APIs."""
