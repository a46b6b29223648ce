"""dist/packages/ (`make dist`, crm_tools.dist): a wheel and an sdist of every generated client
and of crm-mocks, installed into a fresh virtualenv and used the way a user would.

Built, not reused: the wheels are built once per run by the same function `make dist` runs
(`dist.build_packages`), into pytest's temporary folder. dist/ is never read: it does not exist
on a fresh clone, and nothing cheap proves it is fresh (its wheels depend on specs, generated/,
mocks/ and pyproject.toml); building takes about 5 s because no isolated build environment is
created. All wheels go into ONE fresh venv (`python -m venv`, no access to the dev venv's
packages); their dependencies come from the package index, so this module needs it.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from crm_tools import dist
from crm_tools.mock_ops import MockProcess

ROOT = Path(__file__).resolve().parents[2]
VENDORS = dist.vendors()
ACCOUNTS = sorted(p.name for p in (ROOT / "mocks" / "crm_mocks" / "accounts").glob("*.json"))


def _project(folder: Path) -> dict[str, Any]:
    project: dict[str, Any] = tomllib.loads((folder / "pyproject.toml").read_text())["project"]
    return project


def _client(vendor: str) -> dict[str, Any]:
    return _project(ROOT / "generated" / f"{vendor}-client")


def _stem(project: dict[str, Any]) -> str:
    return f"{re.sub(r'[-_.]+', '_', project['name']).lower()}-{project['version']}"


def _run(cmd: list[str | Path], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command of the fresh venv (<venv>/bin/...) from the venv's folder: away from the
    checkout, with neither PYTHONPATH nor the dev venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd or Path(cmd[0]).parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per test run. The builds write into the source trees (setuptools' egg-info and
    sdist staging folder next to mocks/), so two pytest-xdist processes building at once break
    each other's sdist: the first process to take the lock builds into the folder the processes
    share, the others wait and read it."""
    base = tmp_path_factory.getbasetemp()
    # under xdist each worker's basetemp sits in the run's own folder; alone, basetemp is it
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out = shared / "dist-packages"
    with (shared / "dist-packages.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "dist-packages.built").exists():
            dist.build_packages(out)
            (shared / "dist-packages.built").touch()
    return out


@pytest.fixture(scope="module")
def venv(packages: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("venv")
    made = _run([sys.executable, "-m", "venv", root], cwd=root)
    assert made.returncode == 0, made.stderr
    pip = [root / "bin" / "python", "-m", "pip", "--disable-pip-version-check", "--no-input"]
    installed = _run([*pip, "install", "--quiet", *sorted(packages.glob("*.whl"))])
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return root


def test_every_project_has_a_wheel_and_an_sdist(packages: Path) -> None:
    projects = [_client(v) for v in VENDORS] + [_project(ROOT)]
    expected = {f"{_stem(p)}{end}" for p in projects for end in ("-py3-none-any.whl", ".tar.gz")}
    assert {p.name for p in packages.iterdir()} == expected


def test_twine_check_passes_on_every_wheel_and_sdist(packages: Path) -> None:
    """What PyPI's upload checks (metadata, long description renders), with --strict so a
    warning fails too; twine is pinned in the `dev` extra."""
    artifacts = sorted(packages.iterdir())
    twine = Path(sys.executable).parent / "twine"
    out = subprocess.run(
        [str(twine), "check", "--strict", *map(str, artifacts)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("PASSED") == len(artifacts) == 2 * (len(VENDORS) + 1), out.stdout


@pytest.mark.parametrize("vendor", VENDORS)
def test_client_version_is_public_and_the_provenance_travels_in_the_package(
    packages: Path, vendor: str
) -> None:
    """PyPI refuses local version labels (`+...`): the version is the spec's plus the client
    release number; the spec digest and generator version ship in `_generated.py`."""
    from packaging.version import Version

    project = _client(vendor)
    generation = json.loads(
        (ROOT / "generated" / f"{vendor}-client" / "GENERATION.json").read_text()
    )
    version = Version(project["version"])
    assert version.local is None and str(version) == project["version"]
    assert project["version"] == generation["package_version"]
    with zipfile.ZipFile(packages / f"{_stem(project)}-py3-none-any.whl") as wheel:
        stamp = wheel.read(f"{dist.client_package(vendor)}/_generated.py").decode()
    assert f'SPEC_SHA256 = "{generation["spec_sha256"]}"' in stamp
    assert f'GENERATOR = "{generation["generator"]}"' in stamp


def test_mocks_wheel_and_sdist_ship_the_accounts_files_and_py_typed(packages: Path) -> None:
    stem = _stem(_project(ROOT))
    with zipfile.ZipFile(packages / f"{stem}-py3-none-any.whl") as wheel:
        in_wheel = set(wheel.namelist())
    with tarfile.open(packages / f"{stem}.tar.gz") as sdist:
        in_sdist = {name.split("/crm_mocks/", 1)[-1] for name in sdist.getnames()}
    assert ACCOUNTS, "no accounts files in mocks/crm_mocks/accounts"
    for name in [*(f"accounts/{a}" for a in ACCOUNTS), "py.typed"]:
        assert f"crm_mocks/{name}" in in_wheel, name
        assert name in in_sdist, name


def test_mocks_wheel_and_sdist_ship_no_tooling(packages: Path) -> None:
    """The tooling (scripts/crm_tools, its own scripts/pyproject.toml) is installed editable for
    development only: no part of it travels in the crm-mocks distribution."""
    stem = _stem(_project(ROOT))
    with zipfile.ZipFile(packages / f"{stem}-py3-none-any.whl") as wheel:
        top = {name.split("/", 1)[0] for name in wheel.namelist()}
    assert {t for t in top if not t.endswith(".dist-info")} == {"crm_mocks"}, top
    with tarfile.open(packages / f"{stem}.tar.gz") as sdist:
        names = sdist.getnames()
    assert not [n for n in names if "crm_tools" in n or "/scripts/" in n], names


def test_the_venv_is_fresh(venv: Path) -> None:
    probe = "import sys, importlib.util as u; print(sys.prefix, u.find_spec('pytest') is None)"
    out = _run([venv / "bin" / "python", "-c", probe])
    assert out.stdout.split() == [str(venv), "True"], out.stdout + out.stderr


@pytest.mark.parametrize("vendor", VENDORS)
def test_client_installs_and_imports(venv: Path, vendor: str) -> None:
    package = dist.client_package(vendor)
    probe = (
        f"import importlib.metadata as m, json, {package} as p\n"
        f"from {package} import _generated as g\n"
        "print(json.dumps({'file': p.__file__, 'connect': callable(p.connect),"
        f" 'version': m.version({_client(vendor)['name']!r}), 'spec': g.SPEC_SHA256}}))"
    )
    out = _run([venv / "bin" / "python", "-c", probe])
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert found["file"].startswith(str(venv)) and found["connect"] is True
    assert found["version"] == _client(vendor)["version"]
    generation = json.loads(
        (ROOT / "generated" / f"{vendor}-client" / "GENERATION.json").read_text()
    )
    assert found["spec"] == generation["spec_sha256"]


def test_crm_mock_help_runs(venv: Path) -> None:
    out = _run([venv / "bin" / "crm-mock", "--help"])
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: crm-mock")
    assert all(v in out.stdout for v in VENDORS), out.stdout


@contextmanager
def installed_mock(venv: Path, vendor: str, log: Path) -> Iterator[str]:
    """`crm-mock <vendor> --port 0` of the fresh venv; yields its server URL."""
    server = MockProcess(vendor, log, crm_mock=venv / "bin" / "crm-mock")
    try:
        yield server.target.url
    finally:
        server.stop()


def readme_call(readme: str, vendor: str, mock_url: str) -> str:
    """The README's "Connect and call" example, pointed at the mock with demo credentials
    (the first user of the shipped accounts file) the way the README says to."""
    section = readme.split("## Connect and call", 1)
    assert len(section) == 2, "the README has no 'Connect and call' section"
    code = re.search(r"```python\n(.*?)```", section[1], re.S)
    to_mock = re.search(r"`(connect\([^`]*base_url=[^`]*\))`", section[1])
    assert code and to_mock, "the README shows no call, or no connect(..., base_url=...)"
    accounts = json.loads((ROOT / "mocks/crm_mocks/accounts" / f"{vendor}.json").read_text())
    connect = to_mock.group(1).replace("http://127.0.0.1:8080", mock_url)
    for name, value in accounts["accounts"][0]["users"][0]["credentials"].items():
        connect = connect.replace(f'"<{name}>"', json.dumps(value))
    assert "<" not in connect, f"no demo credential for a placeholder of {connect}"
    lines = code.group(1).splitlines()
    assert sum(line.startswith("client = connect(") for line in lines) == 1, code.group(1)
    lines = [f"client = {connect}" if ln.startswith("client = connect(") else ln for ln in lines]
    # what the call parsed the 200 into: a model of the package, or a list of them
    probe = (
        "print(*{type(x).__module__ for x in (result if isinstance(result, list) else [result])})"
    )
    return "\n".join([*lines, probe])


@pytest.mark.parametrize("vendor", VENDORS)
def test_readme_call_works_against_the_installed_mock(
    venv: Path, packages: Path, vendor: str, tmp_path: Path
) -> None:
    stem = _stem(_client(vendor))
    with zipfile.ZipFile(packages / f"{stem}-py3-none-any.whl") as wheel:
        metadata = wheel.read(f"{stem}.dist-info/METADATA").decode()
    readme = metadata.split("\n\n", 1)[1]  # the long description: the client's README
    with installed_mock(venv, vendor, tmp_path / "crm-mock.log") as url:
        out = _run([venv / "bin" / "python", "-c", readme_call(readme, vendor, url)])
        seen = httpx.get(f"{url}/__mock__/requests").json()["requests"]
    assert out.returncode == 0, out.stderr
    modules = out.stdout.split()
    assert modules and all(m.startswith(dist.client_package(vendor) + ".") for m in modules), out
    assert [(r["method"], r["status"]) for r in seen] == [("GET", 200)], seen


def test_a_release_selects_one_clients_files_and_only_for_its_spec_tag(
    packages: Path, tmp_path: Path
) -> None:
    """What release.yml publishes: `dist.py --release VENDOR --tag spec/VENDOR/v<version>`."""
    from crm_tools import spec_diff

    vendor = "relenta"
    version = str(
        spec_diff.load_text((ROOT / "specs" / f"{vendor}.yaml").read_text(), "x")["info"]["version"]
    )
    dist.check_release(vendor, spec_diff.tag_name(vendor, version))
    with pytest.raises(dist.DistError, match="does not release specs/relenta.yaml"):
        dist.check_release(vendor, "spec/relenta/v0.1")
    with pytest.raises(dist.DistError, match="no spec for"):
        dist.check_release("nobody", None)
    chosen = dist.select_release(vendor, packages, tmp_path / "release")
    stem = _stem(_client(vendor))
    assert sorted(p.name for p in chosen) == [f"{stem}-py3-none-any.whl", f"{stem}.tar.gz"]
