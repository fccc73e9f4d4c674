"""Bench-only: what the payment scenarios need (issue #18), in Kota Samarinda, where the billers' systems are.

Run by bench/payments_bench.py with the benchmark's environment (its PostgreSQL database, after load_regions and
seed_catalog):

    python bench/payments_seed.py <out_dir> --open-bills 24002 --citizens 6000 --day 2026-12-04 --payments 100000

Creates, in one transaction, with INSERT … SELECT generate_series (as a superuser the foreign-key triggers are
skipped, as the other seeds do: every row comes from a join on what it references):

- for ``payments_notify``: ``--open-bills`` open bills of one citizen, written as ``services.raise_bill`` writes
  them (the bill, its one item, its "issued" ledger entry, state open) and as the network would have opened them:
  two in three a regional fee at Samarinda's DPMPTSP with a virtual account (``88001`` and the customer number),
  one in three a state fee (PNBP) at its Polres with a 15-digit billing code; expiring in three days. Listed in
  <out_dir>/open-bills.txt, ``<bill id>\\t<revenue>\\t<pay code>\\t<amount>\\t<payer name>``, in number order;
- for ``payments_raise_bill``: ``--citizens`` citizens (one password hash for all), signed in through Django's
  session engine as ``django.contrib.auth.login`` leaves a session, listed in <out_dir>/citizens.txt,
  ``<user id>\\t<session key>``: each raises one bill, so the per-account limit of look-ups (30 an hour) never
  refuses one;
- for ``payments_reconcile``: ``--payments`` bills paid through the network on ``--day`` (the network's day,
  Asia/Jakarta), spread over the day, each with its item, its two ledger entries (issued, paid) and its payment
  (the network's reference ``REC-<n>``; virtual account, QRIS or billing code), and ``--cash`` more paid in cash
  at a counter that day (which reconciliation must leave out of the network's file).

Prints one JSON object on stdout: the files, the counts, how long each step took.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from seeding import Steps, sign_in, skip_foreign_key_checks  # noqa: E402

from mpp.catalog.models import Agency  # noqa: E402
from mpp.identity.models import User  # noqa: E402
from mpp.payments import snap  # noqa: E402
from mpp.payments.models import Bill, BillState, Entry, Payment  # noqa: E402

PASSWORD = "sandi-uji-beban-pembayaran-2026"
REGION = "64.72"  # Kota Samarinda: the billers' systems are its own (settings.BILLERS_REGION)
#: Bill numbers of the seed: TGH- and a letter no generated number has after it (its alphabet has no 0 or 1).
OPEN_PREFIX, PAID_PREFIX, CASH_PREFIX = "TGH-N", "TGH-R", "TGH-K"
#: Pay codes: a VA is the prefix 88001 and a customer number (the region's four digits and twelve more); a billing
#: code is 15 digits. The scenarios' ranges do not meet.
OPEN_VA, PAID_VA = "8800164721", "8800164722"
OPEN_BILLING, PAID_BILLING = "81", "82"


def agencies() -> dict[str, Agency]:
    """Samarinda's DPMPTSP (regional fees) and Polres (state fees)."""
    found = {kind: Agency.objects.filter(region_id=REGION, kind__code=kind).order_by("pk").first() for kind in KINDS}
    missing = [kind for kind, agency in found.items() if agency is None]
    if missing:
        raise SystemExit(f"no {', '.join(missing)} in {REGION}: run seed_catalog first")
    return found


KINDS = ("dpmptsp", "polres")


def _bill_columns(prefix: str, va: str | None, billing: str | None) -> str:
    """The SELECT list of a seeded bill i (a state fee when i is divisible by 3), as raise_bill writes it, with the
    code the network gave it (none: ``va`` and ``billing`` None)."""
    billing_code = "NULL" if billing is None else f"'{billing}' || lpad(i::text, 13, '0')"
    va_number = "NULL" if va is None else f"'{va}' || lpad(i::text, 11, '0')"
    return f"""
        gen_random_uuid(), '{prefix}' || lpad(i::text, 7, '0'), %(region)s,
        CASE WHEN i %% 3 = 0 THEN %(polres)s ELSE %(dpmptsp)s END::uuid, %(payer)s,
        'WARGA UJI BEBAN ' || i, CASE WHEN i %% 3 = 0 THEN 'pnbp' ELSE 'retribusi' END, '', '',
        CASE WHEN i %% 3 = 0 THEN 'PNBP penerbitan SKCK' ELSE 'Retribusi persetujuan bangunan gedung' END,
        10000 + (hashint4(i) & 1023) * 500,
        CASE WHEN i %% 3 = 0 THEN 'Kas Negara (PNBP Polri)' ELSE 'Rekening Kas Umum Daerah Kota Samarinda' END,
        CASE WHEN i %% 3 = 0 THEN {billing_code} END, CASE WHEN i %% 3 <> 0 THEN {va_number} END, '', ''
    """


