"""The receipt of a payment: signed, in the payer's vault, verifiable by anyone at /verify/."""

from django.test import Client
from django.utils import timezone

from mpp.documents import validation
from mpp.documents.models import DocumentType, VaultDocument
from mpp.payments import receipt, services, tasks
from mpp.payments.models import Payment

from .conftest import give_code, raise_skck


def test_a_paid_bill_gets_one_signed_receipt_in_the_payers_vault(siti, polres, bank_settings):
    bill = give_code(raise_skck(siti, polres))
    paid_at = timezone.now()
    payment, _new = services.take_payment(
        services.Paid(bill.pay_code, "PAY-R1", 30000, paid_at, ntpn="0A1B2C3D4E5F6G7H"), now=paid_at
    )
    issued = receipt.issue_receipt(payment.pk)
    assert issued.document_type == DocumentType.BUKTI_BAYAR and issued.holder_name == "SITI RAHMAWATI"
    assert receipt.issue_receipt(payment.pk) == issued  # once
    assert Payment.objects.get(pk=payment.pk).receipt == issued
    assert VaultDocument.objects.filter(owner=siti, issued=issued).exists()
    verdict = validation.validate(issued.upload.file.open("rb").read())
    assert verdict.is_valid and verdict.intact and verdict.trusted
    page = Client().get(f"/verify/{issued.code}").content.decode()
    assert "Sah." in page and bill.number in page
    assert tasks.issue_receipts() == 0  # nothing left without a receipt
