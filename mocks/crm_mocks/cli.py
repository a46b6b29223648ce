"""`crm-mock <vendor>`: run a vendor mock on 127.0.0.1.

Every mistake in the arguments (a port out of range, a --db file that cannot be a SQLite
database, a non-loopback --host without --allow-remote) is one line on stderr and exit status 2;
a port that cannot be bound is one line and status 1. The address is printed once the socket
is bound and listening, with the port the system chose for `--port 0`.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from .core.accounts import AccountsFileError
from .core.app import build_app, create_vendor
from .core.body import DEFAULT_MAX_BODY_BYTES
from .core.control import is_loopback
from .core.faults import FAULT_OPTIONS, check_fault_options
from .core.options import OptionError, parse_options
from .core.seeding import seed_from_cli
from .core.server import bind_socket, socket_url
from .registry import VENDORS, vendor_class
from .testing import client_base_path

EPILOG = """\
The mock serves the vendor's own paths (e.g. http://127.0.0.1:8080/api/contact for Clevertim)
and these control endpoints, outside the vendor's API:
  GET  /__mock__/health     liveness
  POST /__mock__/reset      forget all data (demo users and seed data are re-created);
                            send Content-Type: application/json, e.g. a body of {}
  GET  /__mock__/requests   requests received so far (credentials redacted); DELETE clears
They answer only on a loopback host name and refuse cross-site (browser) requests.

With --db FILE the database is FILE plus, while the mock runs, FILE-wal beside it (SQLite's
write-ahead log): copy both, or stop the mock first (Ctrl-C or SIGTERM folds the log into FILE).

Demo credentials for each vendor are listed in README.md and in the shipped accounts files
(crm_mocks/accounts/<vendor>.json); pass --accounts FILE (same format) to use your own.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # one line, not argparse's usage block: the mistake is what the user needs to see
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")

    def format_help(self) -> str:
        # built only for --help: it imports every vendor to read its declared options
        return super().format_help() + options_help()


def options_help() -> str:
    """The `--option` list of `--help`, from the options' declarations (core/options.py)."""
    lines = ["", "Options (--option NAME=VALUE; repeatable), as declared by the mocks:"]
    lines.append("  every vendor:")
    lines += [f"    {option.help()}" for option in FAULT_OPTIONS]
    for name in sorted(VENDORS):
        declared = vendor_class(name).declared_options
        if declared:
            lines.append(f"  {name}:")
            lines += [f"    {option.help()}" for option in declared]
    return "\n".join(lines) + "\n"


def _option(text: str) -> tuple[str, str]:
    """NAME=VALUE as (name, text): the option's declaration parses the value."""
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.replace("-", "_"), raw


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 65535, not {text!r}")
    return int(text)


_SIZE = re.compile(r"^(\d{1,15})\s*([kmg]?)(?:i?b)?$", re.ASCII | re.IGNORECASE)


def _size(text: str) -> int:
    """Bytes, or a number with K, M or G (powers of 1024): 1048576, 512K, 10M, 1GiB."""
    match = _SIZE.match(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"expected a size such as 10M or 1048576, not {text!r}")
    return int(match.group(1)) << (10 * " kmg".index(match.group(2).lower() or " "))


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="crm-mock",
        description="Run a stateful mock of a CRM vendor's API.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("vendor", choices=sorted(VENDORS), help="which vendor's API to mock")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default: %(default)s); anything but loopback needs --allow-remote",
    )
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host: anyone who reaches the port can read and wipe data",
    )
    p.add_argument(
        "--port",
        type=_port,
        default=8080,
        help="port to bind (default: 8080); 0 picks a free one: the mock binds it before "
        "serving and prints the address with the real port",
    )
    p.add_argument(
        "--db",
        metavar="FILE",
        help="keep state in this SQLite file across restarts (default: in memory, lost on exit)",
    )
    p.add_argument(
        "--accounts", metavar="FILE", help="accounts/users JSON file (default: demo accounts)"
    )
    p.add_argument(
        "--max-body-size",
        metavar="SIZE",
        type=_size,
        default=DEFAULT_MAX_BODY_BYTES,
        help="largest request body accepted, e.g. 512K or 10M; larger ones get 413 in the "
        "vendor's error shape (default: 10M)",
    )
    p.add_argument(
        "--option",
        metavar="NAME=VALUE",
        type=_option,
        action="append",
        default=[],
        help="a vendor or fault setting, e.g. rate_limit=100 (Zendesk Sell); listed below",
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


def _db_problem(path: str) -> str | None:
    """Why `path` cannot hold the mock's SQLite database, checked before SQLite creates it."""
    target = Path(path)
    if target.is_dir():
        return f"--db {path} is a directory"
    if not target.parent.is_dir():
        return f"--db {path}: the directory {target.parent} does not exist"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    cls = vendor_class(args.vendor)

    def fail(message: str, status: int = 2) -> int:
        print(f"crm-mock: {message}", file=sys.stderr)
        return status

    options = dict(args.option)
    try:  # before anything is created: the declarations say what is wrong
        check_fault_options(parse_options(cls.all_options(), options, args.vendor))
    except OptionError as exc:
        return fail(str(exc))
    if not is_loopback(args.host) and not args.allow_remote:
        return fail(
            f"--host {args.host} is not a loopback address: anyone who can reach it could read "
            "and wipe the mock's data; add --allow-remote to bind it anyway"
        )
    if args.db and (problem := _db_problem(args.db)):
        return fail(problem)
    try:
        vendor = create_vendor(cls, db=args.db, accounts_file=args.accounts, options=options)
    except AccountsFileError as exc:
        return fail(str(exc))
    except sqlite3.Error as exc:
        return fail(f"--db {args.db} cannot be used as a SQLite database ({exc})")
    if args.seed_records:
        seed_from_cli(vendor, args.seed_records)
    import uvicorn

    app = build_app(vendor, max_body_bytes=args.max_body_size, allow_remote=args.allow_remote)
    if args.allow_remote and not is_loopback(args.host):
        print(
            f"crm-mock: WARNING: serving on {args.host}, beyond this machine: anyone who can "
            "reach the port can read every request recorded and reset all data",
            file=sys.stderr,
        )
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        vendor.store.close()
        return fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", 1)
    base_path = client_base_path(cls)  # as the vendor's clients take it (Sell's add /v2)
    print(
        f"crm-mock: {args.vendor} API at {socket_url(sock)}{base_path}"
        f" (the client's base_url; paths under {cls.api_prefix}/;"
        f" state: {args.db or 'in memory'})",
        file=sys.stderr,
        flush=True,
    )
    server = uvicorn.Server(uvicorn.Config(app, log_level=args.log_level, lifespan="on"))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        vendor.store.close()  # after the shutdown checkpoint: SQLite removes the empty WAL
    return 0 if server.started else 1


if __name__ == "__main__":
    sys.exit(main())
