"""Fault injection: the kinds every simulator has (latency_ms, error_rate, timeout_rate; see
simulators/fault_injection.py), applied to /api/v1/* before anything is stored, plus two that
make the platform's idempotency and deduplication matter:

lost_answer_rate         a new report IS stored, then the answer hangs LAPOR_HANG_SECONDS and
                         is a 504: the platform cannot know the report was filed and retries
                         with the same Idempotency-Key, which finds it (200, the same lapor_id).
duplicate_callback_rate  a callback the platform took (2xx) is sent once more at once, with
                         the same webhook-id: the platform must apply it once.

Defaults come from the environment (LAPOR_LATENCY_MS, LAPOR_ERROR_RATE, LAPOR_TIMEOUT_RATE,
LAPOR_LOST_ANSWER_RATE, LAPOR_DUPLICATE_CALLBACK_RATE, LAPOR_HANG_SECONDS); /admin/faults
overrides them at run time, in the database, so every server worker applies them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from .. import fault_injection
from .settings import ENV_PREFIX

SCHEMA = fault_injection.fault_settings_schema(
    "lost_answer_rate REAL NOT NULL", "duplicate_callback_rate REAL NOT NULL"
)


@dataclass(frozen=True, slots=True)
class LaporFaults(fault_injection.Faults):
    lost_answer_rate: float = 0.0
    duplicate_callback_rate: float = 0.0

    PARSERS: ClassVar[Mapping[str, Callable[[str, object], object]]] = {
        **fault_injection.Faults.PARSERS,
        "lost_answer_rate": fault_injection.rate,
        "duplicate_callback_rate": fault_injection.rate,
    }


def from_env(environ: Mapping[str, str]) -> LaporFaults:
    """The start-up faults; ValueError (failing start-up) on a malformed value."""
    return fault_injection.faults_from_env(environ, ENV_PREFIX, LaporFaults)
