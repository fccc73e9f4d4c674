"""The receipt of a payment (bukti bayar): what was paid, for what, to which account, by which channel, with the
state's receipt number (NTPN) for a state fee; signed like every issued document, kept in the payer's vault and
verifiable at /verify/<code>."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from mpp.catalog.templatetags.catalog import rupiah
from mpp.core import clock
from mpp.documents.models import DocumentType, IssuedDocument, new_verification_code
from mpp.documents.rendering import RenderedContent, verification_url
from mpp.documents.services import issue_signed

from .models import Payment

TITLE = "BUKTI PEMBAYARAN"


def _content(payment: Payment, code: str) -> RenderedContent:
    bill = payment.bill
    region = bill.region
    paid = clock.local_time(payment.paid_at, region)
    fields = [
        ("Nomor tagihan", bill.number),
        ("Untuk", bill.title),
        ("Pembayar", bill.payer_name),
        ("Jumlah", f"Rp{rupiah(payment.amount)}"),
        ("Dibayar", paid),
        ("Kanal", payment.get_channel_display()),
        ("Rekening penerima", bill.receiving_account),
    ]
    if bill.pay_code:
        fields.append(("Kode billing" if bill.billing_code else "Nomor virtual account", bill.pay_code))
    if payment.ntpn:
        fields.append(("NTPN", payment.ntpn))
    if payment.bank_reference:
        fields.append(("Referensi bank", payment.bank_reference))
    if payment.cash_receipt_number:
        fields.append(("Nomor kuitansi tunai", payment.cash_receipt_number))
    return RenderedContent(
        issuer=("MAL PELAYANAN PUBLIK DIGITAL", f"PEMERINTAH {region.name.upper()}"),
        title=TITLE,
        number=f"BB/{bill.number}",
        issued_at=clock.in_zone(payment.paid_at, region).date(),
        place=region.name.upper().removeprefix("KOTA ").removeprefix("KABUPATEN ").title(),
        official_name="MPP Digital",
        official_position="Bukti pembayaran elektronik",
        verification_url=verification_url(code),
        verification_code=code,
        fields=fields,
        table_header=("No", "Uraian", "Jumlah"),
        table_rows=[(str(item.position), item.description, f"Rp{rupiah(item.amount)}") for item in bill.items.all()],
        extra_lines=("Bukti ini sah tanpa tanda tangan basah: periksa keasliannya di alamat verifikasi.",),
    )


@transaction.atomic
def issue_receipt(payment_id, *, now=None) -> IssuedDocument | None:
    """The payment's signed receipt, made once and put in the payer's vault (None for an unknown payment)."""
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("bill__region", "bill__payer", "receipt")
        .filter(pk=payment_id)
        .first()
    )
    if payment is None or payment.receipt is not None:
        return None if payment is None else payment.receipt
    bill = payment.bill
    code = new_verification_code()
    with translation.override(settings.LANGUAGE_CODE):
        receipt = issue_signed(
            owner=bill.payer,
            rendered=_content(payment, code),
            document_type=DocumentType.BUKTI_BAYAR,
            title=TITLE,
            issuer="MPP Digital",
            holder_name=bill.payer_name,
            region=bill.region,
            key_fields=[("Nomor tagihan", bill.number), ("Jumlah", f"Rp{rupiah(payment.amount)}")],
            file_name=f"bukti-bayar-{bill.number}.pdf",
            vault_title=f"Bukti pembayaran · {bill.title}",
            now=now or timezone.now(),
        )
    Payment.objects.filter(pk=payment.pk).update(receipt=receipt)
    return receipt
