"""The payment scenarios (issue #18, "Paying for a service"), each beside the ceiling (``GET /healthz``) measured on the
same granian server at the same connections in the same run, and the day's reconciliation timed in-process.

Data comes from payments_seed.py (in Kota Samarinda: open bills with their codes for the notifications, citizens
signed in to raise bills, a day of RECONCILE_PAYMENTS payments for reconciliation). Then:

- ``payments_reconcile`` (in-process, before any server starts: payments_reconcile.py): the day's settlement file of
  RECONCILE_PAYMENTS payments, parsed by ``network.settlement`` and matched by ``reconciliation.reconcile(day, rows)``,
  first with PLANTED mismatches of each kind (rolled back: each must be found), then as it is (none may be found),
  held to MAX_RECONCILE_S;
- a billers simulator of the bench's own (``python -m simulators.billers serve``, its SQLite file in the bench's
  directory, as many generated tax objects and water customers as the run can ask for), and one granian server
  with the benchmark's settings and SERVER_ENV: the network's client key, secret and public key (an RSA pair made
  for the run), the billers' URL and key, and no PAYNET_URL (nothing calls the network: a bill raised is opened
  there after it commits, which is not measured; see the report);
- ``payments_notify``: the network's signed notifications of the seeded open bills (payment_notify.lua), every one
  sent twice at once, half under the same X-EXTERNAL-ID and half under a new one, held to MAX_NOTIFY_P99_MS, and
  afterwards: every answer a 200 with the payment, each notified bill paid once, the ledger as its entries say;
- ``payments_raise_bill``: a signed-in citizen raises a bill for a PBB tax object or a PDAM customer
  (payment_raise_bill.lua; the platform asks the billers' system what is due, then writes the bill), each request
  another citizen and subject, held to MAX_RAISE_P99_MS; afterwards one bill per answered request, each of the
  amount the billers' system gave.

Each load scenario is checked with one request of its own before the load. BENCH_PAYMENTS_RECONCILE seeds another
number of payments for the day (the target is for 100,000).
"""

import datetime as dt
import functools
import json
import math
import os
import secrets
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import applications
import httpx
import identity
import loadtest
import psycopg
import servers
from complaints_bench import _statement, cpu_ms, table_rows
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from queue_bench import _missed, _with_share, measure

from mpp.payments import snap

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent

# Targets of the issue.
MAX_RAISE_P99_MS = 100.0
MAX_NOTIFY_P99_MS = 50.0
MAX_RECONCILE_S = 60.0
RECONCILE_PAYMENTS = int(os.environ.get("BENCH_PAYMENTS_RECONCILE", "100000"))
CASH_PAYMENTS = 1_000
PLANTED = 10

#: Open bills for the notifications: each takes two requests; enough for this many requests a second.
NOTIFY_PER_S = 2_600
#: Subjects for raising bills: enough for this many a second (the run fails if it asks for more: a subject again).
RAISE_PER_S = 300
#: Of the billers' generated subjects, about this share owes something (every customer, 70% of tax objects).
OWING_SHARE = 0.85
#: Bills and citizens the in-process query count uses (before the load).
QUERIED = 5
BANK_CLIENT_KEY = "bank-kaltimtara-bench"
PARTNER_SERVICE_ID = "   88001"
NOTIFY_PATH = "/snap/v1.0/transfer-va/payment"
RAISE_PATH = "/tagihan/bayar/"

Scenario = applications.Scenario
NOTIFY = Scenario(
    "payments_notify",
    "POST",
    NOTIFY_PATH,
    f"p99 < {MAX_NOTIFY_P99_MS:.0f} ms at {loadtest.CONNECTIONS} connections, 0 duplicates",
    note=" SNAP, HMAC-SHA512; every notification twice at once, half under one X-EXTERNAL-ID",
    unit="notifications/s",
)
RAISE = Scenario(
    "payments_raise_bill",
    "POST",
    RAISE_PATH,
    f"p99 < {MAX_RAISE_P99_MS:.0f} ms at {loadtest.CONNECTIONS} connections",
    note=" step=bill for a PBB or PDAM number; another citizen and subject per request",
    unit="bills/s",
)
CEILING = Scenario("payments_ceiling", "GET", "/healthz", "—", note=" on this server")


def say(message: str) -> None:
    print(message, flush=True)


