"""Lint rules info, servers and provenance: what the document says about itself and where
its facts come from."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from crm_tools.lint.linter import (
    PROVENANCE_KINDS,
    Linter,
)
from crm_tools.lint.registry import rule
from crm_tools.spec import did_you_mean, join


@rule(
    "info",
    doc=("info has a non-empty title, version and description."),
)
def check_info(lint: Linter) -> None:
    info = lint.doc.get("info")
    if not isinstance(info, Mapping):
        return  # structure reports it
    for key in ("title", "version", "description"):
        value = info.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            what = "what the spec covers" if key == "description" else key
            lint.report(join("/info", key), f"info.{key} is missing or empty ({what})", "info")


@rule(
    "servers",
    doc=(
        "servers is non-empty; servers[0].url is an absolute http(s) URL (server variables "
        "filled with their defaults) and not a local/mock address."
    ),
)
def check_servers(lint: Linter) -> None:
    servers = lint.doc.get("servers")
    if not isinstance(servers, list) or not servers:
        lint.report(
            "/servers",
            "no servers: servers[0] must be the vendor's production URL (without servers "
            "clients and tests default to '/')",
            "servers",
        )
        return
    first = servers[0]
    if not isinstance(first, Mapping) or not isinstance(first.get("url"), str):
        return  # structure reports it
    url = first["url"]
    variables = first.get("variables")
    filled = url
    for name, var in variables.items() if isinstance(variables, Mapping) else []:
        if isinstance(var, Mapping) and "default" in var:
            filled = filled.replace("{" + str(name) + "}", str(var["default"]))
    parts = urlsplit(filled)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        lint.report(
            "/servers/0/url",
            f"servers[0].url {url!r} is not an absolute http(s) URL; it must be the "
            "vendor's production URL",
            "servers",
        )
    elif parts.hostname in (
        "localhost",
        "127.0.0.1",
        "0.0.0.0",
        "::1",
    ) or parts.hostname.endswith(".local"):
        lint.report(
            "/servers/0/url",
            f"servers[0].url {url!r} is a local address; servers[0] must be the vendor's "
            "production URL (list mocks after it)",
            "servers",
        )


@rule(
    "provenance",
    doc=(
        "info.x-provenance is a non-empty list of {kind, title, ref} (non-empty strings), kind "
        "one of vendor-docs, client-library, live-evidence, fact-sheet, with at least one "
        "vendor-docs entry."
    ),
)
def check_provenance(lint: Linter) -> None:
    info = lint.doc.get("info")
    if not isinstance(info, Mapping):
        return
    pointer = "/info/x-provenance"
    entries = info.get("x-provenance")
    if entries is None:
        lint.report(
            pointer,
            "info.x-provenance is missing: list every vendor page, client library and "
            "piece of live evidence the spec was written from as {kind, title, ref}",
            "provenance",
        )
        return
    if not isinstance(entries, list) or not entries:
        lint.report(
            pointer,
            "info.x-provenance must be a non-empty list of {kind, title, ref}",
            "provenance",
        )
        return
    kinds = []
    for i, entry in enumerate(entries):
        ptr = join(pointer, i)
        if not isinstance(entry, Mapping):
            lint.report(
                ptr,
                f"entry must be a mapping {{kind, title, ref}}, got {entry!r}",
                "provenance",
            )
            continue
        lint.report_blank_strings(entry, ("kind", "title", "ref"), ptr, "", "provenance")
        extra = sorted(str(k) for k in entry if k not in ("kind", "title", "ref"))
        if extra:
            lint.report(
                ptr,
                f"unknown keys {extra}; an entry is exactly {{kind, title, ref}}",
                "provenance",
            )
        kind = entry.get("kind")
        if isinstance(kind, str) and kind.strip():
            kinds.append(kind)
            if kind not in PROVENANCE_KINDS:
                lint.report(
                    join(ptr, "kind"),
                    f"kind {kind!r} is not one of {', '.join(PROVENANCE_KINDS)}"
                    + did_you_mean(kind, list(PROVENANCE_KINDS)),
                    "provenance",
                )
    if "vendor-docs" not in kinds:
        lint.report(pointer, "info.x-provenance has no `kind: vendor-docs` entry", "provenance")
