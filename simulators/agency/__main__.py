"""Command line of the agency simulator: python -m simulators.agency <command>.

serve   run the HTTP server (granian, WSGI) with its back-office worker thread
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import command_line, fault_injection
from . import store
from .settings import DEFAULT_DB, ENV_PREFIX, Settings, db_path

DEFAULT_PORT = 8040


def _serve(args: argparse.Namespace) -> int:
    """Check the settings, then replace this process with granian, so a supervisor's
    signals reach the server; the settings reach its workers as AGENCY_* variables."""
    given = {
        "DB": str(db_path(args.db).resolve()),
        "WEBHOOK_SECRET": args.webhook_secret,
        "CLIENT_ID": args.client_id,
        "CLIENT_SECRET": args.client_secret,
        "PROCESSING_DELAY": args.processing_delay,
        "REJECT_RATE": args.reject_rate,
        "SEED": args.seed,
        "RETRY_BASE": args.retry_base,
    }
    environ = {**os.environ, **{ENV_PREFIX + name: str(value) for name, value in given.items() if value is not None}}
    try:
        settings = Settings.from_env(environ)
        fault_injection.faults_from_env(environ, ENV_PREFIX)
        fault_injection.hang_seconds_from_env(environ, ENV_PREFIX)
    except ValueError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    conn = store.connect(settings.db_path)
    store.release_claims(conn)  # no worker runs yet: what the last run held is free again
    os.environ.update(settings.as_env())
    command_line.exec_server(args, "simulators.agency.app:create_app", conn)


def _parser() -> argparse.ArgumentParser:
    parser, commands = command_line.parser("python -m simulators.agency", __doc__)
    serve = command_line.add_serve(
        commands,
        _serve,
        port_variable="AGENCY_PORT",
        default_port=DEFAULT_PORT,
        workers_help="server processes, each with its worker thread",
        threads_help="blocking threads per server process",
        db_help=f"SQLite file (default: env AGENCY_DB or {DEFAULT_DB})",
        description="An option left out is taken from the AGENCY_* variable of the same name"
        " (--webhook-secret: AGENCY_WEBHOOK_SECRET, …); the admin token only from AGENCY_ADMIN_TOKEN.",
    )
    serve.add_argument("--webhook-secret", help="whsec_<base64>, the secret MPP Digital signs with")
    serve.add_argument("--client-id", help="OAuth2 client id of this agency at the platform")
    serve.add_argument("--client-secret", help="its OAuth2 client secret")
    serve.add_argument("--processing-delay", type=float, help="seconds before a case is decided (default 2)")
    serve.add_argument("--reject-rate", type=float, help="share of cases rejected, 0 to 1 (default 0)")
    serve.add_argument("--seed", type=int, help="makes the --reject-rate draw deterministic per tracking number")
    serve.add_argument("--retry-base", type=float, help="first retry delay of a status update, seconds (default 0.5)")
    return parser


def main(argv: list[str] | None = None) -> int:
    return command_line.run(_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