def _run(script: str, args: list[str], env: dict) -> dict:
    """A bench script's last line of JSON (its progress lines on stderr are shown)."""
    result = subprocess.run(
        [sys.executable, str(BENCH_DIR / script), *args], cwd=BENCH_DIR, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"{script} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    for line in result.stderr.splitlines():
        if line.strip() and not line.startswith("{"):
            say(line)
    return json.loads(result.stdout.strip().splitlines()[-1])


def raise_lines_needed(seconds: int) -> int:
    return RAISE_PER_S * (seconds + loadtest.WARM_UP_S)


def seed(env: dict, var_dir: Path, seconds: int) -> dict:
    """payments_seed.py's JSON, with the reconciliation's day (two days ago on the network's clock)."""
    notify_bills = 1 + QUERIED + math.ceil(NOTIFY_PER_S * (seconds + loadtest.WARM_UP_S) / 2)
    citizens = 1 + QUERIED + raise_lines_needed(seconds)
    day = (dt.datetime.now(snap.JAKARTA) - dt.timedelta(days=2)).date()
    say(
        f"==> payments data: {notify_bills:,} open bills, {citizens:,} citizens, {RECONCILE_PAYMENTS:,} payments "
        f"(and {CASH_PAYMENTS:,} in cash) on {day}"
    )
    args = [str(var_dir / "payments"), "--open-bills", str(notify_bills), "--citizens", str(citizens)]
    args += ["--day", day.isoformat(), "--payments", str(RECONCILE_PAYMENTS), "--cash", str(CASH_PAYMENTS)]
    return _run("payments_seed.py", args, env)


# --- the network's keys, the billers' simulator ------------------------------------------------------------------


def bank_keys(out: Path) -> dict:
    """The network's RSA pair (its private key signs its token requests; the server holds the public one) and the
    secret of its notifications, new for the run."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private, public = out / "network-private.pem", out / "network-public.pem"
    private.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    public.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return {
        "key": key,
        "client_key": BANK_CLIENT_KEY,
        "secret": secrets.token_urlsafe(32),
        "private_key_file": str(private),
        "public_key_file": str(public),
    }


def billers_server(out: Path, seconds: int) -> tuple[servers.Server, dict]:
    """The billers' simulator on a free port, a new SQLite file with enough generated subjects for the run."""
    generated = math.ceil(raise_lines_needed(seconds) / 2 / OWING_SHARE * 1.1)
    port = servers.free_port()
    access = {"api_key": secrets.token_urlsafe(24), "admin_token": secrets.token_urlsafe(24)}
    env = {name: value for name, value in os.environ.items() if not name.startswith("BILLERS_")}
    env |= {"BILLERS_API_KEY": access["api_key"], "BILLERS_ADMIN_TOKEN": access["admin_token"]}
    command = [sys.executable, "-m", "simulators.billers", "serve", "--port", str(port), "--db"]
    command += [str(out / "billers.sqlite3"), "--objects", str(generated), "--customers", str(generated)]
    say(f"==> billers simulator on 127.0.0.1:{port} ({generated:,} generated tax objects and as many customers)")
    server = servers.Server("billers", command, port=port, env=env, cwd=PROJECT_DIR, log_path=out / "billers.log")
    return server, access | {"url": f"http://127.0.0.1:{port}", "generated": generated, "db": out / "billers.sqlite3"}


def owing_subjects(billers: dict) -> list[tuple[str, str]]:
    """Every tax object and water customer with something unpaid, (system, number), PBB and PDAM in turn."""
    found = {}
    with httpx.Client(base_url=billers["url"], headers={"X-Admin-Token": billers["admin_token"]}, timeout=30) as client:
        for service, collection in (("pbb", "objects"), ("pdam", "customers")):
            found[service], offset = [], 0
            while True:
                page = client.get(f"/admin/{service}/{collection}", params={"limit": 1000, "offset": offset})
                page.raise_for_status()
                subjects = page.json()[collection]
                found[service] += [
                    "".join(ch for ch in subject["subject"] if ch.isdigit())
                    for subject in subjects
                    if subject["unpaid"]
                ]
                if len(subjects) < 1000:
                    break
                offset += 1000
    return _mixed(found["pbb"], found["pdam"])


def _mixed(pbb: list[str], pdam: list[str]) -> list[tuple[str, str]]:
    turns = []
    for n in range(max(len(pbb), len(pdam))):
        turns += [("pbb", pbb[n])] if n < len(pbb) else []
        turns += [("pdam", pdam[n])] if n < len(pdam) else []
    return turns


# --- payments_notify: the network's notifications, signed just before the run --------------------------------------


def open_bills(data: dict) -> list[list[str]]:
    """payments_seed.py's open bills, in number order: [bill id, revenue, pay code, amount, payer name]."""
    return [line.split("\t") for line in Path(data["files"]["open_bills"]).read_text(encoding="utf-8").splitlines()]


def notification(bill: list[str], reference: str, paid_at: str, qris: bool) -> dict:
    """The network's notification that ``bill`` was paid, as docs/payments-snap.md has it (a billing code after eight
    spaces; a VA after the prefix padded to eight characters)."""
    bill_id, revenue, code, amount, name = bill
    billing = revenue == "pnbp"
    customer = code if billing else code[len(PARTNER_SERVICE_ID.strip()) :]
    service_id = " " * 8 if billing else PARTNER_SERVICE_ID
    return {
        "partnerServiceId": service_id,
        "customerNo": customer,
        "virtualAccountNo": service_id + customer,
        "virtualAccountName": name,
        "paymentRequestId": reference,
        "channelCode": 6012 if qris else 6011,
        "sourceBankCode": "014",
        "trxId": bill_id,
        "paidAmount": snap.money(int(amount)),
        "trxDateTime": paid_at,
        "referenceNo": "REF" + reference[-12:],
        "flagAdvise": "N",
        "additionalInfo": {"channel": "qris" if qris else "va"}
        | ({"ntpn": f"{secrets.token_hex(8).upper()}", "ntb": "NTB" + reference[-12:]} if billing else {}),
    }


def get_token(port: int, bank: dict) -> str:
    """An access token from the server's own token endpoint, the request signed with the network's RSA key."""
    stamp = snap.timestamp(dt.datetime.now(dt.UTC))
    signature = snap.token_signature(bank["key"], bank["client_key"], stamp)
    response = servers.request(
        port,
        "POST",
        "/snap/v1.0/access-token/b2b",
        headers={
            "Content-Type": "application/json",
            "X-TIMESTAMP": stamp,
            "X-CLIENT-KEY": bank["client_key"],
            "X-SIGNATURE": signature,
        },
        body=snap.minified({"grantType": "client_credentials"}),
    )
    answer = json.loads(response.body or b"{}")
    if response.status != 200 or answer.get("responseCode") != "2007300":
        raise RuntimeError(f"the token request answered {response.status}: {answer}")
    return answer["accessToken"]


class Signer:
    """Signs the notifications of a run: each line's X-TIMESTAMP is the moment it is signed (just before wrk reads
    the file: SNAP refuses a timestamp more than 300 s from the server's clock); the X-EXTERNAL-IDs are digits, the
    run's prefix, the phase (1 the warm-up, 2 the measured run, 9 the check), the line and the copy."""

    def __init__(self, bank: dict, token: str):
        self.bank, self.token = bank, token
        self.run = f"{secrets.randbelow(10**6):06d}"
        self.references: dict[str, dict] = {}  # paymentRequestId → bill id, external ids

    def headers(self, body: bytes, external_id: str) -> dict:
        stamp = snap.timestamp(dt.datetime.now(dt.UTC))
        signature = snap.call_signature(self.bank["secret"], "POST", NOTIFY_PATH, self.token, body, stamp)
        return {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {self.token}",
            "X-TIMESTAMP": stamp,
            "X-SIGNATURE": signature,
            "X-PARTNER-ID": self.bank["client_key"],
            "X-EXTERNAL-ID": external_id,
            "CHANNEL-ID": "95221",
        }

    def write(self, bills: list[list[str]], phase: int, path: Path) -> str:
        """payment_notify.lua's lines for ``bills``: even lines' twins share the first's X-EXTERNAL-ID, odd ones
        have their own."""
        stamp = snap.timestamp(dt.datetime.now(dt.UTC))
        lines = []
        for n, bill in enumerate(bills):
            reference = f"PAY-{self.run}-L{phase}{n:08d}"
            body = snap.minified(notification(bill, reference, stamp, qris=n % 4 == 1 and bill[1] != "pnbp"))
            first = f"{self.run}{phase}{n:08d}1"
            twin = first if n % 2 == 0 else f"{self.run}{phase}{n:08d}2"
            signature = snap.call_signature(self.bank["secret"], "POST", NOTIFY_PATH, self.token, body, stamp)
            lines.append("\t".join([reference, first, twin, stamp, signature, body.decode()]))
            self.references[reference] = {"bill": bill[0], "external_ids": {first, twin}}
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        return str(path)


def _check_notify(port: int, database_url: str, signer: Signer, bill: list[str]) -> str | None:
    """One notification of the check's bill: 200 with 2002500 and the payment, and the bill paid once."""
    reference = f"PAY-{signer.run}-check"
    body = snap.minified(notification(bill, reference, snap.timestamp(dt.datetime.now(dt.UTC)), qris=False))
    response = servers.request(port, "POST", NOTIFY_PATH, headers=signer.headers(body, f"{signer.run}9"), body=body)
    answer = json.loads(response.body or b"{}")
    data = answer.get("virtualAccountData") or {}
    if response.status != 200 or answer.get("responseCode") != "2002500" or data.get("paymentRequestId") != reference:
        return f"the notification answered {response.status}: {answer}"
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        found = connection.execute(
            """
            SELECT b.state, p.amount = b.amount, p.network_reference,
                   (SELECT count(*) FROM payments_entry e WHERE e.bill_id = b.id AND e.kind = 'paid')
            FROM payments_bill b JOIN payments_payment p ON p.bill_id = b.id WHERE b.id = %s
            """,
            [bill[0]],
        ).fetchone()
    if found != ("paid", True, reference, 1):
        return f"bill {bill[0]} after the notification: (state, amount, reference, paid entries) {found}"
    return None


def _sent(path: Path) -> dict[str, tuple[int, int, int]]:
    """payment_notify.lua's record: paymentRequestId → (copies sent, answered 200, twin sent while in flight)."""
    if not path.exists():
        return {}
    rows = (line.split("\t") for line in path.read_text().splitlines() if line)
    return {reference: (int(copies), int(paid), int(overlap)) for reference, copies, paid, overlap in rows}


def _settled(database_url: str, statement: str, params: list) -> int:
    """``statement``'s count once it stops moving (requests in flight when wrk stops are finished a moment later)."""
    last = -1
    with psycopg.connect(database_url, connect_timeout=5, autocommit=True) as connection:
        while True:
            (count,) = connection.execute(statement, params).fetchone()
            if count == last:
                return count
            last = count
            time.sleep(1.0)


def notify_outcome(database_url: str, signer: Signer, sent: dict) -> dict:
    """What the notifications left: payments, ledger entries, answers kept, each against what was sent."""
    prefix = f"PAY-{signer.run}-L"  # the load's, not the check's
    pattern = prefix + "%"
    payments = _settled(
        database_url, "SELECT count(*) FROM payments_payment WHERE network_reference LIKE %s", [pattern]
    )
    references = [reference for reference in sent if reference.startswith(prefix)]
    expected_bills = [signer.references[reference]["bill"] for reference in references]
    paid_refs = [reference for reference, (_copies, paid, _overlap) in sent.items() if paid]
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        (bills_paid, paid_entries, entry_bills, two_payments, two_paid_entries) = connection.execute(
            """
            WITH ours AS (SELECT id, bill_id FROM payments_payment WHERE network_reference LIKE %(pattern)s)
            SELECT (SELECT count(DISTINCT bill_id) FROM ours),
                   (SELECT count(*) FROM payments_entry e WHERE e.kind = 'paid'
                       AND e.bill_id IN (SELECT bill_id FROM ours)),
                   (SELECT count(DISTINCT e.bill_id) FROM payments_entry e WHERE e.kind = 'paid'
                       AND e.bill_id IN (SELECT bill_id FROM ours)),
                   (SELECT count(*) FROM (SELECT bill_id FROM payments_payment GROUP BY bill_id
                       HAVING count(*) > 1) t),
                   (SELECT count(*) FROM (SELECT bill_id FROM payments_entry WHERE kind = 'paid' GROUP BY bill_id
                       HAVING count(*) > 1) t)
            """,
            {"pattern": pattern},
        ).fetchone()
        # Every notification answered 200 must be a payment of its own bill, and that bill paid.
        (answered_not_paid,) = connection.execute(
            """
            SELECT count(*) FROM unnest(%s::text[], %s::uuid[]) AS sent(reference, bill_id)
            LEFT JOIN payments_payment p ON p.network_reference = sent.reference
            LEFT JOIN payments_bill b ON b.id = p.bill_id
            WHERE b.id IS DISTINCT FROM sent.bill_id OR b.state <> 'paid'
            """,
            [paid_refs, [signer.references[reference]["bill"] for reference in paid_refs]],
        ).fetchone()
        (not_paid_sent,) = connection.execute(
            "SELECT count(*) FROM payments_bill WHERE id = ANY(%s::uuid[]) AND state <> 'paid'", [expected_bills]
        ).fetchone()
        (answers_kept,) = connection.execute(
            "SELECT count(*) FROM payments_snapcall WHERE external_id LIKE ANY(%s)",
            [[f"{signer.run}{phase}%" for phase in (1, 2)]],
        ).fetchone()
    external_ids = set()
    for reference, (copies, _paid, _overlap) in sent.items():
        ids = sorted(signer.references[reference]["external_ids"])
        external_ids.update(ids if copies >= 2 else ids[:1])
    pairs = sum(1 for copies, _paid, _overlap in sent.values() if copies == 2)
    return {
        "notified_bills": len(references),
        "pairs": pairs,
        "pairs_in_flight": sum(1 for copies, _paid, overlap in sent.values() if copies == 2 and overlap),
        "same_external_id_pairs": sum(
            1
            for reference, (copies, _paid, _overlap) in sent.items()
            if copies == 2 and len(signer.references[reference]["external_ids"]) == 1
        ),
        "sent_more_than_twice": sum(1 for copies, _paid, _overlap in sent.values() if copies > 2),
        "answered_200": sum(paid for _copies, paid, _overlap in sent.values()),
        "payments": payments,
        "bills_paid": bills_paid,
        "paid_entries": paid_entries,
        "duplicates": (payments - bills_paid) + (paid_entries - entry_bills),
        "bills_with_two_payments": two_payments,
        "bills_with_two_paid_entries": two_paid_entries,
        "answered_200_not_paid": answered_not_paid,
        "notified_not_paid": not_paid_sent,
        "answers_kept": answers_kept,
        "external_ids_sent": len(external_ids),
    }


def notify_problems(outcome: dict) -> list[str]:
    problems = []
    if outcome["duplicates"] or outcome["bills_with_two_payments"] or outcome["bills_with_two_paid_entries"]:
        problems.append(
            f"{outcome['duplicates']} duplicates ({outcome['bills_with_two_payments']} bills with two payments, "
            f"{outcome['bills_with_two_paid_entries']} with two paid entries)"
        )
    if outcome["payments"] != outcome["notified_bills"]:
        problems.append(f"{outcome['payments']:,} payments for {outcome['notified_bills']:,} bills notified")
    if outcome["paid_entries"] != outcome["payments"]:
        problems.append(f"{outcome['paid_entries']:,} paid entries for {outcome['payments']:,} payments")
    if outcome["answered_200_not_paid"]:
        problems.append(f"{outcome['answered_200_not_paid']} notifications answered 200 without their bill paid")
    if outcome["notified_not_paid"]:
        problems.append(f"{outcome['notified_not_paid']} bills notified and not paid")
    if outcome["answers_kept"] != outcome["external_ids_sent"]:
        problems.append(
            f"{outcome['answers_kept']:,} answers kept for {outcome['external_ids_sent']:,} X-EXTERNAL-IDs sent"
        )
    if outcome["sent_more_than_twice"]:
        problems.append(f"{outcome['sent_more_than_twice']} notifications sent more than twice: too few bills seeded")
    return problems


def check_ledger(env: dict) -> dict:
    """``manage.py check_ledger``: every bill's state replayed from its entries (``ledger.replay``); its verdict."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", "check_ledger"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    said = (result.stdout.strip() or result.stderr.strip() or "check_ledger said nothing").splitlines()[-1]
    say(f"==> manage.py check_ledger: {said}")
    return {"ok": result.returncode == 0, "said": said, "seconds": round(time.perf_counter() - started, 1)}


# --- payments_raise_bill: a citizen's bill for a PBB tax object or a PDAM customer ---------------------------------


def citizens(data: dict) -> list[tuple[int, str]]:
    """payments_seed.py's citizens: (user id, session key)."""
    rows = (line.split("\t") for line in Path(data["files"]["citizens"]).read_text().splitlines() if line)
    return [(int(user_id), session) for user_id, session in rows]


def raise_lines(people: list[tuple[int, str]], subjects: list[tuple[str, str]], path: Path) -> str:
    path.write_text(
        "".join(
            f"{session}\t{system}\t{number}\n"
            for (_user, session), (system, number) in zip(people, subjects, strict=True)
        ),
        encoding="ascii",
    )
    return str(path)


def _billers_bills(billers: dict) -> dict[str, tuple[str, int, int]]:
    """The billers' payable bills as their inquiries issued them: bill id → (system, amount, items)."""
    connection = sqlite3.connect(f"file:{billers['db']}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT id, service, amount, items FROM bills").fetchall()
    finally:
        connection.close()
    return {bill_id: (service, amount, len(json.loads(items))) for bill_id, service, amount, items in rows}


def _raised(database_url: str, payers: list[int]) -> list[tuple]:
    """The bills of ``payers``: (payer, revenue, external bill id, amount, items, their sum, state, issued entries)."""
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        return connection.execute(
            """
            SELECT b.payer_id, b.revenue, b.external_bill_id, b.amount,
                   (SELECT count(*) FROM payments_billitem i WHERE i.bill_id = b.id),
                   (SELECT coalesce(sum(i.amount), 0) FROM payments_billitem i WHERE i.bill_id = b.id),
                   b.state,
                   (SELECT count(*) FROM payments_entry e WHERE e.bill_id = b.id AND e.kind = 'issued')
            FROM payments_bill b WHERE b.payer_id = ANY(%s)
            """,
            [payers],
        ).fetchall()


def _bill_problems(bills: list[tuple], billers: dict) -> list[str]:
    """Bills whose amount or items are not the billers' dues, or not open with their issued entry; subjects or
    payers with two bills."""
    issued = _billers_bills(billers)
    wrong = [
        bill
        for bill in bills
        if issued.get(bill[2]) != (bill[1], bill[3], bill[4]) or bill[5] != bill[3] or bill[6:] != ("open", 1)
    ]
    problems = [f"{len(wrong)} bills unlike the billers' dues or not open: {wrong[:2]}"] if wrong else []
    subjects = [bill[2] for bill in bills]
    if len(set(subjects)) != len(subjects):
        problems.append(f"{len(subjects) - len(set(subjects))} billers' bills raised twice")
    payers = [bill[0] for bill in bills]
    if len(set(payers)) != len(payers):
        problems.append(f"{len(payers) - len(set(payers))} citizens with two bills")
    return problems


def _check_raise(port: int, database_url: str, csrf: tuple[str, str], person: tuple, subject: tuple, billers: dict):
    """One bill raised before the load: 302 to the bill's page (which answers 200), the bill of the billers' dues."""
    user_id, session = person
    system, number = subject
    response = servers.request(
        port,
        "POST",
        RAISE_PATH,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf[0]}; sessionid={session}",
        },
        body=f"csrfmiddlewaretoken={csrf[1]}&system={system}&number={number}&step=bill",
        timeout=30,
    )
    location = response.headers.get("Location", "")
    if response.status != 302 or not location.startswith("/tagihan/"):
        return f"raising a bill answered {response.status} (Location {location!r}), not 302 to the bill"
    page = servers.request(port, "GET", location, headers={"Cookie": f"sessionid={session}"})
    if page.status != 200:
        return f"GET {location} answered {page.status}"
    due = httpx.get(
        f"{billers['url']}/api/{system}/v1/{'objects' if system == 'pbb' else 'customers'}/{number}/bill",
        headers={"X-Api-Key": billers["api_key"]},
        timeout=10,
    ).json()
    bills = _raised(database_url, [user_id])
    expected = [(user_id, system, due["bill_id"], due["amount_due"], len(due["items"]), due["amount_due"], "open", 1)]
    if bills != expected:
        return f"the check's bill {bills} is not the billers' dues {expected}"
    return None


