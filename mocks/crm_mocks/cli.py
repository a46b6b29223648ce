"""`crm-mock <vendor>`: run a vendor mock on 127.0.0.1."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from .core.accounts import AccountsFileError
from .core.app import OptionError, build_app, create_vendor
from .core.seeding import seed_from_cli
from .registry import VENDORS, vendor_class

EPILOG = """\
The mock serves the vendor's own paths (e.g. http://127.0.0.1:8080/api/contact for Clevertim)
and these control endpoints, outside the vendor's API:
  GET  /__mock__/health     liveness
  POST /__mock__/reset      forget all data (demo users and seed data are re-created)
  GET  /__mock__/requests   requests received so far (secret headers redacted); DELETE clears

Demo credentials for each vendor are listed in README.md and in the shipped accounts files
(crm_mocks/accounts/<vendor>.json); pass --accounts FILE (same format) to use your own.
"""


def _option(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    value: Any = raw
    if raw.lstrip("-").isdigit():
        value = int(raw)
    elif raw.lower() in ("true", "false"):
        value = raw.lower() == "true"
    return name.replace("-", "_"), value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="crm-mock",
        description="Run a stateful mock of a CRM vendor's API.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("vendor", choices=sorted(VENDORS), help="which vendor's API to mock")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    p.add_argument("--port", type=int, default=8080, help="port to bind (default: %(default)s)")
    p.add_argument(
        "--db",
        metavar="FILE",
        help="keep state in this SQLite file across restarts (default: in memory, lost on exit)",
    )
    p.add_argument(
        "--accounts", metavar="FILE", help="accounts/users JSON file (default: demo accounts)"
    )
    p.add_argument(
        "--option",
        metavar="NAME=VALUE",
        type=_option,
        action="append",
        default=[],
        help="vendor-specific setting, e.g. rate_limit=100 (Zendesk Sell); repeatable",
    )
    p.add_argument(
        "--seed-records",
        metavar="N|KIND=N",
        action="append",
        default=[],
        help="before serving, create N records of every kind (or of KIND) through the API's own "
        "create handlers, change logs and all (README: Seeding); repeatable",
    )
    p.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    cls = vendor_class(args.vendor)
    unknown = [name for name, _ in args.option if name not in cls.option_names]
    if unknown:
        known = ", ".join(sorted(cls.option_names)) or "none"
        print(
            f"crm-mock: unknown option(s) for {args.vendor}: {', '.join(unknown)} (known: {known})",
            file=sys.stderr,
        )
        return 2
    try:
        vendor = create_vendor(
            cls, db=args.db, accounts_file=args.accounts, options=dict(args.option)
        )
    except (AccountsFileError, OptionError) as exc:
        print(f"crm-mock: {exc}", file=sys.stderr)
        return 2
    if args.seed_records:
        seed_from_cli(vendor, args.seed_records)
    import uvicorn

    print(
        f"crm-mock: {args.vendor} API at http://{args.host}:{args.port}{cls.api_prefix}"
        f" (state: {args.db or 'in memory'})",
        file=sys.stderr,
    )
    uvicorn.run(build_app(vendor), host=args.host, port=args.port, log_level=args.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
