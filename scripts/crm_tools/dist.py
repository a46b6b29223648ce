"""Build the distribution artifacts into dist/ (`make dist`).

    python -m crm_tools.dist [--out DIR] [--only specs|packages]

dist/specs/, for every specs/<vendor>.yaml (a new spec is picked up without code changes):
  <vendor>.yaml               the spec, byte for byte
  <vendor>.json               the same document as JSON, indented (read the way the lint gate
                              reads YAML: keys as written, dates as strings)
  <vendor>.dereferenced.json  every local $ref replaced by its target, compact; a recursive $ref
                              (met again while its own target is being inlined) would be kept as
                              a $ref and named on stdout (no spec has one today)
The YAML passes the lint gate (crm_tools.lint) and all three openapi-spec-validator;
any problem stops the build.

dist/packages/: a wheel and an sdist of every generated client (generated/<vendor>-client,
pdm-backend) and of the root project `crm-mocks` (setuptools), built by `python -m build
--no-isolation` (sdist first, the wheel from the sdist). The build backends are pinned in the
`dev` extra, so building downloads nothing. Clients are built from a copy (generated/ is never
written to) and only when up to date with their spec (otherwise: `make generate`). Each wheel is
checked: name and version as declared, py.typed, `connect`; for crm-mocks the accounts files and
the `crm-mock` console script.

dist/SHA256SUMS lists every artifact. dist/specs/ and dist/packages/ are emptied first.

`--release VENDOR [--tag TAG]` (the release workflow, .github/workflows/release.yml) builds the
packages, then copies that vendor's client wheel and sdist into dist/release/: the files to
publish. With --tag, the tag must be the spec's release tag (`spec/<vendor>/v<info.version>`,
crm_tools.spec_diff), so a tag can never publish a client of another spec version.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crm_tools import generate
from crm_tools import spec as openapi
from crm_tools.paths import ROOT

SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"
MOCKS = ROOT / "mocks" / "crm_mocks"
DIST = ROOT / "dist"

# Keywords whose value is data, not OpenAPI structure: never dereferenced.
LITERAL_KEYWORDS = frozenset({"example", "default", "const", "enum", "value"})
# Keywords whose value maps names to objects (the spec model's list, with Paths and Responses):
# its keys are names, so a property called `example` or `$ref` is not a keyword.
NAME_MAPS = openapi.NAME_MAPS | openapi.EXTENSIBLE_NAME_MAPS
# Keywords a $ref's siblings may set over the target without changing what it accepts.
ANNOTATIONS = frozenset(
    {"description", "summary", "title", "readOnly", "writeOnly", "deprecated", "$comment"}
)


class DistError(RuntimeError):
    """An artifact could not be built or failed its checks."""


def vendors(specs: Path = SPECS) -> list[str]:
    return sorted(p.stem for p in specs.glob("*.yaml"))


def _empty(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)


# -- spec artifacts --------------------------------------------------------------------------


def _pointer(document: Any, ref: str) -> Any:
    """The node a local reference (`#/components/schemas/X`) points at (the spec model's
    resolution: the same refs resolve here as in the lint gate and the client pipeline)."""
    try:
        return openapi.resolve_ref(document, ref)[0]
    except openapi.RefError as exc:
        raise DistError(f"{ref}: does not resolve: {exc}") from None


def _with_siblings(target: Any, siblings: dict[str, Any]) -> Any:
    """A $ref's target with the keywords written next to the $ref (OpenAPI 3.1 allows them)."""
    if not siblings:
        return target
    if not isinstance(target, dict):
        raise DistError(f"a $ref with siblings {sorted(siblings)} points at a non-object")
    if all(k in ANNOTATIONS or target.get(k, v) == v for k, v in siblings.items()):
        return {**target, **siblings}
    return {"allOf": [target], **siblings}  # both constrain: keep both, as the $ref meant