def _cpu_of(pids: list[int]) -> float:
    return sum(loadtest._cpu_seconds(pid) for pid in pids)


# --- payments_reconcile ----------------------------------------------------------------------------------------------


def judge_reconcile(timed: dict) -> dict:
    """The in-process row: the file parsed and the day reconciled within MAX_RECONCILE_S, each planted mismatch
    found and none in the file as it is."""
    planted, clean = timed["planted"], timed["clean"]
    problems = []
    if planted["found"]["by_kind"] != planted["expected"]:
        problems.append(f"planted {planted['expected']}, found {planted['found']['by_kind']}")
    if clean["found"]["mismatches"] or clean["found"]["matched"] != timed["file_lines"]:
        problems.append(
            f"the file as it is: {clean['found']['matched']:,} of {timed['file_lines']:,} lines matched, "
            f"{clean['found']['mismatches']} mismatches"
        )
    if clean["found"]["stored_lines"] != timed["file_lines"]:
        problems.append(f"{clean['found']['stored_lines']:,} lines kept of {timed['file_lines']:,}")
    seconds = round(timed["parse_s"] + clean["seconds"], 2)
    failure = ", ".join(problems) or None
    return timed | {
        "name": "payments_reconcile",
        "seconds": seconds,
        "target": f"< {MAX_RECONCILE_S:.0f} s for {RECONCILE_PAYMENTS:,} payments",
        "failure": failure,
        "target_met": failure is None and seconds < MAX_RECONCILE_S,
    }


