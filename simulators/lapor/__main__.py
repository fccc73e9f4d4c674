"""Command line of the SP4N-LAPOR! simulator: python -m simulators.lapor <command>.

serve   run the HTTP server (granian, WSGI) with its callback thread
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import command_line, fault_injection
from . import faults, store
from .settings import DEFAULT_DB, ENV_PREFIX, Settings, db_path

DEFAULT_PORT = 8400


def _serve(args: argparse.Namespace) -> int:
    """Check the settings, then replace this process with granian, so a supervisor's
    signals reach the server; the settings reach its workers as LAPOR_* variables."""
    given = {
        "DB": str(db_path(args.db).resolve()),
        "API_KEY": args.api_key,
        "WEBHOOK_SECRET": args.webhook_secret,
        "CALLBACK_URL": args.callback_url,
        "RETRY_BASE": args.retry_base,
        "MAX_ATTEMPTS": args.max_attempts,
    }
    environ = {**os.environ, **{ENV_PREFIX + name: str(value) for name, value in given.items() if value is not None}}
    try:
        settings = Settings.from_env(environ)
        faults.from_env(environ)
        fault_injection.hang_seconds_from_env(environ, ENV_PREFIX)
    except ValueError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    conn = store.connect(settings.db_path)
    store.release_claims(conn)  # no callback thread runs yet: what the last run held is free again
    os.environ.update(settings.as_env())
    command_line.exec_server(args, "simulators.lapor.app:create_app", conn)


def _parser() -> argparse.ArgumentParser:
    parser, commands = command_line.parser("python -m simulators.lapor", __doc__)
    serve = command_line.add_serve(
        commands,
        _serve,
        port_variable="LAPOR_PORT",
        default_port=DEFAULT_PORT,
        workers_help="server processes, each with its callback thread",
        threads_help="blocking threads per server process (each hanging call holds one)",
        db_help=f"SQLite file (default: env LAPOR_DB or {DEFAULT_DB})",
        description="An option left out is taken from the LAPOR_* variable of the same name"
        " (--api-key: LAPOR_API_KEY, …); the admin token only from LAPOR_ADMIN_TOKEN.",
    )
    serve.add_argument("--api-key", help="the key MPP Digital sends as X-Api-Key (at least 16 characters)")
    serve.add_argument("--webhook-secret", help="whsec_<base64>, the secret the callbacks are signed with")
    serve.add_argument("--callback-url", help="where every update is POSTed as a Standard Webhook (default: none)")
    serve.add_argument("--retry-base", type=float, help="first retry delay of a callback, seconds (default 0.5)")
    serve.add_argument("--max-attempts", type=int, help="attempts before a callback is given up (default 10)")
    return parser


def main(argv: list[str] | None = None) -> int:
    return command_line.run(_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