BILL_INSERT = """
    INSERT INTO payments_bill (id, number, region_id, agency_id, payer_id, payer_name, revenue, subject,
                               external_bill_id, title, amount, receiving_account, billing_code, va_number,
                               qr_content, qr_reference, issued_at, expires_at, state)
"""


def create_open_bills(cursor, count: int, payer: User, kinds: dict, now: dt.datetime) -> None:
    cursor.execute(
        BILL_INSERT
        + f"""
        SELECT {_bill_columns(OPEN_PREFIX, OPEN_VA, OPEN_BILLING)},
               %(now)s - make_interval(mins => i %% 600), %(now)s + interval '3 days', 'open'
        FROM generate_series(1, %(count)s) AS i
        """,
        _params(payer, kinds) | {"count": count, "now": now},
    )
    _items_and_issued(cursor, OPEN_PREFIX)


def _params(payer: User, kinds: dict) -> dict:
    return {"region": REGION, "payer": payer.pk, **{kind: str(agency.pk) for kind, agency in kinds.items()}}


def _items_and_issued(cursor, prefix: str) -> None:
    """Each bill's one item and its "issued" entry (the amount becomes due), as raise_bill writes them."""
    cursor.execute(
        """
        INSERT INTO payments_billitem (bill_id, position, description, account_code, amount)
        SELECT id, 1, title, CASE WHEN revenue = 'pnbp' THEN '425131' ELSE '4.1.2.01.01' END, amount
        FROM payments_bill WHERE number LIKE %s
        """,
        [f"{prefix}%"],
    )
    cursor.execute(
        """
        INSERT INTO payments_entry (bill_id, kind, amount, at, note)
        SELECT id, 'issued', amount, issued_at, '' FROM payments_bill WHERE number LIKE %s
        """,
        [f"{prefix}%"],
    )


