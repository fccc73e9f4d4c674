"""Finding an application by its tracking number and the last four digits of its applicant's NIK.

Public tracking and the counter's "a citizen asks about their application" share it: the same
form, the same answer for a wrong pair and an unknown number, and the same limits — per asker
and per number as the lookup reads it (padding, case or separators give no fresh attempts).
"""

from django.utils.translation import gettext as _

from mpp.core.limits import over_limit

from .. import selectors
from ..forms import TrackForm
from ..models import normalise_tracking_number

ATTEMPTS_PER_NUMBER = "10/h"


def not_found(form: TrackForm) -> None:
    form.add_error(None, _("Tidak ada permohonan dengan nomor dan NIK itu."))


def look_up(request, *, group: str, asker: str, rate: str):
    """(the form, the application or None, the answer's status) for this request; on GET nothing is looked up.

    ``asker`` is django-ratelimit's key for who asks ("ip", "user"), limited to ``rate`` in ``group``.
    """
    form = TrackForm(request.POST or None)
    if request.method != "POST":
        return form, None, 200
    number = normalise_tracking_number(request.POST.get("tracking_number", "")[:200])
    if over_limit(request, f"{group}-{asker}", asker, rate) or over_limit(
        request, f"{group}-number", lambda *_: number, ATTEMPTS_PER_NUMBER
    ):
        form.add_error(None, _("Terlalu banyak percobaan. Coba lagi dalam satu jam."))
        return form, None, 429
    if not form.is_valid():
        return form, None, 400
    application = selectors.tracked(form.cleaned_data["tracking_number"], form.cleaned_data["nik_last4"])
    if application is None:
        not_found(form)
        return form, None, 404
    return form, application, 200