# --- running ---------------------------------------------------------------------------------------------------------


def _answered(row: dict, status: int) -> int:
    """Answers with ``status`` in the warm-up and the measured run together (statuses.lua's counts)."""
    return row["statuses"].get(str(status), 0) + row["warm_up_statuses"].get(str(status), 0)


def _split(items: list, warm_up: int) -> tuple:
    """(the check's, the in-process queries', the warm-up's, the measured run's) of ``items``."""
    return items[0], items[1 : 1 + QUERIED], items[1 + QUERIED : 1 + QUERIED + warm_up], items[1 + QUERIED + warm_up :]


def count_queries(env: dict, bank: dict, bills: list, people: list, subjects: list) -> dict:
    """payments_queries.py's JSON: one notification and one bill raised, in-process, before the load."""
    stamp = snap.timestamp(dt.datetime.now(dt.UTC))
    given = {
        "client_key": bank["client_key"],
        "secret": bank["secret"],
        "private_key_file": bank["private_key_file"],
        "external_id": f"{secrets.randbelow(10**6):06d}7",
        "notifications": [notification(bill, f"PAY-QUERIES-{n}", stamp, qris=False) for n, bill in enumerate(bills)],
        "raise": [[person[0], *subject] for person, subject in zip(people, subjects, strict=True)],
    }
    say("==> payments: the queries of one notification and of one bill raised, in-process")
    queries = _run("payments_queries.py", [json.dumps(given)], env)
    for name in ("notify", "raise_bill"):
        found = queries[name]
        say(
            f"    {name}: {found['queries']} queries ({found['writes']} writes), answered {found['statuses']}; "
            f"{found['wall_ms']} ms, {found['sql_ms']} ms of it in SQL"
        )
    return queries


