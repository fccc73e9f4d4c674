"""A service with a fee: the application waits for its bill (before processing, or once approved before its
result is released), its deadline stands still meanwhile, and the payment moves it on once."""

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from mpp.applications import billing, calendar, services, tasks
from mpp.applications.models import Application, Status
from mpp.catalog import services as catalog
from mpp.catalog.selectors import service_detail
from mpp.core.errors import Conflict, NotFound
from mpp.documents.models import IssuedDocument
from mpp.documents.tests import test_practice_permit as permit
from mpp.notifications.models import Notification
from mpp.payments import services as payments
from mpp.payments.models import BillState, Revenue

pytestmark = pytest.mark.django_db

# The practice permit's nurse, service and health office (fixtures), and its steps.
dewi, sip_service, health_officers = permit.dewi, permit.sip_service, permit.health_officers
approve, sip_form = permit.approve, permit.sip_form


def with_fee(service, payment: str):
    note = "Retribusi menurut Perda Kota Samarinda."
    catalog.adjust_service(
        service=service, adjustments={"fee": {"amount": 50000, "note": note, "payment": payment}}, by=None, note=""
    )
    return service_detail(service.pk)


def pay(bill, at, run_on_commit):
    """The network reports the bill paid (as its notification would); after the commit the application's move is
    queued for the worker, which runs it here."""
    bill.va_number = "880016472000000000001"
    bill.save(update_fields=["va_number"])
    with run_on_commit(execute=True):
        payments.take_payment(
            payments.Paid(pay_code=bill.va_number, network_reference=f"PAY-{bill.pk}", amount=bill.amount, paid_at=at),
            now=at,
        )
    queued = DBTaskResult.objects.filter(task_path="mpp.applications.tasks.move_paid_application")
    assert queued.count() == 1 and Application.objects.get(pk=bill.application_id).status == Status.WAITING_PAYMENT
    assert tasks.move_paid_application.call(str(bill.application_id)) is True


def test_paid_before_processing_the_worklist_gets_it_later_by_the_days_it_waited(
    dewi, sip_service, health_officers, django_capture_on_commit_callbacks
):
    service = with_fee(sip_service, "before")
    submitted = services.submit(applicant=dewi, service=service, data=sip_form(), submit_key="sip-fee").application
    assert submitted.status == Status.WAITING_PAYMENT and submitted.paused_at is not None
    bill = billing.open_bill(submitted)
    assert (bill.amount, bill.revenue, bill.payer) == (50000, Revenue.RETRIBUSI, dewi)
    assert "Kas Umum Daerah" in bill.receiving_account
    assert Notification.objects.filter(user=dewi, kind="payment_due").exists()
    verifier, _head = health_officers
    with pytest.raises(Conflict):  # not the officers' yet
        services.act(application_id=submitted.pk, officer=verifier, action="accept", expected_version=submitted.version)

    paid_at = calendar.deadline(submitted.submitted_at, 2, "Asia/Makassar") - dt.timedelta(hours=3)
    pay(bill, paid_at, django_capture_on_commit_callbacks)
    moved = Application.objects.get(pk=submitted.pk)
    assert moved.status == Status.IN_PROGRESS and moved.paused_at is None
    assert moved.due_at == calendar.extend(submitted.due_at, submitted.paused_at, paid_at, "Asia/Makassar")
    assert moved.due_at > submitted.due_at
    assert list(moved.events.values_list("action", flat=True)) == ["submit", "pay"]
    assert Notification.objects.filter(user=dewi, kind="paid").exists()
    approve(moved, *health_officers)
    assert IssuedDocument.objects.filter(application=moved).exists()