def dereference(document: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """`document` with every local $ref replaced by a copy of its target, and the refs kept
    because they are recursive (a schema that contains itself cannot be inlined)."""
    kept: set[str] = set()

    def inline(node: Any, stack: tuple[str, ...], names: bool = False) -> Any:
        if isinstance(node, list):
            return [inline(item, stack) for item in node]
        if not isinstance(node, dict):
            return node
        if names:
            return {key: inline(value, stack) for key, value in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str):
            siblings = inline({k: v for k, v in node.items() if k != "$ref"}, stack)
            if ref in stack:
                kept.add(ref)
                return {"$ref": ref, **siblings}
            return _with_siblings(inline(_pointer(document, ref), (*stack, ref)), siblings)
        out: dict[str, Any] = {}
        for key, value in node.items():
            literal = key in LITERAL_KEYWORDS or key.startswith("x-")
            if literal or (key == "examples" and isinstance(value, list)):
                out[key] = json.loads(json.dumps(value))  # data: copied as written
            else:
                out[key] = inline(value, stack, key in NAME_MAPS and isinstance(value, dict))
        return out

    return inline(document, ()), sorted(kept)


def refs_in(node: Any) -> Iterator[str]:
    """Every $ref value in a document (data under example/default/... included)."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs_in(item)


def validate_openapi(document: Any, where: str) -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    try:
        validate(document)
    except OpenAPIValidationError as exc:
        raise DistError(f"{where}: openapi-spec-validator: {exc}") from None


def to_json(document: Any, *, compact: bool = False) -> str:
    layout: dict[str, Any] = {"separators": (",", ":")} if compact else {"indent": 2}
    try:
        return json.dumps(document, ensure_ascii=False, allow_nan=False, **layout) + "\n"
    except (TypeError, ValueError) as exc:
        raise DistError(f"not representable as JSON: {exc}") from None


def lint_problems(path: Path) -> list[str]:
    """The lint gate's problems with a spec file (YAML pitfalls included)."""
    from crm_tools import lint as lint_specs

    loaded = lint_specs.load_spec(path)
    problems = list(loaded.problems)
    if loaded.document is not None:
        problems += lint_specs.lint(loaded.document, str(path))
    return [f"{p.pointer or '(root)'}: {p.message} [{p.rule}]" for p in problems]


def build_spec(
    vendor: str, out: Path, specs: Path = SPECS, *, check: bool = True
) -> tuple[list[Path], list[str]]:
    """Write one vendor's three spec artifacts into `out`; return them and the $refs kept
    because they are recursive. `check=False` skips the lint gate and openapi-spec-validator
    (the tests run those per artifact); the JSON files are always read back and compared."""
    from crm_tools import lint as lint_specs

    yaml_copy = out / f"{vendor}.yaml"
    shutil.copyfile(specs / f"{vendor}.yaml", yaml_copy)
    if check:
        problems = lint_problems(yaml_copy)
        if problems:
            shown = "".join(f"\n  {p}" for p in problems[:20])
            raise DistError(f"{vendor}.yaml fails the lint gate ({len(problems)}):{shown}")
    document = lint_specs.load_spec(yaml_copy).document
    if not isinstance(document, dict):
        raise DistError(f"{vendor}.yaml is not a YAML mapping")
    if check:
        validate_openapi(document, yaml_copy.name)

    as_json = out / f"{vendor}.json"
    as_json.write_text(to_json(document), encoding="utf-8")
    written = json.loads(as_json.read_text(encoding="utf-8"))
    if written != document:
        raise DistError(f"{as_json.name}: does not read back as the YAML document")
    if check:
        validate_openapi(written, as_json.name)

    inlined, kept = dereference(document)
    dereferenced = out / f"{vendor}.dereferenced.json"
    dereferenced.write_text(to_json(inlined, compact=True), encoding="utf-8")
    written = json.loads(dereferenced.read_text(encoding="utf-8"))
    left = sorted(set(refs_in(written)) - set(kept))
    if left:
        raise DistError(f"{dereferenced.name}: $refs left that are not recursive: {left[:5]}")
    if check:
        validate_openapi(written, dereferenced.name)
    return [yaml_copy, as_json, dereferenced], kept


def build_specs(out: Path, specs: Path = SPECS, *, check: bool = True) -> list[Path]:
    """dist/specs/: the three artifacts of every spec."""
    names = vendors(specs)
    if not names:
        raise DistError(f"no specs in {specs}")
    _empty(out)
    built: list[Path] = []
    for vendor in names:
        files, kept = build_spec(vendor, out, specs, check=check)
        built += files
        if kept:
            print(f"{vendor}.dereferenced.json: recursive, kept as $ref: {', '.join(kept)}")
    return built


# -- packages --------------------------------------------------------------------------------


def _project(path: Path) -> dict[str, Any]:
    project: dict[str, Any] = tomllib.loads((path / "pyproject.toml").read_text())["project"]
    return project


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _python_build(source: Path, out: Path) -> None:
    """`python -m build` (sdist, then the wheel from the sdist) with the venv's pinned
    backends: no isolated environment, so nothing is downloaded."""
    cmd = [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stdout + result.stderr)[-4000:]
        raise DistError(f"python -m build {source.name} failed:\n{output}")


def _artifacts(out: Path, name: str, version: str) -> tuple[Path, Path]:
    stem = f"{_normalized(name)}-{version}"
    wheel, sdist = out / f"{stem}-py3-none-any.whl", out / f"{stem}.tar.gz"
    for path in (wheel, sdist):
        if not path.is_file():
            found = ", ".join(sorted(p.name for p in out.iterdir()))
            raise DistError(f"expected {path.name} in {out}; found: {found}")
    return wheel, sdist


def _dist_info(zf: zipfile.ZipFile, prefix: str, name: str) -> str:
    path = f"{prefix}.dist-info/{name}"
    return zf.read(path).decode() if path in zf.namelist() else ""


def check_wheel(
    wheel: Path,
    name: str,
    version: str,
    required: list[str],
    scripts: dict[str, str] | None = None,
) -> None:
    """The wheel declares `name` and `version`, holds every path in `required` and has the
    console `scripts` (name -> entry point)."""
    with zipfile.ZipFile(wheel) as zf:
        files = set(zf.namelist())
        prefix = f"{_normalized(name)}-{version}"
        metadata = _dist_info(zf, prefix, "METADATA")
        entry_points = _dist_info(zf, prefix, "entry_points.txt")
    head = metadata.split("\n\n", 1)[0].splitlines()
    declared = {
        k: v for k, _, v in (line.partition(": ") for line in head) if k in ("Name", "Version")
    }
    if declared != {"Name": name, "Version": version}:
        raise DistError(f"{wheel.name}: METADATA declares {declared}, expected {name} {version}")
    missing = [path for path in required if path not in files]
    if missing:
        raise DistError(f"{wheel.name}: missing {', '.join(missing)}")
    for script, target in (scripts or {}).items():
        if f"{script} = {target}" not in entry_points.splitlines():
            raise DistError(f"{wheel.name}: no console script `{script} = {target}`")


def client_package(vendor: str) -> str:
    """The import name of a vendor's generated client (the folder holding _generated.py)."""
    found = sorted(p.parent.name for p in (GENERATED / f"{vendor}-client").glob("*/_generated.py"))
    if len(found) != 1:
        raise DistError(f"generated/{vendor}-client: expected one package, found {found}")
    return found[0]


def build_client(vendor: str, out: Path) -> tuple[Path, Path]:
    source = GENERATED / f"{vendor}-client"
    if not (source / "pyproject.toml").is_file():
        raise DistError(f"generated/{vendor}-client is missing: run `make generate`")
    if not generate.is_current(vendor):
        raise DistError(
            f"generated/{vendor}-client is out of date with specs/{vendor}.yaml: "
            "run `make generate`"
        )
    project = _project(source)
    package = client_package(vendor)
    with tempfile.TemporaryDirectory(prefix=f"dist-{vendor}-") as tmp:
        copy = Path(tmp) / source.name
        shutil.copytree(
            source,
            copy,
            ignore=shutil.ignore_patterns(
                "__pycache__", ".mypy_cache", ".ruff_cache", ".pdm-build", "build", "dist"
            ),
        )
        _python_build(copy, out)
    wheel, sdist = _artifacts(out, project["name"], project["version"])
    required = ["__init__.py", "py.typed", "connect.py", "client.py", "_generated.py"]
    check_wheel(wheel, project["name"], project["version"], [f"{package}/{f}" for f in required])
    return wheel, sdist


def build_mocks(out: Path) -> tuple[Path, Path]:
    project = _project(ROOT)
    _python_build(ROOT, out)
    wheel, sdist = _artifacts(out, project["name"], project["version"])
    accounts = sorted(f"crm_mocks/accounts/{p.name}" for p in (MOCKS / "accounts").glob("*.json"))
    if not accounts:
        raise DistError("mocks/crm_mocks/accounts/ has no accounts file")
    required = ["crm_mocks/py.typed", *accounts]
    check_wheel(wheel, project["name"], project["version"], required, project["scripts"])
    return wheel, sdist


def build_packages(out: Path) -> list[Path]:
    """dist/packages/: wheel and sdist of every generated client and of crm-mocks."""
    _empty(out)
    built: list[Path] = []
    for vendor in vendors():
        built += build_client(vendor, out)
    built += build_mocks(out)
    return built


def check_release(vendor: str, tag: str | None) -> None:
    """`vendor` has a spec and `tag` (if given) is its current release tag."""
    from crm_tools import spec_diff

    if vendor not in vendors():
        raise DistError(f"no spec for {vendor!r}; vendors: {', '.join(vendors())}")
    if tag is not None:
        spec = spec_diff.load_text((SPECS / f"{vendor}.yaml").read_text("utf-8"), vendor)
        expected = spec_diff.tag_name(vendor, str(spec["info"]["version"]))
        if tag != expected:
            raise DistError(f"tag {tag} does not release specs/{vendor}.yaml: expected {expected}")


def select_release(vendor: str, packages: Path, out: Path) -> list[Path]:
    """Copy `vendor`'s client wheel and sdist from `packages` into `out` (emptied first)."""
    project = _project(GENERATED / f"{vendor}-client")
    _empty(out)
    return [
        Path(shutil.copy2(path, out))
        for path in _artifacts(packages, project["name"], project["version"])
    ]


# -- command line ----------------------------------------------------------------------------


def write_checksums(dist: Path) -> Path:
    files = sorted(p for p in dist.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    sums = dist / "SHA256SUMS"
    sums.write_text(
        "".join(
            f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(dist).as_posix()}\n"
            for p in files
        )
    )
    return sums


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=DIST, help="output folder (default: dist/)")
    parser.add_argument("--only", choices=["specs", "packages"], help="build only these")
    parser.add_argument("--release", metavar="VENDOR", help="also select VENDOR's client")
    parser.add_argument("--tag", help="with --release: the git tag being released")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    built: list[Path] = []
    try:
        if args.release:
            check_release(args.release, args.tag)
        if args.only in (None, "specs"):
            built += build_specs(out / "specs")
        if args.only in (None, "packages"):
            built += build_packages(out / "packages")
        if args.release:
            built += select_release(args.release, out / "packages", out / "release")
    except DistError as exc:
        print(f"dist: {exc}", file=sys.stderr)
        return 1
    for path in built:
        print(f"{path.relative_to(out).as_posix():<75} {path.stat().st_size:>10,} bytes")
    print(f"{write_checksums(out).relative_to(out)}: {len(built)} artifacts in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
