"""Bench-only: the queries of one payment notification and of one bill raised for a PBB or PDAM number, in-process.

Run by bench/payments_bench.py with the payments server's environment (the network's keys, the billers' URL),
before the load, with a JSON argument: the bank's client key, its secret and private key file, the open bills
(``payments_seed.py``'s lines) and the citizens and subjects set aside for it:

    python bench/payments_queries.py '<json>'

Through Django's test client, as the server would answer them: a token from ``/snap/v1.0/access-token/b2b``, then
each bill notified once (``/snap/v1.0/transfer-va/payment``); then each citizen raises a bill for their subject
(``/tagihan/bayar/``, ``step=bill``, signed in by ``force_login``), timing the billers' look-up in it
(``billers.due``, through the process's one HTTP client, ``mpp.core.http``). Prints
one JSON object: per kind, the statements of the last request with their times, its status, the median wall time
and SQL time.
"""

import functools
import json
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from mpp.identity.models import User  # noqa: E402
from mpp.payments import billers, snap  # noqa: E402

PATH = "/snap/v1.0/transfer-va/payment"


class Queries:
    """Each statement a request sends, with its time to the microsecond (CaptureQueriesContext rounds to the ms)."""

    def __init__(self):
        self.captured: list[dict] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.captured.append({"sql": sql, "ms": (time.perf_counter() - started) * 1000})


def timed(request) -> tuple[int, float, list[dict]]:
    queries = Queries()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        status = request()
        wall = (time.perf_counter() - started) * 1000
    return status, wall, queries.captured


def summary(runs: list[tuple[int, float, list[dict]]]) -> dict:
    status, _wall, queries = runs[-1]
    return {
        "status": status,
        "statuses": [run[0] for run in runs],
        "queries": len(queries),
        "writes": sum(1 for query in queries if query["sql"].lstrip().startswith(("INSERT", "UPDATE", "DELETE"))),
        "wall_ms": round(statistics.median(run[1] for run in runs), 1),
        "sql_ms": round(statistics.median(sum(query["ms"] for query in run[2]) for run in runs), 1),
        "sql": [query["sql"][:2000] for query in queries],
        "times_ms": [round(query["ms"], 2) for query in queries],
    }


def notifications(given: dict) -> dict:
    client = Client(HTTP_HOST="127.0.0.1")  # one: a new client would load the middleware again
    key = snap.load_private_key(open(given["private_key_file"], "rb").read())  # noqa: SIM115
    stamp = snap.timestamp(timezone.now())
    answer = client.post(
        "/snap/v1.0/access-token/b2b",
        data=snap.minified({"grantType": "client_credentials"}),
        content_type="application/json",
        headers={
            "X-TIMESTAMP": stamp,
            "X-CLIENT-KEY": given["client_key"],
            "X-SIGNATURE": snap.token_signature(key, given["client_key"], stamp),
        },
    )
    token = answer.json()["accessToken"]
    runs = []
    for n, body in enumerate(given["notifications"]):
        raw = snap.minified(body)
        stamp = snap.timestamp(timezone.now())
        headers = {
            "Authorization": f"Bearer {token}",
            "X-TIMESTAMP": stamp,
            "X-SIGNATURE": snap.call_signature(given["secret"], "POST", PATH, token, raw, stamp),
            "X-PARTNER-ID": given["client_key"],
            "X-EXTERNAL-ID": f"{given['external_id']}{n}",
            "CHANNEL-ID": "95221",
        }
        post = functools.partial(client.post, PATH, raw, "application/json", headers=headers)
        runs.append(timed(lambda post=post: post().status_code))
    return summary(runs)


def raised(given: dict) -> dict:
    """Each citizen raises a bill (one client, signed in as each in turn: a new client would load the middleware
    again), and how long the billers' look-up took in it (``billers.due``), and building httpx's client alone."""
    client = Client(HTTP_HOST="127.0.0.1")
    looked_up = []
    due = billers.due

    def timed_due(*args, **kwargs):
        started = time.perf_counter()
        try:
            return due(*args, **kwargs)
        finally:
            looked_up.append((time.perf_counter() - started) * 1000)

    runs = []
    billers.due = timed_due
    try:
        for user_id, system, number in given["raise"]:
            client.force_login(User.objects.get(pk=user_id))
            form = {"system": system, "number": number, "step": "bill"}
            runs.append(timed(lambda form=form: client.post("/tagihan/bayar/", form).status_code))
    finally:
        billers.due = due
    return summary(runs) | {"billers_due_ms": round(statistics.median(looked_up), 1)}


def main() -> None:
    given = json.loads(sys.argv[1])
    print(json.dumps({"notify": notifications(given), "raise_bill": raised(given)}))


if __name__ == "__main__":
    sys.exit(main())
