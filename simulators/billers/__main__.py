"""Command line of the billers simulator (PBB-P2 and PDAM): python -m simulators.billers <command>.

serve   load the demo data into a new database, then run the HTTP server (granian, WSGI)
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import command_line, fault_injection
from . import clock, demo, faults, store
from .settings import DEFAULT_DB, ENV_PREFIX, Settings, db_path

DEFAULT_PORT = 8800


def _serve(args: argparse.Namespace) -> int:
    """Check the settings, load the demo data on the first start, then replace this process
    with granian, so a supervisor's signals reach the server; the settings reach its workers
    as BILLERS_* variables."""
    given = {"DB": str(db_path(args.db).resolve()), "API_KEY": args.api_key, "TODAY": args.today, "SEED": args.seed}
    environ = {**os.environ, **{ENV_PREFIX + name: str(value) for name, value in given.items() if value is not None}}
    try:
        settings = Settings.from_env(environ)
        faults.from_env(environ)
        fault_injection.hang_seconds_from_env(environ, ENV_PREFIX)
        objects = _count(args.objects, environ, "OBJECTS", demo.GENERATED_OBJECTS)
        customers = _count(args.customers, environ, "CUSTOMERS", demo.GENERATED_CUSTOMERS)
    except ValueError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    conn = store.connect(settings.db_path)
    clock.reset(conn)  # a restart begins from the environment's date, as from its faults
    as_of = clock.today(conn, settings.today)
    if demo.load_once(conn, seed=settings.seed, as_of=as_of, objects=objects, customers=customers):
        print(
            f"serve: demo data loaded (seed {settings.seed}, as of {as_of}, {objects} generated tax objects and "
            f"{customers} customers) into {settings.db_path}",
            file=sys.stderr,
        )
    os.environ.update(settings.as_env())
    command_line.exec_server(args, "simulators.billers.app:create_app", conn)


def _count(given: int | None, environ: dict[str, str], name: str, default: int) -> int:
    """How many subjects to generate in a new database: the option, else BILLERS_<name>, else `default`."""
    if given is None:
        raw = environ.get(ENV_PREFIX + name, "").strip()
        try:
            given = int(raw) if raw else default
        except ValueError:
            raise ValueError(f"{ENV_PREFIX}{name} must be a whole number, got {raw!r}") from None
    if given < 0:
        raise ValueError(f"{ENV_PREFIX}{name} must not be negative")
    return given


def _parser() -> argparse.ArgumentParser:
    parser, commands = command_line.parser("python -m simulators.billers", __doc__)
    serve = command_line.add_serve(
        commands,
        _serve,
        port_variable="BILLERS_PORT",
        default_port=DEFAULT_PORT,
        threads=8,
        threads_help="blocking threads per worker (each hanging or concurrent call holds one)",
        db_help=f"SQLite file (default: env BILLERS_DB or {DEFAULT_DB})",
        description="An option left out is taken from the BILLERS_* variable of the same name"
        " (--api-key: BILLERS_API_KEY, …); the admin token only from BILLERS_ADMIN_TOKEN.",
    )
    serve.add_argument("--api-key", help="the key MPP Digital sends as X-Api-Key (at least 16 characters)")
    serve.add_argument("--today", help="the simulated date YYYY-MM-DD (default: the real date in WITA)")
    serve.add_argument("--seed", type=int, help="the demo data of a new database (default 2026)")
    serve.add_argument(
        "--objects",
        type=int,
        help=f"tax objects generated in a new database besides the fixed ones (default {demo.GENERATED_OBJECTS})",
    )
    serve.add_argument(
        "--customers",
        type=int,
        help=f"water customers generated in a new database besides the fixed ones (default {demo.GENERATED_CUSTOMERS})",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    return command_line.run(_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
