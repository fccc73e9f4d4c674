"""Command line of the gateway simulator: python -m simulators.gateway <command>.

add-client  create a sending client (or give it a new key) and print its API key
serve       run the HTTP server (granian, WSGI); needs GATEWAY_ADMIN_TOKEN
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import command_line
from . import store

DEFAULT_PORT = 8030


def _serve(args: argparse.Namespace) -> int:
    """Check the settings, then replace this process with granian, so a supervisor's signals reach the server."""
    from .app import create_app

    db = store.db_path_from_env(args.db).resolve()
    os.environ["GATEWAY_DB"] = str(db)
    if args.delivery_delay is not None:
        os.environ["GATEWAY_DELIVERY_DELAY"] = args.delivery_delay
    try:
        create_app()  # a missing token or a malformed setting is one clear line here, not a worker's traceback
    except ValueError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    command_line.exec_server(args, "simulators.gateway.app:create_app", store.connect(db))


def _parser() -> argparse.ArgumentParser:
    parser, commands = command_line.parser("python -m simulators.gateway", __doc__)
    db_help = f"SQLite file (default: env GATEWAY_DB or {store.DEFAULT_DB})"

    command_line.add_add_client(commands, lambda db: store.connect(store.db_path_from_env(db)), db_help=db_help)

    serve = command_line.add_serve(
        commands,
        _serve,
        port_variable="GATEWAY_PORT",
        default_port=DEFAULT_PORT,
        summary="run the HTTP server (granian); needs env GATEWAY_ADMIN_TOKEN",
        threads=8,
        threads_help="blocking threads per worker (each hanging or concurrent call holds one)",
        db_help=db_help,
    )
    serve.add_argument(
        "--delivery-delay", help="seconds from accepted to delivered (default: env GATEWAY_DELIVERY_DELAY or 0)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    return command_line.run(_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
