"""Fault injection: the kinds every simulator has (latency_ms, error_rate, timeout_rate; see
simulators/fault_injection.py), applied to /api/* before anything is read or stored, plus the
one that makes the platform's Idempotency-Key matter:

lost_answer_rate  a new payment IS recorded, then the answer hangs BILLERS_HANG_SECONDS and
                  is a 504: the platform cannot know the payment went through and retries
                  with the same Idempotency-Key, which finds it (200, the same receipt).

Defaults come from the environment (BILLERS_LATENCY_MS, BILLERS_ERROR_RATE,
BILLERS_TIMEOUT_RATE, BILLERS_LOST_ANSWER_RATE, BILLERS_HANG_SECONDS); /admin/faults
overrides them at run time, in the database, so every server worker applies them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from .. import fault_injection
from .settings import ENV_PREFIX

SCHEMA = fault_injection.fault_settings_schema("lost_answer_rate REAL NOT NULL")


@dataclass(frozen=True, slots=True)
class BillersFaults(fault_injection.Faults):
    lost_answer_rate: float = 0.0

    PARSERS: ClassVar[Mapping[str, Callable[[str, object], object]]] = {
        **fault_injection.Faults.PARSERS,
        "lost_answer_rate": fault_injection.rate,
    }


def from_env(environ: Mapping[str, str]) -> BillersFaults:
    """The start-up faults; ValueError (failing start-up) on a malformed value."""
    return fault_injection.faults_from_env(environ, ENV_PREFIX, BillersFaults)
