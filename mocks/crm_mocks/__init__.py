"""Stateful mock servers for four CRM vendor APIs.

The public interface (anything else in the package may change between releases):

- `start_mock(vendor, **options)`: a mock running on 127.0.0.1 in a background thread; use it
  as a context manager (`with start_mock("clevertim") as mock:`) or call `stop()`. The running
  mock has `url`, `api_url` (the vendor clients' base URL), `credentials`, `requests()`,
  `reset()`, `stop()` and `mock` (the vendor's behaviour object).
- `VENDORS`: the vendor names `start_mock` and `crm-mock` take.
- `MockError(status, message, headers=...)`: raise it in a handler to answer in the vendor's
  error shape; `OptionError`: a vendor option is unknown or out of bounds.
- `__version__`.

The pytest fixtures (`clevertim_mock`, `crm_mock_server`, ...) come from `crm_mocks.pytest_plugin`,
registered as a pytest plugin when the package is installed.
"""

from importlib.metadata import PackageNotFoundError, version

from .core.errors import MockError
from .core.options import OptionError
from .registry import VENDORS as _REGISTRY
from .testing import RunningMock, start_mock

try:
    __version__ = version("crm-mocks")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

#: the vendors there is a mock of, by the name `start_mock` and `crm-mock` take
VENDORS: tuple[str, ...] = tuple(sorted(_REGISTRY))

__all__ = ["VENDORS", "MockError", "OptionError", "RunningMock", "__version__", "start_mock"]
