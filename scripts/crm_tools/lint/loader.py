"""Reading a spec file the way the gate checks it: the spec model's YAML reader, plus the
problems of rule `yaml` (duplicate keys; plain scalars YAML 1.1 and 1.2 readers disagree on) and
a pointer -> line map for messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from crm_tools import spec as openapi
from crm_tools.lint.problems import Problem
from crm_tools.lint.registry import rule
from crm_tools.spec import join


@dataclass
class LoadedSpec:
    """A spec read from disk: the document (None if unreadable), YAML problems, pointer->line."""

    document: Any
    problems: list[Problem]
    lines: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------

_TIMESTAMP_RE = re.compile(
    r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
    r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$"
)
_YAML12_BOOLS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})


def _scan_nodes(node: Any, pointer: str, lines: dict[str, int], problems: list[Problem]) -> None:
    """Record pointer->line and report duplicate keys and ambiguous plain scalars."""
    stack: list[tuple[Any, str, tuple[int, ...]]] = [(node, pointer, ())]
    while stack:
        current, ptr, ancestors = stack.pop()
        lines.setdefault(ptr, current.start_mark.line + 1)
        if id(current) in ancestors:
            continue
        inner = (*ancestors, id(current))
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in current.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen and key != "<<":
                    problems.append(
                        Problem(
                            join(ptr, key),
                            f"duplicate key {key!r} (lines {seen[key]} and {line}); YAML "
                            "readers silently keep only the last one: merge or rename them",
                            "yaml",
                        )
                    )
                seen[key] = line
                stack.append((value_node, join(ptr, key), inner))
        elif isinstance(current, yaml.SequenceNode):
            for i, item in enumerate(current.value):
                stack.append((item, join(ptr, i), inner))
        elif isinstance(current, yaml.ScalarNode) and not current.style:  # plain
            _check_plain_scalar(current, ptr, problems)


def _check_plain_scalar(node: Any, pointer: str, problems: list[Problem]) -> None:
    value, tag = node.value, node.tag
    hint = ""
    if tag.endswith(":bool") and value not in _YAML12_BOOLS:
        hint = f"is boolean {value.lower() in ('yes', 'on')} in YAML 1.1 but a string in YAML 1.2"
    elif tag.endswith(":str") and _TIMESTAMP_RE.match(value):
        hint = "is a date/timestamp object for PyYAML/ruamel but a string for schemathesis"
    elif tag.endswith((":int", ":float")) and ":" in value:
        hint = "is a base-60 number in YAML 1.1 but a string in YAML 1.2"
    elif tag.endswith(":int") and re.fullmatch(r"[-+]?0[0-9_]+", value):
        hint = "is an octal number in YAML 1.1 but decimal in YAML 1.2"
    if hint:
        problems.append(
            Problem(pointer, f'unquoted {value!r} {hint}: quote it ("{value}")', "yaml")
        )


@rule(
    "yaml",
    doc=(
        "The file parses as YAML; no duplicate keys; no plain scalars that YAML 1.1 readers "
        "(PyYAML: this gate, schemathesis) and YAML 1.2 readers (ruamel: openapi-python-client) "
        "read differently (yes/no/on/off, unquoted dates, 1:30, 0755): quote them."
    ),
    check=False,
)
def load_spec(path: str | Path) -> LoadedSpec:
    """Read a spec file: document, YAML problems (rule 'yaml') and a pointer->line map."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return LoadedSpec(None, [Problem("", f"cannot read the file: {exc}", "yaml")])
    loader = openapi.Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return LoadedSpec(None, [Problem("", "the file is empty", "yaml")])
        problems: list[Problem] = []
        lines: dict[str, int] = {}
        _scan_nodes(node, "", lines, problems)
        document = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        detail = getattr(exc, "problem", None) or str(exc)
        return LoadedSpec(None, [Problem("", f"YAML syntax error{where}: {detail}", "yaml")])
    finally:
        loader.dispose()
    return LoadedSpec(document, problems, lines)
