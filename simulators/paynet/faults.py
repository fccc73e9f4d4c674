"""Fault injection: the kinds every simulator has (latency_ms, error_rate, timeout_rate; see
simulators/fault_injection.py), applied to the SNAP API (/v1.0/*) before anything is read or
stored, plus four that test the platform's handling of payment notifications:

duplicate_notification_rate  the notification is sent twice at once, each under its own
                             X-EXTERNAL-ID: the platform must record the payment once.
late_notification_ms         the first attempt waits this long after the payment.
lost_notification_rate       the notification is never sent: only the platform's inquiry
                             (transfer-va/status, qr-mpm-query) finds the payment.
wrong_signature_rate         the first attempt carries a corrupted X-SIGNATURE (the platform
                             must refuse it); the retry is signed correctly.

Defaults come from the environment (PAYNET_LATENCY_MS, …, PAYNET_WRONG_SIGNATURE_RATE,
PAYNET_HANG_SECONDS); /admin/faults overrides them at run time, in the database, so every
server worker applies them. A notification's draws are made when the payment is recorded
(late, lost) or when it is sent (duplicate, wrong signature).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from .. import fault_injection
from .settings import ENV_PREFIX

SCHEMA = fault_injection.fault_settings_schema(
    "duplicate_notification_rate REAL NOT NULL",
    "late_notification_ms INTEGER NOT NULL",
    "lost_notification_rate REAL NOT NULL",
    "wrong_signature_rate REAL NOT NULL",
)


@dataclass(frozen=True, slots=True)
class PaynetFaults(fault_injection.Faults):
    duplicate_notification_rate: float = 0.0
    late_notification_ms: int = 0
    lost_notification_rate: float = 0.0
    wrong_signature_rate: float = 0.0

    PARSERS: ClassVar[Mapping[str, Callable[[str, object], object]]] = {
        **fault_injection.Faults.PARSERS,
        "duplicate_notification_rate": fault_injection.rate,
        # The same bounds as latency_ms (whole milliseconds, at most two minutes).
        "late_notification_ms": fault_injection.Faults.PARSERS["latency_ms"],
        "lost_notification_rate": fault_injection.rate,
        "wrong_signature_rate": fault_injection.rate,
    }


def from_env(environ: Mapping[str, str]) -> PaynetFaults:
    """The start-up faults; ValueError (failing start-up) on a malformed value."""
    return fault_injection.faults_from_env(environ, ENV_PREFIX, PaynetFaults)