def run(env: dict, var_dir: Path, wrk_path: str, seconds: int, data: dict) -> dict:
    """Reconciliation in-process, then the ceiling, the notifications and raising bills on one granian server."""
    database_url = env["DATABASE_URL"]
    out = var_dir / "payments"
    out.mkdir(parents=True, exist_ok=True)
    threads = str(loadtest.THREADS)

    say(f"==> payments_reconcile: {RECONCILE_PAYMENTS:,} payments of {data['day']}, in-process")
    reconcile = judge_reconcile(_run("payments_reconcile.py", [data["day"], "--plant", str(PLANTED)], env))

    bank = bank_keys(out)
    check_bill, queried_bills, warm_up_bills, measured_bills = _split(
        open_bills(data), math.ceil(NOTIFY_PER_S * loadtest.WARM_UP_S / 2)
    )
    billers_process, billers = billers_server(out, seconds)
    with billers_process:
        subjects = owing_subjects(billers)
        people = citizens(data)
        if len(subjects) < len(people):
            raise RuntimeError(
                f"the billers simulator has {len(subjects):,} subjects owing, the run needs {len(people):,}"
            )
        warm_up = RAISE_PER_S * loadtest.WARM_UP_S
        check_person, queried_people, warm_up_people, measured_people = _split(people, warm_up)
        check_subject, queried_subjects, warm_up_subjects, measured_subjects = _split(subjects[: len(people)], warm_up)
        raise_files = {
            "warm_up": raise_lines(warm_up_people, warm_up_subjects, out / "raise-warm-up.txt"),
            "measured": raise_lines(measured_people, measured_subjects, out / "raise.txt"),
        }
        server_env = {
            "PAYNET_BANK_CLIENT_KEY": bank["client_key"],
            "PAYNET_BANK_CLIENT_SECRET": bank["secret"],
            "PAYNET_BANK_PUBLIC_KEY_FILE": bank["public_key_file"],
            "PAYNET_URL": "",  # no network to open bills at (see the report)
            "BILLERS_URL": billers["url"],
            "BILLERS_API_KEY": billers["api_key"],
        }
        queries = count_queries({**env, **server_env}, bank, queried_bills, queried_people, queried_subjects)

        port = servers.free_port()
        say(f"==> granian (payments) on 127.0.0.1:{port}")
        server = servers.Server(
            "payments",
            servers.granian_command(port),
            port=port,
            env={**env, **server_env},
            cwd=PROJECT_DIR,
            log_path=var_dir / "granian-payments.log",
        )
        with server:
            measured = functools.partial(measure, server, wrk_path, seconds)
            ceiling = applications.judge(measured(CEILING, "/healthz", lambda: None, loadtest.PLAIN_GET), None)

            # The network's notifications, each twice at once.
            signer = Signer(bank, get_token(port, bank))
            record = {"warm_up": out / "notify-warm-up-sent.txt", "measured": out / "notify-sent.txt"}
            args = (threads, signer.token, bank["client_key"])
            load = loadtest.Load(
                BENCH_DIR / "payment_notify.lua",
                args=(signer.write(measured_bills, 2, out / "notify.txt"), *args, str(record["measured"])),
                warm_up_args=(
                    signer.write(warm_up_bills, 1, out / "notify-warm-up.txt"),
                    *args,
                    str(record["warm_up"]),
                ),
            )
            check = functools.partial(_check_notify, port, database_url, signer, check_bill)
            notify = measured(NOTIFY, NOTIFY_PATH, check, load)
            outcome = notify_outcome(database_url, signer, _sent(record["warm_up"]) | _sent(record["measured"]))
            problems = notify_problems(outcome)
            notify = applications.judge(
                _with_share(notify | {"outcome": outcome}, ceiling),
                notify["p99_ms"] < MAX_NOTIFY_P99_MS,
                ", ".join(problems) or None,
            )
            say(
                f"    {outcome['notified_bills']:,} bills notified ({outcome['pairs']:,} twice, "
                f"{outcome['pairs_in_flight']:,} of them at once), {outcome['payments']:,} payments, "
                f"{outcome['duplicates']} duplicates; {'; '.join(problems) or 'all checks passed'}"
            )

            # A citizen raises a bill for a PBB tax object or a PDAM customer.
            csrf = identity.csrf_pair(port)
            load = loadtest.Load(
                BENCH_DIR / "payment_raise_bill.lua",
                args=(raise_files["measured"], threads, *csrf),
                warm_up_args=(raise_files["warm_up"], threads, *csrf),
            )
            check = functools.partial(_check_raise, port, database_url, csrf, check_person, check_subject, billers)
            billers_pids = lambda: [billers_process.process.pid, *billers_process.worker_pids()]  # noqa: E731
            billers_cpu = _cpu_of(billers_pids())
            raised = measured(RAISE, RAISE_PATH, check, load)
            billers_cpu = _cpu_of(billers_pids()) - billers_cpu
            payers = [user_id for user_id, _session in [*warm_up_people, *measured_people]]
            made = _settled(database_url, "SELECT count(*) FROM payments_bill WHERE payer_id = ANY(%s)", [payers])
            answered = _answered(raised, 302)
            problems = [f"{made:,} bills for {answered:,} answered POSTs"] if made < answered else []
            if raised["statuses"].get("302", 0) > len(measured_people):
                problems.append(f"{len(measured_people):,} subjects for {raised['statuses']['302']:,} bills: too few")
            problems += _bill_problems(_raised(database_url, payers), billers)
            requests = 1 + sum(raised["statuses"].values()) + sum(raised["warm_up_statuses"].values())
            raised = applications.judge(
                _with_share(
                    raised | {"made": made, "billers_cpu_ms": round(billers_cpu * 1000 / requests, 2)}, ceiling
                ),
                raised["p99_ms"] < MAX_RAISE_P99_MS,
                ", ".join(problems) or None,
            )
            say(f"    {made:,} bills raised; {'; '.join(problems) or 'each of the billers amount, one per request'}")
            if any(row["failure"] for row in (notify, raised)):  # the server's log says why
                say(server.log_path.read_text(errors="replace")[-3000:])
    ledger = check_ledger(env)
    if not ledger["ok"]:
        notify["failure"] = ", ".join(filter(None, [notify["failure"], f"check_ledger: {ledger['said']}"]))
        notify["target_met"] = False
    return {
        "scenarios": [ceiling, notify, raised],
        "reconcile": reconcile,
        "rows": [ceiling, notify, raised, reconcile],
        "queries": queries,
        "ledger": ledger,
        "server_env": sorted(server_env),
        "billers": {"generated": billers["generated"], "owing": len(subjects)},
        "seed": {key: data[key] for key in ("seed_s", "steps_s", "counts", "day", "foreign_key_checks_skipped")},
    }


