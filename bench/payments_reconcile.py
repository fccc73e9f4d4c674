"""Bench-only: reconciling a day of the network's settlement file, timed in-process (``payments_reconcile``).

Run by bench/payments_bench.py with the benchmark's environment, after payments_seed.py paid <day>'s bills:

    python bench/payments_reconcile.py <day> --plant 10

1. The network's side, not timed: the day's settlement file as the payment-network simulator writes it
   (``simulators.paynet.representations.settlement_csv``: its header, then one line per payment settled that day,
   in the order they were paid), from our payments of the day (every one the network took; cash is not in it).
2. Parsing the file, timed: ``mpp.payments.network.settlement(day)``, the platform's own code, with the signed GET
   to the network (``network.call``) answered by the file's bytes (no HTTP: the fetch is not what is timed).
3. The same file with ``--plant`` mismatches of each kind (lines of payments we never recorded, our payments left
   out of the file, lines with another amount), reconciled with ``reconciliation.reconcile(day, rows)`` in a
   transaction rolled back at the end, timed; what it found is counted by kind before the rollback.
4. The file as it is, reconciled for good, timed: every line must match (no mismatch).

Prints one JSON object on stdout.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the simulators package, at the project's root

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from mpp.payments import network, reconciliation, snap  # noqa: E402
from mpp.payments.models import Channel, Mismatch, Payment, Settlement, SettlementLine  # noqa: E402
from simulators.paynet.representations import settlement_csv  # noqa: E402

PARTNER_SERVICE_ID = "   88001"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def file_lines(day: dt.date) -> list[dict]:
    """The day's settlement lines as the network has them: its reference, the VA as it writes it (the prefix padded to
    eight characters; a billing code after eight spaces), the bill, the channel, the amount, when (Jakarta)."""
    start, end = reconciliation._day_window(day)
    paid = (
        Payment.objects.filter(paid_at__gte=start, paid_at__lt=end, network_reference__isnull=False)
        .exclude(channel=Channel.CASH)
        .order_by("paid_at", "network_reference")
        .values_list(
            "network_reference",
            "bill__va_number",
            "bill__billing_code",
            "bill_id",
            "channel",
            "amount",
            "paid_at",
            "bank_reference",
            "ntpn",
        )
    )
    return [
        {
            "payment_request_id": reference,
            "virtual_account_no": PARTNER_SERVICE_ID + va[5:] if va else " " * 8 + billing,
            "trx_id": str(bill_id),
            "channel": "qris" if channel == Channel.QRIS else "va",
            "amount": amount,
            "paid_at": snap.timestamp(paid_at),
            "reference_no": bank_reference,
            "ntpn": ntpn,
        }
        for reference, va, billing, bill_id, channel, amount, paid_at, bank_reference, ntpn in paid
    ]


def parse(day: dt.date, raw: bytes) -> tuple[list[dict], float]:
    """``network.settlement(day)`` on ``raw`` (the signed GET answered by the file's bytes): its rows, its seconds."""
    fetch = network.call
    network.call = lambda path, body, *, method="POST": raw
    try:
        started = time.perf_counter()
        rows = network.settlement(day)
        return rows, time.perf_counter() - started
    finally:
        network.call = fetch


def planted(rows: list[dict], count: int) -> tuple[list[dict], dict]:
    """The file with ``count`` mismatches of each kind, spread over the day; what reconciliation must find."""
    step = len(rows) // (3 * count + 1)
    picks = [rows[step * (n + 1)] for n in range(3 * count)]
    left_out = {row["payment_request_id"] for row in picks[:count]}
    other_amount = {row["payment_request_id"] for row in picks[count : 2 * count]}
    # Paid there, not here: a second payment of a bill the network took before, under a reference we never saw.
    unknown = [
        row | {"payment_request_id": f"X{row['payment_request_id']}", "reference_no": f"X{row['reference_no']}"}
        for row in picks[2 * count :]
    ]
    changed = [
        row | {"amount": row["amount"] + 1000} if row["payment_request_id"] in other_amount else row
        for row in rows
        if row["payment_request_id"] not in left_out
    ]
    expected = {"missing_here": count, "missing_there": count, "amount": count}
    return changed + unknown, expected


def found(settlement: Settlement) -> dict:
    by_kind = dict(
        Mismatch.objects.filter(settlement=settlement).values_list("kind").annotate(n=Count("id")).order_by()
    )
    return {
        "lines": settlement.lines,
        "stored_lines": SettlementLine.objects.filter(settlement=settlement).count(),
        "matched": settlement.matched,
        "mismatches": settlement.mismatches,
        "by_kind": {kind: by_kind.get(kind, 0) for kind in ("missing_here", "missing_there", "amount")},
        "total": settlement.total,
    }


def timed_reconcile(day: dt.date, rows: list[dict], *, keep: bool) -> tuple[dict, float]:
    with transaction.atomic():
        started = time.perf_counter()
        settlement = reconciliation.reconcile(day, rows)
        seconds = time.perf_counter() - started
        result = found(settlement)
        if not keep:
            transaction.set_rollback(True)
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("day", type=dt.date.fromisoformat)
    parser.add_argument("--plant", type=int, default=10)
    args = parser.parse_args()
    day = args.day

    started = time.perf_counter()
    lines = file_lines(day)
    raw = settlement_csv(lines).encode()
    build_s = time.perf_counter() - started
    say(f"    the settlement file: {len(lines):,} lines, {len(raw) / 1e6:.1f} MB, written in {build_s:.1f} s")
    rows, parse_s = parse(day, raw)
    say(f"    network.settlement parsed it in {parse_s:.2f} s")
    wrong, expected = planted(rows, args.plant)
    with_planted, planted_s = timed_reconcile(day, wrong, keep=False)
    say(f"    reconcile with {args.plant} planted of each kind: {planted_s:.1f} s, found {with_planted['by_kind']}")
    clean, clean_s = timed_reconcile(day, rows, keep=True)
    say(
        f"    reconcile of the file as it is: {clean_s:.1f} s, {clean['matched']:,} matched, {clean['mismatches']} more"
    )
    start, end = reconciliation._day_window(day)
    cash = Payment.objects.filter(channel=Channel.CASH, paid_at__gte=start, paid_at__lt=end).count()
    print(
        json.dumps(
            {
                "day": day.isoformat(),
                "file_lines": len(lines),
                "file_bytes": len(raw),
                "file_build_s": round(build_s, 2),
                "parse_s": round(parse_s, 3),
                "planted": {"expected": expected, "found": with_planted, "seconds": round(planted_s, 2)},
                "clean": {"found": clean, "seconds": round(clean_s, 2)},
                "cash_payments_of_the_day": cash,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
