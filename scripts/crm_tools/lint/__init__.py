"""The lint gate for the hand-written OpenAPI 3.1 specs: the starred rules of
docs/writing-specs.md and the extension rules of docs/extensions.md, on top of
openapi-spec-validator (which accepts unresolved $refs and links to missing operations).
Run ``python -m crm_tools.lint --help`` for the rule list.

``lint(document, source)`` returns the ``Problem`` list of an in-memory document;
``load_spec(path)`` reads a YAML file the way the gate does (reporting YAML pitfalls). Rules are
registered where they are checked (``crm_tools.lint.rules``); ``RULES`` maps each to its text.
"""

from crm_tools.lint import rules  # registers every rule (before anything reads RULES)
from crm_tools.lint.linter import Linter, lint
from crm_tools.lint.loader import LoadedSpec, load_spec
from crm_tools.lint.problems import Problem
from crm_tools.lint.registry import RULES, rule

__all__ = ["RULES", "LoadedSpec", "Linter", "Problem", "lint", "load_spec", "rule", "rules"]
