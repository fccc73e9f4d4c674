"""Fault injection: make the registry slow, failing or hanging, as the real face
service was when it was overloaded for days in February 2023.

Defaults come from the environment when the server starts (DUKCAPIL_LATENCY_MS,
DUKCAPIL_ERROR_RATE, DUKCAPIL_TIMEOUT_RATE, DUKCAPIL_HANG_SECONDS); POST /_sim/faults
overrides them at run time. The override lives in the simulator's database so every
server worker applies it; `serve` clears it at start, so a restart begins from the
environment again. The mechanics are shared with the other simulators (simulators/fault_injection.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import fault_injection

ENV_PREFIX = "DUKCAPIL_"


def from_env(environ: Mapping[str, str]) -> fault_injection.Faults:
    """The start-up faults; ValueError (failing start-up) on a malformed value."""
    return fault_injection.faults_from_env(environ, ENV_PREFIX)


def hang_seconds_from_env(environ: Mapping[str, str]) -> float:
    """How long a simulated timeout hangs before its 504 (DUKCAPIL_HANG_SECONDS)."""
    return fault_injection.hang_seconds_from_env(environ, ENV_PREFIX)
