"""The lint rules, one module per family. Importing this package registers every rule;
`FAMILIES` is the order the linter runs them in (and so the order problems are reported in)."""

from crm_tools.lint import loader  # declares rule yaml (reported while reading the file)
from crm_tools.lint.registry import run_in_order
from crm_tools.lint.rules import (
    examples,
    extensions,
    info,
    links,
    operations,
    refs,
    structure,
)

FAMILIES = (refs, structure, info, operations, links, examples, extensions)
run_in_order([loader.__name__, *(family.__name__ for family in FAMILIES)])
