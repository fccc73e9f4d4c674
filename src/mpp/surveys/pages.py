"""What each index page shows, put together from the selectors: scores, the chart and its table, the plan.

The views (and the portal, which shows a service's and a region's index on its own pages) parse and
authorize; this module decides the content, so every page shows the index the same way.
"""

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import charts, selectors
from .ikm import Scores
from .periods import Period, rolling


def default_period() -> Period:
    return rolling(timezone.localdate())


def element_chart(scores: Scores, label: str):
    """The per-element bar chart of ``scores`` (None without respondents)."""
    if not scores.respondents:
        return None
    items = tuple(
        (score.element.code, float(score.nrr) if score.nrr is not None else None) for score in scores.elements
    )
    return charts.element_bars(label, items, "," if get_language() != "en" else ".")


def region_page(region, period: Period) -> dict:
    """A region's public index page: its index, elements, services and agencies, open answers, the plan."""
    index = selectors.region_index(region.code, period)
    label = _("Nilai rata-rata per unsur, %(region)s, %(period)s") % {"region": region.name, "period": period.label()}
    return {
        "generation": selectors.generation(),
        "region": region,
        "period": period,
        "index": index,
        "scores": index.linked,
        "chart": element_chart(index.linked, label),
        "actions": selectors.actions_of(region.code, period),
    }


def national_page(period: Period) -> dict:
    index = selectors.national_index(period)
    label = _("Nilai rata-rata per unsur, semua daerah, %(period)s") % {"period": period.label()}
    return {
        "generation": selectors.generation(),
        "period": period,
        "index": index,
        "scores": index.total,
        "chart": element_chart(index.total, label),
    }


def service_block(service, period: Period | None = None) -> dict:
    """The index of one service over the last twelve months, for its public page."""
    period = period or default_period()
    linked, opened = selectors.service_scores(service.pk, period)
    label = _("Nilai rata-rata per unsur, %(service)s, %(period)s") % {
        "service": service.template.name,
        "period": period.label(),
    }
    return {"period": period, "scores": linked, "open": opened, "chart": element_chart(linked, label)}


def region_summary(region_code: str, period: Period | None = None) -> dict:
    """A region's index in a sentence, for the portal's region page."""
    period = period or default_period()
    return {"period": period, "scores": selectors.region_scores(region_code, period)}
