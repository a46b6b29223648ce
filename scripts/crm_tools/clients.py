"""The one loader of generated clients that are not installed.

The benchmarks, the docs snippets and the golden-record tests call clients straight from
`generated/<vendor>-client/` (or the golden copies), as `make generate` wrote them, without
installing them. Instead of each putting folders on `sys.path`, they load a client here: the
package is imported from its folder and registered under its own name, so
`import clevertim_client.api.contacts` works afterwards like for an installed package.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from crm_tools.paths import GENERATED


class ClientNotFound(LookupError):
    """No generated client package in the folder."""


def package_name(folder: Path) -> str:
    """The import name of the client in `folder` (the package holding `_generated.py`)."""
    found = sorted(p.parent.name for p in folder.glob("*/_generated.py"))
    if len(found) != 1:
        raise ClientNotFound(f"{folder}: expected one generated package, found {found}")
    return found[0]


def load_client(folder: Path) -> ModuleType:
    """Import the generated client package in `folder` (a `<name>-client` folder) and return
    it; a package already imported under that name is returned as it is."""
    name = package_name(folder)
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    init = folder / name / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(init.parent)]
    )
    if spec is None or spec.loader is None:
        raise ClientNotFound(f"{init}: not importable")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def load_vendor_client(vendor: str, root: Path = GENERATED) -> ModuleType:
    """A vendor's generated client from generated/<vendor>-client."""
    return load_client(root / f"{vendor}-client")


def load_all(root: Path = GENERATED) -> list[ModuleType]:
    """Every generated client under `root` (each `*-client` folder)."""
    return [load_client(folder) for folder in sorted(root.glob("*-client"))]


def load_submodule(package: ModuleType, name: str) -> ModuleType:
    """`package.<name>` (e.g. `api.contacts.get_contact`) of a client loaded above."""
    return importlib.import_module(f"{package.__name__}.{name}")
