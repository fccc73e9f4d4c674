"""What each statistics page shows, put together from the selectors: figures, comparisons, charts, rankings.

The views parse and authorize; this module decides the page's content, so the ministry's and the
region manager's dashboards and the public page stay one design with three audiences.
"""

from collections import Counter
from functools import cached_property

from django.core.cache import cache
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from mpp.applications.models import Channel
from mpp.monitoring.selectors import dashboard_summary
from mpp.onboarding.models import Stage
from mpp.onboarding.selectors import stage_counts
from mpp.payments.selectors import collected_by_region
from mpp.regions.models import Level

from . import charts, selectors
from .comparisons import cards
from .measures import Measures
from .periods import Period
from .selectors import Dashboard, Row, Scope, generation

#: The ranking's orders (``forms.ORDERS``): the measure, and whether more is ranked first.
ORDERS = {
    "diterima": ("received", True),
    "diputus": ("decided", True),
    "belum": ("pending", True),
    "tepat": ("on_time_share", True),
    "median": ("median_days", False),
    "terlambat": ("overdue", True),
}
#: The ranking table's measure columns: (order key, heading); a column without a key is not an order.
COLUMNS = [
    ("diterima", gettext_lazy("Diterima")),
    ("diputus", gettext_lazy("Diputus")),
    ("belum", gettext_lazy("Belum diputus")),
    ("tepat", gettext_lazy("Dalam batas waktu")),
    ("median", gettext_lazy("Median hari kerja")),
    ("", gettext_lazy("P90 hari kerja")),
]
STAFF_COLUMNS = [*COLUMNS, ("terlambat", gettext_lazy("Terlambat saat ini"))]
#: How long computed figures are shared between readers (the refresh runs once a minute).
CACHE_SECONDS = 60
#: The processing-time chart groups the long tail in its last bar.
DAYS_SHOWN = 20


def staff_page(the_scope: Scope, period: Period, *, order: str, audience: str) -> dict:
    """The dashboard of the ministry (``audience`` "ministry") or of a region's manager ("manager")."""
    board = _cached("board", the_scope, period, lambda: selectors.dashboard(the_scope, period))
    medians = None
    if audience == "manager":
        national = Scope(None, the_scope.template)
        medians = _cached("medians", national, period, lambda: selectors.regions_compared(the_scope, period))
    context = {
        **_common(board),
        "cards": cards(board.current, board.before, medians),
        "rows": ranked(board.rows, order),
        "columns": STAFF_COLUMNS,
        "order": order,
        "audience": audience,
    }
    if audience == "ministry" and the_scope.level < Level.REGENCY and the_scope.template is None:
        context["panels"] = Panels(the_scope, board.rows, period)
    return context


class Panels:
    """The ministry's panels beside the figures: regions by onboarding stage, the latest monev round, and the
    money collected in the period. Read when the page is rendered, not when its cached copy is served."""

    def __init__(self, the_scope: Scope, rows: list[Row], period: Period):
        self.scope, self.rows, self.period = the_scope, rows, period

    @cached_property
    def collected(self) -> list:
        """What the regions in scope collected in the period (payments' aggregate table), the most first."""
        return collected_by_region(self.period.start, self.period.end, prefix=self.scope.region_code or "")

    @cached_property
    def stages(self) -> list[tuple[str, int]]:
        counts = stage_counts(province_code=self.scope.region_code or None)
        return [(str(Stage(value).label), n) for value, n in counts.items()]

    @cached_property
    def stages_chart(self):
        return charts.bars(_("Kabupaten/kota menurut tahap bergabung dengan MPP Digital"), tuple(self.stages))

    @cached_property
    def monev(self) -> dict:
        return dashboard_summary(_region_codes(self.scope, self.rows))


def public_page(the_scope: Scope, period: Period) -> dict:
    """The public statistics of the nation, a province or a kabupaten/kota: counts, timeliness, processing
    times. Nothing about a person: every figure counts applications."""
    board = _cached("public", the_scope, period, lambda: selectors.dashboard(the_scope, period, overdue=False))
    return {
        **_common(board),
        "cards": [card for card in cards(board.current, board.before) if not card.is_live],
        "rows": ranked(board.rows, "diterima"),
        "columns": COLUMNS,
    }


def _cached(kind: str, the_scope: Scope, period: Period, compute):
    """The figures of a scope and period, computed once for everyone who asks within CACHE_SECONDS.

    They change only when the worker's refresh counts something new (once a minute at most), which
    bumps the generation in every key; overdue-now moves with the clock, so nothing is kept longer.
    """
    parts = (kind, the_scope.region_code, the_scope.template_slug, period.kind, period.start, period.end)
    key = f"statistics:{generation()}:{get_language()}:{':'.join(map(str, parts))}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


def ranked(rows: list[Row], order: str) -> list[Row]:
    """The rows by the chosen measure (best first); rows without a value last, then by name."""
    name, more_first = ORDERS.get(order, ORDERS["diterima"])

    def key(row: Row):
        value = row.measures.value(name)
        if value is None:
            return (1, 0, row.name)
        return (0, -value if more_first else value, row.name)

    return sorted(rows, key=key)


def _common(board: Dashboard) -> dict:
    current, label = board.current, board.period.label()
    channels = [(str(Channel(code).label), current.channels.get(code, 0)) for code in Channel.values]
    days = _days_shown(current)
    return {
        "generation": generation(),
        "board": board,
        "scope": board.scope,
        "period": board.period,
        "previous": board.previous,
        "channels": channels,
        "days": days,
        "permits": (current.permits, board.before.permits),
        "trend_chart": charts.lines(
            _("Permohonan diterima dan diputus, %(period)s") % {"period": label},
            tuple(point for point, _received, _decided in board.trend),
            (
                (_("Diterima"), tuple(received for _point, received, _decided in board.trend)),
                (_("Diputus"), tuple(decided for _point, _received, decided in board.trend)),
            ),
        ),
        "channels_chart": charts.bars(
            _("Permohonan diterima menurut kanal, %(period)s") % {"period": label}, tuple(channels)
        ),
        "days_chart": charts.bars(
            _("Keputusan menurut lama proses dalam hari kerja, %(period)s") % {"period": label},
            tuple(days),
            horizontal=False,
        ),
    }


def _days_shown(measures: Measures) -> list[tuple[str, int]]:
    """Decisions by working days taken: 0 to DAYS_SHOWN - 1 one by one, the rest together."""
    days: Counter = measures.days
    if not days:
        return []
    last = min(max(days), DAYS_SHOWN)
    shown = [(str(day), days.get(day, 0)) for day in range(last)]
    tail = sum(n for day, n in days.items() if day >= last)
    shown.append((f"≥ {last}" if last == DAYS_SHOWN else str(last), tail))
    return shown


def _region_codes(the_scope: Scope, rows: list[Row]) -> set[str] | None:
    """The kabupaten/kota codes of the scope, for the monev panel (None: the nation)."""
    if the_scope.region is None:
        return None
    return {row.code for row in rows}
