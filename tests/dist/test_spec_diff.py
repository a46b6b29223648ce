"""The breaking-change gate (`make diff`, crm_tools.spec_diff) and the per-vendor changelogs.

Each test works on its own git repository in tmp_path holding a copy of a real spec: a
deliberately broken copy must fail the gate until info.version is raised, a compatible change
must pass, and release tags (`spec/<vendor>/v<version>`) must give the changelog its sections.
The classification itself is api-smart-diff's (npm, package-lock.json; installed by `npm ci`
on first use like the docs' Redocly CLI).
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from crm_tools import spec_diff

ROOT = Path(__file__).resolve().parents[2]
VENDOR = "relenta"


def _git(repo: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def _spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "specs" / f"{VENDOR}.yaml").read_text())
    return loaded


def _write(repo: Path, spec: dict[str, Any]) -> None:
    (repo / "specs" / f"{VENDOR}.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose only commit holds specs/relenta.yaml as this checkout has it."""
    (tmp_path / "specs").mkdir()
    shutil.copyfile(ROOT / "specs" / f"{VENDOR}.yaml", tmp_path / "specs" / f"{VENDOR}.yaml")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "specs")
    _git(tmp_path, "commit", "-q", "-m", "released spec")
    return tmp_path


def broken(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with breaking changes of the kinds users meet: an operation removed, a new
    required query parameter, an enum narrowed."""
    spec = copy.deepcopy(spec)
    del spec["paths"]["/activity.list.json"]
    get = spec["paths"]["/contact.list.json"]["get"]
    get.setdefault("parameters", []).append(
        {"name": "region", "in": "query", "required": True, "schema": {"type": "string"}}
    )
    return spec


def test_a_breaking_change_without_a_version_bump_fails_the_gate(repo: Path) -> None:
    _write(repo, broken(_spec()))
    passes, report = spec_diff.gate("HEAD", repo / "specs", repo)
    assert not passes, report
    assert "GATE: " in report and "info.version stays 'v3.1'" in report
    assert "operation GET /activity.list.json" in report  # removed operation, named
    assert "required query parameter `region`" in report  # new required parameter


def test_the_same_change_with_a_higher_info_version_passes(repo: Path) -> None:
    spec = broken(_spec())
    spec["info"]["version"] = "v3.2"
    _write(repo, spec)
    passes, report = spec_diff.gate("HEAD", repo / "specs", repo)
    assert passes, report
    assert "relenta (v3.1 -> v3.2):" in report and " breaking" in report


def test_a_compatible_change_passes_without_a_bump(repo: Path) -> None:
    spec = _spec()
    spec["paths"]["/contact.list.json"]["get"].setdefault("parameters", []).append(
        {"name": "region", "in": "query", "required": False, "schema": {"type": "string"}}
    )
    spec["info"]["description"] += "\nOne more sentence."
    _write(repo, spec)
    passes, report = spec_diff.gate("HEAD", repo / "specs", repo)
    assert passes, report
    comparison = spec_diff.compare(
        VENDOR, (ROOT / "specs" / f"{VENDOR}.yaml").read_text(), yaml.safe_dump(spec)
    )
    assert not comparison.of_kind("breaking")
    assert any("region" in c.text for c in comparison.of_kind("non-breaking"))


def test_a_removed_spec_fails_the_gate(repo: Path) -> None:
    (repo / "specs" / f"{VENDOR}.yaml").unlink()
    passes, report = spec_diff.gate("HEAD", repo / "specs", repo)
    assert not passes and "the spec was removed" in report


def test_make_diff_fails_on_the_broken_copy(repo: Path) -> None:
    """The command CI runs (`make diff` = crm_tools.spec_diff diff) exits non-zero."""
    _write(repo, broken(_spec()))
    out = subprocess.run(
        [sys.executable, "-m", "crm_tools.spec_diff", "diff", "--base", "HEAD"],
        cwd=repo,  # the repository of the working directory is compared
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1, out.stdout + out.stderr
    assert "1 spec(s) break without a version bump" in out.stdout


def test_changelog_lists_each_tagged_version_with_its_classified_changes(repo: Path) -> None:
    _git(repo, "tag", spec_diff.tag_name(VENDOR, "v3.1"))
    spec = broken(_spec())
    spec["info"]["version"] = "v3.2"
    _write(repo, spec)
    _git(repo, "commit", "-qam", "v3.2")
    _git(repo, "tag", spec_diff.tag_name(VENDOR, "v3.2"))
    spec["paths"]["/contact.list.json"]["get"]["deprecated"] = True
    _write(repo, spec)  # not released yet

    assert spec_diff.tag_name(VENDOR, "v3.2") == "spec/relenta/v3.2"
    text = spec_diff.changelog(VENDOR, repo)
    unreleased, v32, v31 = (text.index(h) for h in ("## Unreleased", "## v3.2 (", "## v3.1 ("))
    assert unreleased < v32 < v31, text  # newest first
    assert "`spec/relenta/v3.2`" in text and "First released version" in text[v31:]
    section = text[v32:v31]
    assert "### Breaking changes" in section
    assert "[Removed] operation GET /activity.list.json" in section
    assert "Deprecations" in text[unreleased:v32]


def test_a_tag_whose_spec_has_another_version_is_refused(repo: Path) -> None:
    _git(repo, "tag", spec_diff.tag_name(VENDOR, "v9.9"))
    with pytest.raises(spec_diff.DiffError, match="info.version is 'v3.1'"):
        spec_diff.changelog(VENDOR, repo)


def test_this_checkout_passes_the_gate_against_each_vendors_last_release() -> None:
    """The project's own check: each spec against its newest release tag (against HEAD,
    i.e. the uncommitted edits, where no tag exists yet)."""
    failures = []
    for vendor in spec_diff.specs_in(ROOT / "specs"):
        tags = spec_diff.release_tags(vendor)
        base = tags[-1][0] if tags else "HEAD"
        before = spec_diff.specs_at(base).get(vendor)
        after = (ROOT / "specs" / f"{vendor}.yaml").read_text("utf-8")
        comparison = spec_diff.compare(vendor, before, after)
        if comparison.violation:
            failures.append(f"{vendor} vs {base}: {comparison.violation}")
    assert not failures, failures
