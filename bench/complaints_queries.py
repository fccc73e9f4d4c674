"""Bench-only: the queries one complaint filing costs, counted in-process.

Run by bench/complaints_bench.py with the benchmark's environment, after the seed and VACUUM ANALYZE,
before the server starts (nothing else loads the machine):

    python bench/complaints_queries.py '{"citizen_id": …, "region": "64.72", "service": "<uuid>", "form": […]}'

Files one complaint as the load does (the same fields, a citizen the load does not use) with Django's test
client (applications_queries.py's), counts its queries with CaptureQueriesContext and times a few more
filings (median wall and SQL ms). Prints one JSON object on stdout.
"""

import json
import statistics
import sys
import uuid

from applications_queries import capture, signed_in

from mpp.identity.models import User

FILINGS = 7


def main() -> None:
    given = json.loads(sys.argv[1])
    client = signed_in(User.objects.get(pk=given["citizen_id"]))
    path = f"/pengaduan/baru/{given['region']}/"
    runs = []
    for _ in range(1 + FILINGS):
        data = dict(given["form"]) | {"service": given["service"], "submit_key": uuid.uuid4().hex}
        runs.append(capture(client, "post", path, data))
    status, queries, _ms = runs[0]  # the first: connection and caches as cold as a worker's first
    later = runs[1:]
    print(
        json.dumps(
            {
                "status": status,
                "statuses": sorted({run[0] for run in later}),
                "queries": len(queries),
                "writes": sum(1 for query in queries if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))),
                "wall_ms": round(statistics.median(ms for _status, _queries, ms in later), 1),
                "sql_ms": round(
                    statistics.median(sum(float(query["time"]) for query in run[1]) * 1000 for run in later), 1
                ),
                "sql": [query["sql"] for query in queries],
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
