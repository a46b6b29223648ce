"""Spec changes, classified: the breaking-change gate (`make diff`) and the per-vendor changelogs.

    python -m crm_tools.spec_diff diff [--base REF] [--specs DIR]   gate: every spec vs REF
    python -m crm_tools.spec_diff changelog [--out DIR] [VENDOR ...]  changelogs from the tags

The classification is api-smart-diff's (npm, pinned in package-lock.json, run by
crm_tools/spec_diff.mjs): each change is breaking, non-breaking, deprecated, annotation
(descriptions, examples) or unclassified. This script only reads the specs, applies the
project's rule and writes the reports.

The rule (docs/writing-specs.md, "Versions and breaking changes"): a change that api-smart-diff
classifies as breaking must come with a higher `info.version` (its last number is this
project's revision of the description; the part before it is the vendor's API version). A new
spec is not compared; a removed one is breaking.

Released spec versions are git tags `spec/<vendor>/v<version>`, `<version>` being info.version
without a leading "v" (`spec/zendesk-sell/v2.1`, `spec/clevertim/v2012-11.1`). The changelog of
a vendor lists, newest first, what changed between consecutive tags, and what changed since the
newest tag ("Unreleased").
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

from crm_tools import spec as openapi
from crm_tools.paths import ROOT

SPECS = ROOT / "specs"
RUNNER = Path(__file__).with_name("spec_diff.mjs")  # api-smart-diff, run by node
TAG_PREFIX = "spec/"
BREAKING = "breaking"
KINDS = ("breaking", "non-breaking", "deprecated", "unclassified", "annotation")


class DiffError(RuntimeError):
    """A spec could not be read or compared."""


@dataclass(frozen=True)
class Change:
    kind: str  # one of KINDS
    action: str  # add, remove, replace, rename
    pointer: str  # JSON pointer into the newer (or, for a removal, the older) document
    description: str

    @property
    def text(self) -> str:
        return self.description or f"{self.action} `{self.pointer}`"

    @property
    def in_operation(self) -> bool:
        """Reported at an operation (paths/...), not only at the shared component it uses:
        api-smart-diff reports a component change at the component and at every use."""
        return self.pointer.startswith("/paths/")


@dataclass
class Comparison:
    vendor: str
    before_version: str | None  # None: the spec is new
    after_version: str | None  # None: the spec was removed
    changes: list[Change] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def breaking(self) -> bool:
        return (
            self.after_version is None
            and self.before_version is not None
            or any(c.kind == BREAKING for c in self.changes)
        )

    @property
    def version_raised(self) -> bool:
        if self.before_version is None or self.after_version is None:
            return self.before_version is None
        return version_key(self.after_version) > version_key(self.before_version)

    @property
    def violation(self) -> str | None:
        """Why this comparison fails the gate, or None."""
        if self.before_version is None:
            return None
        if self.after_version is None:
            return "the spec was removed"
        if self.breaking and not self.version_raised:
            count = len(self.of_kind(BREAKING))
            return (
                f"{count} breaking change(s) but info.version stays {self.after_version!r}"
                + (
                    f" (was {self.before_version!r})"
                    if self.after_version != self.before_version
                    else ""
                )
                + ": raise it (docs/writing-specs.md, 'Versions and breaking changes')"
            )
        return None


# -- reading specs -------------------------------------------------------------------------


def version_key(version: str) -> Version:
    """info.version as a comparable version: its numbers (`v2.1` -> 2.1, `2012-11.1` ->
    2012.11.1), the same reading as the client package versions."""
    numbers = re.findall(r"\d+", version)
    try:
        return Version(".".join(str(int(n)) for n in numbers))
    except InvalidVersion:
        raise DiffError(f"info.version {version!r} has no number to compare") from None


def load_text(text: str, where: str) -> dict[str, Any]:
    """A spec read the way every tool reads it (the spec model: keys as written, dates as
    strings)."""
    try:
        document = openapi.load_text(text)
    except yaml.YAMLError as exc:
        raise DiffError(f"{where}: not an OpenAPI document (YAML: {exc})") from None
    if not isinstance(document, dict):
        raise DiffError(f"{where}: not an OpenAPI document")
    return document


def git(*args: str, cwd: Path = ROOT) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise DiffError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def specs_at(ref: str, repo: Path = ROOT, folder: str = "specs") -> dict[str, str]:
    """vendor -> spec text of every specs/*.yaml at a git ref."""
    git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=repo)
    names = git("ls-tree", "--name-only", f"{ref}:{folder}", cwd=repo).split()
    return {
        name[: -len(".yaml")]: git("show", f"{ref}:{folder}/{name}", cwd=repo)
        for name in names
        if name.endswith(".yaml")
    }


def specs_in(folder: Path) -> dict[str, str]:
    return {p.stem: p.read_text("utf-8") for p in sorted(folder.glob("*.yaml"))}


# -- the diff tool -------------------------------------------------------------------------


def _node() -> str:
    from crm_tools import node_tools

    node = shutil.which("node")
    if node is None:
        raise DiffError("node (Node 20+) is needed for api-smart-diff; see README")
    node_tools.ensure_node_modules()
    return node


def _pointer(path: Iterable[Any]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def classify(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """api-smart-diff's classified changes from `before` to `after`."""
    node = _node()
    with tempfile.TemporaryDirectory(prefix="spec-diff-") as tmp:
        files = []
        for name, document in (("before", before), ("after", after)):
            path = Path(tmp) / f"{name}.json"
            path.write_text(json.dumps(document, default=str), "utf-8")
            files.append(str(path))
        result = subprocess.run(
            [node, str(RUNNER), *files], cwd=ROOT, capture_output=True, text=True
        )
    if result.returncode != 0:
        raise DiffError(f"api-smart-diff failed: {result.stderr.strip()[-2000:]}")
    return [
        Change(_kind(d), d["action"], _pointer(d["path"]), d["description"])
        for d in json.loads(result.stdout)
    ]


def _kind(diff: dict[str, Any]) -> str:
    """api-smart-diff's type, except that the project's own `x-` extensions (provenance and
    decisions: documentation for people, read by no client) are annotations."""
    if any(str(part).startswith("x-") for part in diff["path"]):
        return "annotation"
    return str(diff["type"])


def compare(vendor: str, before: str | None, after: str | None) -> Comparison:
    old = load_text(before, f"{vendor} (before)") if before is not None else None
    new = load_text(after, f"{vendor} (after)") if after is not None else None
    comparison = Comparison(
        vendor,
        str(old["info"]["version"]) if old else None,
        str(new["info"]["version"]) if new else None,
    )
    if old is not None and new is not None:
        comparison.changes = classify(old, new)
    return comparison


def compare_all(before: dict[str, str], after: dict[str, str]) -> list[Comparison]:
    return [
        compare(vendor, before.get(vendor), after.get(vendor))
        for vendor in sorted(set(before) | set(after))
    ]


# -- the gate ------------------------------------------------------------------------------


def summary(comparison: Comparison) -> str:
    counts = ", ".join(
        f"{len(comparison.of_kind(kind))} {kind}" for kind in KINDS if comparison.of_kind(kind)
    )
    if comparison.before_version is None:
        return f"{comparison.vendor}: new spec (info.version {comparison.after_version})"
    versions = (
        comparison.after_version
        if comparison.after_version == comparison.before_version
        else f"{comparison.before_version} -> {comparison.after_version}"
    )
    return f"{comparison.vendor} ({versions}): {counts or 'no change'}"


def report(comparisons: list[Comparison], limit: int = 25) -> str:
    lines = []
    for comparison in comparisons:
        lines.append(summary(comparison))
        for kind in ("breaking", "deprecated", "unclassified", "non-breaking"):
            shown = [c for c in comparison.of_kind(kind) if c.in_operation] or comparison.of_kind(
                kind
            )
            for change in shown[:limit]:
                lines.append(f"  {kind:<13} {change.text}  [{change.pointer}]")
            if len(shown) > limit:
                lines.append(f"  {kind:<13} ... and {len(shown) - limit} more")
        if comparison.violation:
            lines.append(f"  GATE: {comparison.violation}")
    return "\n".join(lines)


def gate(base: str, specs: Path = SPECS, repo: Path = ROOT) -> tuple[bool, str]:
    """(passes, report) for the specs in `specs` against their versions at git ref `base`."""
    comparisons = compare_all(specs_at(base, repo), specs_in(specs))
    failed = [c for c in comparisons if c.violation]
    verdict = (
        f"make diff: {len(failed)} spec(s) break without a version bump"
        if failed
        else f"make diff: no unversioned breaking change against {base}"
    )
    return not failed, report(comparisons) + "\n" + verdict


# -- changelogs ----------------------------------------------------------------------------


def tag_name(vendor: str, version: str) -> str:
    return f"{TAG_PREFIX}{vendor}/v{version.removeprefix('v')}"


def release_tags(vendor: str, repo: Path = ROOT) -> list[tuple[str, str]]:
    """(tag, info.version as tagged) of a vendor's released spec versions, oldest first."""
    tags = git("tag", "--list", f"{TAG_PREFIX}{vendor}/v*", cwd=repo).split()
    found = []
    for tag in tags:
        text = git("show", f"{tag}:specs/{vendor}.yaml", cwd=repo)
        version = str(load_text(text, tag)["info"]["version"])
        if tag != tag_name(vendor, version):
            raise DiffError(f"tag {tag} holds a spec whose info.version is {version!r}")
        found.append((tag, version))
    return sorted(found, key=lambda tv: version_key(tv[1]))


def _section(title: str, comparison: Comparison) -> list[str]:
    lines = [f"## {title}", ""]
    if comparison.before_version is None:
        return [*lines, "First released version of the spec.", ""]
    if not comparison.changes:
        return [*lines, "No change to the described API.", ""]
    headings = {
        "breaking": "Breaking changes",
        "deprecated": "Deprecations",
        "non-breaking": "Non-breaking changes",
        "unclassified": "Other changes (not classified by the tool)",
    }
    for kind, heading in headings.items():
        shown = sorted(
            {c.text for c in comparison.of_kind(kind) if c.in_operation}
            or {c.text for c in comparison.of_kind(kind)}
        )
        if shown:
            lines += [f"### {heading}", "", *(f"- {_md(t)}" for t in shown), ""]
    annotations = len(comparison.of_kind("annotation"))
    if annotations:
        lines += [f"Also {annotations} documentation change(s) (descriptions, examples).", ""]
    return lines


def _md(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;")


def changelog(vendor: str, repo: Path = ROOT, specs: Path | None = None) -> str:
    """The vendor's changelog in Markdown, from its release tags (and the working tree's spec,
    or `specs`, for "Unreleased")."""
    tags = release_tags(vendor, repo)
    current = ((specs or repo / "specs") / f"{vendor}.yaml").read_text("utf-8")
    title = str(load_text(current, vendor)["info"]["title"])
    lines = [
        f"# {title}: changelog",
        "",
        f"Changes to `specs/{vendor}.yaml`, newest first, between its released versions",
        f"(git tags `{TAG_PREFIX}{vendor}/v<version>`), classified by",
        "[api-smart-diff](https://github.com/udamir/api-smart-diff). A breaking change always",
        "comes with a higher `info.version` (`make diff` enforces it).",
        "",
    ]
    texts = [(tag, git("show", f"{tag}:specs/{vendor}.yaml", cwd=repo)) for tag, _ in tags]
    newest = texts[-1][1] if texts else None
    unreleased = compare(vendor, newest, current)
    if newest is None or unreleased.changes:
        if newest is None:
            lines += ["## Unreleased", "", "No released version yet (no tag).", ""]
        else:
            lines += _section("Unreleased", unreleased)
    previous: str | None = None
    sections: list[list[str]] = []
    for (tag, version), (_, text) in zip(tags, texts, strict=True):
        date = git("log", "-1", "--format=%cs", tag, cwd=repo).strip()
        sections.append(_section(f"{version} ({date}, `{tag}`)", compare(vendor, previous, text)))
        previous = text
    for section in reversed(sections):
        lines += section
    return "\n".join(lines).rstrip() + "\n"


def write_changelogs(
    out: Path, vendors: list[str], repo: Path = ROOT, specs: Path | None = None
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for vendor in vendors:
        path = out / f"{vendor}.md"
        path.write_text(changelog(vendor, repo, specs), "utf-8")
        written.append(path)
    return written


# -- command line --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    diff = sub.add_parser("diff", help="the breaking-change gate against a git ref")
    diff.add_argument("--base", default="HEAD", help="git ref to compare with (default: HEAD)")
    diff.add_argument(
        "--repo", type=Path, help="git work tree (default: the one of the current directory)"
    )
    log = sub.add_parser("changelog", help="per-vendor changelogs from the release tags")
    log.add_argument("--out", type=Path, help="write <vendor>.md here instead of printing")
    log.add_argument("vendors", nargs="*", help="default: every spec")
    args = parser.parse_args(argv)
    try:
        if args.command == "diff":
            repo = args.repo or Path(git("rev-parse", "--show-toplevel", cwd=Path.cwd()).strip())
            passes, text = gate(args.base, repo / "specs", repo)
            print(text)
            return 0 if passes else 1
        vendors = args.vendors or sorted(specs_in(SPECS))
        if args.out:
            for path in write_changelogs(args.out, vendors):
                print(path)
        else:
            print("\n".join(changelog(v) for v in vendors))
        return 0
    except DiffError as exc:
        print(f"spec_diff: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
