"""The command line the simulators share: python -m simulators.<name> <command>.

Each simulator's __main__ lists its commands and their handlers; what several have in
common is declared here once: the parser, `serve`'s options and its last step (faults back
to the environment's, then granian), `add-client`, and `access-log`'s options.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable
from typing import NoReturn

from . import clients, fault_injection, processes

Run = Callable[[argparse.Namespace], int]
Commands = argparse._SubParsersAction


def parser(prog: str, doc: str | None) -> tuple[argparse.ArgumentParser, Commands]:
    """The parser of `python -m <prog>` described by its module docstring, and its commands."""
    top = argparse.ArgumentParser(prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    return top, top.add_subparsers(dest="command", required=True)


def run(top: argparse.ArgumentParser, argv: list[str] | None) -> int:
    """Parse `argv` and run the chosen command's handler (set_defaults(run=…)); its exit status."""
    args = top.parse_args(argv)
    return args.run(args)


def add_serve(
    commands: Commands,
    run: Run,
    *,
    port_variable: str,
    default_port: int,
    summary: str = "run the HTTP server (granian)",
    threads: int = 4,
    threads_help: str = "blocking threads per worker (each hanging call holds one)",
    workers_help: str | None = None,
    db_help: str,
    **parser_options: str,
) -> argparse.ArgumentParser:
    """`serve` with --host, --port (default: env `port_variable`, else `default_port`),
    --workers, --threads and --db; the simulator adds its own options to the parser returned."""
    serve = commands.add_parser("serve", help=summary, **parser_options)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get(port_variable) or default_port))
    serve.add_argument("--workers", type=int, default=1, help=workers_help)
    serve.add_argument("--threads", type=int, default=threads, help=threads_help)
    serve.add_argument("--db", help=db_help)
    serve.set_defaults(run=run)
    return serve


def exec_server(args: argparse.Namespace, factory: str, conn: sqlite3.Connection) -> NoReturn:
    """The end of every `serve`: the faults back to the environment's (a restart starts from
    them), `conn` closed, then this process replaced with granian serving `factory` as the
    options ask, so a supervisor's signals reach the server."""
    fault_injection.reset_faults(conn)
    conn.close()
    processes.exec_granian(factory, host=args.host, port=args.port, workers=args.workers, threads=args.threads)


def add_access_log(commands: Commands, run: Run, *, db_help: str) -> None:
    log = commands.add_parser("access-log", help="print the latest logged calls")
    log.add_argument("--nik")
    log.add_argument("--limit", type=int, default=50)
    log.add_argument("--db", help=db_help)
    log.set_defaults(run=run)


def add_add_client(commands: Commands, connect: Callable[[str | None], sqlite3.Connection], *, db_help: str) -> None:
    """`add-client`: create an API client (simulators/clients.py) or give it a new key, print
    the key. `connect(--db)` opens the simulator's database."""

    def add_client(args: argparse.Namespace) -> int:
        conn = connect(args.db)
        try:
            key, outcome = clients.save_client(conn, name=args.name, key=args.api_key)
        except ValueError as exc:
            print(f"add-client: {exc}", file=sys.stderr)
            return 2
        finally:
            conn.close()
        print(f"{outcome} {args.name!r}", file=sys.stderr)
        print(key)
        return 0

    add = commands.add_parser("add-client", help="create a client or give it a new key; prints the key")
    add.add_argument("--name", required=True, help='e.g. "MPP Digital"')
    add.add_argument("--api-key", help="use this key (demo and tests); default: a new random key")
    add.add_argument("--db", help=db_help)
    add.set_defaults(run=add_client)
