"""crm-openapi's tooling: one spec model (`crm_tools.spec`) under the lint gate, the client
pipeline, the docs build, the release artifacts and the benchmarks.

Each tool runs as ``python -m crm_tools.<tool>`` (``lint``, ``generate``, ``build_docs``,
``dist``, ``evidence``, ``spec_diff``, ``bench``, ``soak``); the Makefile targets call them.
Installed editable from scripts/pyproject.toml by the Makefile's bootstrap rule; never shipped
in a wheel of the project.
"""
