"""Command line of the SISDMK simulator: python -m simulators.sisdmk <command>.

seed          load the health workforce from the Dukcapil simulator's population (a no-op when loaded)
add-client    create an API client (or give it a new key) and print its key
demo-workers  print the fixed demo workers (NIK, profession, STR, what each shows)
access-log    print the latest calls the registry logged
serve         run the HTTP server (granian, WSGI)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import command_line
from ..dukcapil import store as dukcapil_store
from . import store
from .demo_workers import DEMO_WORKERS
from .seeding import DEFAULT_WORKERS

DEFAULT_PORT = 8200  # where the platform looks by default (SISDMK_URL)


def _seed(args: argparse.Namespace) -> int:
    from .seeding import WorkforceExists, load_workforce, professions_summary

    dukcapil_db = dukcapil_store.db_path_from_env(args.dukcapil_db)
    conn = store.connect(store.db_path_from_env(args.db))
    try:
        result = load_workforce(
            conn, dukcapil_db=dukcapil_db, workers=args.workers, seed=args.seed, replace=args.replace
        )
        summary = ", ".join(f"{count:,} {label.lower()}" for label, count in professions_summary(conn).items())
    except (WorkforceExists, ValueError) as exc:
        print(f"seed: {exc}", file=sys.stderr)
        return 2
    finally:
        conn.close()
    what = "loaded" if result.loaded else "already loaded"
    print(
        f"{what}: {result.workers:,} health workers ({summary}) with {result.registrations:,} STRs"
        f" from {dukcapil_db} (seed {args.seed}) in {result.seconds:.1f} s -> {store.db_path_from_env(args.db)}"
    )
    return 0


def _demo_workers(args: argparse.Namespace) -> int:
    print(f"{'NIK':<16}  {'PROFESSION':<11}  {'STR':<16}  SHOWS")
    for worker in DEMO_WORKERS:
        print(f"{worker.nik}  {worker.profession:<11}  {worker.registrations[0].number}  {worker.what}")
    return 0


def _access_log(args: argparse.Namespace) -> int:
    conn = store.connect(store.db_path_from_env(args.db))
    for row in store.access_log(conn, nik=args.nik, limit=args.limit):
        subject = row["nik"] or row["str_number"] or row["sip_number"] or "-"
        print(
            f"{row['at']}  {row['status']}  {row['method']:<6} {row['endpoint']:<36} {subject:<16}"
            f"  {row['client_name'] or '-'}  purpose={row['purpose'] or '-'}  actor={row['actor'] or '-'}"
        )
    conn.close()
    return 0


def _serve(args: argparse.Namespace) -> int:
    """Check the settings, then replace this process with granian, so a supervisor's signals reach the server."""
    from .app import create_app

    db = store.db_path_from_env(args.db).resolve()
    os.environ["SISDMK_DB"] = str(db)
    try:
        create_app()  # a malformed setting is one clear line here, not a worker's traceback
    except ValueError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    conn = store.connect(db)
    if not store.count_workers(conn):
        print(f"serve: {db} holds no health workers yet; run `seed` first", file=sys.stderr)
    command_line.exec_server(args, "simulators.sisdmk.app:create_app", conn)


def _parser() -> argparse.ArgumentParser:
    parser, commands = command_line.parser("python -m simulators.sisdmk", __doc__)
    db_help = f"SQLite file (default: env SISDMK_DB or {store.DEFAULT_DB})"

    seed = commands.add_parser("seed", help="load the health workforce from the Dukcapil population")
    seed.add_argument(
        "--dukcapil-db",
        type=Path,
        help=f"the Dukcapil simulator's file, read only (default: env DUKCAPIL_DB or {dukcapil_store.DEFAULT_DB})",
    )
    seed.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="health workers in all, demo ones included")
    seed.add_argument("--seed", type=int, default=42)
    seed.add_argument("--replace", action="store_true", help="replace a workforce made with other parameters")
    seed.add_argument("--db", help=db_help)
    seed.set_defaults(run=_seed)

    command_line.add_add_client(commands, lambda db: store.connect(store.db_path_from_env(db)), db_help=db_help)

    demo = commands.add_parser("demo-workers", help="print the fixed demo workers")
    demo.set_defaults(run=_demo_workers)

    command_line.add_access_log(commands, _access_log, db_help=db_help)

    command_line.add_serve(commands, _serve, port_variable="SISDMK_PORT", default_port=DEFAULT_PORT, db_help=db_help)
    return parser


def main(argv: list[str] | None = None) -> int:
    return command_line.run(_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