def create_paid_day(cursor, count: int, cash: int, payer: User, kinds: dict, day: dt.date) -> None:
    """``count`` bills paid through the network on ``day`` (Jakarta) and ``cash`` at a counter, with their ledger."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=snap.JAKARTA)
    params = _params(payer, kinds) | {"count": count, "start": start}
    # Bill i is paid at start + i × (a day / count): the day's payments in order, none outside it.
    paid_at = "%(start)s::timestamptz + make_interval(secs => (i - 1) * 86399.0 / %(count)s)"
    cursor.execute(
        BILL_INSERT
        + f"""
        SELECT {_bill_columns(PAID_PREFIX, PAID_VA, PAID_BILLING)},
               {paid_at} - interval '2 hours', {paid_at} + interval '3 days', 'paid'
        FROM generate_series(1, %(count)s) AS i
        """,
        params,
    )
    cursor.execute(
        BILL_INSERT
        + f"""
        SELECT {_bill_columns(CASH_PREFIX, None, None)},
               %(start)s::timestamptz + interval '9 hours', %(start)s::timestamptz + interval '4 days', 'paid'
        FROM generate_series(1, %(cash)s) AS i
        """,
        params | {"cash": cash},
    )
    for prefix in (PAID_PREFIX, CASH_PREFIX):
        _items_and_issued(cursor, prefix)
    cursor.execute(
        """
        INSERT INTO payments_payment (id, bill_id, channel, amount, paid_at, network_reference, bank_reference, ntpn,
                                      ntb, cash_receipt_number, source, recorded_at, confirmation_number)
        SELECT gen_random_uuid(), b.id,
               CASE WHEN b.revenue = 'pnbp' THEN 'billing' WHEN n %% 5 = 0 THEN 'qris' ELSE 'va' END,
               b.amount, b.issued_at + interval '2 hours', 'REC-' || lpad(n::text, 7, '0'),
               'REF' || lpad(n::text, 9, '0'),
               CASE WHEN b.revenue = 'pnbp' THEN 'NTPN' || lpad(n::text, 12, '0') ELSE '' END,
               CASE WHEN b.revenue = 'pnbp' THEN 'NTB' || lpad(n::text, 9, '0') ELSE '' END, '',
               'notification', b.issued_at + interval '2 hours 2 seconds', ''
        FROM payments_bill b CROSS JOIN LATERAL (SELECT substr(b.number, 6)::int AS n) k
        WHERE b.number LIKE %s
        """,
        [f"{PAID_PREFIX}%"],
    )
    cursor.execute(
        """
        INSERT INTO payments_payment (id, bill_id, channel, amount, paid_at, network_reference, bank_reference, ntpn,
                                      ntb, cash_receipt_number, source, recorded_at, confirmation_number)
        SELECT gen_random_uuid(), b.id, 'cash', b.amount, b.issued_at + interval '1 hour', NULL, '', '', '',
               'KWT-BENCH-' || substr(b.number, 6), 'counter', b.issued_at + interval '1 hour', ''
        FROM payments_bill b WHERE b.number LIKE %s
        """,
        [f"{CASH_PREFIX}%"],
    )
    cursor.execute(
        """
        INSERT INTO payments_entry (bill_id, kind, amount, at, payment_id, note)
        SELECT p.bill_id, 'paid', -p.amount, p.recorded_at, p.id, ''
        FROM payments_payment p JOIN payments_bill b ON b.id = p.bill_id
        WHERE b.number LIKE %s OR b.number LIKE %s
        """,
        [f"{PAID_PREFIX}%", f"{CASH_PREFIX}%"],
    )


def create_citizens(count: int, password_hash: str) -> list[User]:
    users = [
        User(
            username=f"647298{n:010d}",
            nik=f"647298{n:010d}",
            first_name="Warga",
            last_name=f"Pembayar {n}",
            password=password_hash,
        )
        for n in range(count)
    ]
    return User.objects.bulk_create(users, batch_size=2000)


@transaction.atomic
def seed(args, now: dt.datetime, step: Steps) -> dict:
    password_hash = make_password(PASSWORD)  # once: a hash per row would take minutes
    kinds = agencies()
    payer = User.objects.create(
        username="6472990000000001", nik="6472990000000001", last_name="Pembayar Tagihan", password=password_hash
    )
    citizens = step("citizens", lambda: create_citizens(args.citizens, password_hash))
    with connection.cursor() as cursor:
        skipped = skip_foreign_key_checks(cursor)
        cursor.execute("SET LOCAL work_mem = '128MB'")
        step("open bills", lambda: create_open_bills(cursor, args.open_bills, payer, kinds, now))
        step("a day's payments", lambda: create_paid_day(cursor, args.payments, args.cash, payer, kinds, args.day))
    return {"citizens": citizens, "skipped": skipped}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--open-bills", type=int, default=24_002)
    parser.add_argument("--citizens", type=int, default=6_000)
    parser.add_argument("--day", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--cash", type=int, default=1_000)
    args = parser.parse_args()
    out = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    step = Steps()
    started = time.perf_counter()
    seeded = seed(args, now, step)
    seed_s = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        for table in ("payments_bill", "payments_billitem", "payments_entry", "payments_payment"):
            cursor.execute(f"ANALYZE {table}")
    sessions = step("sessions", lambda: sign_in(seeded["citizens"]))

    bills = Bill.objects.filter(number__startswith=OPEN_PREFIX).order_by("number")
    open_bills = out / "open-bills.txt"
    open_bills.write_text(
        "".join(
            f"{pk}\t{revenue}\t{billing or va}\t{amount}\t{name}\n"
            for pk, revenue, billing, va, amount, name in bills.values_list(
                "pk", "revenue", "billing_code", "va_number", "amount", "payer_name"
            )
        ),
        encoding="utf-8",
    )
    citizens = out / "citizens.txt"
    citizens.write_text("".join(f"{user.pk}\t{sessions[user.pk]}\n" for user in seeded["citizens"]), encoding="ascii")
    print(
        json.dumps(
            {
                "seed_s": seed_s,
                "steps_s": step.seconds,
                "foreign_key_checks_skipped": seeded["skipped"],
                "day": args.day.isoformat(),
                "files": {"open_bills": str(open_bills), "citizens": str(citizens)},
                "citizen_ids": [seeded["citizens"][0].pk, seeded["citizens"][-1].pk],
                "counts": {
                    "open_bills": bills.count(),
                    "open_bills_state": Bill.objects.filter(state=BillState.OPEN).count(),
                    "paid_bills": Bill.objects.filter(state=BillState.PAID).count(),
                    "payments": Payment.objects.count(),
                    "network_payments": Payment.objects.filter(network_reference__isnull=False).count(),
                    "cash_payments": Payment.objects.filter(network_reference__isnull=True).count(),
                    "entries": Entry.objects.count(),
                    "citizens": len(seeded["citizens"]),
                },
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
