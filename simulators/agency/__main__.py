"""Command line of the agency simulator: python -m simulators.agency <command>.

serve   run the HTTP server (granian, WSGI) with its back-office worker thread, as one
        agency profile (--profile siak | imigrasi | korlantas | polri)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import command_line, fault_injection
from . import profiles, store
from .profiles import DEFAULT_PROFILE
from .settings import DEFAULT_DB, ENV_PREFIX, PROFILE_CODE, Settings, db_path

DEFAULT_PORT = 8040


def _serve(args: argparse.Namespace) -> int:
    """Check the settings, then replace this process with granian, so a supervisor's
    signals reach the server; the settings reach its workers as AGENCY_* variables."""
    profile = args.profile or os.environ.get(ENV_PREFIX + "PROFILE") or DEFAULT_PROFILE
    if not PROFILE_CODE.fullmatch(profile):  # a file: the workers start from the repository root
        profile = str(Path(profile).resolve())
    given = {
        "PROFILE": profile,
        "DB": str(db_path(args.db, profile).resolve()),
        "WEBHOOK_SECRET": args.webhook_secret,
        "CLIENT_ID": args.client_id,
        "CLIENT_SECRET": args.client_secret,
        "PROCESSING_DELAY": args.processing_delay,
        "STEP_DELAY": args.step_delay,
        "REJECT_RATE": args.reject_rate,
        "SEED": args.seed,
        "RETRY_BASE": args.retry_base,
        "OIDC_ISSUER": args.oidc_issuer,
        "OIDC_CLIENT_ID": args.oidc_client_id,
        "OIDC_CLIENT_SECRET": args.oidc_client_secret,
        "PUBLIC_URL": args.public_url,
        "PLATFORM_URL": args.platform_url,
        "REGION_CODE": args.region_code,
    }
    environ = {**os.environ, **{ENV_PREFIX + name: str(value) for name, value in given.items() if value is not None}}
    try:
        settings = Settings.from_env(environ)
        fault_injection.faults_from_env(environ, ENV_PREFIX)
        fault_injection.hang_seconds_from_env(environ, ENV_PREFIX)
        conn = store.connect(settings.db_path)
        store.bind_profile(conn, settings.profile.code)
    except ValueError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    store.release_claims(conn)  # no worker runs yet: what the last run held is free again
    os.environ.update(settings.as_env())
    if args.port is None:
        args.port = int(os.environ.get("AGENCY_PORT") or settings.profile.default_port)
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
        db_help=f"SQLite file (default: env AGENCY_DB, else {DEFAULT_DB} for siak, var/agency-<profile>.sqlite3)",
        description="An option left out is taken from the AGENCY_* variable of the same name"
        " (--webhook-secret: AGENCY_WEBHOOK_SECRET, …); the admin token only from AGENCY_ADMIN_TOKEN.",
    )
    # Without --port or AGENCY_PORT, the profile's own port (siak 8040, imigrasi 8041, …).
    serve.set_defaults(port=None)
    serve.add_argument(
        "--profile",
        help=f"the agency: {', '.join(profiles.available())} (default {DEFAULT_PROFILE}), or a profile file's path",
    )
    serve.add_argument("--webhook-secret", help="whsec_<base64>, the secret MPP Digital signs with")
    serve.add_argument("--client-id", help="OAuth2 client id of this agency at the platform")
    serve.add_argument("--client-secret", help="its OAuth2 client secret")
    serve.add_argument("--processing-delay", type=float, help="seconds before a case is decided (default 2)")
    serve.add_argument("--step-delay", type=float, help="seconds between a case's status updates (default 0)")
    serve.add_argument("--reject-rate", type=float, help="share of cases rejected, 0 to 1 (default 0)")
    serve.add_argument("--seed", type=int, help="makes the --reject-rate draw deterministic per tracking number")
    serve.add_argument("--retry-base", type=float, help="first retry delay of a status update, seconds (default 0.5)")
    portal = serve.add_argument_group("the handed-over portal (a profile with a portal: korlantas)")
    portal.add_argument("--oidc-issuer", help="MPP Digital's OpenID Connect issuer, e.g. http://127.0.0.1:8000")
    portal.add_argument("--oidc-client-id", help="the portal's OIDC client id at MPP Digital")
    portal.add_argument("--oidc-client-secret", help="its client secret")
    portal.add_argument("--public-url", help="this simulator's base URL; the redirect URI is <it>/portal/callback")
    portal.add_argument("--platform-url", help="MPP Digital's base URL, for /api/v1/agency/cases and /o/token/")
    portal.add_argument("--region-code", help="the region of the cases applied for at the portal (default 64.72)")
    return parser


def main(argv: list[str] | None = None) -> int:
    return command_line.run(_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