# --- the report ------------------------------------------------------------------------------------------------------


def _queries(name: str, found: dict) -> str:
    slowest = max(range(len(found["sql"])), key=lambda n: found["times_ms"][n]) if found["sql"] else None
    statements = ", ".join(f"`{_statement(sql)}`" for sql in found["sql"])
    line = (
        f"{name}: {found['queries']} queries, {found['writes']} of them writes, answered {found['status']}; "
        f"{found['wall_ms']:.1f} ms a request (median of {len(found['statuses'])}), {found['sql_ms']:.1f} ms of the "
        f"last in SQL: {statements}."
    )
    if slowest is not None:
        line += f" Slowest: `{_statement(found['sql'][slowest])}` ({found['times_ms'][slowest]:.1f} ms)."
    return line


def _reconcile_lines(row: dict) -> list[str]:
    planted, clean = row["planted"], row["clean"]
    met = {None: "—", True: "yes", False: "**no**"}[row["target_met"]]
    if row["failure"]:
        met = f"**FAILED: {row['failure']}**"
    found = planted["found"]["by_kind"]
    return [
        "| reconciliation | lines | parse s | reconcile s | mismatches found | target | met? |",
        "|---|--:|--:|--:|---|---|---|",
        f"| {PLANTED} planted of each kind (rolled back) | {planted['found']['lines']:,} | {row['parse_s']:.2f} "
        f"| {planted['seconds']:.2f} | {found['missing_here']} paid there, not here; {found['missing_there']} here, "
        f"not there; {found['amount']} other amounts (of {PLANTED} each) | — | — |",
        f"| the file as it is | {clean['found']['lines']:,} | {row['parse_s']:.2f} | {clean['seconds']:.2f} "
        f"| {clean['found']['mismatches']} ({clean['found']['matched']:,} matched) | {row['target']} "
        f"| {met} ({row['seconds']:.1f} s parsed and reconciled) |",
    ]


