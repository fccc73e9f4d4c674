"""Command line of the demo CA's trust services: python -m simulators.trust <command>.

serve   run the HTTP server (granian): the time-stamping authority and the OCSP responder
revoke  revoke a certificate of the demo CA by serial number (its OCSP answer turns "revoked")
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import command_line
from . import store

DEFAULT_PORT = 8300


def _serve(args: argparse.Namespace) -> int:
    from .app import create_app

    db = store.db_path_from_env(args.db).resolve()
    os.environ["TRUST_DB"] = str(db)
    if args.ca_dir:
        os.environ["TRUST_CA_DIR"] = str(os.path.abspath(args.ca_dir))
    try:
        create_app()  # a missing CA is one clear line here, not a worker's traceback
    except ValueError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    command_line.exec_server(args, "simulators.trust.app:create_app", store.connect(db))


def _revoke(args: argparse.Namespace) -> int:
    conn = store.connect(store.db_path_from_env(args.db))
    try:
        revoked = store.revoke(conn, args.serial, reason=args.reason)
    except ValueError as exc:
        print(f"revoke: {exc}", file=sys.stderr)
        return 2
    print(f"revoked {revoked['serial']} at {revoked['revoked_at']} ({revoked['reason']})")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser, commands = command_line.parser("python -m simulators.trust", __doc__)
    db_help = f"SQLite file (default: env TRUST_DB or {store.DEFAULT_DB})"
    serve = command_line.add_serve(
        commands, _serve, port_variable="TRUST_PORT", default_port=DEFAULT_PORT, db_help=db_help
    )
    serve.add_argument("--ca-dir", help="the demo CA's directory (default: env TRUST_CA_DIR)")
    revoke = commands.add_parser("revoke", help="revoke a certificate by serial number")
    revoke.add_argument("serial", help="the certificate's serial number in hex")
    revoke.add_argument("--reason", default="key_compromise", choices=store.REASONS)
    revoke.add_argument("--db", help=db_help)
    revoke.set_defaults(run=_revoke)
    return parser


def main(argv: list[str] | None = None) -> int:
    return command_line.run(_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
