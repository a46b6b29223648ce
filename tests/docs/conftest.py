"""Shared set-up of the documentation tests.

The generated clients (generated/<vendor>-client/<package>) are used as `make generate` wrote
them, without installing them: the tooling's one loader (`crm_tools.clients`) imports each under
its own name, so the snippets' `from clevertim_client import ...` works as for an installed one.
"""

from __future__ import annotations

from crm_tools import clients

clients.load_all()