def section(results: dict) -> list[str]:
    """The payments section of a report (``run.py --only payments`` prints it alone)."""
    data = results["payments"]
    cores = results["machine"]["nproc"]
    ceiling, notify, raised = data["scenarios"]
    reconcile, queries, ledger = data["reconcile"], data["queries"], data["ledger"]
    outcome = notify.get("outcome", {})
    counts = data["seed"]["counts"]
    server_env = ", ".join(f"`{name}`" for name in data["server_env"])
    return [
        "## Payments: raising a bill, the network's notifications, the day's reconciliation",
        "",
        f"Targets of the issue (#18), in Kota Samarinda: a citizen raises a bill with p99 < {MAX_RAISE_P99_MS:.0f} ms "
        f"and the payment network's notification is taken with p99 < {MAX_NOTIFY_P99_MS:.0f} ms, both at "
        f"{loadtest.CONNECTIONS} connections, with no payment recorded twice when every notification is sent twice at "
        f"once; a day of {RECONCILE_PAYMENTS:,} payments reconciled in under {MAX_RECONCILE_S:.0f} s. On a granian "
        f"server of its own with the settings above and {server_env} (the network's client key, secret and RSA public "
        "key, made for the run; a billers simulator of the bench's own; no network URL), beside the ceiling "
        "(`GET /healthz`) measured on that server at the same connections just before. *Server CPU ms/req* and "
        "*PostgreSQL CPU ms/req* are the CPU the granian workers and the PostgreSQL processes used per answered "
        "request.",
        "",
        *table_rows(data["scenarios"]),
        "",
        *_missed(
            notify,
            MAX_NOTIFY_P99_MS,
            cores,
            "A notification is the token's and the body's signatures checked, then its statements in one "
            "transaction (the payment with its ledger entry, the receipt's task queued, the answer kept for its "
            "X-EXTERNAL-ID; listed below), and a twin waits for the first's lock on its bill.",
        ),
        *_missed(
            raised,
            MAX_RAISE_P99_MS,
            cores,
            f"Raising a bill also waits for the billers' system (its simulator, on the same cores, used "
            f"{raised.get('billers_cpu_ms', 0):.2f} ms of CPU per bill: part of *other*).",
        ),
        f"- **payments_notify**: `POST {NOTIFY_PATH}` as the network sends it (docs/payments-snap.md): a minified "
        "body, `Authorization: Bearer` with a token from the server's own `/snap/v1.0/access-token/b2b` (requested "
        "with the network's RSA signature), `X-TIMESTAMP`, `X-SIGNATURE` (HMAC-SHA512 over method, path, token, the "
        "body's SHA-256 and the timestamp), `X-PARTNER-ID`, `X-EXTERNAL-ID`, signed in Python just before the run "
        f"(`bench/payments_bench.py`), for {counts['open_bills']:,} open bills seeded as `raise_bill` writes them "
        "(the bill, its item and its issued ledger entry; two in three a regional fee with a virtual account, one in "
        "three a state fee with a billing code; a quarter of the VA payments by QRIS). Each wrk thread sends every "
        "line twice back to back on its next free connections (`bench/payment_notify.lua`): half the twins under "
        "the first's X-EXTERNAL-ID (a retry: answered from the call kept), half under one of their own (a "
        f"duplicate: the payment found by its reference). {outcome.get('notified_bills', 0):,} bills were notified "
        f"in the warm-up and the run, {outcome.get('pairs', 0):,} twice "
        f"({outcome.get('same_external_id_pairs', 0):,} under one X-EXTERNAL-ID), "
        f"{outcome.get('pairs_in_flight', 0):,} of those with the twin sent before the first was answered; "
        f"{outcome.get('answered_200', 0):,} answers were 200 with the payment. Recorded: "
        f"{outcome.get('payments', 0):,} payments for {outcome.get('bills_paid', 0):,} bills, "
        f"{outcome.get('paid_entries', 0):,} paid entries, **{outcome.get('duplicates', 0)} duplicates**, "
        f"{outcome.get('answers_kept', 0):,} answers kept for {outcome.get('external_ids_sent', 0):,} "
        f"X-EXTERNAL-IDs; {outcome.get('answered_200_not_paid', 0)} answers of 200 without their bill paid. Before "
        "the load one notification must answer 200 with `2002500` and leave its bill paid once; after it, "
        f"`manage.py check_ledger` replayed the ledger: {ledger['said']}",
        f"- **payments_raise_bill**: `POST {RAISE_PATH}` with `system` (`pbb` or `pdam`), `number` and `step=bill`, "
        "as one of the seeded citizens signed in (sessions made through Django's session engine), each request "
        f"another citizen and another tax object or water customer (`bench/payment_raise_bill.lua`; "
        f"{data['billers']['owing']:,} subjects owing in the billers simulator, "
        f"`python -m simulators.billers serve --objects {data['billers']['generated']} --customers "
        f"{data['billers']['generated']}`, its own SQLite file). The view asks the billers' system what is due "
        "(`GET …/bill` over HTTP), then writes the bill, its items and its issued entry and answers 302 to the "
        "bill's page. **What the figure leaves out**: the server has no `PAYNET_URL`, so opening the bill at the "
        "network (its create-VA and QR calls, which run after the commit, in the same request) ends at once "
        '("not configured"); with a network those two signed calls would add their round trips to every bill. '
        "Before the load one POST must answer 302 to the bill (whose page answers 200) with the billers' dues; "
        f"after it, {raised.get('made', 0):,} bills were raised, one per answered POST, each of the amount and "
        "items the billers' system gave for its bill id, open with its issued entry, no subject and no citizen "
        "billed twice.",
        f"- **payments_reconcile** (in-process, before the servers started; `bench/payments_reconcile.py`): "
        f"{RECONCILE_PAYMENTS:,} bills paid through the network on {reconcile['day']} (Asia/Jakarta), each with its "
        f"payment and ledger entries, and {reconcile['cash_payments_of_the_day']:,} paid in cash that day, which the "
        "network's file leaves out and reconciliation must not count as missing there. The file is written as the "
        f"payment-network simulator writes it ({reconcile['file_bytes'] / 1e6:.1f} MB, "
        f"{reconcile['file_lines']:,} lines), parsed by `network.settlement(day)` (the signed GET answered by the "
        "file's bytes, no HTTP) and matched by `reconciliation.reconcile(day, rows)`:",
        "",
        *_reconcile_lines(reconcile),
        "",
        "In-process before the load (`bench/payments_queries.py`, Django's test client; the statements sent through "
        "Django's cursor, BEGIN and COMMIT not among them):",
        "",
        f"- {_queries('One notification', queries['notify'])}",
        f"- {_queries('One bill raised', queries['raise_bill'])} Of its time, asking the billers' system what is "
        f"due (`billers.due`, over loopback) took {queries['raise_bill']['billers_due_ms']:.1f} ms, through the "
        "process's one HTTP client (`mpp.core.http`; a client built per call cost about 20 ms of CPU, most of a "
        "bill raised, before it).",
        "",
        f"Ceiling on this server: {ceiling['rps']:,.0f} req/s at {ceiling['connections']} connections (p99 "
        f"{ceiling['p99_ms']:.0f} ms). Seeded in {data['seed']['seed_s']} s: {counts['open_bills']:,} open bills, "
        f"{counts['network_payments']:,} network and {counts['cash_payments']:,} cash payments, "
        f"{counts['entries']:,} ledger entries, {counts['citizens']:,} citizens. Server CPU per notification "
        f"{cpu_ms(notify, 'server'):.2f} ms, PostgreSQL {cpu_ms(notify, 'postgres'):.2f} ms; per bill raised "
        f"{cpu_ms(raised, 'server'):.2f} ms and {cpu_ms(raised, 'postgres'):.2f} ms, the billers simulator "
        f"{raised.get('billers_cpu_ms', 0):.2f} ms.",
        "",
    ]
