"""What the benchmark measures and the targets it is held to (from the performance issue)."""

from dataclasses import dataclass

PILOT_REGION = "64.72"  # Kota Samarinda, a pilot region with a seeded MPP
MIN_SHARE_OF_CEILING = 0.60
MAX_P99_MS = 50.0
MAX_WORKER_RSS_MB = 150.0
MAX_REGION_LOAD_S = 30.0


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str  # may hold {service_id}
    targeted: bool = False  # held to MIN_SHARE_OF_CEILING and MAX_P99_MS


CEILING = Scenario("ceiling", "/healthz")
SCENARIOS = [
    CEILING,
    Scenario("api_region_services", f"/api/v1/regions/{PILOT_REGION}/services", targeted=True),
    Scenario("region_page", f"/wilayah/{PILOT_REGION}/", targeted=True),
    Scenario("service_page", "/layanan/{service_id}/"),
    Scenario("home", "/"),
    Scenario("api_regions_pilot", "/api/v1/regions?pilot=true"),
]

# The same pages with the public response cache off: what a cache miss costs (recorded only).
UNCACHED = [
    Scenario("api_region_services_uncached", f"/api/v1/regions/{PILOT_REGION}/services"),
    Scenario("region_page_uncached", f"/wilayah/{PILOT_REGION}/"),
    Scenario("service_page_uncached", "/layanan/{service_id}/"),
]

TARGET_TEXT = f"≥ {MIN_SHARE_OF_CEILING:.0%} of ceiling, p99 < {MAX_P99_MS:.0f} ms"

# Issue #16: the server's CPU per request (its workers' CPU over the requests they answered) of these scenarios,
# in ms, each with a profiling pass after its measured run (bench/profiles.py).
CPU_BUDGETS_MS = {
    "submit_application": 5.0,
    "officer_worklist": 5.0,
    "citizen_dashboard": 4.0,
    "region_page_uncached": 4.0,
    "service_page_uncached": 4.0,
    "oidc_token": 3.0,
}

# Statistics (issue #13): the dashboards and the public page over one quarter (the last whole one), read
# from the aggregate tables at as many connections as the server has threads, the public page with its
# response cache off (its cost, not the cache's); the worker's refresh and the rebuilds, timed in-process.
STATISTICS_CONNECTIONS = 4
MAX_REFRESH_S = 10.0
REFRESH_EVENTS = 10_000
MAX_YEAR_REBUILD_S = 300.0


@dataclass(frozen=True)
class StatisticsScenario:
    name: str
    path: str  # holds {year} and {quarter}
    user: str  # "ministry", "manager" (of PILOT_REGION), or "" for an anonymous visitor
    max_p95_ms: float


_QUARTER = "periode=triwulan&tahun={year}&triwulan={quarter}"
STATISTICS_SCENARIOS = [
    StatisticsScenario("statistics_national_quarter", f"/kementerian/?{_QUARTER}", "ministry", 100.0),
    StatisticsScenario(
        "statistics_region_dashboard", f"/pengelola/statistik/?wilayah={PILOT_REGION}&{_QUARTER}", "manager", 50.0
    ),
    StatisticsScenario("statistics_public_region", f"/statistik/{PILOT_REGION}/?{_QUARTER}", "", 50.0),
]


def statistics_path(scenario: StatisticsScenario, quarter) -> str:
    """The scenario's path for ``quarter`` (a statistics Period, or its first day)."""
    start = getattr(quarter, "start", quarter)
    return scenario.path.format(year=start.year, quarter=(start.month - 1) // 3 + 1)


def failure(row: dict) -> str | None:
    """Why a run's numbers cannot be trusted (a first GET other than 200, error responses, socket errors)."""
    problems = []
    if row["check_status"] != 200:
        problems.append(f"GET returned {row['check_status']}")
    if row["non_2xx"]:
        problems.append(f"{row['non_2xx']} non-2xx")
    socket_errors = sum(row["socket_errors"].values())
    if socket_errors:
        problems.append(f"{socket_errors} socket errors")
    return ", ".join(problems) or None


def judge(scenario: Scenario, row: dict, ceiling_rps: float) -> dict:
    """The row with its share of the ceiling, its failure if any, and whether it met its target."""
    share = row["rps"] / ceiling_rps if ceiling_rps else 0.0
    failed = failure(row)
    met = None
    if scenario.targeted:
        met = failed is None and share >= MIN_SHARE_OF_CEILING and row["p99_ms"] < MAX_P99_MS
    return {**row, "share_of_ceiling": round(share, 3), "failure": failed, "target_met": met}


# Surveys (SKM/IKM, mpp.surveys): answering at the MPP's kiosk with a counter code, at the load's usual
# connections, held to its p99; and, with a million answers seeded, a region's index page and every region's
# table, at as many connections as the server has threads, the response cache off (their cost, not the cache's).
SURVEY_SUBMIT_CONNECTIONS = 32
MAX_SURVEY_SUBMIT_P99_MS = 100.0
SURVEY_PAGE_CONNECTIONS = 4
#: (name, path, p95 target in ms)
SURVEY_PAGES = [
    ("survey_region_index", f"/ikm/{PILOT_REGION}/", 50.0),
    ("survey_national_index", "/ikm/", 100.0),
]

# The physical MPP's queue (issue #15, mpp.queueing), in Kota Samarinda's MPP: a walk-in's ticket at the kiosk and
# booking a slot at the load's usual connections, 20 officers calling the next visitor at once, each held to its
# p99; and 500 display boards and phones polling one MPP's board, a call reaching every one of them within 2 s.
QUEUE_TICKET_CONNECTIONS = 32
MAX_QUEUE_TICKET_P99_MS = 50.0
QUEUE_CALL_CONNECTIONS = 20  # one per officer, each at a counter of their own
MAX_QUEUE_CALL_P99_MS = 50.0
#: Tickets waiting in Disdukcapil's line: far more than 20 officers call during a run.
QUEUE_WAITING = 200_000
QUEUE_BOOKING_CONNECTIONS = 32
MAX_QUEUE_BOOKING_P99_MS = 100.0
QUEUE_BOOKINGS_HELD = 10_000
QUEUE_BOOKING_HOLDERS = 5_000
#: The board's clients (its screens and the visitors' phones), each polling once a second after its last answer.
QUEUE_DISPLAY_CLIENTS = 500
QUEUE_DISPLAY_POLL_MS = 1000
#: The probe calls the next visitor this often and reads the board this often until the call shows.
QUEUE_PROBE_CALL_S = 2.0
QUEUE_PROBE_POLL_MS = 50
MAX_QUEUE_DISPLAY_S = 2.0
#: The board's scenario runs at another MPP (Kota Surakarta's), with a morning's line made through the real
#: services, instead of the 200,000 tickets bulk-inserted above for the calls.
QUEUE_DISPLAY_REGION = "33.72"
