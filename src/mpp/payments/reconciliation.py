"""Daily reconciliation: the network's settlement file of a day, line by line, against the payments we recorded.

Every line is matched to our payment by the network's reference (SNAP ``paymentRequestId``). What does not match
becomes a ``Mismatch`` for the treasurer: paid there but not here, here but not there, or a different amount. A
mismatch stays open until a treasurer writes what was done; nothing is changed silently. Cash taken at counters
never goes through the network, so it is listed apart, never as missing there.

A day is reconciled once (its lines kept); reconciling it again finds the day already done.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.core.errors import Conflict, DomainError, NotFound

from . import network, snap
from .models import Bill, Channel, Mismatch, MismatchKind, Payment, Settlement, SettlementLine

#: Lines written per INSERT.
CHUNK = 5000


def _day_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=snap.JAKARTA)
    return start, start + dt.timedelta(days=1)


def _line(settlement: Settlement, row: dict) -> SettlementLine:
    return SettlementLine(
        settlement=settlement,
        payment_request_id=row["payment_request_id"][:64],
        virtual_account_no=(row.get("virtual_account_no") or "").replace(" ", "")[:28],
        trx_id=(row.get("trx_id") or "")[:64],
        channel=(row.get("channel") or "")[:10],
        amount=row["amount"],
        paid_at=dt.datetime.fromisoformat(row["paid_at"]),
        reference_no=(row.get("reference_no") or "")[:64],
        ntpn=(row.get("ntpn") or "")[:16],
    )


@transaction.atomic
def reconcile(day: dt.date, rows: list[dict] | None = None, *, now=None) -> Settlement:
    """Match the settlement file of ``day`` (fetched from the network unless ``rows`` are given) against our
    payments of that day (Jakarta time, as the network's days are). Conflict when the day was reconciled."""
    now = now or timezone.now()
    if Settlement.objects.filter(day=day).exists():
        raise Conflict(_("Hari itu sudah direkonsiliasi."))
    rows = network.settlement(day) if rows is None else rows
    settlement = Settlement.objects.create(day=day, fetched_at=now)
    lines = [_line(settlement, row) for row in rows]
    start, end = _day_window(day)
    ours = {
        reference: (pk, amount, region)
        for pk, reference, amount, region in Payment.objects.filter(
            paid_at__gte=start, paid_at__lt=end, network_reference__isnull=False
        )
        .exclude(channel=Channel.CASH)
        .values_list("pk", "network_reference", "amount", "bill__region_id")
    }
    found, seen = [], set()
    unknown = {line.payment_request_id for line in lines if line.payment_request_id not in ours}
    # A line whose payment we recorded on another day (a late notification): matched by its reference all the same.
    elsewhere = {
        reference: (pk, amount, region)
        for pk, reference, amount, region in Payment.objects.filter(network_reference__in=unknown).values_list(
            "pk", "network_reference", "amount", "bill__region_id"
        )
    }
    regions_of_codes = _regions_of(line.virtual_account_no for line in lines if line.payment_request_id not in ours)
    for line in lines:
        match = ours.get(line.payment_request_id) or elsewhere.get(line.payment_request_id)
        if match is None:
            found.append(
                Mismatch(
                    settlement=settlement,
                    kind=MismatchKind.MISSING_HERE,
                    line=line,
                    region_id=regions_of_codes.get(line.virtual_account_no),
                    there_amount=line.amount,
                )
            )
            continue
        pk, amount, region = match
        line.payment_id = pk
        seen.add(line.payment_request_id)
        if amount != line.amount:
            found.append(
                Mismatch(
                    settlement=settlement,
                    kind=MismatchKind.AMOUNT,
                    line=line,
                    payment_id=pk,
                    region_id=region,
                    here_amount=amount,
                    there_amount=line.amount,
                )
            )
    SettlementLine.objects.bulk_create(lines, batch_size=CHUNK)
    found += [
        Mismatch(
            settlement=settlement, kind=MismatchKind.MISSING_THERE, payment_id=pk, region_id=region, here_amount=amount
        )
        for reference, (pk, amount, region) in ours.items()
        if reference not in seen
    ]
    Mismatch.objects.bulk_create(found, batch_size=CHUNK)
    settlement.lines, settlement.total = len(lines), sum(line.amount for line in lines)
    settlement.matched, settlement.mismatches = len(seen), len(found)
    settlement.save(update_fields=["lines", "total", "matched", "mismatches"])
    return settlement


def _regions_of(codes) -> dict[str, str]:
    """The region of each bill code that a bill here has (a line paid there for a bill we know)."""
    codes = {code for code in codes if code}
    bills = Bill.objects.filter(Q(va_number__in=codes) | Q(billing_code__in=codes)).order_by()
    return {
        va or billing: region for va, billing, region in bills.values_list("va_number", "billing_code", "region_id")
    }


@transaction.atomic
def resolve(*, mismatch_id, officer, regions, resolution: str, now=None) -> Mismatch:
    """A treasurer of the mismatch's region writes what was done about it (NotFound outside ``regions``;
    Conflict when resolved already; DomainError without a word)."""
    now = now or timezone.now()
    resolution = resolution.strip()
    if len(resolution) < 10:
        raise DomainError(
            _("Tuliskan apa yang dilakukan untuk menyelesaikan selisih ini (paling sedikit 10 karakter).")
        )
    mismatch = Mismatch.objects.select_for_update().filter(pk=mismatch_id, region__in=regions).first()
    if mismatch is None:
        raise NotFound(_("Selisih tidak ditemukan."))
    if mismatch.resolved_at is not None:
        raise Conflict(_("Selisih ini sudah diselesaikan."))
    mismatch.resolved_at, mismatch.resolved_by, mismatch.resolution = now, officer, resolution[:2000]
    mismatch.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return mismatch