def test_paid_after_approval_the_result_is_released_once_paid(
    dewi, sip_service, health_officers, django_capture_on_commit_callbacks
):
    service = with_fee(sip_service, "after")
    submitted = services.submit(applicant=dewi, service=service, data=sip_form(), submit_key="sip-fee").application
    assert submitted.status == Status.IN_PROGRESS and billing.open_bill(submitted) is None
    waiting = approve(submitted, *health_officers)
    assert waiting.status == Status.WAITING_PAYMENT and not IssuedDocument.objects.filter(application=waiting).exists()
    bill = billing.open_bill(waiting)
    pay(bill, bill.issued_at + dt.timedelta(hours=1), django_capture_on_commit_callbacks)
    released = Application.objects.get(pk=waiting.pk)
    assert released.status == Status.APPROVED and released.decided_at is not None
    assert IssuedDocument.objects.filter(application=released).exists()
    # A second run (a duplicate, or the minute round after the task) changes nothing.
    assert services.after_payment(application_id=released.pk, bill=bill) is None
    assert services.move_paid() == 0


def test_an_expired_bill_is_renewed_by_its_applicant_only(dewi, sip_service, budi_like_other):
    service = with_fee(sip_service, "before")
    submitted = services.submit(applicant=dewi, service=service, data=sip_form(), submit_key="sip-fee").application
    bill = billing.open_bill(submitted)
    with pytest.raises(Conflict):
        services.renew_bill(application_id=submitted.pk, applicant=dewi)
    payments.expire(bill_id=bill.pk, now=bill.expires_at + dt.timedelta(seconds=1))
    with pytest.raises(NotFound):
        services.renew_bill(application_id=submitted.pk, applicant=budi_like_other)
    renewed = services.renew_bill(application_id=submitted.pk, applicant=dewi)
    assert renewed.state == BillState.OPEN and renewed.pk != bill.pk
    assert billing.open_bill(submitted) == renewed


@pytest.fixture
def budi_like_other(db):
    from mpp.identity.tests.factories import make_citizen

    return make_citizen("6472031111900001", level=2)


def test_the_application_page_shows_the_bill_to_its_payer_only(dewi, sip_service, budi_like_other, client):
    service = with_fee(sip_service, "before")
    submitted = services.submit(applicant=dewi, service=service, data=sip_form(), submit_key="sip-fee").application
    bill = billing.open_bill(submitted)
    page = f"/permohonan/{submitted.tracking_number}/"
    client.force_login(dewi)
    html = client.get(page).content.decode()
    assert "Rp50.000" in html and "sedang disiapkan" in html  # no network here: the code comes later
    bill.va_number, bill.qr_content = "880016472000000000001", "00020101021226"
    bill.save(update_fields=["va_number", "qr_content"])
    html = client.get(page).content.decode()
    assert "8800 1647 2000 0000 0000 1" in html and 'data-code="880016472000000000001"' in html
    assert "<svg" in html and "QRIS untuk membayar Rp50.000" in html
    assert client.post(f"{page}tagihan-baru/").status_code == 302  # still payable: refused with a message
    client.force_login(budi_like_other)
    assert client.get(page).status_code == 404
    assert client.post(f"{page}tagihan-baru/").status_code == 404


def test_permohonan_saya_lists_the_bills_waiting_for_payment(dewi, sip_service, client):
    service = with_fee(sip_service, "before")
    services.submit(applicant=dewi, service=service, data=sip_form(), submit_key="sip-fee")
    client.force_login(dewi)
    html = client.get("/permohonan/").content.decode()
    assert "Tagihan menunggu pembayaran" in html and "Rp50.000" in html and "Menunggu pembayaran" in html


@pytest.mark.parametrize(("kind", "amount"), [("biasa", 350000), ("elektronik", 650000)])
def test_a_passport_bills_the_tariff_of_the_kind_chosen_before_it_is_forwarded(siti, kind, amount):
    """Where the region connects the immigration system, the passport's PNBP follows the kind (Fee.amounts)."""
    from mpp.catalog.models import Mode, Service

    passport = Service.objects.get(region_id="64.72", template__slug="paspor")
    passport.mode = Mode.APPLICATION
    passport.save(update_fields=["mode"])
    data = {"passport_kind": kind, "kantor_imigrasi": "kanim-samarinda", "purpose": "wisata", "truth": "on"}
    submitted = services.submit(
        applicant=siti, service=service_detail(passport.pk), data=data, submit_key=f"paspor-{kind}"
    ).application
    assert submitted.status == Status.WAITING_PAYMENT
    bill = billing.open_bill(submitted)
    assert (bill.amount, bill.revenue) == (amount, Revenue.PNBP)
