"""The guard of a simulator's admin endpoints (faults, the simulated phone, …): the admin
token, compared in constant time.

Each simulator keeps its own names (admin header, environment variable of the token); the
check behind them is the same everywhere. API clients' bearer keys are another matter
(simulators/clients.py).
"""

from __future__ import annotations

import secrets

from flask import request

from .web import Refusal


def require_admin(expected: str, *, header: str, variable: str) -> None:
    """Refuse the request unless its `header` carries the admin token (env `variable`).

    Without a configured token the admin endpoints are off (403), so a simulator started
    without one cannot be switched by anyone.
    """
    if not expected:
        raise Refusal(403, "admin_disabled", f"set {variable} to use the admin endpoints")
    given = request.headers.get(header, "")
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise Refusal(401, "unauthorized", f"send {header}: <{variable}>")
