"""Command line of the payment-network simulator: python -m simulators.paynet <command>.

keys    write the RSA key pairs of both sides (platform-*.pem, network-*.pem) where missing
serve   run the HTTP server (granian, WSGI) with its notification thread
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import command_line, fault_injection, sqlite_store
from . import faults, keys, store
from .settings import DEFAULT_DB, ENV_PREFIX, Settings

DEFAULT_PORT = 8700
DEFAULT_KEYS_DIR = "var/paynet"


def _serve(args: argparse.Namespace) -> int:
    """Check the settings, then replace this process with granian, so a supervisor's
    signals reach the server; the settings reach its workers as PAYNET_* variables."""
    given = {
        "DB": sqlite_store.db_path(args.db, ENV_PREFIX + "DB", DEFAULT_DB).resolve(),
        "CLIENT_KEY": args.client_key,
        "CLIENT_SECRET": args.client_secret,
        "PLATFORM_PUBLIC_KEY_FILE": _absolute(args.platform_public_key_file, "PLATFORM_PUBLIC_KEY_FILE"),
        "NETWORK_PRIVATE_KEY_FILE": _absolute(args.network_private_key_file, "NETWORK_PRIVATE_KEY_FILE"),
        "BANK_CLIENT_KEY": args.bank_client_key,
        "BANK_CLIENT_SECRET": args.bank_client_secret,
        "PLATFORM_URL": args.platform_url,
        "PARTNER_SERVICE_ID": args.partner_service_id,
        "MERCHANT_NAME": args.merchant_name,
        "MERCHANT_CITY": args.merchant_city,
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
    store.release_claims(conn)  # no notification thread runs yet: what the last run held is free again
    os.environ.update(settings.as_env())
    command_line.exec_server(args, "simulators.paynet.app:create_app", conn)


def _absolute(option: str | None, variable: str) -> Path | None:
    """A key file's path made absolute here: granian's workers run from the repository root."""
    raw = option or os.environ.get(ENV_PREFIX + variable, "").strip()
    return Path(raw).resolve() if raw else None


def _keys(args: argparse.Namespace) -> int:
    try:
        files, written = keys.ensure_keys(args.dir)
    except ValueError as exc:
        print(f"keys: {exc}", file=sys.stderr)
        return 2
    for private_path, public_path in files.pairs():
        for path in (private_path, public_path):
            print(f"{'wrote' if path in written else 'kept '} {path}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser, commands = command_line.parser("python -m simulators.paynet", __doc__)
    key_files = commands.add_parser("keys", help="write the RSA key pairs where missing; existing ones are kept")
    key_files.add_argument("--dir", default=DEFAULT_KEYS_DIR, help=f"where (default {DEFAULT_KEYS_DIR})")
    key_files.set_defaults(run=_keys)

    serve = command_line.add_serve(
        commands,
        _serve,
        port_variable="PAYNET_PORT",
        default_port=DEFAULT_PORT,
        workers_help="server processes, each with its notification thread",
        threads_help="blocking threads per server process (each hanging call holds one)",
        db_help=f"SQLite file (default: env PAYNET_DB or {DEFAULT_DB})",
        description="An option left out is taken from the PAYNET_* variable of the same name"
        " (--client-key: PAYNET_CLIENT_KEY, …); the admin token only from PAYNET_ADMIN_TOKEN.",
    )
    serve.add_argument("--client-key", help="MPP Digital's client key at the network (X-CLIENT-KEY, X-PARTNER-ID)")
    serve.add_argument("--client-secret", help="the HMAC secret of MPP Digital's transactional calls")
    serve.add_argument("--platform-public-key-file", help="PEM: verifies MPP Digital's token requests")
    serve.add_argument("--network-private-key-file", help="PEM: signs the network's token requests to the platform")
    serve.add_argument("--bank-client-key", help="the network's client key at MPP Digital")
    serve.add_argument("--bank-client-secret", help="the HMAC secret of the network's notifications")
    serve.add_argument("--platform-url", help="MPP Digital's base URL, e.g. http://127.0.0.1:8000 (default: none)")
    serve.add_argument("--partner-service-id", help="the region bank's VA prefix, 1 to 8 digits (default 88001)")
    serve.add_argument("--merchant-name", help="the QR's merchant name (default MPP DIGITAL)")
    serve.add_argument("--merchant-city", help="the QR's merchant city (default SAMARINDA)")
    serve.add_argument("--retry-base", type=float, help="first retry delay of a notification, seconds (default 0.5)")
    serve.add_argument("--max-attempts", type=int, help="attempts before a notification is given up (default 10)")
    return parser


def main(argv: list[str] | None = None) -> int:
    return command_line.run(_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
