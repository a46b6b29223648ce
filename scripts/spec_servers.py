"""Transitional: `scripts/contract.py` (owned by the contract-suite branch) still imports
`spec_servers` by its old top-level name. The definitions live in the spec model,
`crm_tools.spec`; delete this file once contract.py is a module of crm_tools."""

from crm_tools.spec import server_path, server_url

__all__ = ["server_path", "server_url"]
