"""The region's revenue treasurer: what was collected (a chart by day and a table by agency, service, revenue and
channel, as CSV or XLSX), the cash taken at counters, the daily reconciliation with the bank and the mismatches to
resolve. Another region's treasurer, or anyone else, gets a 404."""

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mpp.core import exports
from mpp.core.errors import DomainError
from mpp.identity.access import officer_required

from .. import access, charts, reconciliation, selectors

#: The longest period a report covers.
MAX_DAYS = 366


def _regions(request) -> list[str]:
    regions = access.treasurer_regions(request.user)
    if not regions:
        raise Http404
    return regions


def _period(request) -> tuple[dt.date, dt.date, str]:
    """The period asked for (``dari``, ``sampai``, both dates), by default this month so far; and a problem."""
    today = timezone.localdate()
    start, end = today.replace(day=1), today
    try:
        start = dt.date.fromisoformat(request.GET.get("dari") or start.isoformat())
        end = dt.date.fromisoformat(request.GET.get("sampai") or end.isoformat())
    except ValueError:
        return today.replace(day=1), today, _("Tanggal tidak dikenali: ditampilkan bulan ini.")
    if end < start or (end - start).days >= MAX_DAYS:
        return today.replace(day=1), today, _("Periode paling panjang satu tahun, dari tanggal awal ke akhir.")
    return start, end, ""


@officer_required
def report(request):
    regions = _regions(request)
    start, end, problem = _period(request)
    by_day = selectors.collected_by_day(regions, start, end)
    rows = selectors.collected(regions, start, end)
    context = {
        "start": start,
        "end": end,
        "problem": problem,
        "rows": rows,
        "total": sum(row.amount for row in rows),
        "by_day": by_day,
        "chart": charts.collected_by_day(_("Penerimaan per hari (rupiah)"), tuple(by_day)),
        "cash": selectors.cash_on(regions, start, end),
        "mismatches": selectors.open_mismatches(regions),
        "settlements": selectors.recent_settlements(),
    }
    return render(request, "payments/treasurer.html", context, status=400 if problem else 200)


def _header() -> list[str]:
    return [_("Instansi"), _("Layanan"), _("Jenis penerimaan"), _("Kanal"), _("Jumlah transaksi"), _("Jumlah (rupiah)")]


@officer_required
def export(request, extension):
    regions = _regions(request)
    if extension not in ("csv", "xlsx"):
        raise Http404
    start, end, _problem = _period(request)
    rows = [
        [r.agency, r.service, r.revenue, r.channel, r.payments, r.amount]
        for r in selectors.collected(regions, start, end)
    ]
    name = f"penerimaan-{start.isoformat()}-{end.isoformat()}.{extension}"
    if extension == "xlsx":
        body = exports.as_xlsx(_header(), rows, sheet=_("Penerimaan"), title=name, widths={"A": 40, "B": 40})
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, kind = exports.as_csv(_header(), rows), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@officer_required
@require_POST
def resolve(request, mismatch_id):
    regions = _regions(request)
    try:
        reconciliation.resolve(
            mismatch_id=mismatch_id,
            officer=request.user,
            regions=regions,
            resolution=request.POST.get("resolution", ""),
        )
    except DomainError as refused:
        if refused.status_code == 404:
            raise Http404 from None
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Selisih ditandai selesai."))
    return redirect("payments:treasurer")
