"""What the application's workflow knows about payment.

A service whose standard states a fee raises a bill (``mpp.payments``) either when the application is submitted,
before the agency processes it, or when it is approved, before its result is released (``Fee.payment``). Either
way the application waits in ``WAITING_PAYMENT`` and its deadline stands still, as in a revision; the payment
(``payments.services.bill_paid``, heard by ``services.on_bill_paid``) moves it on: into the agency's worklist,
or to its signed result. A state fee (vertical agencies: PNBP) gets a billing code, a regional fee (retribusi) a
virtual account; the population services are free by law and never get a bill.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from mpp.payments import services as payments
from mpp.payments.models import Bill, BillState, Revenue
from mpp.villages.selectors import village_fee

from . import calendar
from .models import Application

#: Working days a bill stays payable (to the end of the last one, in the region's time).
PAYABLE_WORKING_DAYS = 3


def fee_of(application: Application):
    """The fee of the application's standard (its ``amount`` and ``payment``: before or after)."""
    return application.service_version.parsed.fee


def amount_of(application: Application) -> int:
    """What the application pays: a village's own fee for its letter (set by its Perdes), else the standard's
    amount, or that of the tariff the citizen chose (``Fee.amount_by``)."""
    if application.agency.village_id:
        own = village_fee(application.agency.village_id, application.service.template.slug)
        if own is not None:
            return own
    return fee_of(application).amount_for(application.data)


def needs_payment(application: Application, when: str) -> bool:
    fee = fee_of(application)
    return amount_of(application) > 0 and fee.payment == when and not payments.free_by_law(application.agency)


def raise_for(application: Application, *, now) -> Bill:
    """The application's bill for its service's fee, payable for a few working days."""
    agency = application.agency
    revenue = Revenue.PNBP if agency.kind.is_vertical else Revenue.RETRIBUSI
    region = application.region
    with translation.override(settings.LANGUAGE_CODE):  # the bill's texts are records, in Indonesian
        service = application.service.template.name
        if revenue == Revenue.PNBP:
            account = _("Kas Negara: PNBP %(agency)s") % {"agency": agency.kind.name}
        else:
            account = _("Rekening Kas Umum Daerah %(region)s") % {"region": region.name}
        title = _("%(service)s, permohonan %(number)s") % {"service": service, "number": application.tracking_number}
    expires_at = calendar.deadline(now, PAYABLE_WORKING_DAYS, region.time_zone)
    return payments.raise_bill(
        region=region,
        agency=agency,
        payer=application.applicant,
        payer_name=application.applicant.get_full_name() or application.beneficiary_name or service,
        title=title,
        revenue=revenue,
        receiving_account=account,
        items=[payments.Item(service, amount_of(application))],
        expires_at=expires_at,
        application=application,
        now=now,
    )


def open_bill(application: Application) -> Bill | None:
    """The application's bill waiting to be paid, if any."""
    return Bill.objects.filter(application=application, state=BillState.OPEN).first()
