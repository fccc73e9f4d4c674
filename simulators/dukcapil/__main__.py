"""Command line of the registry simulator: python -m simulators.dukcapil <command>.

seed             load the synthetic population (a no-op when already loaded)
add-institution  create or update an institution and print its API key
demo-persons     print the fixed demo persons (NIK, KK, name, birth date)
access-log       print the latest calls the registry logged
serve            run the HTTP server (granian, WSGI)
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn

from .. import command_line
from . import institutions, store
from .demo_persons import demo_people

DEFAULT_PORT = 8100  # where the platform looks by default (DUKCAPIL_URL)


def _seed(args: argparse.Namespace) -> int:
    from .seeding import PopulationExists, load_population

    conn = store.connect(store.db_path_from_env(args.db))
    try:
        result = load_population(conn, persons=args.persons, seed=args.seed, replace=args.replace)
    except (PopulationExists, ValueError) as exc:
        print(f"seed: {exc}", file=sys.stderr)
        return 2
    what = "loaded" if result.loaded else "already loaded"
    print(
        f"{what}: {result.persons:,} persons in {result.families:,} families"
        f" (seed {args.seed}) in {result.seconds:.1f} s -> {store.db_path_from_env(args.db)}"
    )
    return 0


def _add_institution(args: argparse.Namespace) -> int:
    try:
        fields = institutions.parse_fields(args.fields)
        key, created = institutions.save_institution(
            store.connect(store.db_path_from_env(args.db)),
            name=args.name,
            fields=fields,
            daily_quota=args.quota,
            key=args.key,
        )
    except ValueError as exc:
        print(f"add-institution: {exc}", file=sys.stderr)
        return 2
    print(
        f"{'created' if created else 'updated'} {args.name!r}: {len(fields)} fields, {args.quota} calls/day",
        file=sys.stderr,
    )
    print(key)
    return 0


def _demo_persons(args: argparse.Namespace) -> int:
    print(f"{'NIK':<16}  {'KK':<16}  {'BIRTH DATE':<10}  {'RELATIONSHIP':<15}  NAME")
    for family, person in demo_people():
        print(f"{person.nik}  {family.kk_number}  {person.birth_date}  {person.relationship:<15}  {person.name}")
    return 0


def _access_log(args: argparse.Namespace) -> int:
    for row in store.access_log(store.connect(store.db_path_from_env(args.db)), nik=args.nik, limit=args.limit):
        subject = row["nik"] or row["kk_number"] or "-"
        print(
            f"{row['at']}  {row['status']}  {row['method']:<4} {row['endpoint']:<28} {subject:<16}"
            f"  {row['institution_name'] or '-'}  purpose={row['purpose'] or '-'}  actor={row['actor'] or '-'}"
        )
    return 0


def _serve(args: argparse.Namespace) -> NoReturn:
    """Replace this process with granian, so a supervisor's signals reach the server."""
    db = store.db_path_from_env(args.db).resolve()
    conn = store.connect(db)
    if not store.count_persons(conn):
        print(f"serve: {db} holds no population yet; run `seed` first", file=sys.stderr)
    os.environ["DUKCAPIL_DB"] = str(db)
    command_line.exec_server(args, "simulators.dukcapil.app:create_app", conn)


def _parser() -> argparse.ArgumentParser:
    parser, commands = command_line.parser("python -m simulators.dukcapil", __doc__)
    db_help = f"SQLite file (default: env DUKCAPIL_DB or {store.DEFAULT_DB})"

    seed = commands.add_parser("seed", help="load the synthetic population")
    seed.add_argument("--persons", type=int, default=100_000, help="persons in all, demo persons included")
    seed.add_argument("--seed", type=int, default=42)
    seed.add_argument("--db", help=db_help)
    seed.add_argument("--replace", action="store_true", help="replace a population made with other parameters")
    seed.set_defaults(run=_seed)

    add = commands.add_parser("add-institution", help="create or update an institution; prints its key")
    add.add_argument("--name", required=True)
    add.add_argument(
        "--fields", default="all", help=f"'all' or comma-separated: {','.join(institutions.AGREEMENT_FIELDS)}"
    )
    add.add_argument("--quota", type=int, default=100_000, help="calls per calendar day (Asia/Jakarta)")
    add.add_argument("--key", help="use this key (demo and tests); default: a new random key")
    add.add_argument("--db", help=db_help)
    add.set_defaults(run=_add_institution)

    demo = commands.add_parser("demo-persons", help="print the fixed demo persons")
    demo.set_defaults(run=_demo_persons)

    command_line.add_access_log(commands, _access_log, db_help=db_help)

    command_line.add_serve(commands, _serve, port_variable="DUKCAPIL_PORT", default_port=DEFAULT_PORT, db_help=db_help)
    return parser


def main(argv: list[str] | None = None) -> int:
    return command_line.run(_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
