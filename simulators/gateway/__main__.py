"""Command line of the gateway simulator: python -m simulators.gateway <command>.

add-client  create a sending client (or give it a new key) and print its API key
serve       run the HTTP server (granian, WSGI); needs GATEWAY_ADMIN_TOKEN
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import common
from . import clients, store

DEFAULT_PORT = 8030


def _add_client(args: argparse.Namespace) -> int:
    conn = store.connect(store.db_path_from_env(args.db))
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
    conn = store.connect(db)
    common.reset_faults(conn)  # a restart starts from the environment's faults
    conn.close()
    common.exec_granian(
        "simulators.gateway.app:create_app", host=args.host, port=args.port, workers=args.workers, threads=args.threads
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m simulators.gateway", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    db_help = f"SQLite file (default: env GATEWAY_DB or {store.DEFAULT_DB})"

    add = commands.add_parser("add-client", help="create a client or give it a new key; prints the key")
    add.add_argument("--name", required=True, help='e.g. "MPP Digital"')
    add.add_argument("--api-key", help="use this key (demo and tests); default: a new random key")
    add.add_argument("--db", help=db_help)
    add.set_defaults(run=_add_client)

    serve = commands.add_parser("serve", help="run the HTTP server (granian); needs env GATEWAY_ADMIN_TOKEN")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("GATEWAY_PORT") or DEFAULT_PORT))
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--threads", type=int, default=8, help="blocking threads per worker (each hanging or concurrent call holds one)"
    )
    serve.add_argument(
        "--delivery-delay", help="seconds from accepted to delivered (default: env GATEWAY_DELIVERY_DELAY or 0)"
    )
    serve.add_argument("--db", help=db_help)
    serve.set_defaults(run=_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
